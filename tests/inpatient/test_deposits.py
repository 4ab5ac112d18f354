"""Section 7: deposits collected through pay-after-care (C2304) and refunded whole (C2305), over real HTTP to the
sandbox gateway, with the ledger as the one record of money."""

import json
from decimal import Decimal

import pytest

from apps.core.errors import ApplicationError
from apps.guidance.models import OutboxMessage
from apps.inpatient import selectors, services
from apps.inpatient.models import Deposit
from apps.integrations import recovery
from apps.integrations.models import Exchange
from apps.ledger.models import Kind, MoneyMovement, Status
from apps.sandbox.nhsa.models import Deposit as GatewayDeposit
from tests.inpatient.conftest import WANG, collect, fault


def state(deposit) -> str:
    return selectors.deposit_view(Deposit.objects.get(pk=deposit.pk)).state


def test_collect_books_one_movement_a_receipt_number_and_a_push(li_na, cashier):
    outcome = collect(li_na, "2000.00", cashier, sn="YJTEST0001")
    assert outcome.ok, outcome.message
    deposit = outcome.deposit
    assert deposit.dpst_id and state(deposit) == "held"
    movement = MoneyMovement.objects.with_status().get(kind=Kind.DEPOSIT)
    assert (movement.amount, movement.status, movement.org_trace_no) == (
        Decimal("2000.00"),
        Status.SUCCEEDED,
        "YJTEST0001",
    )
    assert Exchange.objects.get(interface="C2304").business == movement
    body = json.loads(OutboxMessage.objects.get(med_org_ord="YJTEST0001").body)
    assert (body["appType"], body["orderStatus"], body["amount"]) == ("02", "MERCHANT_PAID", "2000.00")
    # The same form submitted again: the first answer, nothing moves twice.
    again = collect(li_na, "2000.00", cashier, sn="YJTEST0001")
    assert again.ok and "未重复" in again.message
    assert MoneyMovement.objects.filter(kind=Kind.DEPOSIT).count() == 1
    assert GatewayDeposit.objects.count() == 1


def test_unsigned_patient_is_refused_by_the_gateway_and_nothing_stands(admit, cashier):
    wang = admit(WANG)
    outcome = collect(wang, "500.00", cashier)
    assert outcome.status == "failed" and "未签约" in outcome.message
    assert MoneyMovement.objects.with_status().get(kind=Kind.DEPOSIT).status == Status.FAILED
    assert state(outcome.deposit) == "not_collected" and not GatewayDeposit.objects.exists()


@pytest.mark.parametrize("amount", ["0", "-5", "12.345", "abc", "100000.01"])
def test_bad_amounts_are_refused_before_anything(li_na, cashier, amount):
    with pytest.raises(ApplicationError):
        services.deposit_collect(admission=li_na, dpst_amt=amount, dpst_sn="YJBAD", opter=cashier)
    assert not MoneyMovement.objects.filter(kind=Kind.DEPOSIT).exists()


def test_partial_refund_is_refused_with_the_guided_way_and_nothing_is_sent(li_na, cashier):
    deposit = collect(li_na, "1000.00", cashier).deposit
    with pytest.raises(ApplicationError) as refused:
        services.deposit_refund(deposit=deposit, refd_amt="300.00", opter=cashier)
    assert "不支持部分退费" in refused.value.message and "部分退还" in refused.value.message
    assert refused.value.extra["partial"] is True
    assert not Exchange.objects.filter(interface="C2305").exists()
    assert state(deposit) == "held"


def test_whole_refund(li_na, cashier):
    deposit = collect(li_na, "1000.00", cashier).deposit
    outcome = services.deposit_refund(deposit=deposit, refd_amt="1000.00", opter=cashier)
    assert outcome.ok, outcome.message
    assert state(deposit) == "refunded"
    refund = MoneyMovement.objects.with_status().get(kind=Kind.DEPOSIT_REFUND)
    assert (refund.amount, refund.status, refund.reverses.org_trace_no) == (
        Decimal("-1000.00"), Status.SUCCEEDED, deposit.dpst_sn,
    )  # fmt: skip
    assert GatewayDeposit.objects.get().status == "refunded"
    body = json.loads(OutboxMessage.objects.get(med_org_ord=refund.org_trace_no).body)
    assert (body["orderStatus"], body["amount"], body["appType"]) == ("MERCHANT_REFUNDED", "1000.00", "02")
    again = services.deposit_refund(deposit=deposit, opter=cashier)
    assert again.ok and MoneyMovement.objects.filter(kind=Kind.DEPOSIT_REFUND).count() == 1


