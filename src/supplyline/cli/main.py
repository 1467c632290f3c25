"""Entry point: assembles the command modules onto one Typer app."""

from __future__ import annotations

from . import allocation, demo, entities, interchange, ledger, planning, reports, serve, tokens, transparency  # noqa: F401
from .app import app

__all__ = ["app"]

if __name__ == "__main__":  # pragma: no cover
    app()
