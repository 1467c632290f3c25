"""Invariant 1 under concurrent writers: a pledge is never over-allocated."""

import threading

from sqlalchemy import text

from scenario import OP, base
from supplyline.domain.errors import RuleViolation
from supplyline.services import bus
from supplyline.services.context import open_store
from supplyline.services.log.checks import check_projections, verify_ledger
from supplyline.services.records import funding

WRITERS = 24


def test_concurrent_writers_never_over_allocate_a_pledge(db_url):
    setup = open_store(db_url, create=True)
    base(setup, pledge_amounts=(("PL-A", "1050.00", "USD"),))
    setup.engine.dispose()

    barrier = threading.Barrier(WRITERS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def writer(i: int) -> None:
        store = open_store(db_url)  # each writer its own engine and connection, like separate processes
        barrier.wait()
        try:
            bus.handle(
                store,
                OP,
                funding.Allocate(
                    pledge_id="PL-A", package_id="PKG-1", line_no=1, amount="100.00", currency="USD", on="2025-08-05"
                ),
            )
            result = "ok"
        except RuleViolation as exc:
            result = str(exc)
        finally:
            store.engine.dispose()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert outcomes.count("ok") == 10
    refused = [o for o in outcomes if o != "ok"]
    assert len(refused) == WRITERS - 10
    assert set(refused) == {"pledge 'PL-A' has USD 50.00 left, not USD 100.00: it would be over-allocated"}

    check = open_store(db_url)
    with check.read() as conn:
        allocated = conn.execute(text("SELECT allocated_minor, state FROM pledges WHERE id = 'PL-A'")).one()
        total = conn.execute(text("SELECT sum(amount_minor), count(*) FROM allocations WHERE pledge_id = 'PL-A'")).one()
    assert tuple(allocated) == (100000, "partly_allocated")
    assert tuple(total) == (100000, 10)
    assert verify_ledger(check).ok
    assert check_projections(check) == []
    check.engine.dispose()
