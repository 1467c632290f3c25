"""Reads on a real PostgreSQL streaming replica (issue 20 item 4).

One replica for the module: ``pg_basebackup -R`` from the server the PostgreSQL tests use
(SUPPLYLINE_TEST_POSTGRES_URL) into a temporary directory, then a second ``postgres`` on a
free loopback port. PostgreSQL refuses to run as root, so under root the replica's programs
run as the ``postgres`` OS user (``runuser``) in a directory it owns. When that server does
not accept replication connections (its pg_hba.conf has no replication line, as a stock
Debian server has none for TCP), the test runs a primary of its own (``initdb`` with the
same programs, on another loopback port) and feeds the replica from it, saying so. It skips,
saying what to change, without the variable or without the server's programs.

Replay on the replica is paused to put it visibly behind: a stale answer can only have come
from it, while the writer's own next read must still see its write.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient
from psycopg.conninfo import make_conninfo
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url

from conftest import OPERATOR, postgres_admin_url
from http_api.test_api_read_cache import _wait_until
from supplyline import settings as settings_module
from supplyline.api import create_app
from supplyline.domain.errors import InvalidInput
from supplyline.services import bus
from supplyline.services.access import tokens
from supplyline.services.context import open_store
from supplyline.services.log import integrity, signing, transparency
from supplyline.services.log.projection_watch import ProjectionWatch
from supplyline.services.records import parties
from supplyline.store.db import scratch_database
from supplyline.store.eventstore import Store, read_head
from supplyline.store.replicas import Replicas, on_primary
from test_dashboard_sessions import sign_in

#: settings a hot standby may not have lower than its primary: the replica is given the primary's
MATCHED = (
    "max_connections",
    "max_worker_processes",
    "max_wal_senders",
    "max_prepared_transactions",
    "max_locks_per_transaction",
)
CONFIG = {
    "postgresql.conf": "",
    "pg_ident.conf": "",
    "pg_hba.conf": "local all all trust\nhost all all 127.0.0.1/32 trust\n",
}


@dataclass
class Replica:
    url: str  # the test's database, on the replica
    data: Path
    run_as: list[str]  # the command prefix that runs a server program as a user PostgreSQL accepts
    programs: Path

    def sql(self, statement: str) -> object:
        engine = create_engine(self.url, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                return conn.execute(text(statement)).scalar()
        finally:
            engine.dispose()

    def stop(self) -> None:
        _stop(self.run_as, self.programs, self.data)


def _stop(run_as: list[str], programs: Path, data: Path) -> None:
    if (data / "postmaster.pid").exists():
        _run([*run_as, str(programs / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start_primary(programs: Path, home: Path, run_as: list[str], data: Path) -> URL:
    """A primary of the test's own in ``data`` (initdb's pg_hba.conf lets loopback replicate)."""
    init = _run([*run_as, str(programs / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "--no-sync"])
    assert init.returncode == 0, init.stdout + init.stderr
    port = _free_port()
    options = (
        f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={home} -c wal_level=replica "
        "-c max_wal_senders=4 -c fsync=off -c shared_buffers=16MB"
    )
    log = home / "primary.log"
    started = _run([*run_as, str(programs / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-o", options, "start"])
    assert started.returncode == 0, started.stdout + started.stderr + log.read_text()
    return make_url(f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres")


def _run(command: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, timeout=180, env=env, check=False)


def _readiness(admin: URL) -> tuple[str | None, int, str]:
    """What the primary lacks to feed a replica (None: nothing), its major version, and the
    settings a replica must match."""
    engine = create_engine(admin)
    try:
        with engine.connect() as conn:
            wal_level = conn.execute(text("SHOW wal_level")).scalar()
            senders = int(conn.execute(text("SHOW max_wal_senders")).scalar() or 0)
            may = conn.execute(text("SELECT rolreplication OR rolsuper FROM pg_roles WHERE rolname = current_user"))
            allowed = may.scalar()
            major = int(conn.execute(text("SHOW server_version_num")).scalar() or 0) // 10000
            matched = " ".join(f"-c {name}={conn.execute(text(f'SHOW {name}')).scalar()}" for name in MATCHED)
    finally:
        engine.dispose()
    if wal_level not in ("replica", "logical") or senders < 1:
        return (
            f"set wal_level = replica and max_wal_senders >= 1 (now {wal_level}, {senders}), then restart it",
            major,
            matched,
        )
    if not allowed:
        return f"ALTER ROLE {admin.username} REPLICATION", major, matched
    try:  # what pg_hba.conf says is known only by asking for a replication connection
        psycopg.connect(make_conninfo("", **_libpq(admin), replication="true", connect_timeout=10)).close()
    except psycopg.OperationalError as refused:
        if "pg_hba.conf" not in str(refused):
            raise
        return (
            f"add the line `host replication {admin.username} 127.0.0.1/32 trust` (or the auth method its other "
            "127.0.0.1 lines use) to its pg_hba.conf and reload it (SELECT pg_reload_conf()); "
            "wal_level and max_wal_senders already allow replication",
            major,
            matched,
        )
    return None, major, matched


def _libpq(url: URL) -> dict[str, str | int]:
    given: dict[str, str | int | None] = {
        "host": url.host or "127.0.0.1",
        "port": url.port or 5432,
        "user": url.username,
        "password": url.password,
    }
    return {key: value for key, value in given.items() if value is not None}


def _programs(major: int) -> Path:
    """The server programs of the primary's major version (a replica must match it)."""
    places = [Path(f"/usr/lib/postgresql/{major}/bin")]
    if on_path := shutil.which("pg_ctl"):
        places.append(Path(on_path).parent)
    for place in places:
        present = all((place / name).exists() for name in ("pg_basebackup", "pg_ctl", "postgres", "initdb"))
        if present and f" {major}." in _run([str(place / "postgres"), "--version"]).stdout:
            return place
    pytest.skip(
        f"PostgreSQL {major}'s pg_basebackup, pg_ctl, postgres and initdb are not in /usr/lib/postgresql/{major}/bin"
    )


