"""Schema migrations with Alembic, run from the package (no alembic.ini to carry around).

Alembic is imported by the functions that use it, so a command that never opens the
database (``--help``) does not pay for loading it, and opening a ledger whose schema is at
the head (every command does) does not either: ``is_current`` reads the stored revision with
one query and compares it with the newest migration's file name (``NNNN_<what>.py`` holds
revision ``'NNNN'``, held so by tests/test_store.py); Alembic answers only when they differ.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
VERSIONS = MIGRATIONS / "versions"


def config(engine: Engine) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    from alembic import command

    command.upgrade(config(engine), revision)


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory(str(MIGRATIONS)).get_current_head()
    if head is None:
        raise RuntimeError(f"no migrations found in {MIGRATIONS}: the installation is incomplete")
    return head


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def newest_by_file_name() -> str | None:
    """The revision of the newest migration file, from the directory listing alone."""
    numbers = [p.name.partition("_")[0] for p in VERSIONS.glob("[0-9][0-9][0-9][0-9]_*.py")]
    return max(numbers, default=None)


def _stored_revisions(engine: Engine) -> list[str] | None:
    """The rows of Alembic's version table; None when there is no such table (not initialised)."""
    try:
        with engine.connect() as conn:
            return [row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version"))]
    except SQLAlchemyError:
        return None


def is_current(engine: Engine) -> bool:
    newest = newest_by_file_name()
    if newest is not None and _stored_revisions(engine) == [newest]:
        return True
    # not at the newest file's revision (or an unusual migration folder): Alembic decides
    return current_revision(engine) == head_revision()
