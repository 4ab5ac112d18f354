from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.core.money import MoneyError, parse_money


@extend_schema_field(OpenApiTypes.STR)
class AmountField(serializers.Field):
    """An upstream amount, string or JSON number, parsed strictly into Decimal yuan (apps.core.money)."""

    def to_internal_value(self, data):
        try:
            return parse_money(data, field=self.field_name)
        except MoneyError as exc:
            raise serializers.ValidationError(f"金额格式错误（{exc}）") from None

    def to_representation(self, value):
        return str(value)
