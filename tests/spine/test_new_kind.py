"""A bill kind added by a test-only app goes through the whole spine — org_002, org_003 (ten write-backs at once),
org_004 and a refund through the platform — without any change to another app."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.conf import settings

from apps.ledger import refunds
from apps.ledger.models import Bill, BillState, Kind, MoneyMovement, Status
from apps.outpatient.models import RegistrationOrder

pytestmark = pytest.mark.django_db(transaction=True)

ZHANG = "220102198805060015"


def medium(**extra):
    return {"mdtrt_cert_type": "02", "mdtrt_cert_no": ZHANG, "org_code": settings.ORG_CODE, **extra}


def write_back(bill, **overrides):
    return {
        "mdtrt_cert_no": ZHANG,
        "mdtrt_cert_type": "02",
        "org_trace_no": bill.org_trace_no,
        "amp_trace_id": "AMP-" + bill.org_trace_no,
        "doc_trace_no": bill.org_trace_no,
        "feesum_amt": "10.00",
        "org_code": settings.ORG_CODE,
        "trace_id": "TRC-" + bill.org_trace_no,
        "setl_id": "SETL-" + bill.org_trace_no,
        "mdtrt_id": bill.mdtrt_id,
        "setl_time": 1795000000000,
        "medfee_sumamt": 10,  # a JSON number is an amount too
        "fund_pay_sumamt": "3.50",
        "acct_pay": "6.50",
        "psn_cash_pay": "0.00",
        **overrides,
    }


def test_org_002_003_004_serve_a_kind_they_have_never_heard_of(platform, records_bill):
    bill = records_bill()
    status, reply = platform("org_002", medium())
    assert reply["ret_code"] == "00", reply
    [entry] = reply["unsettlelist"]
    bill.refresh_from_db()
    assert entry["org_trace_no"] == bill.org_trace_no and entry["mdtrt_id"] == bill.mdtrt_id != ""
    assert entry["medfee_sumamt"] == "10.00" and entry["dept_name"] == "病案室"
    [line] = entry["rxlist"]
    assert (line["item_name"], line["cnt"], line["pric"], line["det_item_fee_sumamt"]) == (
        "病历复印", "20.0000", "0.500000", "10.00",
    )  # fmt: skip

    replies = []
    payload = write_back(bill)
    threads = [threading.Thread(target=lambda: replies.append(platform("org_003", payload))) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [r[1]["ret_code"] for r in replies] == ["00"] * 10, replies
    assert len({r[1]["call_sn"] for r in replies}) == 1
    [movement] = MoneyMovement.objects.filter(org_trace_no=bill.org_trace_no)
    assert movement.kind == Kind.OUTPATIENT_SETTLEMENT and movement.status == Status.SUCCEEDED
    assert (movement.amount, movement.fund_pay_sumamt, movement.acct_pay) == (
        Decimal("10.00"), Decimal("3.50"), Decimal("6.50"),
    )  # fmt: skip
    bill.refresh_from_db()
    assert bill.state == BillState.SETTLED and bill.settlement == movement and not bill.needs_review
    assert [event for event in records_bill_events(bill)] == ["prepare", "settled"]

    status, reply = platform("org_004", medium(org_trace_no=bill.org_trace_no))
    assert (reply["ret_code"], reply["result"], reply["call_sn"]) == ("00", "succ", replies[0][1]["call_sn"])
    assert reply["common_tip_list"] == ["请到病案室领取病历复印件。"]

    status, reply = platform("org_002", medium())
    assert reply["unsettlelist"] == []

    # A repeat that differs in any identifier or amount is a different settlement: refused, and the bill flagged.
    for change in ({"acct_pay": "6.49"}, {"setl_id": "S2"}, {"mdtrt_id": "M2"}, {"trace_id": "T2"},
                   {"amp_trace_id": "A2"}, {"feesum_amt": "10.01"}):  # fmt: skip
        status, reply = platform("org_003", write_back(bill, **change))
        assert reply["ret_code"] == "02" and "不一致" in reply["ret_msg"], change
    assert MoneyMovement.objects.filter(org_trace_no=bill.org_trace_no).count() == 1
    assert Bill.objects.get(pk=bill.pk).needs_review


def records_bill_events(bill):
    from tests.spine.apps import EVENTS

    return [hook for hook, trace_no in EVENTS if trace_no == bill.org_trace_no]


def pay_at_the_platform(bill):
    """The simulated platform's cashier: it calls org_001, org_002 and org_003 over HTTP, as in production."""
    from apps.sandbox.paylater.models import CashierLink
    from apps.sandbox.paylater.services import cashier_link_create, cashier_pay

    url = cashier_link_create(
        org_code=settings.ORG_CODE, user_name=bill.patient.name, cert_no=ZHANG, trace_no=bill.org_trace_no
    )
    outcome = cashier_pay(CashierLink.objects.get(token=url.split("queryStr=")[1].split("&")[0]))
    assert not outcome.error, outcome.error
    bill.refresh_from_db()
    assert bill.state == BillState.SETTLED


def test_a_bill_of_the_new_kind_is_refunded_through_the_platform(sandbox, records_bill):
    bill = records_bill()
    pay_at_the_platform(bill)
    settlement = bill.settlement
    assert refunds.bill_refund(bill=bill, reason="患者不再需要").startswith("退费成功")
    bill.refresh_from_db()
    assert bill.state == BillState.REFUNDED
    [refund] = MoneyMovement.objects.filter(kind=Kind.REFUND)
    assert refund.status == Status.SUCCEEDED and refund.reverses == settlement and refund.business == bill
    # The refund carries the negative split of what it reverses.
    for name in ("amount", "medfee_sumamt", "fund_pay_sumamt", "psn_part_amt", "psn_cash_pay", "acct_pay"):
        assert getattr(refund, name) == -getattr(settlement, name), name
    assert records_bill_events(bill)[-1] == "refunded"


@pytest.mark.django_db(transaction=True, reset_sequences=True)
def test_following_up_a_refund_touches_only_its_own_bill(sandbox, records_bill, new_order):
    """The old follow-up loaded RegistrationOrder.get(pk=movement.source_id) for every pending refund, whatever its
    source: a refund of another kind was resolved against an unrelated order with the same pk."""
    from apps.integrations.paylater import client as paylater
    from apps.ledger.services import movement_reverse

    bill = records_bill()
    order = new_order()  # the first order: its pk is the records bill's
    assert bill.pk == order.pk
    pay_at_the_platform(bill)
    refund = movement_reverse(
        movement=bill.settlement, kind=Kind.REFUND, org_trace_no=f"RF{bill.org_trace_no}01", business=bill
    )
    # The platform accepted the refund; its final word is still to be asked for (AMP_HOS_003).
    paylater.refund(
        amp_trace_id=bill.settlement.amp_trace_id,
        trace_id=bill.settlement.trace_id,
        org_trace_no=bill.org_trace_no,
        out_refund_no=refund.org_trace_no,
        org_refund_sn=refund.org_trace_no,
        refund_reason="患者不再需要",
    )
    assert refund.status == Status.PENDING

    assert refunds.refunds_follow_up(older_than=datetime.timedelta(0)) == 1
    refund.refresh_from_db()
    assert refund.status == Status.SUCCEEDED
    assert Bill.objects.get(pk=bill.pk).state == BillState.REFUNDED
    assert records_bill_events(bill)[-1] == "refunded"
    order = RegistrationOrder.objects.select_related("bill").get(pk=order.pk)
    assert order.state == "awaiting_payment" and order.bill.state == BillState.OPEN
    assert refunds.refunds_follow_up(older_than=datetime.timedelta(0)) == 0