def _home() -> tuple[Path, list[str]]:
    """A directory for the replica, and the prefix that runs its programs: under root, as the
    ``postgres`` OS user, who gets the directory."""
    if os.geteuid() != 0:
        return Path(tempfile.mkdtemp(prefix="supplyline_replica_")), []
    try:
        owner = pwd.getpwnam("postgres")
    except KeyError:
        pytest.skip("running as root, and there is no 'postgres' OS user to run the replica's server as")
    home = Path(tempfile.mkdtemp(prefix="supplyline_replica_"))
    os.chown(home, owner.pw_uid, owner.pw_gid)
    return home, ["runuser", "-u", "postgres", "--"]


def _start(admin: URL, programs: Path, home: Path, run_as: list[str], matched: str) -> int:
    """Back the primary up into ``home``/data as a standby and start it; its port."""
    data = home / "data"
    source = [f"--host={admin.host or '127.0.0.1'}", f"--port={admin.port or 5432}", f"--username={admin.username}"]
    backup = _run(
        [*run_as, str(programs / "pg_basebackup"), *source, "-D", str(data), "-R", "-X", "stream", "-c", "fast"],
        {**os.environ, "PGPASSWORD": admin.password or ""},
    )
    assert backup.returncode == 0, backup.stderr
    for name, content in CONFIG.items():  # a Debian cluster keeps these outside its data directory
        (data / name).write_text(content)
        if run_as:
            shutil.chown(data / name, "postgres")
    port = _free_port()
    options = (
        f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={home} -c hot_standby=on "
        f"-c fsync=off -c shared_buffers=16MB {matched}"
    )
    pg_ctl = [*run_as, str(programs / "pg_ctl"), "-D", str(data), "-l", str(home / "log")]
    started = _run([*pg_ctl, "-w", "-t", "120", "-o", options, "start"])
    assert started.returncode == 0, started.stdout + started.stderr + (home / "log").read_text()
    return port


