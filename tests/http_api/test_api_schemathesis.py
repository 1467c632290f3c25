"""Schemathesis against /api/v1/openapi.json: no input gets a 5xx, and every response
(successes and problem documents alike) matches the schema published for it.

Bounded and repeatable: a fixed number of derandomised examples per operation, valid and
invalid ones, sent as the side-A coordinator (who may write most things) to every operation,
and as the side-A supplier to the operations its role has a scope for (the others answer it
403 whatever the input, which the authorisation matrix checks), on a copy of the two-sided
scenario ledger.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from supplyline import settings as settings_module
from supplyline.api import create_app
from supplyline.domain.access import POLICY
from supplyline.services.log import transparency
from supplyline.store.db import make_engine
from supplyline.store.eventstore import Store

from .scenario import Copies

EXAMPLES = 15
#: A request can match the schema and still be refused by a business rule (an unknown id,
#: a pledge already committed): that is the API working, not failing.
NOT_APPLICABLE = [positive_data_acceptance]


#: The schema is read at import (schemathesis parametrises from it at collection); the app
#: gets its ledger, a copy of the scenario, when the tests run.
APP = create_app(Store(make_engine("sqlite://")))
schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", APP)
schema.config.generation.update(
    modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE], max_examples=EXAMPLES, deterministic=True
)


def _supplier_may(ctx) -> bool:
    return "supplier" in POLICY[ctx.operation.definition.raw["x-supplyline-action"]]


supplier_schema = schema.include(_supplier_may)


@pytest.fixture(scope="module", autouse=True)
def ledger(scenario_template, tmp_path_factory):
    copies = Copies(scenario_template[0], tmp_path_factory.mktemp("schemathesis"))
    APP.state.store = copies.new()
    # the app was built on a placeholder store: it is handed the copy's signing key with it
    APP.state.key_file = transparency.key_path(
        settings_module.Settings(), APP.state.store.engine.url.render_as_string(hide_password=False)
    )
    yield APP.state.store
    copies.close()


def _settings(test):
    return settings(
        max_examples=EXAMPLES, derandomize=True, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )(test)


@pytest.mark.slow
@schema.parametrize()
@_settings
def test_as_coordinator(case, scenario):
    case.call_and_validate(headers=scenario.headers("coordinator"), excluded_checks=NOT_APPLICABLE)


@pytest.mark.slow
@supplier_schema.parametrize()
@_settings
def test_as_supplier(case, scenario):
    case.call_and_validate(headers=scenario.headers("supplier"), excluded_checks=NOT_APPLICABLE)
