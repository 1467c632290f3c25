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
from .lazy import lazy
from .render import BAD_INPUT, errors

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


app = typer.Typer(
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
