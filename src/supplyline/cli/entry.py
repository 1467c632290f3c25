"""The ``supplyline`` program: imports the command modules the command line names, no others.

``cli.main`` imports every command module (the whole tree, for ``--help`` and for tests that
run any command). Run from the shell naming one command or group, only the modules that
register its commands are imported (``MODULES``; tests/test_cli_startup.py holds the table to
the whole tree), and of a group's modules only those up to the one registering the named
subcommand: `pledge list` does not pay for the other commands' modules.
"""

from __future__ import annotations

import gc
import importlib
import sys
from typing import TYPE_CHECKING

from .app import _command_named

if TYPE_CHECKING:
    import typer

#: the command or group a command line names -> the modules (in cli/) registering its
#: commands, the group's own module first
MODULES: dict[str, tuple[str, ...]] = {
    "allocate": ("allocation",),
    "demo": ("demo",),
    "init": ("ledger",),
    "verify": ("ledger",),
    "rebuild": ("ledger",),
    "events": ("ledger",),
    "serve": ("serve",),
    "todo": ("todo",),
    "checkpoint": ("transparency",),
    "reveal": ("transparency",),
    "proof": ("transparency",),
    "key": ("transparency",),
    "publish": ("transparency",),
    "audit": ("transparency", "evidence"),
    "report": ("reports", "interchange", "enduse", "evidence", "lists", "money", "amendments"),
    "party": ("parties",),
    "fx": ("fx",),
    "requirement": ("requirements", "lists"),
    "pledge": ("pledges", "money"),
    "package": ("packages", "agreement"),
    "contract": ("contracts", "money", "amendments"),
    "facility": ("production", "planning"),
    "order": ("production", "planning"),
    "shipment": ("shipments",),
    "import": ("interchange",),
    "export": ("interchange",),
    "plan": ("planning",),
    "token": ("tokens",),
    "witness": ("witness",),
    "serials": ("enduse",),
    "site": ("enduse",),
    "serial": ("enduse",),
    "disposition": ("enduse",),
    "check": ("enduse", "money"),
    "custody": ("custody",),
    "document": ("evidence",),
    "finding": ("evidence",),
    "subscription": ("notify",),
    "notify": ("notify",),
    "list": ("lists",),
}


def run() -> None:
    """The console script's entry point."""
    argv = sys.argv[1:]
    named = _command_named(argv)
    modules = MODULES.get(named or "")
    # as in cli.main: the imported objects live as long as the process, so the collector is
    # held off while they are made and then told to skip them
    collecting = gc.isenabled()
    gc.disable()
    if named is None or modules is None:  # --help, no command or a misspelt one: the whole tree
        from .main import app
    else:
        from .app import app

        _import_for(app, named, modules, _next_word(argv, named))
    gc.freeze()
    if collecting:
        gc.enable()
    app()


def _import_for(app: typer.Typer, named: str, modules: tuple[str, ...], subcommand: str | None) -> None:
    """The group's modules in turn, until one has registered ``subcommand`` (all of them when
    the line names none, asks for the group's help or names one that is not there)."""
    for module in modules:
        importlib.import_module(f"{__package__}.{module}")
        group = next((info.typer_instance for info in app.registered_groups if info.name == named), None)
        if group is None or subcommand is None:
            continue
        names = {info.name for info in group.registered_groups}
        names |= {
            info.name or (info.callback.__name__.replace("_", "-") if info.callback else None)
            for info in group.registered_commands
        }
        if subcommand in names:
            return


def _next_word(argv: list[str], named: str) -> str | None:
    """The word after the command or group named: a subcommand, unless it is an option."""
    after = argv[argv.index(named) + 1 :]
    return after[0] if after and not after[0].startswith("-") else None
