"""The house rules on size: no source file above 500 lines (generated migrations aside), and no
function above 60 lines unless its docstring says why ("long because …").

Read with ``ast``, so a function's length counts its decorators' line to its last statement,
the way a reader scrolls it.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "supplyline"
MAX_FILE_LINES = 500
MAX_FUNCTION_LINES = 60
REASON = "long because"


def _sources() -> list[Path]:
    return sorted(p for p in SRC.rglob("*.py") if "migrations" not in p.relative_to(SRC).parts)


def _long_functions(path: Path, root: Path = SRC) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
        length = (node.end_lineno or node.lineno) - first + 1
        if length > MAX_FUNCTION_LINES and REASON not in (ast.get_docstring(node) or "").lower():
            found.append(f"{path.relative_to(root)}:{node.lineno} {node.name} ({length} lines)")
    return found


def test_the_rules_see_every_source_file():
    names = {p.relative_to(SRC).as_posix() for p in _sources()}
    assert "engines/allocation/plan.py" in names
    assert "domain/money.py" in names
    assert not any(name.startswith("store/migrations/") for name in names)


def test_no_source_file_is_above_500_lines():
    too_long = []
    for path in _sources():
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_FILE_LINES:
            too_long.append(f"{path.relative_to(SRC)} ({lines} lines)")
    assert too_long == [], "split these by what changes together: " + ", ".join(too_long)


def test_no_function_is_above_60_lines_without_a_reason():
    found = [f for path in _sources() for f in _long_functions(path)]
    assert found == [], f"split these, or say in the docstring why each is '{REASON} …': " + "; ".join(found)


@pytest.mark.parametrize(
    ("docstring", "flagged"),
    [('"""Plain."""', True), ('"""Long because it is one table of cases."""', False)],
)
def test_the_function_rule_flags_a_long_function_unless_it_says_why(tmp_path, docstring, flagged):
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_FUNCTION_LINES))
    module = tmp_path / "module.py"
    module.write_text(f"def f():\n    {docstring}\n{body}\n", encoding="utf-8")
    found = _long_functions(module, tmp_path)
    assert found == (["module.py:1 f (62 lines)"] if flagged else [])


def test_a_function_of_exactly_60_lines_passes(tmp_path):
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_FUNCTION_LINES - 1))
    module = tmp_path / "module.py"
    module.write_text(f"def f():\n{body}\n", encoding="utf-8")
    assert _long_functions(module, tmp_path) == []


#: what the pure transparency code (ledger/) may import besides itself and the standard library's
#: pure parts: no network, no files by path, no database, nothing from the layers above it
LEDGER_MAY_IMPORT = {"cryptography", "nacl", "rfc8785"}
LEDGER_MAY_NOT = {"urllib", "http", "socket", "sqlalchemy", "supplyline", "subprocess"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
    return {name.split(".")[0] for name in found}


def test_the_ledger_is_pure_transparency_code():
    imported = {p.name: sorted(_imports(p)) for p in sorted((SRC / "ledger").glob("*.py"))}
    assert "audit.py" in imported  # the offline verifier lives here
    wrong = {name: [m for m in mods if m in LEDGER_MAY_NOT] for name, mods in imported.items()}
    assert {name: mods for name, mods in wrong.items() if mods} == {}
    outside = {m for mods in imported.values() for m in mods} - sys.stdlib_module_names - {"__future__"}
    assert outside <= LEDGER_MAY_IMPORT


#: each layer imports only layers of a lower rank (docs/architecture.md, "Layers")
RANKS = {"ledger": 0, "domain": 1, "engines": 2, "store": 2, "settings": 2, "services": 3, "web": 4, "api": 5, "cli": 6}


def _imported_layers(path: Path) -> set[str]:
    """The top-level packages of supplyline this module imports (relative or absolute)."""
    parts = list(path.relative_to(SRC).parts[:-1])
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.ImportFrom):
            continue
        if node.level == 0:
            if node.module and node.module.startswith("supplyline."):
                found.add(node.module.split(".")[1])
            continue
        base = parts[: len(parts) - (node.level - 1)]
        names = [node.module.split(".")[0]] if node.module else [alias.name for alias in node.names]
        found |= {(base or [name])[0] for name in names}
    return found


def test_every_layer_imports_only_the_layers_below_it():
    upward = []
    for path in _sources():
        rel = path.relative_to(SRC)
        layer = rel.parts[0] if len(rel.parts) > 1 else rel.stem
        if layer not in RANKS:
            continue
        for other in _imported_layers(path) - {layer}:
            if other in RANKS and RANKS[other] >= RANKS[layer]:
                upward.append(f"{rel} imports {other}")
    assert upward == []
