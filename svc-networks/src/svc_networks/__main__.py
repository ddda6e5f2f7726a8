from svc_networks.app import SERVICE

SERVICE.main()
