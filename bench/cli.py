"""Benchmark of CLI start-up: whole processes, beside importing the CLI's own framework.

Each command runs as a fresh process, as a person at a terminal runs it: the baseline is
`python -c "import typer, rich, sqlalchemy"` (what any command must load at all), then
`supplyline --help` and `supplyline --db sqlite:///<empty ledger> pledge list`. The figure is
the median wall time of N runs (default 5) and its ratio to the baseline. Target: <= 1.3x.

Prints a table and writes bench/out/cli.json. Run: `.venv/bin/python bench/cli.py [--runs N]
[--quick]`. The machine may be shared: run it when it is quiet, or read the ratios, not the times.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"
TARGET = 1.3


def supplyline_command() -> list[str]:
    beside = Path(sys.executable).with_name("supplyline")
    found = str(beside) if beside.exists() else shutil.which("supplyline")
    return [found] if found else [sys.executable, "-m", "supplyline.cli.main"]


def median_seconds(argv: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="3 runs each")
    options = parser.parse_args()
    runs = 3 if options.quick else options.runs
    cli = supplyline_command()
    with tempfile.TemporaryDirectory() as tmp:
        db = f"sqlite:///{Path(tmp) / 'empty.db'}"
        subprocess.run([*cli, "--db", db, "init"], check=True, stdout=subprocess.DEVNULL, timeout=300)
        commands = {
            "baseline: import typer, rich, sqlalchemy": [sys.executable, "-c", "import typer, rich, sqlalchemy"],
            "supplyline --help": [*cli, "--help"],
            "supplyline pledge list (empty ledger)": [*cli, "--db", db, "pledge", "list"],
        }
        seconds = {name: median_seconds(argv, runs) for name, argv in commands.items()}
    baseline = next(iter(seconds.values()))
    rows = [
        {
            "command": name,
            "median_s": round(s, 3),
            "ratio": round(s / baseline, 2),
            "within_target": s / baseline <= TARGET,
        }
        for name, s in seconds.items()
    ]
    print(f"{'command':<42} {'median':>8} {'ratio':>7}   target <= {TARGET}x, median of {runs} runs")
    for row in rows:
        verdict = "" if row is rows[0] else ("met" if row["within_target"] else "NOT met")
        print(f"{row['command']:<42} {row['median_s']:>7.3f}s {row['ratio']:>6.2f}x   {verdict}")
    figures = {
        "runs": runs,
        "target_ratio": TARGET,
        "commands": rows,
        "python": sys.version.split()[0],
        "machine": platform.machine(),
    }
    OUT.mkdir(exist_ok=True)
    (OUT / "cli.json").write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
