"""Issue 8, item 8: what the mutation run of money, 身份证号 and masking showed untested."""

import datetime
from decimal import Decimal

import pytest

from apps.core import idcard, pii
from apps.core.money import MoneyError, format_money, parse_money


def test_the_field_is_named_and_defaults_to_amount():
    with pytest.raises(MoneyError, match=r"^amount: not an amount: 'abc'$"):
        parse_money("abc")
    with pytest.raises(MoneyError, match=r"^feesum_amt: not an amount: '1_000'$"):
        parse_money("1_000", field="feesum_amt")


def test_messages_quote_the_value_cut_at_forty_characters():
    with pytest.raises(MoneyError) as bad:
        parse_money("x" * 100)
    assert repr("x" * 40) in str(bad.value)
    with pytest.raises(MoneyError) as odd:
        parse_money("1_" + "1" * 100)  # Decimal takes the underscore, the contract does not
    assert str(odd.value) == "amount: not an amount: " + repr("1_" + "1" * 38)
    with pytest.raises(MoneyError) as far:
        parse_money("9" * 100)
    assert str(far.value) == "amount: amount out of range: " + "9" * 40
    with pytest.raises(MoneyError) as fine:
        parse_money("0." + "1" * 100)
    assert str(fine.value) == "amount: more than two decimal places: 0." + "1" * 38


def test_more_than_two_places_names_the_value():
    with pytest.raises(MoneyError, match=r"more than two decimal places: 12\.345$"):
        parse_money("12.345")


@pytest.mark.parametrize("value", ["1E+1", Decimal("1E+2"), "0.10", Decimal("5E-1")])
def test_any_exponent_of_a_whole_cent_amount_is_accepted(value):
    assert parse_money(value) == Decimal(value).quantize(Decimal("0.01"))


def test_format_money_rounds_half_up_and_names_a_wrong_type():
    assert format_money(Decimal("0.125")) == "0.13" and format_money(Decimal("-0.125")) == "-0.13"
    with pytest.raises(MoneyError, match="format_money takes Decimal, not float"):
        format_money(1.5)


@pytest.mark.parametrize(
    "certno, born, gender",
    [("11010519491231002X", datetime.date(1949, 12, 31), "2"), ("220102198805060015", datetime.date(1988, 5, 6), "1")],
)
def test_birth_date_and_gender(certno, born, gender):
    assert idcard.birth_date(certno) == born and idcard.gender_code(certno) == gender


def test_mask_all_keeps_nothing_and_empty_stays_empty():
    assert pii.mask_all("1988-05-06") == "******"
    assert pii.mask_all("") == "" and pii.mask_all(None) == ""
