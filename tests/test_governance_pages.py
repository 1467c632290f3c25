"""The dashboard's list version page (issue 17 item 1: its lines, who approved it when, its
difference from another version, linked from the requirements page) and the signed-in
party's subscriptions page (item 5), in English and Ukrainian."""

from __future__ import annotations

from fastapi.testclient import TestClient

from supplyline.api import create_app
from supplyline.services import bus
from supplyline.services.access import tokens
from supplyline.services.context import Actor
from supplyline.services.notify import subscriptions
from supplyline.services.records import lists, requirements
from test_dashboard_sessions import sign_in

OPERATOR = Actor("operator", via="test")
UA = Actor("UA-MOD", via="test")


def _signed_in(store, party: str, role: str) -> TestClient:
    client = TestClient(create_app(store, read_cache=False))
    sign_in(client, tokens.issue_token(store, OPERATOR, tokens.IssueToken(party=party, role=role)).secret)
    return client


def test_a_list_version_shows_its_approvals_and_what_changed_since_the_last(demo_store):
    # January 2027: the radar moves up to tier 1, proposed and approved by Ukraine only so far
    bus.handle(
        demo_store,
        UA,
        requirements.Reprioritise(requirement_id="REQ-06", list_month="2027-01", priority=1, rank=4),
    )
    propose = lists.ProposeListVersion(
        recipient="UA-MOD", month="2027-01", coordinator="NATO-NSATU", seller="US-GOV", on="2027-01-04"
    )
    version = bus.handle(demo_store, UA, propose).id
    bus.handle(demo_store, UA, lists.ApproveListVersion(version_id=version, on="2027-01-05"))
    client = _signed_in(demo_store, "UA-MOD", "recipient")

    requirements_page = client.get("/requirements").text
    assert f'<a href="/lists/{version}">{version}</a>' in requirements_page
    page = client.get(f"/lists/{version}")
    assert page.status_code == 200
    assert '<tr data-party="UA-MOD"><td>UA-MOD</td><td>2027-01-05</td></tr>' in page.text
    assert '<tr data-party="US-GOV"><td>US-GOV</td><td>not yet</td></tr>' in page.text
    assert "From UA-MOD-2026-12 to UA-MOD-2027-01: 0 added, 0 removed, 1 ranked differently." in page.text, page.text
    assert "<td>ranked differently</td><td>REQ-06</td><td>Air defence radar</td><td>2/6</td><td>1/4</td>" in page.text
    uk = client.get("/lists/UA-MOD-2026-12?lang=uk").text
    assert "Чинна для розподілу." in uk
    assert "Від UA-MOD-2026-12 до UA-MOD-2027-01: додано 0, вилучено 0, змінено місце 1." in uk
    # a funder reads no list version; the public neither
    assert _signed_in(demo_store, "NL-GOV", "funder").get(f"/lists/{version}").status_code == 404
    assert TestClient(create_app(demo_store)).get(f"/lists/{version}").status_code == 404


def test_a_party_sees_its_own_subscriptions_never_their_secrets(demo_store):
    secret = subscriptions.new_secret()
    add = subscriptions.AddSubscription(
        url="https://hooks.nl.example/in", events="DeliveryRescheduled", secret=secret, role="funder"
    )
    sub = bus.handle(demo_store, Actor("NL-GOV", via="test"), add).id
    bus.handle(
        demo_store, Actor("NL-GOV", via="test"), subscriptions.ChangeSubscription(subscription_id=sub, change="pause")
    )
    page = _signed_in(demo_store, "NL-GOV", "funder").get("/subscriptions?lang=uk")
    assert page.status_code == 200
    assert (
        f'<tr data-subscription="{sub}"><td>{sub}</td><td>https://hooks.nl.example/in</td>'
        "<td>DeliveryRescheduled</td><td>призупинена</td>"
    ) in page.text
    assert secret not in page.text
    assert sub not in _signed_in(demo_store, "DE-GOV", "funder").get("/subscriptions").text
    assert TestClient(create_app(demo_store)).get("/subscriptions").status_code == 403
