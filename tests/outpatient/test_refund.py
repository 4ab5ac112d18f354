"""Full refunds of paid online registrations (AMP_HOS_002): once, and never twice after a timeout."""

import pytest
from django.conf import settings
from django.core.management import call_command

from apps.core.errors import ApplicationError
from apps.guidance.models import OutboxMessage
from apps.integrations.models import Exchange
from apps.ledger.models import Kind, MoneyMovement, Status
from apps.outpatient.models import OrderState
from apps.outpatient.services import order_refund
from tests.outpatient.conftest import settlement_payload

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def paid_order(sandbox, new_order):
    """An order paid at the simulated platform's cashier, which called org_002 and org_003 over HTTP."""
    from apps.sandbox.paylater.models import CashierLink
    from apps.sandbox.paylater.services import cashier_link_create, cashier_pay

    order = new_order()
    url = cashier_link_create(
        org_code=settings.ORG_CODE, user_name=order.patient.name, cert_no=order.patient.certno, trace_no=order.trace_no
    )
    outcome = cashier_pay(CashierLink.objects.get(token=url.split("queryStr=")[1].split("&")[0]))
    assert not outcome.error, outcome.error
    order.refresh_from_db()
    assert order.state == OrderState.PAID and order.bill.settlement is not None
    return order


def platform_refunds():
    from apps.sandbox.paylater.models import Refund

    return Refund.objects.count()


def refund_movements():
    return MoneyMovement.objects.filter(kind=Kind.REFUND).order_by("id")


def test_refund_releases_the_place_and_records_a_negative_movement(paid_order):
    booked = paid_order.schedule.booked
    assert order_refund(order=paid_order, reason="患者取消就诊").startswith("退费成功")
    paid_order.refresh_from_db()
    paid_order.schedule.refresh_from_db()
    assert paid_order.state == OrderState.REFUNDED and paid_order.schedule.booked == booked - 1
    [movement] = refund_movements()
    assert movement.status == Status.SUCCEEDED and movement.amount == -paid_order.fee
    assert movement.org_trace_no == f"RF{paid_order.trace_no}01"
    assert platform_refunds() == 1
    assert OutboxMessage.objects.filter(order_status="MERCHANT_REFUNDED").count() == 1
    with pytest.raises(ApplicationError):
        order_refund(order=paid_order, reason="再退一次")
    assert platform_refunds() == 1


def test_a_timed_out_refund_is_resolved_by_query_and_never_sent_twice(paid_order, sandbox_done):
    from apps.sandbox.models import Fault

    Fault.objects.create(party="paylater", interface="refund", mode="timeout", remaining=1)
    assert "结果未知" in order_refund(order=paid_order, reason="患者取消就诊")
    sandbox_done()
    [movement] = refund_movements()
    assert movement.status == Status.UNKNOWN
    assert Exchange.objects.get(interface="AMP_HOS_002").outcome == "unknown"
    with pytest.raises(ApplicationError, match="处理中"):
        order_refund(order=paid_order, reason="再试一次")
    paid_order.refresh_from_db()
    assert paid_order.state == OrderState.PAID

    call_command("resolve_pending", stdout=open("/dev/null", "w"))
    movement.refresh_from_db()
    paid_order.refresh_from_db()
    assert movement.status == Status.SUCCEEDED and paid_order.state == OrderState.REFUNDED
    assert platform_refunds() == 1
    assert Exchange.objects.filter(interface="AMP_HOS_002").count() == 1, "the refund itself was never resent"
    original = Exchange.objects.get(interface="AMP_HOS_002")
    assert original.resolved_at and original.resolved_by.interface == "AMP_HOS_003"

    call_command("resolve_pending", stdout=open("/dev/null", "w"))
    assert Exchange.objects.filter(interface="AMP_HOS_003").count() == 1


def test_a_refund_the_platform_never_saw_fails_and_may_be_tried_again(paid_order):
    from apps.sandbox.models import Fault

    Fault.objects.create(party="paylater", interface="refund", mode="error_500", remaining=1)
    assert "结果未知" in order_refund(order=paid_order, reason="患者取消就诊")
    call_command("resolve_pending", stdout=open("/dev/null", "w"))
    [failed] = refund_movements()
    assert failed.status == Status.FAILED and platform_refunds() == 0
    paid_order.refresh_from_db()
    assert paid_order.state == OrderState.PAID

    assert order_refund(order=paid_order, reason="患者取消就诊").startswith("退费成功")
    assert [m.status for m in refund_movements()] == [Status.FAILED, Status.SUCCEEDED]
    assert refund_movements().last().org_trace_no.endswith("02")
    assert platform_refunds() == 1


def test_only_paid_orders_are_refunded(new_order, demo):
    order = new_order()
    with pytest.raises(ApplicationError, match="只有已支付"):
        order_refund(order=order, reason="x")
    assert not refund_movements().exists()


