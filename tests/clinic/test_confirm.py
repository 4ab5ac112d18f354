"""Guide section 6: the pending bill is pushed, the patient confirms on the (sandbox) phone, the platform calls
org_002 and org_003 over real HTTP, the portal books it once. Withdrawal and expiry."""

import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from apps.clinic import services, tasks
from apps.clinic.models import Mode, Prescription, SettlementRule
from apps.core.errors import ApplicationError
from apps.guidance.models import OutboxMessage
from apps.integrations.models import Exchange
from apps.ledger.models import Bill, BillState, MoneyMovement
from apps.sandbox.paylater import services as platform_side
from tests.clinic.conftest import LINES, TOTAL, WANG, ZHANG, pushed, submit

pytestmark = pytest.mark.django_db(transaction=True)


def medium(certno=ZHANG):
    from django.conf import settings

    return {"mdtrt_cert_type": "02", "mdtrt_cert_no": certno, "org_code": settings.ORG_CODE}


def confirm_mode(visit):
    SettlementRule.objects.create(patient=visit.patient, mode=Mode.CONFIRM)


def test_pending_bill_is_pushed_then_confirmed_on_the_phone_and_booked_once(visit_for, doctor, platform):
    visit = visit_for()
    confirm_mode(visit)
    prescription, created = submit(visit, doctor)
    assert created and prescription.mode == Mode.CONFIRM and not prescription.settle_queued
    bill = prescription.bill
    assert bill.total == Decimal(TOTAL) and bill.state == BillState.OPEN and bill.expires_at > timezone.now()

    [pending] = pushed(order_status="MERCHANT_WAIT_PAY")
    assert pending.push_type == "HOSPITAL_PAYMENT" and pending.body["amount"] == TOTAL
    assert pending.body["orgTraceNo"] == bill.org_trace_no and pending.body["appType"] == "01"

    # org_002 lists it with its prescription lines (rx_no) and the diagnosis; the visit is registered for it.
    _, reply = platform("org_002", medium())
    [listed] = [b for b in reply["unsettlelist"] if b["org_trace_no"] == bill.org_trace_no]
    assert listed["medfee_sumamt"] == TOTAL and listed["mdtrt_id"]
    assert [line["rx_no"] for line in listed["rxlist"]] == [bill.org_trace_no] * 3
    assert [line["item_name"] for line in listed["rxlist"]] == ["阿莫西林胶囊", "常规心电图检查", "血常规（五分类）"]
    [diag] = listed["diaglist"]
    assert (diag["diag_code"], diag["diag_name"], diag["dise_dor_name"]) == ("J06.900", "急性上呼吸道感染", "赵明")

    outcome = platform_side.phone_pay(message_id=pending.pk)
    assert outcome.error == "" and outcome.payment.org_003_status == "ok"
    assert outcome.payment.org_003_reply["common_tip_list"] == [
        "请到门诊楼一层西药房取药：阿莫西林胶囊",
        "请到医技楼二层做检查：常规心电图检查",
        "请到门诊楼一层抽血化验：血常规（五分类）",
    ]
    bill.refresh_from_db()
    assert bill.state == BillState.SETTLED and bill.settlement.amount == Decimal(TOTAL)
    assert Exchange.objects.filter(direction="in", interface="org_002", outcome="ok").exists()

    # The phone pressed again: the platform finds its payment; nothing more is booked.
    again = platform_side.phone_pay(message_id=pending.pk)
    assert again.already
    assert MoneyMovement.objects.filter(org_trace_no=bill.org_trace_no).count() == 1
    paid = pushed(order_status="MERCHANT_PAID")
    assert [m.body["orgTraceNo"] for m in paid] == [bill.org_trace_no]


def test_an_unsigned_patient_and_a_department_rule_settle_by_confirmation(visit_for, doctor):
    wang = visit_for("王芳", WANG, signed=False)
    assert submit(wang, doctor)[0].mode == Mode.CONFIRM

    SettlementRule.objects.create(department=doctor.department, mode=Mode.CONFIRM)
    zhang = visit_for()
    assert submit(zhang, doctor)[0].mode == Mode.CONFIRM
    # The patient's own rule wins over the department's.
    SettlementRule.objects.create(patient=zhang.patient, mode=Mode.PASSWORD_FREE)
    assert services.settlement_mode(patient=zhang.patient, department=doctor.department) == Mode.PASSWORD_FREE


def test_a_second_submit_gets_the_first_prescription(visit_for, doctor):
    visit = visit_for()
    confirm_mode(visit)
    first, created = submit(visit, doctor)
    second, created_again = submit(visit, doctor, lines=LINES[:1])
    assert created and not created_again and second.pk == first.pk
    assert Bill.objects.filter(kind="prescription").count() == 1
    assert OutboxMessage.objects.filter(order_status="MERCHANT_WAIT_PAY").count() == 1


