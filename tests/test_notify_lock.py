"""One notification worker per database (issue 17 item 5), on both databases: a second
worker gets no lock and does nothing while the first runs, takes over when it stops, and a
worker killed with SIGKILL leaves no stale lock behind."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time

from typer.testing import CliRunner

from supplyline.cli.main import app
from supplyline.services.notify import worker
from supplyline.services.notify.lock import WorkerLock

HOLD = """
import sys, time
from supplyline.services.context import open_store
from supplyline.services.notify.lock import WorkerLock
lock = WorkerLock(open_store(sys.argv[1]))
assert lock.acquire()
print("held", flush=True)
time.sleep(600)
"""


def _url(store) -> str:
    return store.engine.url.render_as_string(hide_password=False)


def test_a_second_worker_gets_no_lock_until_the_first_lets_go(store):
    first, second = WorkerLock(store), WorkerLock(store)
    assert first.acquire() is True
    assert second.acquire() is False
    assert worker.once(store) is None  # a pass of `notify run --once` does nothing meanwhile
    out = CliRunner().invoke(app, ["--db", _url(store), "notify", "run", "--once"])
    assert (out.exit_code, "another notification worker is running on this database" in out.output) == (1, True)
    first.release()
    assert second.acquire() is True
    second.release()
    assert worker.once(store) == (0, 0)


def test_a_running_worker_holds_the_lock_and_the_next_takes_over_when_it_stops(store):
    stop = threading.Event()
    running = threading.Thread(target=worker.run, args=(store, stop), kwargs={"poll": 0.05})
    running.start()
    try:
        deadline = time.monotonic() + 20
        while worker.once(store) is not None:
            assert time.monotonic() < deadline, "the running worker never took the lock"
            time.sleep(0.05)
    finally:
        stop.set()
        running.join(timeout=20)
    assert not running.is_alive()
    assert worker.once(store) == (0, 0)


def test_a_killed_worker_leaves_no_stale_lock(store):
    holder = subprocess.Popen([sys.executable, "-c", HOLD, _url(store)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        assert WorkerLock(store).acquire() is False
    finally:
        holder.send_signal(signal.SIGKILL)  # kill -9: no chance to release
        holder.wait(timeout=20)
    lock = WorkerLock(store)
    deadline = time.monotonic() + 20  # PostgreSQL ends the dead client's session as its socket closes
    while not lock.acquire():
        assert time.monotonic() < deadline, "the killed worker's lock was never released"
        time.sleep(0.1)
    lock.release()