@pytest.fixture(scope="module")
def primary_and_replica() -> Iterator[tuple[Store, Replica, str, Path]]:
    """A ledger on the primary, signed on commit (one party, a coordinator's token), its
    replica, the token and the signing key."""
    admin = make_url(postgres_admin_url())
    hint = f"the PostgreSQL server at {admin.host}:{admin.port or 5432} cannot feed a replica for this test: "
    why, major, matched = _readiness(admin)
    programs = _programs(major)
    home, run_as = _home()
    own_primary: Path | None = None
    if why:  # a primary of the test's own, with the same programs, feeds the replica instead
        print(f"{hint}{why}; using a primary of the test's own", file=sys.stderr)
        own_primary = home / "primary"
        admin = _start_primary(programs, home, run_as, own_primary)
        why, major, matched = _readiness(admin)
        if why:
            _stop(run_as, programs, own_primary)
            shutil.rmtree(home, ignore_errors=True)
            pytest.skip(hint + why)
    url, drop = scratch_database(admin.render_as_string(hide_password=False), "supplyline_replica")
    store = open_store(url, create=True)
    replica = Replica("", home / "data", run_as, programs)
    key = home / "ledger.key"
    try:
        transparency.ensure_key(key, "replica.test/ledger")
        signing.attach(store, key)
        signing.pin_key(store, OPERATOR)
        bus.handle(store, OPERATOR, parties.RegisterParty(id="NL", name="Netherlands", kind="government", country="NL"))
        secret = tokens.issue_token(store, OPERATOR, tokens.IssueToken("NL", "coordinator")).secret
        port = _start(admin, programs, home, run_as, matched)  # after the writes: the backup holds them
        replica.url = make_url(url).set(host="127.0.0.1", port=port).render_as_string(hide_password=False)
        yield store, replica, secret, key
    finally:
        replica.stop()
        if store.replicas is not None:
            store.replicas.dispose()
        store.engine.dispose()
        drop()
        if own_primary is not None:
            _stop(run_as, programs, own_primary)
        shutil.rmtree(home, ignore_errors=True)


def _ids(client: TestClient, **headers: str) -> list[str]:
    answer = client.get("/api/v1/parties", headers=headers)
    assert answer.status_code == 200, answer.text
    return [party["id"] for party in answer.json()["items"]]


def _served(replicas: Replicas) -> tuple[int, int]:
    return replicas.members[0].reads, replicas.primary_reads


def test_read_db_names_postgresql_replicas_of_a_postgresql_primary(sqlite_store):
    replicas = Replicas.parse(
        "postgresql://reader@replica-1/ledger, postgresql+psycopg://reader:secret@replica-2/ledger?connect_timeout=5",
        wait=0.1,
    )
    assert [m.name for m in replicas.members] == [
        "postgresql://reader@replica-1/ledger?connect_timeout=2",
        "postgresql+psycopg://reader:***@replica-2/ledger?connect_timeout=5",
    ]
    assert replicas.wait == 0.1
    for given, refusal in {
        "sqlite:///replica.db": "read_db: must be a postgresql:// URL of a streaming replica (got 'sqlite:///replica.db')",
        "mysql://u:pw@h/db": "read_db: must be a postgresql:// URL of a streaming replica (got 'mysql://u:***@h/db')",
        "replica-1": "read_db: is not a database URL (got 'replica-1')",
        " , ": "read_db: names no replica URL (got ' , ')",
    }.items():
        with pytest.raises(InvalidInput) as refused:
            Replicas.parse(given)
        assert str(refused.value) == refusal
    with pytest.raises(InvalidInput) as refused:
        Replicas.parse("postgresql://replica-1/ledger", wait=-1)
    assert str(refused.value) == "read_db_wait: must be zero or more seconds (got -1)"
    with pytest.raises(InvalidInput) as refused:
        create_app(sqlite_store, settings_module.load(read_db="postgresql://replica-1/ledger"))
    assert str(refused.value) == (
        "read_db: needs SUPPLYLINE_DB on PostgreSQL, the replicas' primary (got 'postgresql://replica-1/ledger')"
    )
    assert sqlite_store.replicas is None


