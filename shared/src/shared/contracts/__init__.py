"""Every event contract, importable in one place so the registry is complete."""

from shared.contracts import education, grants, guidance, networks

__all__ = ["education", "grants", "guidance", "networks"]
