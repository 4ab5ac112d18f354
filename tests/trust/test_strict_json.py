"""The codec's strict JSON (CONTRACT.md: UTF-8 JSON), without the database: what it refuses, with the reason,
and what it keeps."""

import json
from decimal import Decimal

import pytest

from apps.integrations.paylater import codec


@pytest.mark.parametrize(
    "raw, why",
    [
        (b'{"a": NaN}', "NaN"),
        (b'{"a": -Infinity}', "-Infinity"),
        (b'{"a": "\\u0000"}', "字符串含NUL"),
        (b'{"\\ud800": 1}', "键含NUL"),
        ('{"a": 1}'.encode("utf-16"), "UTF-8"),
        (b"[" * 10_000 + b"]" * 10_000, "嵌套超过32层"),
        (b"[" * 33 + b"]" * 33, "嵌套超过32层"),
        (b"{", "不是有效的JSON"),
    ],
    ids=["nan", "minus-infinity", "nul", "surrogate-key", "utf-16", "nested-10000", "nested-33", "truncated"],
)
def test_strict_loads_refuses_with_the_reason(raw, why):
    with pytest.raises(codec.NotAnObject, match=why):
        codec.strict_loads(raw)


def test_strict_loads_keeps_what_the_contract_allows():
    raw = json.dumps({"a": [1.5, "张伟", {"b": None}], "c": True, "d": "\ud83d\ude00"}).encode()
    assert codec.strict_loads(raw) == {"a": [Decimal("1.5"), "张伟", {"b": None}], "c": True, "d": "😀"}
    assert codec.strict_loads(b"[" * 32 + b"]" * 32) is not None  # exactly the deepest allowed


@pytest.mark.parametrize("value", [float("inf"), Decimal("NaN"), Decimal("-Infinity"), [[float("nan")]]])
def test_check_plain_refuses_non_finite_numbers(value):
    with pytest.raises(codec.NotAnObject):
        codec.check_plain({"a": value})


def test_check_plain_keeps_big_finite_numbers():
    codec.check_plain({"a": Decimal("1E+400"), "b": 10**30, "c": 1e300})
