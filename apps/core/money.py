"""Money is `Decimal` yuan with two places: parsed strictly from upstream values, written as strings."""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import models

CENT = Decimal("0.01")
LIMIT = Decimal("1e12")
# ASCII only: Decimal() would also take "1_000" and other scripts' digits ("١٢"), which no upstream sends.
_AMOUNT_TEXT = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", re.ASCII)


class MoneyError(ValueError):
    pass


def parse_money(value, *, field: str = "amount") -> Decimal:
    """Parse an upstream amount: "12.3", 12.30 (a JSON number), "12.30 ", Decimal or int.

    Refuses bool, NaN, infinities, more than two decimal places and a float whose shortest repr is not an
    exact cent amount (0.1 + 0.2 and friends): a float artefact means the sender computed money in binary.
    """
    if isinstance(value, bool) or value is None:
        raise MoneyError(f"{field}: not an amount: {value!r}")
    if isinstance(value, float):
        value = repr(value)
    if isinstance(value, int):
        value = Decimal(value)  # not via str(): Python refuses to print an int of more than 4300 digits
    if isinstance(value, str):
        text = value.strip()
        if not text:
            raise MoneyError(f"{field}: empty amount")
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise MoneyError(f"{field}: not an amount: {text[:40]!r}") from None
        if value.is_finite() and not _AMOUNT_TEXT.fullmatch(text):
            raise MoneyError(f"{field}: not an amount: {text[:40]!r}")
    if not isinstance(value, Decimal):
        raise MoneyError(f"{field}: not an amount: {value!r}")
    if not value.is_finite():
        raise MoneyError(f"{field}: not a finite amount: {value!r}")
    # The range first, without the context (copy_abs neither rounds nor overflows): quantize() of 1E+26 and
    # beyond exceeds the context's 28 digits and raises InvalidOperation.
    if value.copy_abs() >= LIMIT:
        raise MoneyError(f"{field}: amount out of range: {str(value)[:40]}")
    if value != value.quantize(CENT):
        raise MoneyError(f"{field}: more than two decimal places: {str(value)[:40]}")
    return value.quantize(CENT)


def format_money(value: Decimal) -> str:
    """The wire form: a string with exactly two places ("12.30", "-5.00")."""
    if not isinstance(value, Decimal):
        raise MoneyError(f"format_money takes Decimal, not {type(value).__name__}")
    return str(value.quantize(CENT, rounding=ROUND_HALF_UP))


class MoneyField(models.DecimalField):
    """Decimal yuan, two places. A float never reaches the database."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(*args, **kwargs)

    def get_prep_value(self, value):
        if isinstance(value, float):
            raise TypeError(f"{self.name}: money must be Decimal, got float {value!r}")
        return super().get_prep_value(value)

    def to_python(self, value):
        if isinstance(value, float):
            raise TypeError(f"{self.name}: money must be Decimal, got float {value!r}")
        return super().to_python(value)