def test_partial_return_refunds_whole_then_collects_the_amount_kept(li_na, cashier):
    deposit = collect(li_na, "1000.00", cashier).deposit
    outcome = services.deposit_partial_return(deposit=deposit, return_amt="300.00", opter=cashier)
    assert outcome.ok, outcome.message
    assert "退还 ¥300.00" in outcome.message
    views = {v.deposit.pk: v for v in selectors.deposits_of(li_na)}
    assert views[deposit.pk].state == "refunded" and views[deposit.pk].partial.step == "done"
    kept = outcome.deposit
    assert kept.replaces_id == deposit.pk and kept.dpst_amt == Decimal("700.00") and views[kept.pk].held
    assert selectors.deposits_total_held(li_na) == Decimal("700.00")


def test_partial_return_whose_second_call_fails_says_so_and_finishes_later(li_na, cashier):
    deposit = collect(li_na, "1000.00", cashier).deposit
    fault("C2304", "error_500")  # not processed by the gateway, but the portal cannot know that yet
    outcome = services.deposit_partial_return(deposit=deposit, return_amt="400.00", opter=cashier)
    assert outcome.status == "unknown"
    assert "已整笔退还" in outcome.message and "¥600.00" in outcome.message and "不会重复扣款" in outcome.message
    [partial] = selectors.unfinished_partial_returns(li_na)
    assert partial.step == "collect_unknown"
    recovery.resolve_pending(party="nhsa")  # 2601: nothing to undo, so the second call did not take effect
    [partial] = selectors.unfinished_partial_returns(li_na)
    assert partial.step == "collect_keep" and "尚未重新收取" in partial.words()
    assert selectors.deposits_total_held(li_na) == Decimal("0.00")
    finished = services.deposit_partial_finish(deposit=deposit, opter=cashier)
    assert finished.ok, finished.message
    assert selectors.unfinished_partial_returns(li_na) == []
    assert selectors.deposits_total_held(li_na) == Decimal("600.00")
    # Finishing again collects nothing more.
    services.deposit_partial_finish(deposit=deposit, opter=cashier)
    assert GatewayDeposit.objects.filter(status="paid").count() == 1


def test_collect_timeout_is_unknown_then_reversed_by_recovery(li_na, cashier):
    fault("C2304", "timeout")
    outcome = collect(li_na, "800.00", cashier)
    assert outcome.status == "unknown" and "不会重复扣款" in outcome.message
    assert state(outcome.deposit) == "collect_unknown"
    resolved = recovery.resolve_pending(party="nhsa")
    assert [r.interface for r in resolved] == ["C2304"]
    assert state(outcome.deposit) == "not_collected"
    assert MoneyMovement.objects.with_status().get(kind=Kind.DEPOSIT).status == Status.REVERSED
    assert GatewayDeposit.objects.get().status == "reversed"  # the gateway had taken it: 2601 gave it back


def test_refund_timeout_is_unknown_then_the_deposit_stands_again(li_na, cashier):
    deposit = collect(li_na, "900.00", cashier).deposit
    fault("C2305", "timeout")
    outcome = services.deposit_refund(deposit=deposit, opter=cashier)
    assert outcome.status == "unknown"
    assert state(deposit) == "refund_unknown"
    # A second click while unknown sends nothing.
    assert services.deposit_refund(deposit=deposit, opter=cashier).status == "unknown"
    assert Exchange.objects.filter(interface="C2305").count() == 1
    recovery.resolve_pending(party="nhsa")
    assert state(deposit) == "held"
    assert GatewayDeposit.objects.get().status == "paid"
    assert services.deposit_refund(deposit=deposit, opter=cashier).ok
    assert state(deposit) == "refunded"


def test_partial_return_with_an_unknown_refund_waits_for_recovery(li_na, cashier):
    deposit = collect(li_na, "1000.00", cashier).deposit
    fault("C2305", "timeout")
    outcome = services.deposit_partial_return(deposit=deposit, return_amt="100.00", opter=cashier)
    assert outcome.status == "unknown"
    [partial] = selectors.unfinished_partial_returns(li_na)
    assert partial.step == "refund_unknown"
    with pytest.raises(ApplicationError):
        services.deposit_partial_finish(deposit=deposit, opter=cashier)
    assert (
        not Exchange.objects.filter(interface="C2304", business_id__isnull=False)
        .exclude(pk=Exchange.objects.filter(interface="C2304").first().pk)
        .exists()
    )
    recovery.resolve_pending(party="nhsa")
    [partial] = selectors.unfinished_partial_returns(li_na)
    assert partial.step == "refund_first" and state(deposit) == "held"  # never lost: the deposit stands whole
