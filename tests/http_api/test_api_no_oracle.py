"""No oracle for hidden records: every write that names a record in its path answers a
caller who may not read that record exactly as it answers for a record that does not
exist, whatever the body, the acting party or the If-Match header say.

Each write of the access matrix is sent by every token to the side-A record it addresses;
when the caller cannot read that record (its GET answers 404), the write must answer the
same 404 as for a missing id, with the same words, and write nothing.
"""

from __future__ import annotations

import re
from dataclasses import replace

from fastapi.testclient import TestClient

from supplyline.api import create_app

from .scenario import ROLES, events_in
from .test_api_access_matrix import CASES, V1, Upload, send

MISSING = "NOPE-404"
PARTY_FIELDS = ("party", "funder", "recipient", "seller", "buyer", "supplier")

#: writes naming a record in their path (the transparency log's reveal is a read)
NAMED_WRITES = [case for case in CASES if case[0] == "POST" and "{" in case[1]]


def _record_path(template: str, path: str) -> tuple[str, str]:
    """The GET path of the record a write names, and that record's id."""
    first = template.index("{")
    prefix = template[:first]
    record_id = path[len(prefix) :].split("/")[0]
    return prefix + record_id, record_id


def _variants(body: dict | Upload | None, party: str) -> list[dict | Upload | None]:
    """The body as the matrix sends it, and with every party it names set to the caller's
    own (the acting party must not let a caller past the read check)."""
    if body is None:
        return [None]
    if isinstance(body, Upload):
        form = {k: (party if k in PARTY_FIELDS else v) for k, v in body.form.items()}
        return [body, replace(body, form=form)] if form != body.form else [body]
    own = {k: (party if k in PARTY_FIELDS else v) for k, v in body.items()}
    return [body, own] if own != body else [body]


def test_every_named_write_is_covered():
    routes = {case[1] for case in NAMED_WRITES}
    assert "/packages/{package_id}/decisions" in routes
    # 20, the five money-stage writes (issue 15), a custody handover (16), two reschedules and a
    # shipment's expected arrival (17), a finding answered, closed and reopened (18), a contract
    # amended and an amendment accepted or refused (issue 15 item 4), a package line cancelled (15), and
    # the writes of who agrees to what landed beside them (issue 17), and a subscription paused,
    # resumed or removed (17)
    assert len(routes) == 42


def test_hidden_records_answer_as_missing_ones(scenario, copies):
    store = copies.new()
    before = events_in(store)
    failures = []
    with TestClient(create_app(store)) as client:
        for method, template, path, body, _ in NAMED_WRITES:
            record, record_id = _record_path(template, path)
            missing_path = path.replace(record_id, MISSING)
            for role in ROLES:
                for side in ("own", "other"):
                    headers = scenario.headers(role, side)
                    if client.get(V1 + record, headers=headers).status_code != 404:
                        continue  # the caller may read it: refusals may say why
                    party = scenario.party(role, side) or ""
                    for variant in _variants(body, party):
                        for extra in ({}, {"If-Match": '"999"'}):
                            sent = {**headers, **extra}
                            hidden = send(client, method, path, variant, sent)
                            missing = send(client, method, missing_path, variant, sent)
                            said = re.sub(re.escape(record_id), MISSING, hidden.text)
                            if (hidden.status_code, said) != (missing.status_code, missing.text):
                                failures.append(
                                    f"{method} {path} as {role}/{side} {variant} {extra}: "
                                    f"{hidden.status_code} {hidden.text[:160]} != {missing.status_code}"
                                )
                            elif hidden.status_code not in (403, 404):
                                failures.append(f"{method} {path} as {role}/{side}: {hidden.status_code}")
    assert failures == []
    assert events_in(store) == before
