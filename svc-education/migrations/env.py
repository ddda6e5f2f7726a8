from shared.migrations import run_migrations
from svc_education.models import Base

run_migrations(Base.metadata)
