"""The CLI starts without loading the heavy libraries: only the commands that use them do.

Not timed (bench/cli.py times it): this checks which modules a fresh interpreter holds after
importing the CLI, so a module-level import of a solver or a web framework cannot creep back.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

#: loaded by a command that needs them (allocate, plan, serve, export, report files), never at start
HEAVY = ("numpy", "scipy", "highspy", "pulp", "fastapi", "starlette", "uvicorn", "openpyxl", "plotly", "libcoveocds")


def loaded_after(statement: str) -> list[str]:
    probe = f"import json, sys; {statement}; print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}})))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120)
    return json.loads(done.stdout.splitlines()[-1])


def test_importing_the_cli_loads_none_of_the_heavy_libraries() -> None:
    loaded = loaded_after("import supplyline.cli.main")
    assert "supplyline" in loaded and "typer" in loaded
    # nor the database toolkit: `supplyline --help` never opens a database
    assert [name for name in (*HEAVY, "sqlalchemy", "pydantic") if name in loaded] == []


def test_a_list_reads_the_ledger_without_loading_the_migrations(demo_sqlite_url) -> None:
    # the ledger at the schema's head is known so by one query: Alembic stays unloaded
    listed = loaded_after(
        "from supplyline.cli.main import app; "
        f"app(['--db', {demo_sqlite_url!r}, 'pledge', 'list', '--json'], standalone_mode=False)"
    )
    assert "sqlalchemy" in listed
    assert [name for name in (*HEAVY, "alembic") if name in listed] == []


@pytest.mark.parametrize("module", ["supplyline.engines.allocation", "supplyline.engines.planner.highs"])
def test_the_probe_sees_a_heavy_library_when_a_solver_is_imported(module: str) -> None:
    # the check above can fail: importing a solver does bring NumPy and SciPy in
    loaded = loaded_after(f"import {module}")
    assert {"numpy", "scipy"} <= set(loaded)
