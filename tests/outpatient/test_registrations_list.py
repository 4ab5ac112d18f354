"""Defect 3: the staff list shows the visits of a day (booked whenever), with a date filter; a doctor sees his own
department."""

import datetime

import pytest
from django.utils import timezone

from apps.outpatient.models import RegistrationOrder, Schedule

pytestmark = pytest.mark.django_db(transaction=True)


def book(new_order, department: str, day: datetime.date, **person):
    order = new_order(**person)
    schedule = Schedule.objects.filter(doctor__department__code=department, date=day).first()
    RegistrationOrder.objects.filter(pk=order.pk).update(schedule=schedule)
    return RegistrationOrder.objects.get(pk=order.pk)


def test_the_list_shows_the_visits_of_the_chosen_day_whenever_they_were_booked(login, new_order):
    today = timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)
    booked_earlier = book(new_order, "NK01", today)
    three_days_ago = timezone.now() - datetime.timedelta(days=3)
    RegistrationOrder.objects.filter(pk=booked_earlier.pk).update(created_at=three_days_ago)
    for_tomorrow = book(new_order, "NK01", tomorrow, name="王芳", certno="220104199203150029")
    client = login("cashier")
    page = client.get("/outpatient/registrations/").content.decode()
    assert booked_earlier.trace_no in page and for_tomorrow.trace_no not in page
    page = client.get(f"/outpatient/registrations/?date={tomorrow.isoformat()}").content.decode()
    assert for_tomorrow.trace_no in page and booked_earlier.trace_no not in page
    assert client.get("/outpatient/registrations/?date=2026-02-30").status_code == 200  # today, not a 500


def test_the_doctor_sees_only_his_own_department(login, new_order):
    today = timezone.localdate()
    cardiology = book(new_order, "NK01", today)
    surgery = book(new_order, "WK01", today, name="王芳", certno="220104199203150029")
    doctor = login("doctor")  # the demo doctor is 赵明 of 心血管内科
    page = doctor.get("/outpatient/registrations/").content.decode()
    assert cardiology.trace_no in page and surgery.trace_no not in page
    asked_for_another = doctor.get("/outpatient/registrations/?dept=WK01").content.decode()
    assert surgery.trace_no not in asked_for_another and "普通外科" not in asked_for_another
    cashier = login("cashier").get("/outpatient/registrations/").content.decode()
    assert cardiology.trace_no in cashier and surgery.trace_no in cashier


def test_a_doctor_without_a_linked_account_sees_no_one(login, new_order):
    from apps.outpatient.models import Doctor

    order = book(new_order, "NK01", timezone.localdate())
    Doctor.objects.update(user=None)
    page = login("doctor").get("/outpatient/registrations/").content.decode()
    assert order.trace_no not in page and "尚未关联医生信息" in page
