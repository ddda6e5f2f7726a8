from shared.migrations import run_migrations
from svc_networks.models import Base

run_migrations(Base.metadata)
