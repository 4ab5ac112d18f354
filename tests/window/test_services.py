"""The window's services against the sandbox over real HTTP: read a medium, register and settle (2201 → 2204 →
2206 → 2207 with the pay-later flag), fees from the catalogue, refunds (2208 → 2205 / 2202), unknown outcomes."""

import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from apps.catalogue.selectors import fee_items
from apps.core.errors import ApplicationError
from apps.guidance.models import OutboxMessage
from apps.integrations.models import Exchange
from apps.ledger.models import BillState, Channel, Kind, MoneyMovement, Status
from apps.ledger.selectors import bill_gateway_state
from apps.outpatient.models import OrderSource, OrderState
from apps.window import services, tasks
from apps.window.kinds import WINDOW_FEES, WINDOW_REGISTRATION
from tests.window.conftest import WANG, ZHANG

pytestmark = pytest.mark.django_db(transaction=True)


def settlements(bill):
    return MoneyMovement.objects.filter(org_trace_no=bill.org_trace_no, kind=Kind.OUTPATIENT_SETTLEMENT)


def interfaces(bill_or_order) -> list[str]:
    return list(Exchange.objects.filter(interface__in=["2201", "2202", "2204", "2205", "2206", "2207", "2208"])
                .order_by("id").values_list("interface", flat=True))  # fmt: skip


def pushes(**filters):
    return OutboxMessage.objects.filter(**filters)


@pytest.fixture
def registered(read, session_today):
    reading, medium = read()
    order = services.window_register(patient=reading.patient, schedule_id=session_today.pk)
    return order, medium


@pytest.fixture
def settled_registration(registered, cashier):
    order, medium = registered
    outcome = services.window_settle(bill=order.bill, medium=medium, opter=cashier)
    assert outcome.status == "settled", outcome.message
    order.refresh_from_db()
    return order, medium


def test_reading_a_medium_shows_the_schemes_and_asks_the_platform_about_signing(read):
    for kind in ("01", "02", "03"):
        reading, medium = read(ZHANG, kind)
        assert reading.patient.name == "张伟" and medium.mdtrt_cert_type == kind
        assert [i.insutype for i in reading.person.insuinfo] == ["310"]
        assert services.sign_state(patient=reading.patient).signed is True
    reading, _ = read(WANG)
    state = services.sign_state(patient=reading.patient)
    assert state.signed is False and "backUrl=" in state.sign_url and "window%2Fsigned" in state.sign_url


def test_registration_settles_once_with_the_split_and_tells_the_patient_where_to_go(registered, cashier):
    order, medium = registered
    assert order.source == OrderSource.WINDOW and order.mdtrt_id and order.bill.kind == WINDOW_REGISTRATION
    split = services.window_preview(bill=order.bill, medium=medium, opter=cashier)
    assert split["medfee_sumamt"] == order.fee
    assert split["fund_pay_sumamt"] + split["acct_pay"] + split["psn_cash_pay"] == order.fee
    assert not settlements(order.bill).exists()  # the preview moves nothing

    outcome = services.window_settle(bill=order.bill, medium=medium, opter=cashier)
    assert outcome.status == "settled"
    order.refresh_from_db()
    order.bill.refresh_from_db()
    [movement] = settlements(order.bill)
    assert movement.channel == Channel.WINDOW and movement.amount == order.fee and movement.setl_id
    assert order.state == OrderState.PAID and bill_gateway_state(order.bill) == "settled"
    assert interfaces(order)[-3:] == ["2204", "2206", "2207"]
    sent = Exchange.objects.filter(interface="2207").last()
    assert "paylater_flag" in str(sent.request_body)  # the pay-later flag rides on 2207
    paid = pushes(push_type="HOSPITAL_PAYMENT", order_status="MERCHANT_PAID").get()
    guide = pushes(push_type="HOSPITAL_APPOINTMENT").get()
    assert str(order.queue_no) in guide.body and order.schedule.doctor.department.location in guide.body
    assert paid.body and "先医后付" not in order.bill.review_note
    assert any(str(order.queue_no) in tip for tip in order.bill.settlement_reply["common_tip_list"])

    with pytest.raises(ApplicationError):  # settled: never a second time
        services.window_settle(bill=order.bill, medium=medium, opter=cashier)
    assert settlements(order.bill).count() == 1


def test_an_unsigned_patient_is_neither_registered_nor_settled_with_the_pay_later_flag(read, session_today, cashier):
    reading, _ = read(WANG)
    with pytest.raises(ApplicationError, match="尚未签约"):
        services.window_register(patient=reading.patient, schedule_id=session_today.pk)
    assert not Exchange.objects.filter(interface__in=["2201", "2207"]).exists()


def test_fees_from_the_catalogue_settle_and_send_the_patient_to_the_pharmacy(settled_registration, cashier):
    order, medium = settled_registration
    drug = fee_items(category="western_drug").first()
    exam = fee_items(category="exam").first()
    sheet = services.fees_create(order=order, items=[(drug, "2"), (exam, "1")], by=cashier)
    bill = sheet.bill
    assert bill.kind == WINDOW_FEES and bill.mdtrt_id == order.mdtrt_id
    assert bill.total == (drug.pric * 2 + exam.pric).quantize(Decimal("0.01"))
    assert services.bill_check_open(bill, order.patient) == bill
    outcome = services.window_settle(bill=bill, medium=medium, opter=cashier)
    assert outcome.status == "settled"
    # Guidance for the window's fees is the same as the clinic's: one stop each, pushed once.
    medicine = json.loads(pushes(push_type="HOSPITAL_MEDICINE").get().body)
    assert medicine["takeMedicineLoc"] and medicine["waitingNum"]
    assert exam.item_name in json.loads(pushes(push_type="HOSPITAL_CHECK").get().body)["checkItem"]
    assert any("取药" in tip for tip in bill.settlement_reply["common_tip_list"])
    assert pushes(push_type="HOSPITAL_PAYMENT", order_status="MERCHANT_PAID").count() == 2


