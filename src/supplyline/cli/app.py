"""The Typer application object, its global options, and the refusal-to-exit-code mapping.

Command modules import ``app`` (or create sub-apps and add them here) and reach the store
through ``state(ctx)``; nothing else is shared between them.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import typer
from typer.core import TyperGroup

from ..domain.errors import Refused
from . import plain_options
from .lazy import lazy
from .render import BAD_INPUT, errors

plain_options.install()

if TYPE_CHECKING:
    from .. import settings as settings_module
    from ..services import context
    from ..store import eventstore
else:
    # the ledger's code, loaded when a command opens it, not for `--help`
    settings_module = lazy("supplyline.settings")
    context = lazy("supplyline.services.context")
    eventstore = lazy("supplyline.store.eventstore")


def _warn(message: str) -> None:
    """A witness that did not cosign: the write stands, the operator is told."""
    errors.print(f"warning: {message}", markup=False, highlight=False, soft_wrap=True)


class _Group(TyperGroup):
    """The CLI's one error boundary: every refusal raised below, and every path, number or
    file the operating system or a parser could not take, becomes a message on stderr and
    exit code 2, never a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except Refused as exc:
            _exit(f"refused: {exc.message}")
        except OSError as exc:  # a path that is missing, a directory, not writable…
            where = f" {exc.filename}" if exc.filename else ""
            _exit(f"refused:{where}: {exc.strerror or exc}")
        except RecursionError:
            _exit("refused: the input is nested too deeply to read")
        except (ValueError, OverflowError, MemoryError) as exc:  # a number or a file a parser could not take
            _exit(f"refused: {str(exc) or type(exc).__name__}")
        except Exception as exc:
            reason = _database_error(exc)
            if reason is None:
                raise
            _exit(f"database error: {reason}")


def _database_error(exc: Exception) -> object | None:
    """What the database driver said, when ``exc`` is SQLAlchemy's OperationalError. Looked up
    where it already is: SQLAlchemy is loaded by the commands that open the database, and an
    error raised before that cannot be one of its."""
    loaded = sys.modules.get("sqlalchemy.exc")
    return exc.orig if loaded is not None and isinstance(exc, loaded.OperationalError) else None


def _exit(message: str) -> NoReturn:
    errors.print(message, markup=False, highlight=False)
    raise typer.Exit(BAD_INPUT) from None


class _App(typer.Typer):
    """The CLI's Typer app. Typer builds every command of the tree (reading each function's
    signature and types) before it parses a line; run from the shell naming one command or
    group, only that one is built. Any other line (``--help``, no command, a name that is no
    command) builds the whole tree, so help and "no such command" read as they always do."""

    def __call__(self, *args, **kwargs):
        if not args and "args" not in kwargs:
            named = _command_named(sys.argv[1:])
            kept = [info for info in self.registered_groups if info.name == named]
            kept_commands = [info for info in self.registered_commands if _name_of(info) == named]
            if named is not None and len(kept) + len(kept_commands) == 1:
                self.registered_groups, self.registered_commands = kept, kept_commands
        return super().__call__(*args, **kwargs)


#: the options before a command that take a value (``_main`` below)
_VALUED = ("--db", "--as")


def _command_named(argv: list[str]) -> str | None:
    """The command or group a command line names first, past the global options; None when
    it names none or gives another option first (``--help``)."""
    i = 0
    while i < len(argv):
        word = argv[i]
        if word in _VALUED:
            i += 2
        elif word.startswith(tuple(f"{option}=" for option in _VALUED)):
            i += 1
        else:
            return None if word.startswith("-") else word
    return None


def _name_of(info) -> str | None:
    if isinstance(info.name, str):
        return info.name
    callback = info.callback
    return callback.__name__.lower().replace("_", "-") if callback is not None else None


app = _App(
    cls=_Group,
    no_args_is_help=True,
    add_completion=False,
    help="supplyline: an auditable ledger from a partner's pledge to the delivery of the last item.",
)


@dataclass
class CliState:
    settings: settings_module.Settings
    _store: eventstore.Store | None = field(default=None, repr=False)
    _signing: bool = field(default=False, repr=False)

    @property
    def db(self) -> str:
        return self.settings.db

    @property
    def actor(self) -> str:
        return self.settings.actor

    @property
    def key_file(self) -> Path:
        """The ledger's signing key (services/log/transparency.key_path)."""
        from ..services.log.transparency import key_path

        return key_path(self.settings)

    def store(self, *, create: bool = False) -> eventstore.Store:
        """The ledger, every write to it signed on commit when it has its key (store/signing.py)."""
        store = self.reader(create=create)
        if not self._signing:
            from ..services.log import signing

            signing.attach(store, self.key_file, warn=_warn)
            self._signing = True
        return store

    def reader(self, *, create: bool = False) -> eventstore.Store:
        """The ledger for a command that only reads it: the signing key and its library stay
        unloaded, so a list or a report starts as fast as the database answers."""
        if self._store is None or create:
            self._store = context.open_store(self.db, create=create)
            self._signing = False
        return self._store

    @property
    def acting(self) -> context.Actor:
        return context.Actor(self.actor, via="cli")


@app.callback()
def _main(
    ctx: typer.Context,
    db: str | None = typer.Option(
        None, "--db", help="SQLAlchemy database URL (default: $SUPPLYLINE_DB or sqlite:///supplyline.db)"
    ),
    actor: str | None = typer.Option(None, "--as", help="the party acting (default: $SUPPLYLINE_ACTOR or 'operator')"),
) -> None:
    ctx.obj = CliState(settings_module.load(db=db, actor=actor).apply())


def state(ctx: typer.Context) -> CliState:
    return ctx.find_root().obj


JSON = typer.Option(False, "--json", help="print JSON for scripts instead of a table")
