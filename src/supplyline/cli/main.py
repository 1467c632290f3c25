"""Entry point: assembles the command modules onto one Typer app."""

from __future__ import annotations

from . import demo, entities, interchange, ledger, planning, reports, serve, tokens  # noqa: F401  (each registers its commands)
from .app import app

__all__ = ["app"]

if __name__ == "__main__":  # pragma: no cover
    app()
