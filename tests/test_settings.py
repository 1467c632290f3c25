"""Settings: ``SUPPLYLINE_*`` variables read as their fields' types (without a validation
library: every CLI command builds them), keyword arguments over the environment."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from supplyline.settings import Settings


def test_the_environment_is_read_as_each_fields_type(monkeypatch) -> None:
    monkeypatch.setenv("SUPPLYLINE_READ_DB_WAIT", "0.25")
    monkeypatch.setenv("supplyline_secure_cookies", "Yes")  # a shell may spell it in any case
    monkeypatch.setenv("SUPPLYLINE_MAX_BODY_BYTES", "65536")
    monkeypatch.setenv("SUPPLYLINE_AMEND_TOLERANCE", "0.05")
    monkeypatch.setenv("SUPPLYLINE_EARLIEST_DATE", "2020-01-01")
    monkeypatch.setenv("SUPPLYLINE_NO_SUCH_SETTING", "ignored")
    settings = Settings(db="sqlite://", witness_timeout=3)
    assert (settings.read_db_wait, settings.secure_cookies, settings.max_body_bytes) == (0.25, True, 65536)
    assert (settings.amend_tolerance, settings.earliest_date) == (Decimal("0.05"), date(2020, 1, 1))
    assert (settings.db, settings.witness_timeout, settings.signing_key) == ("sqlite://", 3.0, None)


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("SUPPLYLINE_MAX_BODY_BYTES", "1.5", "setting SUPPLYLINE_MAX_BODY_BYTES: '1.5' is not valid"),
        ("SUPPLYLINE_SECURE_COOKIES", "maybe", "setting SUPPLYLINE_SECURE_COOKIES: 'maybe' is not valid (not a boolean"),
        ("SUPPLYLINE_AMEND_TOLERANCE", "1", "setting SUPPLYLINE_AMEND_TOLERANCE: '1' is not valid (must be at least 0 and below 1)"),
        ("SUPPLYLINE_LATEST_DATE", "2100-13-01", "setting SUPPLYLINE_LATEST_DATE: '2100-13-01' is not valid"),
    ],
)  # fmt: skip
def test_a_value_not_of_its_type_is_refused_naming_the_variable(monkeypatch, variable, value, message) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Settings()


def test_a_keyword_argument_of_another_type_is_refused() -> None:
    with pytest.raises(ValueError, match="setting SUPPLYLINE_MAX_BODY_BYTES: True is not valid"):
        Settings(max_body_bytes=True)