def test_fees_need_a_paid_visit_and_at_least_one_item(registered, cashier):
    order, _ = registered
    with pytest.raises(ApplicationError) as refused:
        services.fees_create(order=order, items=[(fee_items().first(), "1")], by=cashier)
    assert refused.value.extra["field"] == "order"


def test_refunding_a_registration_reverses_it_then_withdraws_the_fee_and_the_visit(settled_registration, cashier):
    order, _ = settled_registration
    with pytest.raises(ApplicationError, match="退费原因"):
        services.window_refund(bill=order.bill, reason=" ", by=cashier)
    assert services.window_refund(bill=order.bill, reason="患者不看了", by=cashier).startswith("退费成功")
    order.refresh_from_db()
    order.bill.refresh_from_db()
    refund = MoneyMovement.objects.with_status().get(kind=Kind.REFUND)
    assert refund.status == Status.SUCCEEDED and refund.amount == -order.fee and refund.setl_id
    assert order.state == OrderState.REFUNDED and order.bill.state == BillState.REFUNDED
    assert pushes(order_status="MERCHANT_REFUNDED").count() == 1
    assert tasks.registration_undo_task(order.pk) is True  # the queued task: 2205, then 2202
    assert interfaces(order)[-3:] == ["2208", "2205", "2202"]
    order.refresh_from_db()
    assert order.visit_cancelled_at is not None
    with pytest.raises(ApplicationError):
        services.window_refund(bill=order.bill, reason="再退一次", by=cashier)


def test_refunding_fees_withdraws_their_details_once(settled_registration, cashier):
    order, medium = settled_registration
    sheet = services.fees_create(order=order, items=[(fee_items(category="lab").first(), "1")], by=cashier)
    assert services.window_settle(bill=sheet.bill, medium=medium, opter=cashier).status == "settled"
    assert services.window_refund(bill=sheet.bill, reason="检验取消", by=cashier).startswith("退费成功")
    assert tasks.fees_withdraw_task(sheet.pk) is True
    assert tasks.fees_withdraw_due_task() == 0  # nothing left for the sweep
    assert Exchange.objects.filter(interface="2205").count() == 1


def test_a_settlement_that_times_out_is_unknown_never_settled_twice_and_resolved(registered, cashier, sandbox_done):
    from apps.sandbox.models import Fault

    order, medium = registered
    Fault.objects.create(party="nhsa", interface="2207", mode="timeout", remaining=1)
    outcome = services.window_settle(bill=order.bill, medium=medium, opter=cashier)
    assert outcome.status == "unknown"
    assert bill_gateway_state(order.bill) in ("unknown", "settling")
    with pytest.raises(ApplicationError, match="已在结算或已结算"):
        services.window_settle(bill=order.bill, medium=medium, opter=cashier)
    sandbox_done()
    call_command("resolve_pending", stdout=open("/dev/null", "w"))
    order.bill.refresh_from_db()
    assert order.bill.state == BillState.OPEN and not settlements(order.bill).filter(kind=Kind.OUTPATIENT_SETTLEMENT)


def test_a_refund_that_times_out_is_unknown_and_never_sent_twice(settled_registration, cashier, sandbox_done):
    from apps.sandbox.models import Fault

    order, _ = settled_registration
    Fault.objects.create(party="nhsa", interface="2208", mode="timeout", remaining=1)
    assert "结果未知" in services.window_refund(bill=order.bill, reason="患者取消", by=cashier)
    refund = MoneyMovement.objects.with_status().get(kind=Kind.REFUND)
    assert refund.status == Status.UNKNOWN
    with pytest.raises(ApplicationError, match="不能重复退费"):
        services.window_refund(bill=order.bill, reason="再按一次", by=cashier)
    assert Exchange.objects.filter(interface="2208").count() == 1
    sandbox_done()


def test_a_window_registration_is_in_its_doctors_clinic_queue_once_settled(settled_registration):
    from apps.clinic.visits import queue_on

    order, _ = settled_registration
    [visit] = [v for v in queue_on(doctor=order.schedule.doctor, day=order.schedule.date) if v.row == order]
    assert visit.source_label == "收费窗口" and visit.queue_no == order.queue_no


def test_the_gateway_splits_fees_by_their_catalogue_categories_in_the_preview_and_the_settlement(
    settled_registration, cashier
):
    from apps.catalogue.selectors import fee_item_get

    order, medium = settled_registration
    western, patent = fee_item_get("XY-0001"), fee_item_get("ZY-0001")  # 12.50 in scope; 14.80 with 10 % first
    sheet = services.fees_create(order=order, items=[(western, "2"), (patent, "1")], by=cashier)
    preview = services.window_preview(bill=sheet.bill, medium=medium, opter=cashier)
    movement = services.window_settle(bill=sheet.bill, medium=medium, opter=cashier).movement
    assert movement.setlinfo["preselfpay_amt"] == "1.48" and movement.setlinfo["inscp_scp_amt"] == "38.32"
    assert movement.fund_pay_sumamt == preview["fund_pay_sumamt"] < Decimal("38.32")
    assert movement.psn_part_amt == preview["psn_part_amt"] > Decimal("1.48")
