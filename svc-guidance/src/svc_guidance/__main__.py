from svc_guidance.app import SERVICE

SERVICE.main()
