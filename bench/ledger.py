"""Benchmark of the tamper-evident ledger, every figure a ratio measured side by side.

1. Append: supplyline's append (hash chain, head row, projection row, Merkle tiles, and the
   checkpoint signed in the same transaction and appended to the checkpoint file), against
   plain INSERTs of the same rows (event + projection) in the same transaction mode
   (BEGIN IMMEDIATE … COMMIT, synchronous=FULL), one event per transaction and 100 per
   transaction. The ratio is the cost of tamper evidence. Target: >= 0.7. Both sides write
   the rows by the same means (events straight to the driver, projection rows through
   SQLAlchemy Core). A unit of work inserts its event rows in one statement, the baseline
   one per row as the target says; so a further line compares with the same rows inserted
   one statement per table (no target).
   Then a witness round trip on loopback: each one-event write's checkpoint sent to a witness
   process (add-checkpoint with its consistency proof), the cosignature checked and the
   cosigned checkpoint published (Witnessing.cosign, what the CLI runs after each commit and
   the server in the background). Target: <= 5 ms added to a checkpoint. Once more with the
   witness flushing its state to disk before each answer (`witness serve --fsync`; no target).
2. Verify: `supplyline verify` (chain and withheld values, read from the database) against
   raw hashlib.sha256 over the same bytes already in memory (the physical limit here), on
   SQLite and on PostgreSQL (a fresh database on $SUPPLYLINE_BENCH_POSTGRES_URL or
   $SUPPLYLINE_TEST_POSTGRES_URL, dropped at the end; skipped without one). Target: >= 0.5
   on each (issue 20 for PostgreSQL).
3. Inclusion proofs read from the stored tiles at 10^4, 10^6 and 10^7 events (trees built
   from synthetic leaves written in bulk). Target: median <= 2 ms at 10^7.

Prints a table and writes bench/out/ledger.json. Run: `make bench` (or
`.venv/bin/python bench/ledger.py --quick` for a smaller, faster run).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from operator import methodcaller
from pathlib import Path

from sqlalchemy import insert

from supplyline.domain import party as party_domain
from supplyline.domain.party import Party
from supplyline.ledger import merkle, tiles
from supplyline.ledger.canonical import canonical
from supplyline.ledger.chain import GENESIS, StoredEvent, hash_input
from supplyline.ledger.note import Signer
from supplyline.services.context import Actor, open_store
from supplyline.services.log import checks, signing
from supplyline.store import merkle as stored_tree
from supplyline.store import schema as t
from supplyline.store.projections import party_rows
from supplyline.store.signing import CommitSigner, checkpoint_file

OUT = Path(__file__).resolve().parent / "out"


def event_row(e: StoredEvent) -> tuple[int, str, str]:
    """The row an event is stored as: (seq, body, hash)."""
    return (
        e.seq,
        hash_input(
            e.seq, e.stream_id, e.stream_version, e.recorded_at, e.actor, e.type, e.meta, e.payload, e.prev_hash
        ).decode(),
        e.hash,
    )


def _fresh(tmp: Path, name: str):
    return open_store(f"sqlite:///{tmp / name}.db", create=True)


def _signed(tmp: Path, name: str):
    """A fresh ledger that signs every write's checkpoint in its transaction, as the CLI and
    the server do (its key pinned first, outside the measurement)."""
    store = _fresh(tmp, name)
    key = tmp / f"{name}.key"
    store.signing = CommitSigner(Signer.generate("bench.example/ledger"), checkpoint_file(key))
    signing.pin_key(store, Actor("operator", via="bench"))
    return store


# --- 1. append -----------------------------------------------------------------------------------


_INSERT_EVENT = "INSERT INTO events (seq, body, hash) VALUES (?, ?, ?)"  # the ledger's own statement
_INSERT_PARTY = insert(t.parties)


def bench_append(tmp: Path, n: int, per_tx: int, rounds: int) -> dict:
    """Transaction by transaction, alternately: supplyline appends a batch to one ledger,
    then the same rows go into another database as plain INSERTs, in the same transaction
    mode. Alternating this finely gives both sides the same machine load."""
    ledger_time = plain_time = batched_time = 0.0
    for r in range(rounds):
        ledger, plain = _signed(tmp, f"append-ledger-{per_tx}-{r}"), _fresh(tmp, f"append-plain-{per_tx}-{r}")
        batched = _fresh(tmp, f"append-batched-{per_tx}-{r}")
        decided = [
            party_domain.register(Party(id=f"R{r}-{i}"), name=f"Company {i}", kind="company", country="NL")
            for i in range(n)
        ]  # the domain's decisions are not what is measured
        for first in range(0, n, per_tx):
            batch = range(first, min(n, first + per_tx))
            start = time.perf_counter()
            with ledger.write("operator") as uow:  # hash chain, head row, projection row, Merkle hook
                written = [(uow.record(party := Party(id=f"R{r}-{i}"), decided[i]), party) for i in batch]
            ledger_time += time.perf_counter() - start
            events = [event_row(e) for stored, _ in written for e in stored]
            parties = [row for _, party in written for row in party_rows(party)[t.parties]]
            # the same rows by the same means as the ledger writes them: events straight to the
            # driver (sqlite3), projection rows through SQLAlchemy Core
            start = time.perf_counter()
            with plain.locked() as conn:  # BEGIN IMMEDIATE, as every write; one INSERT per row
                cursor = conn.connection.driver_connection.cursor()
                for event, party_row in zip(events, parties, strict=True):
                    cursor.execute(_INSERT_EVENT, event)
                    conn.execute(_INSERT_PARTY, party_row)
            plain_time += time.perf_counter() - start
            start = time.perf_counter()
            with batched.locked() as conn:  # the same rows, one statement per table (not the target's baseline)
                conn.connection.driver_connection.cursor().executemany(_INSERT_EVENT, events)
                conn.execute(_INSERT_PARTY, parties)
            batched_time += time.perf_counter() - start
        with ledger.read() as conn:
            assert stored_tree.tree_size(conn) == n + 1  # and the KeyPinned event
            note = conn.exec_driver_sql("SELECT checkpoint FROM ledger_head").scalar_one()
            assert note.startswith(f"bench.example/ledger\n{n + 1}\n")  # the last write signed its tree
        for store in (ledger, plain, batched):
            store.engine.dispose()
    total = n * rounds
    ledger_rate, plain_rate, batched_rate = total / ledger_time, total / plain_time, total / batched_time
    return {
        "events": n,
        "events_per_transaction": per_tx,
        "rounds": rounds,
        "ledger_events_per_s": round(ledger_rate),
        "plain_insert_events_per_s": round(plain_rate),
        "ratio": round(ledger_rate / plain_rate, 3),
        "target": 0.7,
        "plain_batched_events_per_s": round(batched_rate),
        "ratio_to_batched": round(ledger_rate / batched_rate, 3),
    }


# --- 1b. witness round trip ------------------------------------------------------------------------


def bench_witness(tmp: Path, rounds: int, *, fsync: bool = False) -> dict:
    """One-event writes signed on commit, each checkpoint then cosigned by a witness on loopback
    (tlog-witness add-checkpoint with its consistency proof, the cosignature checked): what
    the round trip adds to a checkpoint. Target: <= 5 ms."""
    import socket
    import subprocess

    from supplyline.ledger.cosignature import Cosigner
    from supplyline.ledger.policy import parse_policy
    from supplyline.services.log.witnessing import Witnessing

    name = "witness-fsync" if fsync else "witness"
    store = _signed(tmp, f"{name}-ledger")
    assert store.signing is not None
    # the witness in a process of its own, as another party would run it (in this process it
    # would share the interpreter lock with the log, and its 5 ms switch interval)
    cosigner = Cosigner.generate("bench.example/witness")
    key = tmp / f"{name}.key"
    key.write_text(f"{cosigner}\n")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    supplyline = Path(sys.executable).with_name("supplyline")
    server = subprocess.Popen(
        [
            str(supplyline),
            "witness",
            "serve",
            "--key",
            str(key),
            "--log",
            str(store.signing.verifier),
            "--state",
            str(tmp / f"{name}-state"),
            "--port",
            str(port),
            *(["--fsync"] if fsync else []),
        ],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            assert time.monotonic() < deadline and server.poll() is None, "the witness did not start"
            time.sleep(0.1)
    policy = parse_policy(f"witness w {cosigner.key} http://127.0.0.1:{port}\nquorum w\n")
    witnessing = Witnessing(store, policy, tmp / f"{name}-ledger.cosigned", timeout=5)
    writes, trips = [], []
    for i in range(rounds):
        decided = party_domain.register(Party(id=f"W-{i}"), name=f"Company {i}", kind="company", country="NL")
        start = time.perf_counter()
        with store.write("operator") as uow:
            uow.record(Party(id=f"W-{i}"), decided)
        writes.append(time.perf_counter() - start)
        with store.read() as conn:
            note = conn.exec_driver_sql("SELECT checkpoint FROM ledger_head").scalar_one()
        start = time.perf_counter()
        cosigned = witnessing.cosign(note)
        trips.append(time.perf_counter() - start)
        assert cosigned.count("\u2014 ") == 2, witnessing.warnings
    server.terminate()
    server.wait(timeout=10)
    store.engine.dispose()
    return {
        "rounds": rounds,
        "witness_fsync": fsync,
        "signed_write_median_ms": round(statistics.median(writes) * 1e3, 3),
        "witness_round_trip_median_ms": round(statistics.median(trips) * 1e3, 3),
        "witness_round_trip_p90_ms": round(sorted(trips)[int(len(trips) * 0.9)] * 1e3, 3),
        "target_ms": 5.0,
    }


# --- 2. verify -------------------------------------------------------------------------------------


def _synthetic_log(store, n: int) -> list[bytes]:
    """n chained events of realistic size, inserted in bulk; returns their hash inputs."""
    inputs, rows = [], []
    prev = GENESIS
    meta = canonical({"via": "bench"})
    stamp = "2026-01-01T00:00:00.000000Z"
    for seq in range(1, n + 1):
        payload = canonical(
            {
                "id": f"PL-{seq:07d}",
                "funder": "NL-GOV",
                "amount": {"amount": f"{seq}.00", "currency": "EUR"},
                "pledged_on": "2025-09-01",
                "mechanism": "purl",
                "categories": ["air_defence", "ammunition"],
                "origins": ["US"],
                "valid_from": "2025-09-01",
                "valid_until": None,
                "note": "synthetic event for the verification benchmark",
            }
        )
        stream = f"pledge:PL-{seq:07d}"
        data = hash_input(seq, stream, 1, stamp, "operator", "PledgeAnnounced", meta, payload, prev)
        digest = hashlib.sha256(data).hexdigest()
        inputs.append(data)
        rows.append({"seq": seq, "body": data.decode(), "hash": digest})
        prev = digest
    with store.locked() as conn:
        for i in range(0, n, 20000):
            conn.execute(insert(t.events), rows[i : i + 20000])
        conn.execute(t.ledger_head.update().values(seq=n, hash=prev))
    return inputs


def _best(fn, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def bench_verify(store, n: int, repeats: int) -> dict:
    inputs = _synthetic_log(store, n)
    sha256 = hashlib.sha256

    digest = methodcaller("digest")

    def raw_loop():
        for data in inputs:
            sha256(data).digest()

    def raw_map():  # the same work in C loops: the fastest Python can hash these messages
        list(map(digest, map(sha256, inputs)))

    def verify(workers=None):
        result = checks.verify_ledger(store, workers=workers)
        assert result.ok and result.checked == n, result.finding

    verify()  # warm the page cache, as the raw side has its bytes in memory
    timings: dict[str, float] = {}
    for _ in range(repeats):  # interleaved, best of each
        timings["verify"] = min(timings.get("verify", 1e9), _best(verify, 1))
        timings["verify_1"] = min(timings.get("verify_1", 1e9), _best(lambda: verify(1), 1))
        timings["raw_loop"] = min(timings.get("raw_loop", 1e9), _best(raw_loop, 1))
        timings["raw_map"] = min(timings.get("raw_map", 1e9), _best(raw_map, 1))
    raw = min(timings["raw_loop"], timings["raw_map"])
    total = sum(map(len, inputs))
    store.engine.dispose()
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "database": store.engine.dialect.name,
        "events": n,
        "bytes_hashed": total,
        "avg_event_bytes": round(total / n),
        "cpus": cpus,
        "verify_events_per_s": round(n / timings["verify"]),
        "raw_sha256_events_per_s": round(n / raw),
        "raw_sha256_mb_per_s": round(total / raw / 1e6, 1),
        "verify_mb_per_s": round(total / timings["verify"] / 1e6, 1),
        "verify_one_process_events_per_s": round(n / timings["verify_1"]),
        "ratio_one_process": round(raw / timings["verify_1"], 3),
        "ratio": round(raw / timings["verify"], 3),
        "target": 0.5,
    }


# --- 3. inclusion proofs ----------------------------------------------------------------------------


def _synthetic_tree(store, n: int) -> float:
    """A tree of n random leaves written in bulk: the full tiles straight into the tile table,
    and the last n % 256 events (the growing leaf tile is read from the log) as rows."""
    start = time.perf_counter()
    size = 0
    pending: dict[tiles.TileId, bytes] = {}  # tiles that are not full yet
    full_leaves = n - n % tiles.WIDTH
    with store.locked() as conn:
        while size < full_leaves:
            count = min(1 << 16, full_leaves - size)
            blob = os.urandom(32 * count)
            leaves = [blob[i : i + 32] for i in range(0, len(blob), 32)]
            changed = tiles.extend(size, {level: c for (level, _), c in pending.items()}, leaves)
            size += count
            pending.update(changed)
            full = [key for key, c in pending.items() if len(c) == tiles.FULL_BYTES]
            if full:
                conn.execute(
                    insert(t.merkle_tiles),
                    [{"level": lvl, "idx": i, "hashes": pending.pop((lvl, i))} for lvl, i in full],
                )
        if pending:
            conn.execute(
                insert(t.merkle_tiles), [{"level": lvl, "idx": i, "hashes": c} for (lvl, i), c in pending.items()]
            )
        tail = [
            {
                "seq": seq,
                "body": hash_input(
                    seq, f"x:{seq}", 1, "2026-01-01T00:00:00.000000Z", "bench", "Synthetic", "{}", "{}", GENESIS
                ).decode(),
                "hash": os.urandom(32).hex(),
            }
            for seq in range(full_leaves + 1, n + 1)
        ]
        if tail:
            conn.execute(insert(t.events), tail)
        conn.execute(t.ledger_head.update().values(seq=n, hash=GENESIS))
    return time.perf_counter() - start


def bench_proofs(tmp: Path, sizes: list[int], samples: int) -> list[dict]:
    out = []
    rng = random.Random(1)
    for n in sizes:
        store = _fresh(tmp, f"proofs-{n}")
        build = _synthetic_tree(store, n)
        with store.read() as conn:
            # leaves written in bulk: no write, so no pinned key and no signed checkpoint here;
            # what is measured is reading proofs from the tiles, which signing does not touch
            assert stored_tree.tree_size(conn) == n
            root = stored_tree.tree_head(conn, n)
            latencies, consistency = [], []
            for _ in range(samples):
                index = rng.randrange(n)
                start = time.perf_counter()
                proof = stored_tree.inclusion_proof(conn, index, n)
                latencies.append(time.perf_counter() - start)
                leaf = stored_tree.tiles.subtree_hashes(
                    [(0, index)], stored_tree.read_tiles(conn, [(0, index // 256)], n)
                )
                merkle.verify_inclusion(index, n, leaf[(0, index)], proof, root)
                old = rng.randrange(1, n)
                start = time.perf_counter()
                stored_tree.consistency_proof(conn, old, n)
                consistency.append(time.perf_counter() - start)
        store.engine.dispose()
        latencies.sort()
        out.append(
            {
                "events": n,
                "build_s": round(build, 1),
                "samples": samples,
                "inclusion_median_ms": round(statistics.median(latencies) * 1e3, 3),
                "inclusion_p99_ms": round(latencies[int(0.99 * (len(latencies) - 1))] * 1e3, 3),
                "consistency_median_ms": round(statistics.median(consistency) * 1e3, 3),
                "target_median_ms": 2.0 if n >= 10**7 else None,
            }
        )
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes (a smoke run, not the targets)")
    args = parser.parse_args()
    quick = args.quick
    with tempfile.TemporaryDirectory(prefix="supplyline-bench-") as tmp_name:
        tmp = Path(tmp_name)
        append = [
            bench_append(tmp, 300 if quick else 1000, 1, 1 if quick else 3),
            bench_append(tmp, 2000 if quick else 20000, 100, 1 if quick else 3),
        ]
        witness = bench_witness(tmp, 50 if quick else 300)
        witness_fsync = bench_witness(tmp, 50 if quick else 300, fsync=True)
        size, repeats = (20000, 2) if quick else (200000, 5)
        verify = [bench_verify(_fresh(tmp, "verify"), size, repeats)]
        admin = os.environ.get("SUPPLYLINE_BENCH_POSTGRES_URL") or os.environ.get("SUPPLYLINE_TEST_POSTGRES_URL")
        if admin:
            from supplyline.store.db import scratch_database

            url, drop = scratch_database(admin, "supplyline_bench")
            try:
                verify.append(bench_verify(open_store(url, create=True), size, repeats))
            finally:
                drop()
        else:
            print("PostgreSQL verify skipped: set SUPPLYLINE_TEST_POSTGRES_URL to a server's URL", file=sys.stderr)
        proofs = bench_proofs(tmp, [10**4, 10**5] if quick else [10**4, 10**6, 10**7], 50 if quick else 300)
    result = {
        "machine": {
            "python": sys.version.split()[0],
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "note": "shared machine; re-measure on a quiet one",
        },
        "append": append,
        "witness": witness,
        "witness_fsync": witness_fsync,
        "verify": verify,
        "inclusion_proofs": proofs,
        "quick": quick,
    }
    OUT.mkdir(exist_ok=True)
    (OUT / "ledger.json").write_text(json.dumps(result, indent=2) + "\n")
    print("| measure | supplyline | baseline | ratio / value | target |")
    print("| --- | --- | --- | --- | --- |")
    for a in append:
        print(
            f"| append, {a['events_per_transaction']} event(s)/transaction | {a['ledger_events_per_s']:,} ev/s "
            f"| plain INSERT {a['plain_insert_events_per_s']:,} ev/s | {a['ratio']} | >= 0.7 |"
        )
    for a in append:
        print(
            f"| (append, {a['events_per_transaction']} event(s)/transaction, against batched INSERTs) "
            f"| {a['ledger_events_per_s']:,} ev/s | one INSERT per table {a['plain_batched_events_per_s']:,} ev/s "
            f"| {a['ratio_to_batched']} | |"
        )
    print(
        f"| witness round trip on loopback (add-checkpoint + proof) | median {witness['witness_round_trip_median_ms']} ms, "
        f"p90 {witness['witness_round_trip_p90_ms']} ms | signed one-event write {witness['signed_write_median_ms']} ms "
        f"| {witness['witness_round_trip_median_ms']} ms | <= 5 ms |"
    )
    print(
        f"| (the same, witness with --fsync) | median {witness_fsync['witness_round_trip_median_ms']} ms, "
        f"p90 {witness_fsync['witness_round_trip_p90_ms']} ms | | | |"
    )
    for v in verify:
        print(
            f"| verify {v['events']:,} events, {v['database']} ({v['cpus']} CPUs) | {v['verify_events_per_s']:,} ev/s "
            f"({v['verify_mb_per_s']} MB/s) | raw sha256 {v['raw_sha256_events_per_s']:,} ev/s "
            f"({v['raw_sha256_mb_per_s']} MB/s) | {v['ratio']} | >= 0.5 |"
        )
        print(
            f"| verify, {v['database']}, one process | {v['verify_one_process_events_per_s']:,} ev/s | (same raw) "
            f"| {v['ratio_one_process']} | |"
        )
    for p in proofs:
        target = "<= 2 ms" if p["target_median_ms"] else ""
        print(
            f"| inclusion proof at {p['events']:,} events | median {p['inclusion_median_ms']} ms, "
            f"p99 {p['inclusion_p99_ms']} ms | (tree built in {p['build_s']} s) | {p['inclusion_median_ms']} ms | {target} |"
        )
    print(f"\nwritten to {OUT / 'ledger.json'} (shared machine: re-measure on a quiet one)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
