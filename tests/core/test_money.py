"""apps.core.money: strict parsing of upstream amounts, the wire form, and a model field that refuses float."""

from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import given
from hypothesis import strategies as st

from apps.core.money import MoneyError, format_money, parse_money

LIMIT = Decimal("999999999999.99")
two_place_amounts = st.decimals(min_value=-LIMIT, max_value=LIMIT, places=2, allow_nan=False, allow_infinity=False)


@pytest.mark.parametrize(
    "value, expected",
    [
        ("12.3", "12.30"),
        ("12.30 ", "12.30"),
        (" 0 ", "0.00"),
        (12.30, "12.30"),  # a JSON number read without parse_float=Decimal
        (Decimal("12.30"), "12.30"),  # a JSON number read by transport.loads
        (Decimal("12.300"), "12.30"),  # trailing zeros are not extra places
        (12, "12.00"),
        ("-5", "-5.00"),
        (0.3, "0.30"),
    ],
)
def test_parse_accepts_the_forms_upstreams_send(value, expected):
    parsed = parse_money(value)
    assert isinstance(parsed, Decimal)
    assert parsed.as_tuple().exponent == -2
    assert str(parsed) == expected


@pytest.mark.parametrize(
    "value, fragment",
    [
        (0.1 + 0.2, "more than two decimal places"),
        (1.005, "more than two decimal places"),
        ("12.345", "more than two decimal places"),
        (Decimal("0.001"), "more than two decimal places"),
        ("NaN", "not a finite amount"),
        (float("nan"), "not a finite amount"),
        (float("inf"), "not a finite amount"),
        ("-Infinity", "not a finite amount"),
        (Decimal("Infinity"), "not a finite amount"),
        (True, "not an amount"),
        (False, "not an amount"),
        (None, "not an amount"),
        ("", "empty amount"),
        ("   ", "empty amount"),
        ("12,30", "not an amount"),
        ("12.3元", "not an amount"),
        ([12], "not an amount"),
        ("1e12", "out of range"),
    ],
)
def test_parse_refuses_what_is_not_money(value, fragment):
    with pytest.raises(MoneyError) as caught:
        parse_money(value, field="psn_cash_pay")
    assert "psn_cash_pay" in str(caught.value)
    assert fragment in str(caught.value)


def test_format_writes_two_place_strings_and_refuses_float():
    assert format_money(Decimal("12.3")) == "12.30"
    assert format_money(Decimal("-5")) == "-5.00"
    assert format_money(Decimal("0")) == "0.00"
    with pytest.raises(MoneyError):
        format_money(12.3)


@given(two_place_amounts)
def test_parse_of_format_is_identity(amount):
    text = format_money(amount)
    assert isinstance(text, str)
    assert parse_money(text) == amount
    assert parse_money(text).as_tuple().exponent == -2


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6))
def test_a_float_is_accepted_only_when_it_is_an_exact_cent_amount(number):
    """Whatever float arrives, the result is never a float and never silently rounded."""
    try:
        parsed = parse_money(number)
    except MoneyError:
        assert Decimal(repr(number)) != Decimal(repr(number)).quantize(Decimal("0.01"))
    else:
        assert isinstance(parsed, Decimal)
        assert parsed == Decimal(repr(number))


@pytest.mark.django_db
def test_no_float_reaches_a_money_column():
    from apps.outpatient.models import Department, Doctor, Schedule

    doctor = Doctor.objects.create(
        code="D9", name="测试", level_name="主治医师", level_no="233",
        department=Department.objects.create(code="T1", name="测试科", caty="A03", location="一层"),
    )  # fmt: skip
    schedule = Schedule(doctor=doctor, date="2026-01-05", period="am", start_time="08:00", capacity=5, fee=12.3)
    # A savepoint per refusal: the failed statement must not poison the test's transaction.
    with pytest.raises(TypeError, match="fee: money must be Decimal"), transaction.atomic():
        schedule.save()
    assert not Schedule.objects.exists()
    with pytest.raises(TypeError), transaction.atomic():
        Schedule.objects.filter(fee=0.1).exists()
    with pytest.raises(TypeError):
        Schedule._meta.get_field("fee").to_python(0.1)

    schedule.fee = Decimal("12.30")
    schedule.save()
    schedule.refresh_from_db()
    assert schedule.fee == Decimal("12.30") and isinstance(schedule.fee, Decimal)


def test_a_money_field_is_two_place_yuan_unless_told_otherwise():
    from apps.core.money import MoneyField

    field = MoneyField("金额")
    assert (field.verbose_name, field.max_digits, field.decimal_places) == ("金额", 14, 2)
    wide = MoneyField(max_digits=18, decimal_places=4)
    assert (wide.max_digits, wide.decimal_places) == (18, 4)


def test_a_money_field_converts_decimals_and_text_and_names_itself_when_given_a_float():
    from apps.core.money import MoneyField

    field = MoneyField()
    field.name = "fee"
    assert field.get_prep_value(Decimal("12.30")) == Decimal("12.30")
    assert field.to_python("12.30") == Decimal("12.30")
    with pytest.raises(TypeError, match=r"^fee: money must be Decimal, got float 0\.1$"):
        field.get_prep_value(0.1)
    with pytest.raises(TypeError, match=r"^fee: money must be Decimal, got float 0\.1$"):
        field.to_python(0.1)
