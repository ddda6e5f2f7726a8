"""Every event contract, importable in one place so the registry is complete."""

from shared.contracts import education

__all__ = ["education"]
