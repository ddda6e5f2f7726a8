from shared.migrations import run_migrations
from svc_guidance.models import Base

run_migrations(Base.metadata)
