from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.core.money import MoneyError, parse_money

# Upstreams send amounts as strings ("12.30") or JSON numbers (12.3); both are parsed strictly.
AMOUNT_SCHEMA = {
    "oneOf": [
        {"type": "string", "pattern": r"^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$", "example": "12.30"},
        {"type": "number"},
    ],
    "description": "元，最多两位小数，绝对值小于 1e12",
}
# The last millisecond datetime can hold (9999-12-31T23:59:59.999Z): later is no time at all.
MAX_EPOCH_MILLIS = 253_402_300_799_999


@extend_schema_field(AMOUNT_SCHEMA)
class AmountField(serializers.Field):
    """An upstream amount, string or JSON number, parsed strictly into Decimal yuan (apps.core.money)."""

    def to_internal_value(self, data):
        try:
            return parse_money(data, field=self.field_name)
        except MoneyError as exc:
            raise serializers.ValidationError(f"金额格式错误（{exc}）") from None

    def to_representation(self, value):
        return str(value)


class EpochMillisField(serializers.IntegerField):
    """Unix time in milliseconds (setl_time and the like), within what datetime.fromtimestamp can convert."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", MAX_EPOCH_MILLIS)
        super().__init__(**kwargs)