def test_only_a_cashier_refunds_from_the_order_page(paid_order, login):
    url = f"/outpatient/registrations/{paid_order.pk}/"
    assert "全额退费" in login("cashier").get(url).content.decode()
    assert login("doctor").post(url + "refund", {"reason": "x"}).status_code == 403
    response = login("cashier").post(url + "refund", {"reason": "患者取消"}, follow=True)
    assert "退费成功" in response.content.decode()
    page = response.content.decode()
    assert "AMP_HOS_002" in page and paid_order.patient.certno not in page
    from apps.audit.models import AuditEntry

    [entry] = AuditEntry.objects.filter(action="refund")
    assert (entry.username, entry.business) == ("cashier", paid_order) and "患者取消" in entry.detail


def test_the_worker_waits_out_the_grace_period_before_resolving(paid_order, sandbox_done):
    import datetime

    from django.utils import timezone

    from apps.integrations.tasks import resolve_pending_task
    from apps.sandbox.models import Fault

    Fault.objects.create(party="paylater", interface="refund", mode="timeout", remaining=1)
    order_refund(order=paid_order, reason="患者取消就诊")
    assert resolve_pending_task() == "resolved 0"
    assert refund_movements().get().status == Status.UNKNOWN

    sandbox_done()  # as the platform would have done by the end of the grace period
    Exchange.objects.filter(interface="AMP_HOS_002").update(created_at=timezone.now() - datetime.timedelta(minutes=3))
    assert resolve_pending_task() == "resolved 1"
    assert refund_movements().get().status == Status.SUCCEEDED


def test_a_settlement_that_came_without_trace_id_can_still_be_refunded(platform, new_order):
    order = new_order()
    payload = settlement_payload(order)
    del payload["trace_id"]  # optional in org_003
    assert platform("org_003", payload)[1]["ret_code"] == "00"
    message = order_refund(order=order, reason="患者取消就诊")
    [sent] = Exchange.objects.filter(interface="AMP_HOS_002")
    assert sent.request_body["traceId"] == "" and "trace_id" not in message


def test_a_refund_carries_the_negative_split_and_the_visit_is_cancelled_at_the_gateway(paid_order):
    from apps.outpatient.services import visits_cancel_due

    settlement = paid_order.bill.settlement
    assert settlement.fund_pay_sumamt + settlement.acct_pay + settlement.psn_cash_pay == paid_order.fee
    assert order_refund(order=paid_order, reason="患者取消就诊").startswith("退费成功")
    [refund] = refund_movements()
    assert refund.reverses == settlement
    for name in ("amount", "medfee_sumamt", "fund_pay_sumamt", "psn_cash_pay", "acct_pay"):
        assert getattr(refund, name) == -getattr(settlement, name), name

    # The worker cancels the registration's visit (2202) once, after the refund is committed.
    assert visits_cancel_due() == 1
    paid_order.refresh_from_db()
    assert paid_order.visit_cancelled_at is not None
    [cancel] = Exchange.objects.filter(interface="2202")
    assert cancel.outcome == "ok" and cancel.business == paid_order
    assert cancel.request_body["input"]["data"]["mdtrt_id"] == paid_order.mdtrt_id
    assert visits_cancel_due() == 0 and Exchange.objects.filter(interface="2202").count() == 1


def test_a_refund_the_platform_refuses_fails_and_may_be_tried_again(paid_order):
    from apps.sandbox.paylater.models import Payment

    # The platform's record of the payment disagrees with ours: it answers a business refusal, nothing moved.
    payment = Payment.objects.filter(org_trace_no=paid_order.trace_no)
    trace_id = payment.get().trace_id
    payment.update(trace_id="T-NOT-OURS")
    assert order_refund(order=paid_order, reason="患者取消就诊").startswith("平台未受理退费")
    [refused] = refund_movements()
    assert refused.status == Status.FAILED and platform_refunds() == 0
    paid_order.refresh_from_db()
    assert paid_order.state == OrderState.PAID

    payment.update(trace_id=trace_id)
    assert order_refund(order=paid_order, reason="患者取消就诊").startswith("退费成功")
    assert [m.status for m in refund_movements()] == [Status.FAILED, Status.SUCCEEDED]


def test_a_refund_accepted_but_still_processing_stays_pending_and_is_not_sent_again(paid_order, monkeypatch):
    from apps.integrations.paylater.types import RefundResult, RefundState
    from apps.ledger import refunds

    sent = []

    def accepted(**kwargs):
        sent.append(kwargs["out_refund_no"])
        return RefundResult(
            state=RefundState.PROCESSING, trade_status="PROCESSING", refund_trace_id="RT1", amp_refund_id="",
            pay_chnl_refund_sn="", trace_id="", pay_chnl_ord_sn="", pay_ord_id="", exchange_id=0,
        )  # fmt: skip

    monkeypatch.setattr(refunds.paylater, "refund", accepted)
    assert "正在处理中" in order_refund(order=paid_order, reason="患者取消就诊")
    [movement] = refund_movements()
    assert movement.status == Status.PENDING
    paid_order.refresh_from_db()
    assert paid_order.state == OrderState.PAID
    # Taken as failed, it would be refunded a second time under RF…02 while the first is still being paid out.
    with pytest.raises(ApplicationError, match="处理中"):
        order_refund(order=paid_order, reason="再试一次")
    assert sent == [f"RF{paid_order.trace_no}01"]
