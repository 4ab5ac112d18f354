"""The registration service the hospital gives the platform (guide section 2): sources, book, cancel, with the
same rules as the hospital's own form and a push to the patient at every step."""

import threading

import pytest
from django.conf import settings
from django.db import connection

from apps.core.idcard import check_character
from apps.guidance.models import OutboxMessage
from apps.ledger.models import Bill, BillState
from apps.outpatient.models import OrderSource, OrderState, RegistrationOrder, Schedule
from tests.outpatient.conftest import settlement_payload

pytestmark = pytest.mark.django_db(transaction=True)

ZHANG = "220102198805060015"


def org(**fields):
    return {"org_code": settings.ORG_CODE, **fields}


def book(platform, schedule, name="张伟", certno=ZHANG):
    return platform(
        "registration/book",
        org(psn_name=name, mdtrt_cert_type="02", mdtrt_cert_no=certno, source_id=schedule.pk),
    )


def a_session():
    return Schedule.objects.open_for_booking().order_by("date", "period", "id").first()


def pushes(order):
    return list(
        OutboxMessage.objects.filter(med_org_ord__startswith=order.trace_no)
        .order_by("id")
        .values_list("order_status", "push_type")
    )


def test_sources_list_the_open_sessions_with_places_and_fees(platform, demo):
    status, reply = platform("registration/sources", org(dept_code="NK01"))
    assert reply["ret_code"] == "00", reply
    sources = reply["sources"]
    assert sources and {s["dept_code"] for s in sources} == {"NK01"}
    first = Schedule.objects.get(pk=int(sources[0]["source_id"]))
    assert sources[0]["remaining"] == first.remaining and sources[0]["fee"] == str(first.fee)
    assert sources[0]["dr_lv_name"] and sources[0]["period"] in ("am", "pm")
    status, reply = platform("registration/sources", org(date="2026/12/01"))
    assert reply["ret_code"] == "02" and "date" in reply["ret_msg"]


def test_a_booking_waits_for_payment_is_paid_as_any_bill_and_the_patient_hears_of_each_step(platform, demo):
    schedule = a_session()
    status, reply = book(platform, schedule)
    assert reply["ret_code"] == "00", reply
    order = RegistrationOrder.objects.get(trace_no=reply["org_trace_no"])
    assert (order.state, order.source, reply["queue_no"]) == (OrderState.AWAITING_PAYMENT, OrderSource.PLATFORM, 1)
    assert pushes(order) == [("MERCHANT_WAIT_PAY", "HOSPITAL_PAYMENT")]

    assert book(platform, schedule)[1]["org_trace_no"] == order.trace_no, "one place per patient per session"
    unsettled = platform("org_002", org(mdtrt_cert_type="02", mdtrt_cert_no=ZHANG))[1]["unsettlelist"]
    assert [bill["org_trace_no"] for bill in unsettled] == [order.trace_no]
    assert platform("org_003", settlement_payload(order))[1]["ret_code"] == "00"
    order.refresh_from_db()
    assert order.state == OrderState.PAID
    assert pushes(order)[1:] == [("", "HOSPITAL_APPOINTMENT"), ("MERCHANT_PAID", "HOSPITAL_PAYMENT")]

    status, reply = platform("registration/cancel", org(org_trace_no=order.trace_no, mdtrt_cert_no=ZHANG))
    assert reply["ret_code"] == "02" and "已支付" in reply["ret_msg"]
    assert book(platform, schedule)[1]["ret_code"] == "02"


def test_cancelling_an_unpaid_booking_gives_the_place_back(platform, demo):
    schedule = a_session()
    trace_no = book(platform, schedule)[1]["org_trace_no"]
    schedule.refresh_from_db()
    assert schedule.booked == 1
    cancel = org(org_trace_no=trace_no, mdtrt_cert_no=ZHANG)
    assert platform("registration/cancel", cancel)[1]["order_state"] == "已取消"
    assert platform("registration/cancel", cancel)[1]["ret_code"] == "00", "a repeat gets the same answer"
    schedule.refresh_from_db()
    order = RegistrationOrder.objects.get(trace_no=trace_no)
    assert schedule.booked == 0 and Bill.objects.get(pk=order.bill_id).state == BillState.CLOSED
    assert pushes(order) == [("MERCHANT_WAIT_PAY", "HOSPITAL_PAYMENT"), ("MERCHANT_CLOSED", "HOSPITAL_PAYMENT")]
    other = platform("registration/cancel", org(org_trace_no=trace_no, mdtrt_cert_no="220104199203150029"))[1]
    assert other["ret_code"] == "02" and "org_trace_no" in other["ret_msg"]


def test_bad_bookings_are_refused_naming_the_field(platform, demo):
    schedule = a_session()
    status, reply = platform("registration/book", org(mdtrt_cert_type="02", mdtrt_cert_no=ZHANG, source_id=1))
    assert (status, reply["ret_code"]) == (200, "02") and "psn_name" in reply["ret_msg"]
    status, reply = book(platform, schedule, certno="220102198805060016")
    assert reply["ret_code"] == "02" and "身份证" in reply["ret_msg"]
    status, reply = platform(
        "registration/book", org(psn_name="张伟", mdtrt_cert_type="02", mdtrt_cert_no=ZHANG, source_id=999999)
    )
    assert reply["ret_code"] == "02" and "号源" in reply["ret_msg"]
    status, reply = platform(
        "registration/book", org(psn_name="张伟", mdtrt_cert_type="01", mdtrt_cert_no=ZHANG, source_id=schedule.pk)
    )
    assert reply["ret_code"] == "02" and "mdtrt_cert_type" in reply["ret_msg"]
    assert not RegistrationOrder.objects.exists()


def person(index: int) -> tuple[str, str]:
    first17 = f"22010219900101{index:03d}"
    return "患者" + "甲乙丙丁戊己庚辛壬癸"[index % 10] + "子丑"[index // 10], first17 + check_character(first17)


@pytest.mark.postgres
def test_twenty_bookings_for_the_last_place_at_once_give_it_to_one(platform, demo, settings):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are only meaningful on PostgreSQL")
    # Twenty 1101 calls at once to the in-process sandbox: this test is about the place, not about timeouts.
    settings.UPSTREAM_READ_TIMEOUT = 15.0
    schedule = a_session()
    Schedule.objects.filter(pk=schedule.pk).update(booked=schedule.capacity - 1)
    replies, lock = [], threading.Lock()

    def send(index):
        name, certno = person(index)
        result = book(platform, schedule, name=name, certno=certno)
        with lock:
            replies.append(result[1])

    threads = [threading.Thread(target=send, args=(i,)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r["ret_code"] for r in replies) == ["00"] + ["02"] * 19
    assert all("约满" in r["ret_msg"] for r in replies if r["ret_code"] == "02"), replies
    schedule.refresh_from_db()
    assert schedule.booked == schedule.capacity and RegistrationOrder.objects.count() == 1
