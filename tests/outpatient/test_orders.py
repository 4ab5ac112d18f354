"""Registration orders: places in the schedule, forward-only states, expiry, cancelling, and the staff screens."""

import datetime

import pytest
from django.utils import timezone

from apps.core.errors import ApplicationError
from apps.ledger.models import Bill
from apps.outpatient.models import OrderState, RegistrationOrder, Schedule
from apps.outpatient.services import order_cancel, order_create, orders_expire_due
from tests.outpatient.conftest import settlement_payload

pytestmark = pytest.mark.django_db(transaction=True)

ZHANG = ("张伟", "220102198805060015")


def first_schedule():
    return Schedule.objects.open_for_booking().order_by("date", "period", "id").first()


def test_an_order_takes_a_place_and_gets_the_next_queue_number(demo, sandbox):
    schedule = first_schedule()
    a = order_create(name=ZHANG[0], certno=ZHANG[1], schedule_id=schedule.pk)
    b = order_create(name="王芳", certno="220104199203150029", schedule_id=schedule.pk)
    schedule.refresh_from_db()
    assert (a.queue_no, b.queue_no, schedule.booked) == (1, 2, 2)
    assert a.fee == schedule.fee and a.trace_no != b.trace_no and len(a.trace_no) <= 64
    assert len(a.token) >= 32 and a.token != b.token


def test_a_full_schedule_and_bad_identities_are_refused_without_a_trace(demo, sandbox):
    schedule = first_schedule()
    Schedule.objects.filter(pk=schedule.pk).update(booked=schedule.capacity)
    with pytest.raises(ApplicationError, match="约满"):
        order_create(name=ZHANG[0], certno=ZHANG[1], schedule_id=schedule.pk)
    with pytest.raises(ApplicationError, match="校验位"):
        order_create(name="某人", certno="220102198805060016", schedule_id=schedule.pk)
    with pytest.raises(ApplicationError, match="姓名与身份证号不一致"):  # the gateway knows 张伟
        order_create(name="李四", certno=ZHANG[1], schedule_id=schedule.pk)
    assert not RegistrationOrder.objects.exists()


@pytest.mark.parametrize(
    ("clock", "open_periods"),
    [("08:00", {"am", "pm"}), ("11:59", {"am", "pm"}), ("12:00", {"pm"}), ("17:29", {"pm"}), ("17:30", set())],
)
def test_a_session_can_be_booked_until_it_ends_and_not_after(demo, monkeypatch, clock, open_periods):
    today = timezone.localdate()
    moment = timezone.make_aware(datetime.datetime.combine(today, datetime.time.fromisoformat(clock)))
    monkeypatch.setattr(timezone, "now", lambda: moment)
    assert set(Schedule.objects.open_for_booking().filter(date=today).values_list("period", flat=True)) == open_periods
    for schedule in Schedule.objects.filter(date=today).exclude(period__in=open_periods)[:2]:
        with pytest.raises(ApplicationError, match="不可预约"):
            order_create(name=ZHANG[0], certno=ZHANG[1], schedule_id=schedule.pk)
    last_day = today + datetime.timedelta(days=6)
    assert Schedule.objects.open_for_booking().filter(date=last_day).exists()
    assert not RegistrationOrder.objects.exists()