@pytest.mark.postgres
def test_reads_go_to_the_replica_the_writer_reads_its_own_writes_and_the_api_outlives_the_replica(
    primary_and_replica,
):
    store, replica, secret, key = primary_and_replica
    settings = settings_module.load(db=str(store.engine.url), read_db=replica.url, read_db_wait=0.2)
    app = create_app(store, settings, read_cache=False, key_file=key)
    replicas = store.replicas
    assert replicas is not None and len(replicas.members) == 1
    public, writer = TestClient(app), TestClient(app, headers={"Authorization": f"Bearer {secret}"})
    assert _ids(public) == ["NL"] and _served(replicas) == (1, 0)

    replica.sql("SELECT pg_wal_replay_pause()")
    bus.handle(store, OPERATOR, parties.RegisterParty(id="DK", name="Denmark", kind="government", country="DK"))
    # the replica is behind, and answers: a reader that wrote nothing does not wait
    assert _ids(public) == ["NL"] and _served(replicas) == (2, 0)
    # the integrity checks (serve's start check, the dashboard's ledger page) compare the database with the
    # checkpoints signed on commit: on a replica a moment behind, the log would look cut short
    assert integrity.check(store, key_file=key, watch=ProjectionWatch(store)).messages() == []
    # so is the log's surface: a checkpoint never shrinks from one request to the next
    with on_primary(), store.read() as conn:
        head = read_head(conn)[0]
    assert public.get("/api/v1/log/checkpoint").text.splitlines()[1] == str(head)
    created = writer.post("/api/v1/parties", json={"id": "SE", "name": "Sweden", "kind": "government"})
    assert created.status_code == 201, created.text
    assert "supplyline_read_after=" in created.headers["set-cookie"] and "Max-Age=60" in created.headers["set-cookie"]
    # the writer's next read: the replica has not replayed its write within 0.2 s, so the primary answers
    assert writer.get("/api/v1/parties/SE").json()["name"] == "Sweden"
    assert _served(replicas) == (3, 1)  # the write's own token check read the replica
    # the read cache files answers under the ledger head its watch heard: never a replica's older one
    cached_app = create_app(store, settings, key_file=key)
    with TestClient(cached_app) as cached:
        _wait_until(lambda: cached_app.state.ledger_watch.state() is not None)
        assert _ids(cached) == ["DK", "NL", "SE"]
    # signing in to the dashboard writes a session on the primary; the page after it sees it
    browser = TestClient(app)
    assert sign_in(browser, secret).status_code == 303
    assert 'id="who">NL (coordinator)' in browser.get("/").text

    replica.sql("SELECT pg_wal_replay_resume()")
    replicas.wait = 30.0  # replay resumes at once; the bound is only the worst case on a loaded machine
    reads, fallbacks = _served(replicas)
    created = writer.post("/api/v1/parties", json={"id": "FI", "name": "Finland", "kind": "government"})
    assert created.status_code == 201, created.text
    assert writer.get("/api/v1/parties/FI").json()["name"] == "Finland"
    assert _served(replicas) == (reads + 2, fallbacks)  # the token check, then the read: both on the replica

    replica.stop()  # the wait stays 30 s: a replica that is down is not waited for
    assert _ids(public) == ["DK", "FI", "NL", "SE"]
    assert writer.get("/api/v1/parties/FI").status_code == 200
    assert 'id="who">NL (coordinator)' in browser.get("/").text
    assert _served(replicas)[1] == fallbacks + 3
