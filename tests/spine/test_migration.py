"""Rows written before the spine existed are carried over: each registration order gets its bill, the money that
pointed at the order points at the bill, each status becomes an event, and the exchange log and the outbox keep
pointing at the same objects through the typed reference."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("ledger", "0001_initial"),
    ("outpatient", "0005_schedule_issued_queue_numbers"),
    ("integrations", "0004_exchange_money_covers_visits"),
    ("guidance", "0002_schedule_outbox_sweep"),
    ("patients", "0001_initial"),
]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_old_rows_are_carried_onto_the_spine():
    import datetime

    from django.utils import timezone

    old = migrate(BEFORE)
    Patient = old.get_model("patients", "Patient")
    Department = old.get_model("outpatient", "Department")
    Doctor = old.get_model("outpatient", "Doctor")
    Schedule = old.get_model("outpatient", "Schedule")
    Order = old.get_model("outpatient", "RegistrationOrder")
    Movement = old.get_model("ledger", "MoneyMovement")
    Exchange = old.get_model("integrations", "Exchange")
    Outbox = old.get_model("guidance", "OutboxMessage")

    patient = Patient.objects.create(name="张伟", certno="x", certno_hash="h1", psn_no="P1", insutype="310")
    dept = Department.objects.create(code="NK01", name="心血管内科", caty="A03", location="二层")
    doctor = Doctor.objects.create(code="D1", name="赵明", department=dept, level_name="主任医师", level_no="231")
    schedule = Schedule.objects.create(
        doctor=doctor, date=datetime.date(2026, 11, 30), period="am", start_time=datetime.time(8), capacity=5,
        fee=Decimal("50.00"),
    )  # fmt: skip
    settlement = Movement.objects.create(
        kind="outpatient_settlement", channel="paylater_online", status="succeeded", patient=patient,
        org_trace_no="REG1", amount=Decimal("50.00"), fund_pay_sumamt=Decimal("35.00"), acct_pay=Decimal("15.00"),
        source_type="outpatient.registrationorder", source_id="0",
    )  # fmt: skip
    order = Order.objects.create(
        trace_no="REG1", token="t1", patient=patient, schedule=schedule, fee=Decimal("50.00"), queue_no=1,
        state="paid", expires_at=timezone.now(), mdtrt_id="MD1", settlement=settlement,
        settlement_fingerprint="f" * 64, settlement_reply={"call_sn": "CS1"}, needs_review=True, review_note="核查",
    )  # fmt: skip
    Movement.objects.filter(pk=settlement.pk).update(source_id=str(order.pk))
    refund = Movement.objects.create(
        kind="refund", channel="paylater_online", status="unknown", patient=patient, org_trace_no="RFREG101",
        amount=Decimal("-50.00"), source_type="outpatient.registrationorder", source_id=str(order.pk), note="退",
    )  # fmt: skip
    unpaid = Order.objects.create(
        trace_no="REG2", token="t2", patient=patient, schedule=schedule, fee=Decimal("50.00"), queue_no=2,
        state="awaiting_payment", expires_at=timezone.now(),
    )  # fmt: skip
    call = Exchange.objects.create(
        direction="in", party="paylater", interface="org_003", business_type="outpatient.registrationorder",
        business_id=str(order.pk),
    )  # fmt: skip
    refund_call = Exchange.objects.create(
        direction="out", party="paylater", interface="AMP_HOS_002", business_type="ledger.moneymovement",
        business_id=str(refund.pk),
    )  # fmt: skip
    message = Outbox.objects.create(
        med_org_ord="REG1-P", push_type="HOSPITAL_PAYMENT", body="{}", business_type="outpatient.registrationorder",
        business_id=str(order.pk), next_attempt_at=timezone.now(),
    )  # fmt: skip

    new = migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    ContentType = new.get_model("contenttypes", "ContentType")
    Bill = new.get_model("ledger", "Bill")
    Event = new.get_model("ledger", "MovementEvent")
    order_type = ContentType.objects.get(app_label="outpatient", model="registrationorder")
    movement_type = ContentType.objects.get(app_label="ledger", model="moneymovement")

    paid = new.get_model("outpatient", "RegistrationOrder").objects.get(pk=order.pk)
    bill = Bill.objects.get(pk=paid.bill_id)
    assert (bill.kind, bill.org_trace_no, bill.state, bill.total) == ("registration", "REG1", "settled", Decimal("50"))
    assert (bill.settlement_id, bill.settlement_reply, bill.needs_review) == (settlement.pk, {"call_sn": "CS1"}, True)
    assert (bill.business_type_id, bill.business_id) == (order_type.pk, order.pk)
    assert bill.items.get().det_item_fee_sumamt == Decimal("50.00") and bill.mdtrt_id == "MD1"
    assert Bill.objects.get(org_trace_no="REG2").state == "open"
    assert new.get_model("outpatient", "RegistrationOrder").objects.get(pk=unpaid.pk).bill.org_trace_no == "REG2"

    Movement = new.get_model("ledger", "MoneyMovement")
    for movement in Movement.objects.all():
        assert (movement.business_type.model, movement.business_id) == ("bill", bill.pk)
    assert Movement.objects.get(pk=refund.pk).reverses_id == settlement.pk
    assert list(Event.objects.order_by("movement_id").values_list("movement_id", "status")) == [
        (settlement.pk, "succeeded"), (refund.pk, "unknown"),
    ]  # fmt: skip

    Exchange = new.get_model("integrations", "Exchange")
    assert (Exchange.objects.get(pk=call.pk).business_type_id, Exchange.objects.get(pk=call.pk).business_id) == (
        order_type.pk, order.pk,
    )  # fmt: skip
    assert Exchange.objects.get(pk=refund_call.pk).business_type_id == movement_type.pk
    assert new.get_model("guidance", "OutboxMessage").objects.get(pk=message.pk).business_id == order.pk
