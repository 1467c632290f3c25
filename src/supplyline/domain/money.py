"""Money: a Decimal amount in an ISO 4217 currency, exact to the currency's minor unit.

Floats are refused everywhere money enters: a treasury cannot reconcile a figure that was
rounded in binary. Amounts that carry more decimals than the currency has minor units are
refused on input (the user meant something else) and rounded half-to-even only where the
system itself computes them (conversions, pro-rata shares).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from functools import cache

from .errors import InvalidInput, RuleViolation


@cache
def minor_exponent(currency: str) -> int:
    """Number of decimals of the currency's minor unit (EUR 2, JPY 0, KWD 3)."""
    import iso4217  # its table loads at the first currency read, not for every command

    try:
        exponent = iso4217.Currency(currency).exponent
    except ValueError:
        raise InvalidInput("currency", currency, "not an ISO 4217 currency code") from None
    if exponent is None:  # funds codes and metals (XAU, XDR…) are not money we book
        raise InvalidInput("currency", currency, "has no minor unit; not a bookable currency")
    return exponent


def check_currency(code: object, field: str = "currency") -> str:
    if not isinstance(code, str) or len(code) != 3 or not code.isalpha() or not code.isupper():
        raise InvalidInput(field, code, "must be a three-letter upper-case ISO 4217 code")
    try:
        minor_exponent(code)
    except InvalidInput as exc:
        raise InvalidInput(field, code, exc.reason) from None
    return code


@cache
def _quantum(currency: str) -> Decimal:
    return Decimal(1).scaleb(-minor_exponent(currency))


#: No amount reaches 10^16 minor units (a hundred trillion dollars): far above any defence
#: budget, and low enough that sums of many amounts still fit the BigInteger columns and the
#: decimal context, so an absurd figure is refused instead of overflowing.
LARGEST_MINOR = 10**16


#: currency -> (its minor unit, the bound of its amounts), filled as each currency is checked:
#: an optimiser's plan makes 10^5 amounts, and checking the code each time was most of the cost
_TERMS: dict[str, tuple[Decimal, Decimal]] = {}


def _terms(currency: object) -> tuple[Decimal, Decimal]:
    """The minor unit and the bound of amounts in ``currency``, which is checked the first time."""
    try:
        return _TERMS[currency]  # type: ignore[index]  # a code not (yet) there is checked below
    except (KeyError, TypeError):
        code = check_currency(currency)
        _TERMS[code] = (_quantum(code), Decimal(LARGEST_MINOR).scaleb(-minor_exponent(code)))
        return _TERMS[code]


def _check_range(amount: Decimal, currency: str, field: str) -> None:
    if amount.copy_abs() >= _terms(currency)[1]:
        raise RuleViolation(
            f"{field}: {currency} {amount} is larger than any amount supplyline books "
            f"(under {Decimal(LARGEST_MINOR).scaleb(-minor_exponent(currency)):,})",
            field=field,
            value=str(amount),
        )


def parse_decimal(field: str, value: object) -> Decimal:
    """A Decimal from a string, int or Decimal; floats are refused."""
    if isinstance(value, (bool, float)):
        raise InvalidInput(field, value, "must be written as a decimal string, not a binary float")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        text = value.strip().replace("_", "")
        try:
            result = Decimal(text)
        except InvalidOperation:
            raise InvalidInput(field, value, "is not a number") from None
    else:
        raise InvalidInput(field, value, "is not a number")
    if not result.is_finite():
        raise InvalidInput(field, value, "must be a finite number")
    return result


@dataclass(frozen=True, slots=True, order=False)
class Money:
    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Decimal):
            raise TypeError(f"Money amount must be Decimal, got {type(self.amount).__name__}")
        quantum, bound = _terms(self.currency)
        if self.amount.copy_abs() >= bound:
            _check_range(self.amount, self.currency, "amount")
        normal = self.amount.quantize(quantum)
        if self.amount != normal:
            raise InvalidInput(
                "amount",
                str(self.amount),
                f"has more decimals than {self.currency} has minor units ({minor_exponent(self.currency)})",
            )
        # normalise the exponent so equal amounts print and hash identically
        object.__setattr__(self, "amount", normal)

    # construction -------------------------------------------------------------------
    @classmethod
    def parse(cls, amount: object, currency: object, field: str = "amount") -> Money:
        currency = check_currency(currency, f"{field}.currency" if field != "amount" else "currency")
        value = parse_decimal(field, amount)
        _check_range(value, currency, field)
        if value != value.quantize(_quantum(currency)):
            raise InvalidInput(
                field, amount, f"has more decimals than {currency} has minor units ({minor_exponent(currency)})"
            )
        return cls(value, currency)

    @classmethod
    def rounded(cls, amount: Decimal, currency: str) -> Money:
        """An amount computed by the system, rounded half-to-even to the minor unit."""
        _check_range(amount, currency, "amount")
        return cls(amount.quantize(_quantum(currency), rounding=ROUND_HALF_EVEN), currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(Decimal(0), currency)

    @classmethod
    def from_minor(cls, minor: int, currency: str) -> Money:
        return cls(Decimal(minor).scaleb(-minor_exponent(currency)), currency)

    @classmethod
    def from_json(cls, data: dict) -> Money:
        return cls.parse(data["amount"], data["currency"])

    # representation -----------------------------------------------------------------
    @property
    def minor(self) -> int:
        """The amount in minor units (cents), as stored in the database."""
        return int(self.amount.scaleb(minor_exponent(self.currency)))

    def to_json(self) -> dict:
        return {"amount": str(self.amount), "currency": self.currency}

    def __str__(self) -> str:
        return f"{self.currency} {self.amount:,}"

    # arithmetic (same currency only) -------------------------------------------------
    def _same(self, other: Money) -> None:
        if not isinstance(other, Money):
            raise TypeError("Money can only be combined with Money")
        if other.currency != self.currency:
            raise RuleViolation(
                f"cannot combine {self.currency} and {other.currency} without an FX conversion",
                field="currency",
                value=other.currency,
            )

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.amount <= other.amount

    def __gt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount > other.amount

    def __ge__(self, other: Money) -> bool:
        self._same(other)
        return self.amount >= other.amount

    def times(self, quantity: int) -> Money:
        return Money(self.amount * quantity, self.currency)

    @property
    def is_zero(self) -> bool:
        return self.amount == 0

    @property
    def is_positive(self) -> bool:
        return self.amount > 0


def total(amounts, currency: str) -> Money:
    """The sum of amounts in one currency (zero when there are none)."""
    result = Money.zero(currency)
    for amount in amounts:
        result = result + amount
    return result


def parse_positive_money(field: str, amount: object, currency: object) -> Money:
    money = Money.parse(amount, currency, field)
    if not money.is_positive:
        raise InvalidInput(field, amount, "must be greater than zero")
    return money


def split_pro_rata(total: Money, weights: list[Decimal]) -> list[Money]:
    """Split ``total`` in proportion to ``weights`` so that the parts sum exactly to it.

    Largest-remainder rounding in minor units: an auditor adding the parts gets the total
    to the cent, and ties go to the earlier weight so the split is deterministic.
    """
    if not weights:
        return []
    weight_sum = sum(weights, Decimal(0))
    if weight_sum <= 0:
        return [Money.zero(total.currency) for _ in weights]
    minor_total = total.minor
    exact = [Decimal(minor_total) * w / weight_sum for w in weights]
    floors = [int(e.to_integral_value(rounding="ROUND_FLOOR")) for e in exact]
    short = minor_total - sum(floors)
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:short]:
        floors[i] += 1
    return [Money.from_minor(m, total.currency) for m in floors]
