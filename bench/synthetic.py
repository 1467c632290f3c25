"""Seeded synthetic allocation instances for the benchmark (and a database loaded with one).

12 categories, 3 origins (US, UA, DE), mixed currencies (pledges in eight, lines in USD or
EUR), integer lots, 30 % whole-or-nothing lines, 5 tiers. Earmarks are drawn from a short
menu of realistic ones (only air defence, only drones, US-made via PURL, Ukrainian-made via
the Drone Deal, European-made bilateral…), so identical earmarks recur as they do in life.
``regime`` is the money pledged as a share of the total need (0.01 scarce, 0.20 ample).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import numpy as np

from supplyline.domain.fx import FxDay
from supplyline.domain.money import Money
from supplyline.domain.pledge import Pledge
from supplyline.domain.values import CATEGORIES
from supplyline.engines.allocation import Instance, Need

ON = date(2026, 3, 2)
RATES = {
    "USD": "1.1800",
    "NOK": "11.700",
    "SEK": "10.900",
    "DKK": "7.4690",
    "CAD": "1.6050",
    "PLN": "4.2150",
    "GBP": "0.8600",
}
PLEDGE_CURRENCIES = ("EUR", "USD", "NOK", "SEK", "DKK", "CAD", "PLN", "GBP")
ORIGINS = ("US", "UA", "DE")
CATEGORY_MENU = (
    (),
    (),
    (),
    ("air_defence",),
    ("air_defence", "electronic_warfare"),
    ("aerial_drones", "naval_drones", "ground_drones"),
    ("artillery_ammunition",),
    ("armoured_vehicles", "small_arms"),
    ("engineering", "communications", "medical", "sustainment"),
)
DRONES = ("aerial_drones", "naval_drones", "ground_drones")


def fx_days() -> list[FxDay]:
    return [FxDay(date(2026, 2, 27), {c: Decimal(v) for c, v in RATES.items()}, "synthetic")]


def generate(n_pledges: int, n_lines: int, regime: float, seed: int) -> Instance:
    rng = np.random.default_rng(seed)
    tier = rng.integers(1, 6, n_lines)
    category = rng.integers(0, len(CATEGORIES), n_lines)
    origin = rng.choice(len(ORIGINS), n_lines, p=[0.5, 0.3, 0.2])
    whole = rng.random(n_lines) < 0.30
    price = np.maximum(np.round(np.exp(rng.normal(np.log(2e5), 1.5, n_lines))), 100).astype(np.int64)
    lot = rng.choice([1, 1, 1, 2, 5, 10, 20, 50], n_lines)
    lots = np.maximum(1, np.exp(rng.normal(np.log(8), 1.2, n_lines)).astype(np.int64))
    quantity = lot * lots + np.where(whole, 0, rng.integers(0, 2, n_lines) * rng.integers(0, lot + 1))
    needs = []
    total_usd = 0.0
    eur_usd = float(RATES["USD"])
    for i in range(n_lines):
        currency = "EUR" if ORIGINS[origin[i]] == "DE" else "USD"
        price_minor = int(price[i]) * 100
        total_usd += price[i] * quantity[i] * (eur_usd if currency == "EUR" else 1.0)
        needs.append(
            Need(
                requirement_id=f"R{i + 1:06d}",
                recipient="UA-MOD",
                tier=int(tier[i]),
                rank=i + 1,
                item=f"item {i + 1}",
                category=CATEGORIES[category[i]],
                origin=ORIGINS[origin[i]],
                open_quantity=int(quantity[i]),
                quantity=int(quantity[i]),
                min_lot=int(lot[i]),
                whole_only=bool(whole[i]),
                unit_price_minor=price_minor,
                currency=currency,
                unit="unit",
            )
        )
    weights = np.exp(rng.normal(0.0, 1.0, n_pledges))
    usd_amounts = weights / weights.sum() * total_usd * regime
    mechanism = rng.choice(3, n_pledges, p=[0.6, 0.15, 0.25])
    pledges = []
    for j in range(n_pledges):
        currency = PLEDGE_CURRENCIES[rng.integers(0, len(PLEDGE_CURRENCIES))]
        per_eur = Decimal(1) if currency == "EUR" else Decimal(RATES[currency])
        amount = Decimal(int(usd_amounts[j] / eur_usd * float(per_eur))) + 1
        origins: tuple[str, ...]
        if mechanism[j] == 0:
            mech, origins, cats = "purl", ("US",), CATEGORY_MENU[rng.integers(0, len(CATEGORY_MENU))]
        elif mechanism[j] == 1:
            mech, origins, cats = "drone_deal", ("UA",), DRONES if rng.random() < 0.5 else ()
        else:
            mech, origins = "bilateral", (("DE",), ("EU",), ())[rng.integers(0, 3)]
            cats = CATEGORY_MENU[rng.integers(0, len(CATEGORY_MENU))]
        money = Money(amount, currency)
        until = date(2026, 12, 31) if rng.random() < 0.5 else None
        pledges.append(
            Pledge(
                id=f"P{j + 1:04d}",
                funder=f"FUNDER-{j % 20 + 1:02d}",
                amount=money,
                allocated=Money.zero(currency),
                pledged_on=date(2026, 1, 5) if j % 2 else date(2025, 11, 3),
                mechanism=mech,
                categories=tuple(sorted(cats)),
                origins=tuple(sorted(origins)),
                valid_from=date(2025, 11, 3),
                valid_until=until,
                state="committed",
                version=2,
            )
        )
    return Instance(pledges=pledges, needs=needs, on=ON, fx_days=fx_days(), currency="USD")
