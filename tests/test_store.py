"""The event store on real databases: append-only, atomic, migrations that match the schema."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from conftest import OPERATOR, event_count
from supplyline.domain.errors import NotFound
from supplyline.services import bus
from supplyline.services.context import open_store
from supplyline.services.log.checks import check_projections, verify_ledger
from supplyline.services.records import parties
from supplyline.store.db import make_engine
from supplyline.store.eventstore import read_head
from supplyline.store.migrate import upgrade
from supplyline.store.schema import every_table


def add_party(store, pid="NL-GOV"):
    return bus.handle(
        store, OPERATOR, parties.RegisterParty(id=pid, name="Netherlands", kind="government", country="NL")
    )


@pytest.mark.parametrize(
    "statement", ["UPDATE events SET body = replace(body, 'operator', 'mallory')", "DELETE FROM events"]
)
def test_the_database_refuses_to_change_or_remove_events(store, statement):
    add_party(store)
    with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as conn:
        conn.execute(text(statement))
    assert event_count(store) == 1
    assert verify_ledger(store).ok


def test_an_exception_mid_command_leaves_no_half_record(store):
    add_party(store, "A")

    def crash(conn, events):
        raise RuntimeError("power cut")

    store.append_hooks.append(crash)
    with pytest.raises(RuntimeError, match="power cut"):
        add_party(store, "B")
    store.append_hooks.clear()
    assert event_count(store) == 1
    with store.read() as conn:
        assert read_head(conn)[0] == 1
        assert conn.execute(text("SELECT count(*) FROM parties")).scalar_one() == 1
    assert check_projections(store) == []


def test_events_carry_sequence_stream_version_time_actor_and_chain(store):
    add_party(store, "A")
    add_party(store, "B")
    with store.read() as conn:
        rows = conn.execute(
            text(
                "SELECT seq, stream_id, stream_version, recorded_at, actor, type, prev_hash, hash FROM events ORDER BY seq"
            )
        ).all()
    assert [(r.seq, r.stream_id, r.stream_version, r.actor, r.type) for r in rows] == [
        (1, "party:A", 1, "operator", "PartyRegistered"),
        (2, "party:B", 1, "operator", "PartyRegistered"),
    ]
    assert rows[0].prev_hash == "0" * 64 and rows[1].prev_hash == rows[0].hash
    assert rows[0].recorded_at.endswith("Z") and len(rows[0].recorded_at) == 27


def test_migrations_produce_exactly_the_declared_schema_and_downgrade(db_url):
    engine = make_engine(db_url)
    upgrade(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), every_table())
    assert diff == []
    from alembic import command

    from supplyline.store.migrate import config, head_revision, is_current, newest_by_file_name

    # the quick check every command makes names the revision Alembic names
    assert newest_by_file_name() == head_revision() and is_current(engine)
    command.downgrade(config(engine), "-1")
    assert not is_current(engine)  # one migration behind: Alembic is asked, and says so
    command.downgrade(config(engine), "base")
    assert not is_current(engine)
    with engine.connect() as conn:
        tables = {
            r[0]
            for r in conn.execute(
                text(
                    "SELECT name FROM sqlite_master WHERE type='table'"
                    if engine.dialect.name == "sqlite"
                    else "SELECT tablename FROM pg_tables WHERE schemaname='public'"
                )
            )
        }
    assert tables <= {"alembic_version"}
    engine.dispose()


def test_an_uninitialised_database_is_refused_with_the_fix(sqlite_url):
    with pytest.raises(Exception, match="run `supplyline init`"):
        open_store(sqlite_url)


def test_unknown_entity_is_not_found(store):
    from supplyline.domain.pledge import Pledge

    with pytest.raises(NotFound, match="pledge 'nope' does not exist"), store.write("operator") as uow:
        uow.load(Pledge, "nope")
    assert event_count(store) == 0


def test_a_query_inside_a_unit_of_work_sees_every_event_and_row_it_recorded(store):
    # event and projection rows are written in batches; anyone who looks through uow.conn
    # must still see them all, and the append hooks see the whole unit of work once
    from supplyline.domain import party as party_domain
    from supplyline.domain.party import Party

    seen_by_hooks: list[list[int]] = []
    store.append_hooks.append(lambda conn, events: seen_by_hooks.append([e.seq for e in events]))
    with store.write("operator") as uow:
        for pid in ("A", "B"):
            uow.record(
                Party(id=pid), party_domain.register(Party(id=pid), name=f"Party {pid}", kind="company", country="NL")
            )
        events = uow.conn.execute(text("SELECT stream_id FROM events ORDER BY seq")).scalars().all()
        names = uow.conn.execute(text("SELECT name FROM parties ORDER BY id")).scalars().all()
        uow.record(Party(id="C"), party_domain.register(Party(id="C"), name="Party C", kind="company", country="NL"))
    assert events == ["party:A", "party:B"] and names == ["Party A", "Party B"]
    assert seen_by_hooks == [[1, 2, 3]]
    assert event_count(store) == 3 and check_projections(store) == []


def test_new_ids_are_numbered_from_the_record_counts_kept_by_writes_rebuild_and_migration(store):
    """Issue 20: next_id reads one count per kind; concurrent writers (threads, each its own
    connection) get distinct ids; a wrong count is named by the check and set by rebuild; the
    migration backfills it from the log."""
    import threading

    from alembic import command

    from supplyline.services.log.checks import rebuild_projections
    from supplyline.services.records import funding
    from supplyline.store.migrate import config

    add_party(store)

    def pledge(pledge_id=None):
        cmd = funding.AnnouncePledge(
            funder="NL-GOV", amount="5.00", currency="EUR", pledged_on="2026-01-05", mechanism="purl", id=pledge_id
        )
        return bus.handle(store, OPERATOR, cmd).id

    assert [pledge(), pledge("PL-0003"), pledge()] == ["PL-0001", "PL-0003", "PL-0004"]  # past an id named
    ids: list[str] = []
    writers = [threading.Thread(target=lambda: ids.extend(pledge() for _ in range(3))) for _ in range(2)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join()
    assert sorted(ids) == [f"PL-{n:04d}" for n in range(5, 11)]

    def counts():
        with store.read() as conn:
            return dict(conn.execute(text("SELECT kind, records FROM record_counts")).all())

    assert counts() == {"party": 1, "pledge": 9}
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE record_counts SET records = 2 WHERE kind = 'pledge'"))
    assert [str(d) for d in check_projections(store)] == ["record_counts [pledge].records: stored 2, rebuilt 9"]
    rebuild_projections(store)
    assert check_projections(store) == [] and pledge() == "PL-0011"  # PL-0010 is taken: the next past it
    command.downgrade(config(store.engine), "-1")  # before the counts: the migration backfills them
    upgrade(store.engine)
    assert counts() == {"party": 1, "pledge": 10} and pledge() == "PL-0012"