def test_unpaid_orders_expire_and_give_their_place_back(new_order):
    order = new_order()
    schedule = order.schedule
    RegistrationOrder.objects.filter(pk=order.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert orders_expire_due() == 1
    order.refresh_from_db()
    schedule.refresh_from_db()
    assert order.state == OrderState.EXPIRED and schedule.booked == 0
    assert orders_expire_due() == 0


def test_a_wrong_name_on_file_gives_way_to_the_name_the_gateway_confirms(demo, sandbox):
    from apps.patients.models import Patient
    from apps.patients.selectors import patient_get_by_certno

    Patient.objects.filter(pk=patient_get_by_certno(ZHANG[1]).pk).update(name="张三")  # typed by someone else
    order = order_create(name=ZHANG[0], certno=ZHANG[1], schedule_id=first_schedule().pk)
    patient = patient_get_by_certno(ZHANG[1])
    assert order.patient.name == "张伟" and patient.name == "张伟"
    assert patient.psn_no and patient.insuplc_admdvs, "the same 1101 answer spares another at registration"


def test_one_place_per_patient_per_session(demo, sandbox):
    schedule = first_schedule()
    first = order_create(name=ZHANG[0], certno=ZHANG[1], schedule_id=schedule.pk)
    assert order_create(name=ZHANG[0], certno=ZHANG[1], schedule_id=schedule.pk) == first  # continued, not doubled
    schedule.refresh_from_db()
    assert schedule.booked == 1

    RegistrationOrder.objects.filter(pk=first.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    second = order_create(name=ZHANG[0], certno=ZHANG[1], schedule_id=schedule.pk)
    first.refresh_from_db()
    schedule.refresh_from_db()
    assert first.state == OrderState.EXPIRED and second != first and second.queue_no == 2 and schedule.booked == 1

    RegistrationOrder.objects.filter(pk=second.pk).update(state=OrderState.PAID)
    with pytest.raises(ApplicationError, match="无需重复挂号"):
        order_create(name=ZHANG[0], certno=ZHANG[1], schedule_id=schedule.pk)
    assert RegistrationOrder.objects.count() == 2


def test_a_place_given_back_is_booked_again_under_a_new_queue_number(demo, sandbox):
    schedule = first_schedule()
    a = order_create(name=ZHANG[0], certno=ZHANG[1], schedule_id=schedule.pk)
    b = order_create(name="王芳", certno="220104199203150029", schedule_id=schedule.pk)
    order_cancel(order=a)
    c = order_create(name="李娜", certno="220203197508200031", schedule_id=schedule.pk)
    schedule.refresh_from_db()
    assert (a.queue_no, b.queue_no, c.queue_no, schedule.booked) == (1, 2, 3, 2)


def test_a_settlement_after_expiry_is_kept_and_flagged(platform, new_order):
    order = new_order()
    RegistrationOrder.objects.filter(pk=order.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    orders_expire_due()
    status, reply = platform("org_003", settlement_payload(order, feesum_amt="0.01"))
    assert reply["ret_code"] == "00"
    order.refresh_from_db()
    bill = Bill.objects.get(pk=order.bill_id)
    assert order.state == OrderState.PAID and bill.needs_review
    # Both reasons are kept: the amount booked is not the fee, and the payment came after expiry.
    assert "结算总额 0.01" in bill.review_note and "过期" in bill.review_note


def test_cancel_only_unpaid_orders_and_states_only_move_forward(new_order):
    order = new_order()
    order_cancel(order=order)
    order.refresh_from_db()
    assert order.state == OrderState.CANCELLED and order.schedule.booked == 0
    with pytest.raises(ApplicationError):
        order_cancel(order=order)
    assert [h.state for h in order.history.order_by("history_date")][-1] == OrderState.CANCELLED


def test_the_registration_page_explains_a_bad_identity_and_creates_nothing(client, demo):
    schedule = first_schedule()
    response = client.post(
        "/r/",
        {
            "dept": schedule.doctor.department.code,
            "schedule": schedule.pk,
            "name": "张伟",
            "certno": "22010219880506001X",
        },
        follow=True,
    )
    assert "校验位" in response.content.decode()
    assert not RegistrationOrder.objects.exists()
    assert client.get("/r/not-a-token/").status_code == 404


def test_staff_list_filters_and_the_order_page_shows_history_without_full_identity(login, new_order):
    paid = new_order()
    waiting = new_order(name="王芳", certno="220104199203150029")
    RegistrationOrder.objects.filter(pk=paid.pk).update(state=OrderState.PAID)
    client = login("cashier")
    day = paid.schedule.date.isoformat()
    page = client.get(f"/outpatient/registrations/?state=paid&date={day}").content.decode()
    assert paid.trace_no in page and waiting.trace_no not in page
    detail = client.get(f"/outpatient/registrations/{waiting.pk}/").content.decode()
    assert "办理记录" in detail and "对外办理过程" in detail and "取消订单" in detail
    assert "220104199203150029" not in detail and "220104********0029" in detail
    response = client.post(f"/outpatient/registrations/{waiting.pk}/cancel", follow=True)
    assert "已取消" in response.content.decode()
    from apps.audit.models import AuditEntry

    assert AuditEntry.objects.filter(action="cancel", username="cashier").get().business == waiting
    assert login("purchasing").get("/outpatient/registrations/").status_code == 403
    assert login("doctor").post(f"/outpatient/registrations/{paid.pk}/cancel").status_code == 403
