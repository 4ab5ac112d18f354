"""Guide section 5: the doctor's prescription settles itself in the worker (2204 + 2207B at the sandbox gateway,
over real HTTP); a refusal falls back to the patient's confirmation; a timeout is resolved by recovery, never
settled twice."""

import threading
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection

from apps.clinic import services, tasks
from apps.clinic.models import Mode, Prescription
from apps.clinic.selectors import prescription_status
from apps.core.errors import ApplicationError
from apps.guidance.models import GuidanceStop
from apps.integrations.models import Exchange
from apps.ledger.models import BillState, Channel, MoneyMovement, Status
from apps.sandbox.models import Fault, FaultMode, Person
from apps.sandbox.nhsa.models import Settlement
from apps.sandbox.paylater import services as platform_side
from tests.clinic.conftest import TOTAL, ZHANG, pushed, submit

pytestmark = pytest.mark.django_db(transaction=True)


def status(prescription) -> str:
    return prescription_status(Prescription.objects.get(pk=prescription.pk)).code


def settlements(prescription):
    return MoneyMovement.objects.with_status().filter(org_trace_no=prescription.bill.org_trace_no)


def sandbox_person():
    from apps.core import pii

    return Person.objects.get(certno_hash=pii.keyed_hash(ZHANG))


def test_a_signed_patients_prescription_settles_by_itself(visit_for, doctor):
    prescription, _ = submit(visit_for(), doctor)
    assert prescription.mode == Mode.PASSWORD_FREE and status(prescription) == "queued"
    # The doctor's request spoke to no gateway: the worker does.
    assert not Exchange.objects.filter(interface__in=("2204", "2207B")).exists()

    assert tasks.settle_task(prescription.pk) == "settled"
    assert tasks.settle_task(prescription.pk) == "not-queued"
    prescription.refresh_from_db()
    assert status(prescription) == "settled" and prescription.bill.state == BillState.SETTLED
    [movement] = settlements(prescription)
    assert movement.channel == Channel.CLINIC and movement.amount == Decimal(TOTAL) and movement.setl_id
    assert movement.status == Status.SUCCEEDED
    assert Exchange.objects.filter(interface="2207B", outcome="ok").count() == 1
    assert Exchange.objects.filter(interface="2204", outcome="ok").exists()
    [sandbox_settlement] = Settlement.objects.filter(infno="2207B")
    assert sandbox_settlement.paylater and sandbox_settlement.medfee_sumamt == Decimal(TOTAL)

    # The patient's phone: the settlement, then where to go (pharmacy, exam room, lab).
    phone = pushed(person=sandbox_person())
    kinds = [(m.push_type, m.order_status) for m in phone if m.body.get("orgTraceNo") == prescription.bill.org_trace_no]
    assert ("HOSPITAL_PAYMENT", "MERCHANT_PAID") in kinds
    assert ("HOSPITAL_MEDICINE", "") in kinds and ("HOSPITAL_CHECK", "") in kinds
    assert GuidanceStop.objects.filter(bill=prescription.bill).count() == 3


def test_a_refused_2207b_falls_back_to_the_patients_confirmation(visit_for, doctor):
    visit = visit_for()  # the portal still believes the patient signed …
    Person.objects.filter(pk=sandbox_person().pk).update(signed=False)  # … but consent was withdrawn
    prescription, _ = submit(visit, doctor)
    assert tasks.settle_task(prescription.pk) == "refused"
    prescription.refresh_from_db()
    assert prescription.mode == Mode.CONFIRM and "未签约" in prescription.fallback_reason
    assert status(prescription) == "confirm" and prescription.bill.state == BillState.OPEN
    assert not settlements(prescription).filter(status=Status.SUCCEEDED).exists()

    [pending] = pushed(order_status="MERCHANT_WAIT_PAY")
    assert pending.body["orgTraceNo"] == prescription.bill.org_trace_no
    Person.objects.filter(pk=sandbox_person().pk).update(signed=True)  # the platform has the patient sign again
    assert not platform_side.phone_pay(message_id=pending.pk).error
    assert status(prescription) == "settled"
    assert settlements(prescription).filter(status=Status.SUCCEEDED).count() == 1


def test_a_2207b_timeout_is_resolved_by_recovery_and_never_settled_twice(visit_for, doctor, sandbox_done):
    prescription, _ = submit(visit_for(), doctor)
    Fault.objects.create(party="nhsa", interface="2207B", mode=FaultMode.TIMEOUT, remaining=1)
    assert tasks.settle_task(prescription.pk) == "unknown"
    assert status(prescription) == "unknown"
    with pytest.raises(ApplicationError):
        services.prescription_retry(prescription=prescription)  # not while the outcome is unknown
    with pytest.raises(ApplicationError):
        services.prescription_withdraw(prescription=prescription)

    sandbox_done()  # the gateway did settle it, late
    assert Settlement.objects.get(infno="2207B").status == Settlement.Status.SETTLED
    call_command("resolve_pending", stdout=open("/dev/null", "w"))
    assert Settlement.objects.get(infno="2207B").status == Settlement.Status.REVERSED
    assert status(prescription) == "failed"  # back to open: the doctor may settle again or hand it over
    assert not settlements(prescription).filter(status=Status.SUCCEEDED).exists()

    services.prescription_retry(prescription=prescription)
    assert tasks.settle_task(prescription.pk) == "settled"
    assert settlements(prescription).filter(status=Status.SUCCEEDED).count() == 1
    assert Settlement.objects.filter(infno="2207B", status=Settlement.Status.SETTLED).count() == 1


def test_the_doctor_hands_a_failed_one_over_to_the_patient(visit_for, doctor):
    prescription, _ = submit(visit_for(), doctor)
    Fault.objects.create(party="nhsa", interface="2201", mode=FaultMode.ERROR_500, remaining=1)
    assert tasks.settle_task(prescription.pk) == "failed"
    prescription.refresh_from_db()
    assert status(prescription) == "failed" and prescription.last_error
    services.prescription_to_confirm(prescription=prescription, reason="医生改为患者确认支付")
    assert status(prescription) == "confirm"
    assert len(pushed(order_status="MERCHANT_WAIT_PAY")) == 1


@pytest.mark.postgres
def test_two_workers_at_once_settle_once(visit_for, doctor):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are only meaningful on PostgreSQL")
    prescription, _ = submit(visit_for(), doctor)
    results, lock = [], threading.Lock()

    def work():
        try:
            result = tasks.settle_task(prescription.pk)
        finally:
            connection.close()
        with lock:
            results.append(result)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["not-queued"] * 3 + ["settled"]
    assert Exchange.objects.filter(interface="2207B").count() == 1
    assert settlements(prescription).filter(status=Status.SUCCEEDED).count() == 1
