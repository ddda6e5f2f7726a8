from svc_education.app import SERVICE

SERVICE.main()
