"""The simulated gateway's arithmetic: deterministic, exact, never negative."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.sandbox.models import Person
from apps.sandbox.nhsa.engine import AMOUNT_KEYS, Refusal, split

amounts = st.decimals(min_value=0, max_value=Decimal("999999.99"), places=2, allow_nan=False, allow_infinity=False)


@given(total=amounts, balance=amounts, insutype=st.sampled_from(["310", "390", "340"]))
def test_split_parts_sum_to_the_total(total, balance, insutype):
    person = Person(insutype=insutype, acct_balance=balance)
    parts = split(person, total)
    assert parts["fund_pay_sumamt"] + parts["psn_part_amt"] == total == parts["medfee_sumamt"]
    assert parts["acct_pay"] + parts["psn_cash_pay"] == parts["psn_part_amt"]
    for key in (*AMOUNT_KEYS, "balc"):
        assert parts[key] >= 0, key
        assert parts[key] == parts[key].quantize(Decimal("0.01")) and parts[key].as_tuple().exponent == -2, key
    assert parts["balc"] == balance - parts["acct_pay"]
    assert person.acct_balance == balance  # split only computes


@given(total=amounts, balance=amounts)
def test_split_by_scheme(total, balance):
    employee = split(Person(insutype="310", acct_balance=balance), total)
    resident = split(Person(insutype="390", acct_balance=balance), total)
    assert employee["acct_pay"] == min(balance, employee["psn_part_amt"])
    assert resident["acct_pay"] == 0 and resident["balc"] == balance
    assert abs(resident["fund_pay_sumamt"] * 2 - total) <= Decimal("0.01")


def test_split_example_and_refusals():
    parts = split(Person(insutype="310", acct_balance=Decimal("20.00")), Decimal("100.00"))
    assert (parts["fund_pay_sumamt"], parts["acct_pay"], parts["psn_cash_pay"], parts["balc"]) == (
        Decimal("63.00"), Decimal("20.00"), Decimal("17.00"), Decimal("0.00"),
    )  # fmt: skip
    for bad in (Decimal("-1.00"), Decimal("1.005"), 10.0):
        with pytest.raises(Refusal):
            split(Person(insutype="310"), bad)


@given(total=amounts, balance=amounts, share=st.decimals(min_value=0, max_value=1, places=2))
def test_a_part_paid_first_out_of_pocket_never_reaches_the_fund(total, balance, share):
    first = (total * share).quantize(Decimal("0.01"))
    parts = split(Person(insutype="310", acct_balance=balance), total, first)
    plain = split(Person(insutype="310", acct_balance=balance), total)
    assert parts["preselfpay_amt"] == first and parts["inscp_scp_amt"] == total - first
    assert parts["fund_pay_sumamt"] + parts["psn_part_amt"] == total
    assert parts["fund_pay_sumamt"] <= plain["fund_pay_sumamt"] and parts["psn_part_amt"] >= first


def test_self_pay_first_by_the_national_codes_category():
    from apps.sandbox.nhsa.engine import self_pay_first

    assert [self_pay_first(c) for c in ("XJ01CAA040", "ZA01AAL0101", "C14040100", "002501000010000", "001102000")] == [
        Decimal("0"), Decimal("0.10"), Decimal("0.20"), Decimal("0.10"), Decimal("0"),
    ]  # fmt: skip
