"""The hospital settles a bill at the gateway itself (window 2207, clinic 2207B): one path for every kind, over
real HTTP against the sandbox gateway — claim, 2204 once, settle with the pay-later flag, book once; refusals
reopen the bill, unknown outcomes wait for recovery's 2601, refunds are 2208."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from apps.core.errors import ApplicationError
from apps.integrations import recovery
from apps.integrations.models import Exchange
from apps.ledger import refunds
from apps.ledger.gateway import Medium, bill_preview, bill_settle_at_gateway
from apps.ledger.models import Bill, BillState, Channel, Kind, MoneyMovement, Status
from apps.ledger.selectors import bill_gateway_state
from apps.ledger.signals import bill_settled
from apps.patients.selectors import patient_get_by_certno
from apps.sandbox.models import Fault, FaultMode
from apps.sandbox.nhsa.models import Settlement

pytestmark = pytest.mark.django_db(transaction=True)

ZHANG, WANG = "220102198805060015", "220104199203150029"


@pytest.fixture
def visit_bill(records_bill, sandbox):
    """An open bill whose visit is registered at the gateway (2201), for 张伟 or another patient."""
    from apps.ledger.kinds import bill_kinds
    from tests.spine.apps import KEY

    def make(trace_no="BLFY202611300001", certno=ZHANG):
        bill = records_bill(trace_no)
        if certno != ZHANG:
            Bill.objects.filter(pk=bill.pk).update(patient=patient_get_by_certno(certno))
            bill.refresh_from_db()
        bill_kinds.get(KEY).prepare(bill)
        bill.refresh_from_db()
        return bill

    return make


def settle(bill, **extra):
    return bill_settle_at_gateway(bill=bill, opter=("C001", "收费员"), channel=Channel.WINDOW, **extra)


def test_a_signed_patient_settles_once_with_the_split_booked_and_everyone_told(visit_bill, records_app):
    bill = visit_bill()
    told = []
    bill_settled.connect(lambda sender, **kw: told.append(kw["bill"].org_trace_no), weak=False, dispatch_uid="t")
    try:
        outcome = settle(bill, medium=Medium(mdtrt_cert_type="02", mdtrt_cert_no=ZHANG))
    finally:
        bill_settled.disconnect(dispatch_uid="t")
    assert outcome.status == "settled", outcome.message
    bill.refresh_from_db()
    movement = outcome.movement
    assert bill.state == BillState.SETTLED and bill.settlement == movement and bill.fees_uploaded_at
    assert movement.amount == Decimal("10.00") == movement.medfee_sumamt
    assert movement.fund_pay_sumamt + movement.acct_pay + movement.psn_cash_pay == Decimal("10.00")
    assert movement.status == Status.SUCCEEDED and movement.setl_id and movement.channel == Channel.WINDOW
    assert Settlement.objects.get(setl_id=movement.setl_id).paylater is True
    assert ("settled", bill.org_trace_no) in records_app and told == [bill.org_trace_no]
    sent = Exchange.objects.filter(interface__in=["2204", "2207"]).order_by("created_at", "id")
    assert list(sent.values_list("interface", flat=True)) == ["2204", "2207"]
    with pytest.raises(ApplicationError, match="不能再次结算"):
        settle(bill)


def test_the_preview_splits_the_bill_and_moves_nothing(visit_bill):
    bill = visit_bill()
    result = bill_preview(bill=bill, opter=("C001", "收费员"))
    split = result.split()
    assert split["medfee_sumamt"] == Decimal("10.00")
    assert split["fund_pay_sumamt"] + split["acct_pay"] + split["psn_cash_pay"] == Decimal("10.00")
    assert not MoneyMovement.objects.exists() and not Settlement.objects.exists()
    bill.refresh_from_db()
    assert bill.state == BillState.OPEN


def test_the_gateway_refuses_pay_later_for_an_unsigned_patient_and_the_bill_is_open_again(visit_bill):
    bill = visit_bill(certno=WANG)
    outcome = settle(bill, medium=Medium(mdtrt_cert_type="02", mdtrt_cert_no=WANG))
    assert outcome.status == "refused" and "未签约" in outcome.message
    bill.refresh_from_db()
    assert bill.state == BillState.OPEN and not MoneyMovement.objects.exists()


def test_a_lost_answer_waits_for_recovery_and_is_never_settled_twice(visit_bill, sandbox_done):
    bill = visit_bill()
    Fault.objects.create(party="nhsa", interface="2207", mode=FaultMode.TRUNCATED, remaining=1)
    outcome = settle(bill)
    assert outcome.status == "unknown" and "核实" in outcome.message
    bill.refresh_from_db()
    assert bill.state == BillState.SETTLING and bill_gateway_state(bill) == "unknown"
    with pytest.raises(ApplicationError):
        settle(bill)
    assert Settlement.objects.count() == 1 and not MoneyMovement.objects.exists()

    [resolution] = recovery.resolve_pending(party="nhsa")
    assert resolution.interface == "2207" and resolution.final == recovery.REVERSED
    bill.refresh_from_db()
    assert bill.state == BillState.OPEN and bill_gateway_state(bill) == "open"
    assert settle(bill).status == "settled"
    assert MoneyMovement.objects.filter(kind=Kind.OUTPATIENT_SETTLEMENT).count() == 1


@pytest.mark.parametrize("lost", [FaultMode.TRUNCATED, FaultMode.TIMEOUT])
def test_a_fee_upload_without_an_answer_is_withdrawn_before_the_next_try(visit_bill, sandbox_done, lost):
    from apps.sandbox.nhsa.models import FeeLine

    bill = visit_bill()
    Fault.objects.create(party="nhsa", interface="2204", mode=lost, remaining=1)
    outcome = settle(bill)
    sandbox_done()
    assert outcome.status == "refused" and "费用明细上传医保未成功" in outcome.message
    bill.refresh_from_db()
    assert bill.state == BillState.OPEN and not bill.fees_uploaded_at
    uploaded = list(FeeLine.objects.filter(mdtrt_id=bill.mdtrt_id).values_list("feedetl_sn", flat=True))
    assert uploaded  # the gateway kept the lines; only the answer was lost
    # Sent again as they are, the same lines would be refused as already uploaded, on every try; the batch is
    # withdrawn (2205) first, and the bill settles.
    assert settle(bill).status == "settled"
    assert sorted(FeeLine.objects.filter(mdtrt_id=bill.mdtrt_id).values_list("feedetl_sn", flat=True)) == sorted(
        uploaded
    )
    calls = Exchange.objects.filter(interface__in=["2204", "2205"]).order_by("id").values_list("interface", "outcome")
    assert list(calls) == [("2204", "failed"), ("2205", "ok"), ("2204", "ok")]


def test_a_fee_upload_the_gateway_never_recorded_is_sent_again_after_a_refused_withdrawal(visit_bill, sandbox_done):
    bill = visit_bill()
    Fault.objects.create(party="nhsa", interface="2204", mode=FaultMode.ERROR_500, remaining=1)
    assert settle(bill).status == "refused"
    sandbox_done()
    assert settle(bill).status == "settled"  # the withdrawal found nothing (refused), the upload went through
    calls = Exchange.objects.filter(interface__in=["2204", "2205"]).order_by("id").values_list("interface", "outcome")
    assert list(calls) == [("2204", "failed"), ("2205", "refused"), ("2204", "ok")]


@pytest.mark.postgres
def test_five_cashiers_pressing_at_once_settle_the_bill_once(visit_bill, settings):
    if connection.vendor != "postgresql":
        pytest.skip("row claims are only meaningful on PostgreSQL")
    settings.UPSTREAM_READ_TIMEOUT = 15.0
    bill = visit_bill()
    outcomes, lock = [], threading.Lock()

    def press():
        try:
            result = settle(Bill.objects.select_related("patient").get(pk=bill.pk)).status
        except ApplicationError:
            result = "refused"
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=press) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused"] * 4 + ["settled"]
    assert MoneyMovement.objects.count() == 1 and Settlement.objects.count() == 1


def test_a_refund_reverses_the_settlement_with_2208_and_a_negative_split(visit_bill, records_app):
    bill = visit_bill()
    settlement = settle(bill).movement
    message = refunds.bill_refund(bill=bill, reason="患者放弃就诊")
    assert "退费成功" in message
    bill.refresh_from_db()
    refund = MoneyMovement.objects.with_status().get(kind=Kind.REFUND)
    assert bill.state == BillState.REFUNDED and refund.status == Status.SUCCEEDED
    assert refund.reverses == settlement and refund.amount == -settlement.amount
    assert (refund.fund_pay_sumamt, refund.acct_pay) == (-settlement.fund_pay_sumamt, -settlement.acct_pay)
    assert ("refunded", bill.org_trace_no) in records_app
    assert Exchange.objects.filter(interface="2208").count() == 1