@pytest.mark.parametrize(
    ("lines", "diag", "words"),
    [
        (LINES, "Z99.999", "诊断代码"),
        ([], "J06.900", "至少开一项"),
        ([services.RxLine(medins_list_codg="XY-0001", cnt="1")], "J06.900", "用法用量"),
        ([services.RxLine(medins_list_codg="NOPE", cnt="1")], "J06.900", "NOPE"),
        ([services.RxLine(medins_list_codg="JC-0001", cnt="-1")], "J06.900", "数量"),
        ([services.RxLine(medins_list_codg="CW-0001", cnt="1")], "J06.900", "不能在诊间开立"),
        (LINES[1:2] * 2, "J06.900", "重复"),
    ],
)
def test_bad_input_is_refused_in_words_and_writes_nothing(visit_for, doctor, lines, diag, words):
    visit = visit_for()
    with pytest.raises(ApplicationError, match=words):
        submit(visit, doctor, lines=lines, diag_code=diag)
    assert not Prescription.objects.exists() and not Bill.objects.filter(kind="prescription").exists()


def test_another_doctors_patient_is_refused(visit_for, doctor):
    from apps.outpatient.models import Doctor

    visit = visit_for()
    with pytest.raises(ApplicationError, match="候诊队列"):
        submit(visit, Doctor.objects.get(code="D1002"))


def test_the_doctor_withdraws_an_unpaid_bill(visit_for, doctor, platform):
    visit = visit_for()
    confirm_mode(visit)
    prescription, _ = submit(visit, doctor)
    [pending] = pushed(order_status="MERCHANT_WAIT_PAY")

    services.prescription_withdraw(prescription=prescription)
    services.prescription_withdraw(prescription=prescription)  # a double click: nothing more
    prescription.refresh_from_db()
    assert prescription.bill.state == BillState.CLOSED and prescription.closed_reason == "withdrawn"
    [closed] = pushed(order_status="MERCHANT_CLOSED")
    assert closed.body["orgTraceNo"] == prescription.bill.org_trace_no

    _, reply = platform("org_002", medium())
    assert prescription.bill.org_trace_no not in [b["org_trace_no"] for b in reply["unsettlelist"]]
    outcome = platform_side.phone_pay(message_id=pending.pk)
    assert outcome.error and not MoneyMovement.objects.filter(org_trace_no=prescription.bill.org_trace_no).exists()


def test_a_settled_bill_cannot_be_withdrawn(visit_for, doctor):
    visit = visit_for()
    confirm_mode(visit)
    prescription, _ = submit(visit, doctor)
    [pending] = pushed(order_status="MERCHANT_WAIT_PAY")
    assert not platform_side.phone_pay(message_id=pending.pk).error
    with pytest.raises(ApplicationError, match="已结算"):
        services.prescription_withdraw(prescription=prescription)


def test_an_unpaid_bill_expires(visit_for, doctor):
    visit = visit_for()
    confirm_mode(visit)
    prescription, _ = submit(visit, doctor)
    assert tasks.sweep_task() == {"settled": 0, "expired": 0}
    Bill.objects.filter(pk=prescription.bill_id).update(expires_at=timezone.now())
    assert tasks.sweep_task()["expired"] == 1
    prescription.refresh_from_db()
    assert prescription.closed_reason == "expired" and prescription.bill.state == BillState.CLOSED
    assert OutboxMessage.objects.filter(order_status="MERCHANT_CLOSED").count() == 1


@pytest.mark.postgres
def test_two_submits_at_once_write_one_prescription(visit_for, doctor):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are only meaningful on PostgreSQL")
    visit = visit_for()
    confirm_mode(visit)
    results, lock = [], threading.Lock()

    def send():
        try:
            result = submit(visit, doctor)
        finally:
            connection.close()
        with lock:
            results.append(result)

    threads = [threading.Thread(target=send) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 6 and len({p.pk for p, _ in results}) == 1
    assert sum(created for _, created in results) == 1
    assert Bill.objects.filter(kind="prescription").count() == 1


@pytest.mark.postgres
def test_two_phones_confirming_at_once_book_one_settlement(visit_for, doctor):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are only meaningful on PostgreSQL")
    visit = visit_for()
    confirm_mode(visit)
    prescription, _ = submit(visit, doctor)
    [pending] = pushed(order_status="MERCHANT_WAIT_PAY")
    outcomes, lock = [], threading.Lock()

    def press():
        try:
            outcome = platform_side.phone_pay(message_id=pending.pk)
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=press) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(outcomes) == 4
    assert MoneyMovement.objects.filter(org_trace_no=prescription.bill.org_trace_no).count() == 1
    assert Bill.objects.get(pk=prescription.bill_id).state == BillState.SETTLED
