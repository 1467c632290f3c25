"""Benchmark of spreadsheet import validation: 10^5 pledge rows, beside csv.DictReader.

A generated file as real downloads come (German headers, donors named in words, German number
format with eleven decimals, zero rows, rows without a date, a status column) is validated by
`import pledges --dry-run` with one mapping (rounding, skip_when, id_from, values): every row
read, typed, its party matched, decided by the domain with every error collected, and checked
against the ledger; nothing written. Beside it, csv.DictReader reads the same file into dicts
(the floor of reading it at all). Target: validation of 10^5 rows <= 10 s.

Prints both times and their ratio and writes bench/out/imports.json. Run:
`.venv/bin/python bench/imports.py [--rows N]`.
"""

from __future__ import annotations

import argparse
import csv
import json
import platform
import random
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from supplyline.services import bus
from supplyline.services.context import Actor, open_store
from supplyline.services.interchange import imports
from supplyline.services.records import parties

OUT = Path(__file__).resolve().parent / "out"
DONORS = {"DE-GOV": "Deutschland", "NL-GOV": "Niederlande", "NO-GOV": "Norwegen", "DK-GOV": "Dänemark"}
HEADERS = ["Geber", "Datum", "Betrag (EUR)", "Hilfsart", "Mechanismus", "Status"]
MAPPING = """
columns: {funder: Geber, pledged_on: Datum, amount: Betrag (EUR), categories: Hilfsart, mechanism: Mechanismus,
          status: Status}
fixed: {currency: EUR}
decimal_separator: ","
thousands_separator: "."
date_formats: ["%d.%m.%Y"]
rounding: half_even
values:
  categories: {Militär: [], Luftverteidigung: air_defence}
  status: {Zusage: announced, Zuweisung: committed}
skip_when:
  - {field: amount, is: [zero, empty]}
  - {field: pledged_on, is: empty}
id_from: {prefix: UST, columns: [Geber, Datum, Hilfsart], row: true}
"""


def generate(path: Path, rows: int) -> None:
    rng = random.Random(19)
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, delimiter=";")
        writer.writerow(HEADERS)
        for _ in range(rows):
            amount = Decimal(rng.randint(1, 10**19)) / Decimal(10**11) if rng.random() > 0.4 else Decimal(0)
            whole, _, fraction = f"{amount:f}".partition(".")
            writer.writerow(
                [
                    rng.choice(list(DONORS.values())),
                    "" if rng.random() < 0.05 else f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.2025",
                    f"{int(whole):,}".replace(",", ".") + (f",{fraction}" if fraction else ""),
                    rng.choice(["Militär", "Luftverteidigung"]),
                    rng.choice(["PURL", "Bilateral", "drone deal"]),
                    rng.choice(["Zusage", "Zuweisung", ""]),
                ]
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    rows = parser.parse_args().rows
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path, mapping = folder / "ukraine_support.csv", folder / "ust.yaml"
        generate(path, rows)
        mapping.write_text(MAPPING, encoding="utf-8")
        store = open_store(f"sqlite:///{folder / 'bench.db'}", create=True)
        actor = Actor("operator", via="bench")
        for party_id, word in DONORS.items():
            bus.handle(
                store, actor, parties.RegisterParty(id=party_id, name=word, kind="government", country=party_id[:2])
            )

        started = time.perf_counter()
        with path.open(encoding="utf-8", newline="") as f:
            read = sum(1 for _ in csv.DictReader(f, delimiter=";"))
        baseline = time.perf_counter() - started

        started, cpu = time.perf_counter(), time.process_time()
        result = imports.import_pledges(store, actor, path, mapping=mapping, dry_run=True, skip_invalid=True)
        validation, validation_cpu = time.perf_counter() - started, time.process_time() - cpu
        store.engine.dispose()
    assert read == rows and result.rows == rows
    figures = {
        "rows": rows,
        "csv_dictreader_s": round(baseline, 3),
        "validation_s": round(validation, 3),
        "validation_cpu_s": round(validation_cpu, 3),  # the machine may be shared: CPU time beside wall time
        "ratio": round(validation / baseline, 1),
        "target_s": 10.0,
        "within_target": validation <= 10.0,
        "would_record": len(result.recorded),
        "skipped": result.skipped,
        "rounded": len(result.rounded),
        "refused_rows": result.refused_rows,
        "python": sys.version.split()[0],
        "machine": platform.machine(),
    }
    print(
        f"{rows:,} rows: csv.DictReader {baseline:.2f} s, validation (dry run) {validation:.2f} s "
        f"(CPU {validation_cpu:.2f} s)"
    )
    print(f"  ratio {validation / baseline:.1f}x; target <= 10 s: {'met' if validation <= 10 else 'NOT met'}")
    print(f"  would record {len(result.recorded):,}, skipped {result.skipped}, rounded {len(result.rounded):,}")
    OUT.mkdir(exist_ok=True)
    (OUT / "imports.json").write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
