"""Guidance after settlement (pharmacy window, exam rooms), the desk that moves it on, and org_006 (guide section 9)
answering it live over real HTTP."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import timezone

from apps.catalogue.selectors import fee_item_get
from apps.catalogue.services import fee_line
from apps.clinic.models import Mode, SettlementRule
from apps.core.errors import ApplicationError
from apps.guidance.models import GuidanceStop, OutboxMessage, StopKind, StopState
from apps.guidance.stops import stop_advance, stops_create_missing
from apps.ledger import services as ledger
from apps.ledger.kinds import BillKind, bill_kinds
from apps.patients.selectors import patient_get_by_certno
from apps.sandbox.paylater import services as platform_side
from tests.clinic.conftest import ZHANG, pushed, submit

pytestmark = pytest.mark.django_db(transaction=True)


def medium(**extra):
    return {"mdtrt_cert_type": "02", "mdtrt_cert_no": ZHANG, "org_code": settings.ORG_CODE, **extra}


def settled_on_the_phone(visit_for, doctor):
    visit = visit_for()
    SettlementRule.objects.create(patient=visit.patient, mode=Mode.CONFIRM)
    prescription, _ = submit(visit, doctor)
    [pending] = pushed(order_status="MERCHANT_WAIT_PAY")
    assert not platform_side.phone_pay(message_id=pending.pk).error
    prescription.bill.refresh_from_db()
    return prescription, pending


def test_org_006_before_and_after_the_pharmacy_marks_the_medicine_taken(visit_for, doctor, platform):
    prescription, pending = settled_on_the_phone(visit_for, doctor)
    trace = prescription.bill.org_trace_no
    stops = {s.kind: s for s in GuidanceStop.objects.filter(bill=prescription.bill)}
    assert set(stops) == {StopKind.PHARMACY, StopKind.EXAM, StopKind.LAB}
    pharmacy = stops[StopKind.PHARMACY]
    assert pharmacy.state == StopState.WAITING_DRUG and pharmacy.waiting_num == 1
    assert pharmacy.location.startswith("门诊楼一层西药房") and pharmacy.items == "阿莫西林胶囊"

    _, before = platform("org_006", medium(org_trace_no=trace))
    assert before["ret_code"] == "00", before
    assert before["take_medicine_loc"] == pharmacy.location and before["waiting_num"] == "1"
    assert before["next_step"] == f"请到{pharmacy.location}取药，取药号 1"
    assert before["check_item"] == "常规心电图检查、血常规（五分类）" and before["dr_name"] == "赵明"
    assert {g["guide_type"]: g["guide_status_name"] for g in before["guide_list"]} == {
        "pharmacy": "待取药",
        "exam": "待检查",
        "lab": "待检查",
    }

    stop_advance(stop_id=pharmacy.pk, to=StopState.DRUG_TAKEN)
    _, after = platform("org_006", medium(org_trace_no=trace))
    assert {g["guide_type"]: g["guide_status_name"] for g in after["guide_list"]}["pharmacy"] == "已取药"
    assert after["next_step"].startswith("请到医技楼二层") and after["dept_loc"] == stops[StopKind.EXAM].location

    # The same question by the message the patient opened answers the same order; an unchanged state is not
    # pushed twice.
    _, by_message = platform("org_006", medium(med_org_ord=pending.med_org_ord))
    assert by_message["org_trace_no"] == trace and by_message["guide_list"] == after["guide_list"]

    phone = pushed()
    taken = [m for m in phone if m.push_type == "HOSPITAL_MEDICINE"]
    assert [m.body["guideStatus"] for m in taken] == ["待取药", "已取药"]
    details = [m.body["guideStatus"] for m in phone if m.push_type == "HOSPITAL_GUIDE"]
    assert details == [before["next_step"], after["next_step"]]


def test_org_006_refuses_what_it_cannot_answer_by_name(visit_for, doctor, platform):
    prescription, _ = settled_on_the_phone(visit_for, doctor)
    _, reply = platform("org_006", medium())
    assert reply["ret_code"] == "02" and "org_trace_no" in reply["ret_msg"]
    _, reply = platform("org_006", medium(org_trace_no="RX-NOT-OURS"))
    assert reply["ret_code"] == "02" and "已结算记录" in reply["ret_msg"]
    _, reply = platform("org_006", medium(org_trace_no=prescription.bill.org_trace_no) | {"org_code": "H99"})
    assert reply["ret_code"] == "02" and "org_code" in reply["ret_msg"]
    # Another patient's medium does not see this order.
    other = medium(org_trace_no=prescription.bill.org_trace_no) | {"mdtrt_cert_no": "220104199203150029"}
    _, reply = platform("org_006", other)
    assert reply["ret_code"] == "02"


def test_exam_steps_move_forward_one_at_a_time(visit_for, doctor):
    prescription, _ = settled_on_the_phone(visit_for, doctor)
    exam = GuidanceStop.objects.get(bill=prescription.bill, kind=StopKind.EXAM)
    with pytest.raises(ApplicationError, match="不能标记为「报告已出」"):
        stop_advance(stop_id=exam.pk, to=StopState.REPORTED)
    stop_advance(stop_id=exam.pk, to=StopState.EXAMINED)
    stop_advance(stop_id=exam.pk, to=StopState.EXAMINED)  # a double click: the same answer, no second message
    stop_advance(stop_id=exam.pk, to=StopState.REPORTED)
    states = [m.body["guideStatus"] for m in pushed(push_type="HOSPITAL_CHECK", body__checkItem="常规心电图检查")]
    assert states == ["待检查", "已检查", "报告已出"]


class OtherBills(BillKind):
    key = "test-window"
    label = "测试窗口账单"


def test_any_settled_bill_with_drugs_gets_guidance_with_the_next_queue_number(sandbox, demo, platform):
    """Not only the clinic's: a bill of any kind, settled by org_003 here, gets its pharmacy stop."""
    bill_kinds.register(OtherBills())
    try:
        patient = patient_get_by_certno(ZHANG)
        now = timezone.now()
        bills = []
        for n in range(2):
            lines = [fee_line(fee_item_get("ZY-0001"), 1, fee_ocur_time=now), fee_line(fee_item_get("ZL-0002"), 1,
                     fee_ocur_time=now)]  # fmt: skip
            bill = ledger.bill_open(
                kind=OtherBills.key,
                patient=patient,
                owner=None,
                org_trace_no=f"WIN{n}{now:%H%M%S%f}",
                lines=lines,
                visit=ledger.Visit(dept_name="普通外科", mdtrt_id=f"M{n}"),
                expires_at=now + datetime.timedelta(hours=1),
            )
            bills.append(bill)
            _, reply = platform(
                "org_003",
                {
                    "mdtrt_cert_no": ZHANG,
                    "mdtrt_cert_type": "02",
                    "org_trace_no": bill.org_trace_no,
                    "amp_trace_id": f"AMP{n}",
                    "doc_trace_no": bill.org_trace_no,
                    "feesum_amt": str(bill.total),
                    "org_code": settings.ORG_CODE,
                },
            )
            assert reply["ret_code"] == "00", reply
        stops = [GuidanceStop.objects.get(bill=b) for b in bills]
        assert [(s.kind, s.waiting_num) for s in stops] == [(StopKind.PHARMACY, 1), (StopKind.PHARMACY, 2)]
        assert stops[0].location != stops[1].location  # the next window
        assert bills[0].total == Decimal("17.80")
        assert OutboxMessage.objects.filter(push_type="HOSPITAL_MEDICINE").count() == 2
        # A bill whose receiver failed gets its stop from the sweep, once.
        GuidanceStop.objects.filter(bill=bills[1]).delete()
        assert stops_create_missing() == 1 and stops_create_missing() == 0
        assert GuidanceStop.objects.get(bill=bills[1]).waiting_num == 3
    finally:
        bill_kinds.unregister(OtherBills.key)


def test_the_desk_lists_the_days_stops_and_marks_one(visit_for, doctor, login):
    prescription, _ = settled_on_the_phone(visit_for, doctor)
    pharmacy = GuidanceStop.objects.get(bill=prescription.bill, kind=StopKind.PHARMACY)
    client = login("cashier")
    page = client.get("/guidance/desk/?kind=pharmacy").content.decode()
    assert "阿莫西林胶囊" in page and "标记已取药" in page and "常规心电图检查" not in page
    response = client.post(f"/guidance/desk/{pharmacy.pk}/advance/", {"to": "drug_taken", "next": "/guidance/desk/"})
    assert response.status_code == 302 and response["Location"] == "/guidance/desk/"
    pharmacy.refresh_from_db()
    assert pharmacy.state == StopState.DRUG_TAKEN
    response = client.post(
        f"/guidance/desk/{pharmacy.pk}/advance/", {"to": "reported", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/guidance/desk/"
    assert login("finance").get("/guidance/desk/").status_code == 403
