"""The patient's registration form (/r/): only sessions that can still be booked, and crafted posts refused."""

import datetime
import re

import pytest
from django.utils import timezone

from apps.outpatient.models import RegistrationOrder, Schedule

pytestmark = pytest.mark.django_db


@pytest.fixture
def at_noon(demo, monkeypatch):
    """Today at 12:00: the morning sessions have ended, the afternoon ones are open."""
    moment = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time(12, 0)))
    monkeypatch.setattr(timezone, "now", lambda: moment)
    return moment.date()


def offered(page: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'name="schedule" value="(\d+)"', page)}


def test_the_form_offers_only_sessions_that_have_not_ended_or_filled(client, at_noon):
    today = at_noon
    full = Schedule.objects.get(doctor__department__code="NK01", date=today, period="pm", doctor__code="D1001")
    Schedule.objects.filter(pk=full.pk).update(booked=full.capacity)
    page = client.get("/r/", {"dept": "NK01", "date": today.isoformat()}).content.decode()
    expected = set(
        Schedule.objects.filter(doctor__department__code="NK01", date=today, period="pm")
        .exclude(pk=full.pk)
        .values_list("pk", flat=True)
    )
    assert expected and offered(page) == expected


@pytest.mark.parametrize(
    ("schedule", "why"),
    [("", "请选择就诊时段"), ("abc", "请选择就诊时段"), ("999999", "不可预约"), ("ended", "不可预约")],
)
def test_a_crafted_post_is_refused_with_a_reason_and_books_nothing(client, at_noon, schedule, why):
    if schedule == "ended":
        schedule = str(Schedule.objects.filter(date=at_noon, period="am").first().pk)
    form = {"dept": "NK01", "schedule": schedule, "name": "张伟", "certno": "220102198805060015"}
    page = client.post("/r/", form).content.decode()
    assert why in page
    assert not RegistrationOrder.objects.exists()
    assert not Schedule.objects.filter(booked__gt=0).exists()
