"""Entry point: assembles the command modules onto one Typer app."""

from __future__ import annotations

import gc

# Importing the commands makes some ten thousand objects that live as long as the process:
# the collector is held off while they are made and then told to skip them (a third of the
# start-up time otherwise goes to scanning them again and again).
_collecting = gc.isenabled()
gc.disable()

# isort: off
# Importing a module registers its commands, and `supplyline --help` lists them in that
# order: the records from party to shipment come together, in the order they are made.
from . import allocation, demo  # noqa: F401 - imported to register its commands
from . import parties, fx, requirements, pledges, packages, contracts, production, shipments  # noqa: F401 - imported to register its commands
from . import interchange, ledger, planning, reports, serve, tokens, transparency, witness  # noqa: F401 - imported to register its commands
from . import enduse, custody  # noqa: F401 - imported to register its commands
from . import evidence, notify, todo  # noqa: F401 - imported to register its commands
from . import agreement  # noqa: F401 - imported to register its commands
from . import lists  # noqa: F401 - imported to register its commands
from . import money  # noqa: F401 - imported to register its commands (on the pledge, contract and report groups)
from . import amendments  # noqa: F401 - imported to register its commands (on the contract and report groups)

# isort: on
from .app import app

gc.freeze()
if _collecting:
    gc.enable()

__all__ = ["app"]

if __name__ == "__main__":  # pragma: no cover
    app()
