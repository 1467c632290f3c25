"""The lint and type gate that `make test` runs first: its exemptions carry reasons, and it
fails on a finding (shown here on a scratch file checked with the project's own configuration)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CHECKED = ("src", "tests", "bench")
# an exemption names what it exempts, then says why: a type-ignore code then "#  reason"; a noqa code then "- reason"
TYPE_IGNORE = re.compile(r"#\s*type:\s*ignore(?P<codes>\[[^\]]+\])?(?P<rest>.*)$")
NOQA = re.compile(r"#\s*noqa(?P<codes>:\s*[A-Z]+[0-9]+(?:\s*,\s*[A-Z]+[0-9]+)*)?(?P<rest>.*)$")


def _python_files():
    for folder in CHECKED:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "migrations/versions" not in path.as_posix():
                yield path


def _exemptions(pattern: re.Pattern[str]) -> list[tuple[str, str, str]]:
    """(file:line, codes, what follows) for each exemption comment in the checked tree."""
    found = []
    for path in _python_files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            match = pattern.search(line)
            if match:
                found.append((f"{path.relative_to(ROOT)}:{number}", match["codes"] or "", match["rest"]))
    return found


def _reasonless(exemptions: list[tuple[str, str, str]], reason: re.Pattern[str]) -> list[str]:
    return [where for where, codes, rest in exemptions if not codes or not reason.match(rest)]


def test_every_type_ignore_names_its_error_and_says_why():
    exemptions = _exemptions(TYPE_IGNORE)
    assert _reasonless(exemptions, re.compile(r"\s+#\s*\w.{5,}")) == []


def test_every_noqa_names_its_rule_and_says_why():
    exemptions = _exemptions(NOQA)
    assert _reasonless(exemptions, re.compile(r"\s*(?:-|—|#)\s*\w.{5,}")) == []


def test_the_exemption_patterns_tell_a_reason_from_none():
    # the checks above are only as good as these patterns: a bare exemption is caught, a reasoned one is not
    bare = [("a.py:1", "[attr-defined]", ""), ("b.py:2", "", "  # pulp ships no stubs")]
    reasoned = [("c.py:3", "[attr-defined]", "  # pulp ships no stubs")]
    assert _reasonless(bare + reasoned, re.compile(r"\s+#\s*\w.{5,}")) == ["a.py:1", "b.py:2"]


def test_make_test_runs_the_gate_before_the_suite():
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^test: lint$", makefile, re.M)
    lint = makefile.split("\nlint:", 1)[1].split("\n\n", 1)[0]
    assert "ruff check" in lint and "ruff format --check" in lint and "mypy" in lint


@pytest.fixture
def scratch(tmp_path):
    """A file with one finding of each kind the gate looks for."""
    path = tmp_path / "finding.py"
    path.write_text('import os\n\n\ndef total(values: list[int]) -> int:\n    return sum(values) + "1"\n')
    return path


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)


def test_ruff_fails_on_an_unused_import(scratch):
    run = _run(
        str(BIN / "ruff"),
        "check",
        "--config",
        "pyproject.toml",
        "--no-cache",
        "--output-format",
        "concise",
        str(scratch),
    )
    assert run.returncode == 1
    assert "F401" in run.stdout and "`os` imported but unused" in run.stdout


def test_ruff_format_fails_on_unformatted_code(scratch):
    scratch.write_text("x = {  'a':1 }\n")
    run = _run(str(BIN / "ruff"), "format", "--check", "--config", "pyproject.toml", "--no-cache", str(scratch))
    assert run.returncode == 1
    assert "1 file would be reformatted" in run.stdout


def test_mypy_fails_on_a_type_error(scratch):
    run = _run(
        str(BIN / "mypy"), "--config-file", "pyproject.toml", "--no-incremental", "--follow-imports=skip", str(scratch)
    )
    assert run.returncode == 1
    assert 'Unsupported operand types for + ("int" and "str")' in run.stdout
