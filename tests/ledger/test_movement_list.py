import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.ledger.models import Channel, Kind, Status
from apps.ledger.services import movement_create
from apps.patients.selectors import patient_get_by_certno

pytestmark = pytest.mark.django_db


def test_the_money_list_shows_today_unless_asked_for_other_days_in_a_few_queries(
    demo, login, django_assert_max_num_queries
):
    patient = patient_get_by_certno("220102198805060015")
    for trace, amount in (("OLD-0001", "7.00"), ("NEW-0001", "5.00")):
        movement_create(
            kind=Kind.OUTPATIENT_SETTLEMENT,
            channel=Channel.WINDOW,
            patient=patient,
            org_trace_no=trace,
            amount=Decimal(amount),
            status=Status.SUCCEEDED,
        )
    yesterday = timezone.now() - datetime.timedelta(days=1)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("UPDATE ledger_moneymovement SET created_at = %s WHERE org_trace_no = 'OLD-0001'", [yesterday])
    client = login("finance")
    with django_assert_max_num_queries(10):
        page = client.get("/ledger/").content.decode()
    assert "NEW-0001" in page and "OLD-0001" not in page
    day = timezone.localdate(yesterday).isoformat()
    page = client.get(f"/ledger/?start={day}&end=").content.decode()
    assert "NEW-0001" in page and "OLD-0001" in page


def test_the_money_list_pages_by_the_count_its_totals_took(demo, login, django_assert_max_num_queries):
    patient = patient_get_by_certno("220102198805060015")
    for i in range(51):
        movement_create(
            kind=Kind.OUTPATIENT_SETTLEMENT,
            channel=Channel.WINDOW,
            patient=patient,
            org_trace_no=f"PAGE-{i:04d}",
            amount=Decimal("1.00"),
            status=Status.SUCCEEDED,
        )
    client = login("finance")
    client.get("/ledger/")
    with django_assert_max_num_queries(5):
        first = client.get("/ledger/").content.decode()
    assert "合计 51 笔" in first and "第 1 / 2 页" in first and first.count("PAGE-") == 50
    last = client.get("/ledger/", {"page": 2}).content.decode()
    assert "第 2 / 2 页" in last and last.count("PAGE-") == 1 and "PAGE-0000" in last, "the oldest comes last"
