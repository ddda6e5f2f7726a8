from svc_grants.app import SERVICE

SERVICE.main()
