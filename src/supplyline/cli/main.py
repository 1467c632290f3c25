"""Entry point: assembles the command modules onto one Typer app."""

from __future__ import annotations

from . import demo, entities, ledger, reports, transparency  # noqa: F401  (each registers its commands)
from .app import app

__all__ = ["app"]

if __name__ == "__main__":  # pragma: no cover
    app()
