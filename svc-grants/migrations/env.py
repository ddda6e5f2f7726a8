from shared.migrations import run_migrations
from svc_grants.models import Base

run_migrations(Base.metadata)
