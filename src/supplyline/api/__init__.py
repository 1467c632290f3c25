"""The HTTP API (FastAPI): every capability of the CLI under /api/v1/, calling the same
service functions, with multi-party access control decided by ``domain.access``."""

from .app import create_app

__all__ = ["create_app"]
