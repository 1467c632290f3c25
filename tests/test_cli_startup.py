"""The CLI starts without loading the heavy libraries: only the commands that use them do.

Not timed (bench/cli.py times it): this checks which modules a fresh interpreter holds after
importing the CLI, so a module-level import of a solver or a web framework cannot creep back.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

#: loaded by a command that needs them (allocate, plan, serve, export, report files), never at start
HEAVY = ("numpy", "scipy", "highspy", "pulp", "fastapi", "starlette", "uvicorn", "openpyxl", "plotly", "libcoveocds")


#: what a write loads and a read needs not: the entity and event classes, the projections,
#: the withholding rules, the Merkle tree, the country tables
WRITE_PATH = (
    "supplyline.domain.entity",
    "supplyline.domain.events",
    "supplyline.domain.disclosure_table",
    "supplyline.store.projections",
    "supplyline.store.withheld",
    "supplyline.store.repeats",
    "supplyline.store.merkle",
    "pycountry",
)


def loaded_after(*statements: str, whole_names: bool = False) -> list[list[str]]:
    """The top-level packages (or with ``whole_names`` the modules) one fresh interpreter
    holds after each statement in turn."""
    name = "m" if whole_names else "m.split('.')[0]"
    report = f"print('modules:', json.dumps(sorted({{{name} for m in sys.modules}})))"
    probe = "import json, sys\n" + "".join(f"{statement}\n{report}\n" for statement in statements)
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120)
    return [
        json.loads(line.removeprefix("modules: ")) for line in done.stdout.splitlines() if line.startswith("modules: ")
    ]


def test_the_cli_starts_without_the_heavy_libraries_and_lists_without_the_migrations(demo_sqlite_url) -> None:
    started, listed = loaded_after(
        "from supplyline.cli.main import app",
        f"app(['--db', {demo_sqlite_url!r}, 'pledge', 'list', '--json'], standalone_mode=False)",
    )
    assert "supplyline" in started and "typer" in started
    # nor the database toolkit: `supplyline --help` never opens a database
    assert [name for name in (*HEAVY, "sqlalchemy", "pydantic") if name in started] == []
    # a ledger at the schema's head is known so by one query: Alembic stays unloaded
    assert "sqlalchemy" in listed
    assert [name for name in (*HEAVY, "alembic") if name in listed] == []


def test_a_list_reads_without_the_write_path(demo_sqlite_url) -> None:
    (listed,) = loaded_after(
        "from supplyline.cli.main import app",
        f"app(['--db', {demo_sqlite_url!r}, 'pledge', 'list'], standalone_mode=False)",
        whole_names=True,
    )[1:]
    assert "supplyline.services.reads.queries" in listed and "supplyline.store.eventstore" in listed
    # the settings are plain pydantic (which Typer loads to read the options): no settings sources
    assert [name for name in ("pydantic_settings", *WRITE_PATH) if name in listed] == []


def test_the_probe_sees_the_write_path_when_a_pledge_is_announced(demo_sqlite_url) -> None:
    # the check above can fail: a write loads every module it names
    (written,) = loaded_after(
        "from supplyline.cli.main import app",
        f"app(['--db', {demo_sqlite_url!r}, 'pledge', 'announce', '--funder', 'NL-GOV', '--amount', '5',"
        " '--currency', 'EUR', '--date', '2025-08-04', '--mechanism', 'purl'], standalone_mode=False)",
        whole_names=True,
    )[1:]
    assert [name for name in WRITE_PATH if name not in written] == []


@pytest.mark.parametrize("module", ["supplyline.engines.allocation", "supplyline.engines.planner.highs"])
def test_the_probe_sees_a_heavy_library_when_a_solver_is_imported(module: str) -> None:
    # the check above can fail: importing a solver does bring NumPy and SciPy in
    (loaded,) = loaded_after(f"import {module}")
    assert {"numpy", "scipy"} <= set(loaded)


def test_the_collector_runs_again_once_the_commands_are_imported() -> None:
    # the entry point holds it off while importing, then sets the imported objects aside
    probe = "import gc\nfrom supplyline.cli.main import app\nprint(gc.isenabled(), gc.get_freeze_count() > 1000)"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120)
    assert done.stdout.split() == ["True", "True"]


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["pledge", "list"], "pledge"),
        (["--db", "sqlite:///x.db", "--as", "NL-GOV", "pledge", "list"], "pledge"),
        (["--db=sqlite:///x.db", "events", "--limit", "2"], "events"),
        (["--help"], None),
        (["--db", "sqlite:///x.db"], None),
        ([], None),
    ],
)
def test_the_command_a_line_names_past_the_global_options(argv: list[str], named: str | None) -> None:
    from supplyline.cli.app import _command_named

    assert _command_named(argv) == named


def at_the_shell(start: str, *argv: str) -> subprocess.CompletedProcess:
    """A fresh interpreter running ``start`` (which ends by calling the CLI) as a person runs
    the program: the command line in ``sys.argv``."""
    probe = f"import sys\nsys.argv = ['supplyline', *sys.argv[1:]]\n{start}"
    env = {**os.environ, "COLUMNS": "100"}
    return subprocess.run([sys.executable, "-c", probe, *argv], capture_output=True, text=True, env=env, timeout=120)


def test_a_command_run_from_the_shell_builds_only_its_group_and_help_still_lists_all() -> None:
    # run as a person runs it (sys.argv), so the entry point builds the named group alone
    def run(*argv: str) -> subprocess.CompletedProcess:
        return at_the_shell("from supplyline.cli.main import app\napp()", *argv)

    group = run("pledge", "--help")
    assert group.returncode == 0 and "Usage: supplyline pledge [OPTIONS] COMMAND" in group.stdout
    assert "announce" in group.stdout and "allocate" in group.stdout
    misspelt = run("pledg")
    assert misspelt.returncode == 2 and "Did you mean 'pledge'?" in misspelt.stderr
    whole = run("--help")
    assert all(f" {name} " in whole.stdout for name in ("pledge", "party", "events", "report", "init"))


def _tree_modules() -> dict[str, set[str]]:
    """Each top-level command or group of the whole tree -> the cli modules whose functions
    it runs (its commands', its subgroups' and their callbacks')."""
    from supplyline.cli.app import _name_of
    from supplyline.cli.main import app

    def modules_of(typer_app) -> set[str]:
        found = {info.callback.__module__ for info in typer_app.registered_commands if info.callback}
        for group in typer_app.registered_groups:
            found |= modules_of(group.typer_instance)
        return found

    named = [str(_name_of(info)) for info in app.registered_commands] + [
        str(info.name) for info in app.registered_groups
    ]
    # two groups of one name: the last one registered hides the other's commands (`check record`
    # was hidden so by `check money`)
    assert sorted(name for name in set(named) if named.count(name) > 1) == []
    tree = {str(_name_of(info)): {info.callback.__module__} for info in app.registered_commands if info.callback}
    tree |= {str(info.name): modules_of(info.typer_instance) for info in app.registered_groups}
    return {name: {module.rpartition(".")[2] for module in modules} for name, modules in tree.items()}


def test_the_programs_table_names_the_modules_of_every_command_and_group() -> None:
    # `supplyline NAME …` imports MODULES[NAME] only: a command registered elsewhere would vanish
    from supplyline.cli.entry import MODULES

    assert {name: set(modules) for name, modules in MODULES.items()} == _tree_modules()


def test_a_list_run_as_the_program_loads_its_own_commands_and_no_pydantic(demo_sqlite_url) -> None:
    probe = (
        "import json, sys\nfrom supplyline.cli.entry import run\n"
        "sys.argv = ['supplyline', *sys.argv[1:]]\n"
        "try:\n    run()\nexcept SystemExit as exit:\n    assert not exit.code, exit.code\n"
        "print('modules:', json.dumps(sorted(sys.modules)))"
    )
    argv = ["--db", demo_sqlite_url, "--as", "NL-GOV", "pledge", "list", "--funder", "NL-GOV"]
    env = {**os.environ, "COLUMNS": "200"}
    done = subprocess.run([sys.executable, "-c", probe, *argv], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    listed, loaded = done.stdout.split("modules: ")
    assert "PL-NL-2025-08" in listed and "PL-DE-2025-08" not in listed  # --funder, text, taken as given
    commands = {m.rpartition(".")[2] for m in json.loads(loaded) if m.startswith("supplyline.cli.")}
    assert commands == {"app", "common", "entry", "lazy", "plain_options", "pledges", "render"}
    # Typer's pydantic adapters stay unloaded for text options, and the settings need none
    assert [m for m in json.loads(loaded) if m.split(".")[0] in ("pydantic", "pydantic_core")] == []
    # nor the tables kept apart (end-use, planning, evidence…): a list of pledges reads none
    assert "supplyline.store.schema_enduse" not in json.loads(loaded)


def test_a_subcommand_registered_by_another_module_is_found_and_numbers_still_checked() -> None:
    # `pledge pay-in` lives in cli/money.py: the program imports the group's modules in turn
    def run(*argv: str) -> subprocess.CompletedProcess:
        return at_the_shell("from supplyline.cli.entry import run\nrun()", *argv)

    pay_in = run("pledge", "pay-in", "--help")
    assert pay_in.returncode == 0 and "Usage: supplyline pledge pay-in" in pay_in.stdout
    # an option that is a number keeps Typer's own reading
    limit = run("--db", "sqlite://", "events", "--limit", "many")
    assert limit.returncode == 2 and "Invalid value for '--limit'" in limit.stderr
    # the end-use checks and the ledger's figures share the one `check` group
    record = run("check", "record", "--help")
    assert record.returncode == 0 and "Usage: supplyline check record" in record.stdout
