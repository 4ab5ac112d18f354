"""Totals over all dates from stored closed days (apps.core.daytotals): the same figures as adding up the table,
in a few small queries, for the money list, the admin's money records and registrations."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Count, Sum
from django.utils import timezone

from apps.core import daytotals
from apps.core.dates import on_days
from apps.core.daytotals import queryset_totals
from apps.core.models import DayTotal
from apps.ledger.models import Bill, Channel, Kind, MoneyMovement, Status
from apps.ledger.selectors import MONEY_TOTALS
from apps.ledger.services import movement_create
from apps.outpatient.models import RegistrationOrder
from apps.patients.selectors import patient_get_by_certno

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def movement(demo):
    patient = patient_get_by_certno("220102198805060015")

    def make(trace: str, amount: str, days_ago: int, fund: str | None = "1.10"):
        movement_create(
            kind=Kind.OUTPATIENT_SETTLEMENT, channel=Channel.WINDOW, patient=patient, org_trace_no=trace,
            amount=Decimal(amount), status=Status.SUCCEEDED,
            split={"fund_pay_sumamt": Decimal(fund)} if fund is not None else {},
        )  # fmt: skip
        at = timezone.make_aware(
            datetime.datetime.combine(TODAY - datetime.timedelta(days=days_ago), datetime.time(23, 59, 59))
        )
        with connection.cursor() as cursor:
            moment = connection.ops.adapt_datetimefield_value(at)
            cursor.execute("UPDATE ledger_moneymovement SET created_at = %s WHERE org_trace_no = %s", [moment, trace])

    return make


def added_up(queryset=None):
    """The totals as the database adds them up, row by row."""
    rows = MoneyMovement.objects.all() if queryset is None else queryset
    return rows.order_by().aggregate(count=Count("pk"), **{name: Sum(name) for name in MONEY_TOTALS})


def test_all_dates_totals_are_the_tables_and_store_every_closed_day(movement):
    for trace, amount, days_ago in (("D10", "10.00", 10), ("D03", "3.30", 3), ("D02", "-2.00", 2),
                                    ("D01", "1.00", 1), ("D00", "0.50", 0)):  # fmt: skip
        movement(trace, amount, days_ago)
    movement("D05", "5.00", 5, fund=None)
    expected = added_up()
    assert queryset_totals(MoneyMovement.objects.with_status(), MONEY_TOTALS) == expected
    others = added_up(MoneyMovement.objects.exclude(org_trace_no__startswith="D"))
    assert expected["count"] == others["count"] + 6
    assert expected["amount"] == (others["amount"] or 0) + Decimal("17.80")
    assert expected["fund_pay_sumamt"] == (others["fund_pay_sumamt"] or 0) + Decimal("5.50"), "an empty one is left out"
    # Every day from the table's first to the last closed one (two days ago), days without rows too.
    days = list(DayTotal.objects.filter(table="ledger.moneymovement").order_by("day").values_list("day", "count"))
    assert days[-1][0] == TODAY - daytotals.CLOSED_AFTER
    assert [day for day, _ in days] == [days[0][0] + datetime.timedelta(days=n) for n in range(len(days))]
    assert days == [(day, MoneyMovement.objects.filter(on_days("created_at", day, day)).count()) for day, _ in days]
    assert dict(days)[TODAY - datetime.timedelta(days=10)] >= 1


def test_closed_days_are_read_from_storage_and_open_days_live(movement, django_assert_num_queries):
    movement("OLD", "4.00", 9)
    first = queryset_totals(MoneyMovement.objects.all(), MONEY_TOTALS)
    # A row of today counts at once; a closed day is not read again (its stored figures stand, here even against a
    # change the table's rule forbids, which proves where they come from).
    movement("NOW", "6.00", 0)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE ledger_moneymovement SET amount = 400 WHERE org_trace_no = 'OLD'")
    with django_assert_num_queries(2):  # the stored days, today's rows
        second = queryset_totals(MoneyMovement.objects.all(), MONEY_TOTALS)
    assert second["count"] == first["count"] + 1 and second["amount"] == first["amount"] + Decimal("6.00")


def test_days_are_stored_as_they_close(movement, monkeypatch):
    movement("D1", "1.00", 1)
    before = queryset_totals(MoneyMovement.objects.all(), MONEY_TOTALS)
    assert not DayTotal.objects.filter(day=TODAY - datetime.timedelta(days=1)).exists()
    monkeypatch.setattr(daytotals.timezone, "localdate", lambda: TODAY + datetime.timedelta(days=5))
    assert queryset_totals(MoneyMovement.objects.all(), MONEY_TOTALS) == before == added_up()
    assert DayTotal.objects.get(day=TODAY - datetime.timedelta(days=1)).count == 1
    assert DayTotal.objects.filter(day__gt=TODAY - datetime.timedelta(days=1)).count() == 4


def test_a_filtered_list_and_a_table_without_the_rule_are_added_up_live(movement):
    movement("KEEP", "8.00", 4)
    filtered = MoneyMovement.objects.filter(org_trace_no="KEEP")
    assert queryset_totals(filtered, MONEY_TOTALS) == added_up(filtered)
    assert queryset_totals(filtered, MONEY_TOTALS)["amount"] == Decimal("8.00")
    assert not DayTotal.objects.exists()
    queryset_totals(Bill.objects.all(), ("total",))  # bills change while open: never stored
    assert not DayTotal.objects.exists()


def test_an_empty_table_totals_nothing():
    assert queryset_totals(MoneyMovement.objects.all(), MONEY_TOTALS) == {"count": 0} | dict.fromkeys(MONEY_TOTALS)
    assert not DayTotal.objects.exists()


def test_the_money_list_over_all_dates_shows_the_tables_totals(movement, login, django_assert_max_num_queries):
    movement("ALL-OLD", "12.00", 30)
    movement("ALL-NEW", "3.00", 0)
    client = login("finance")
    client.get("/ledger/?start=&end=")
    with django_assert_max_num_queries(8):
        page = client.get("/ledger/?start=&end=").content.decode()
    totals = added_up()
    assert f"合计 {totals['count']} 笔" in page and f"{totals['amount']:,.2f}" in page
    assert "ALL-OLD" in page and "ALL-NEW" in page


def test_the_admins_lists_over_all_dates_total_from_storage(movement, login):
    movement("ADM-OLD", "21.00", 20)
    client = login("finance")
    html = client.get("/admin/ledger/moneymovement/?created_at__date__gte=&created_at__date__lte=").content.decode()
    assert f"{added_up()['amount']:,.2f}" in html
    assert DayTotal.objects.filter(table="ledger.moneymovement").exists()


@pytest.mark.django_db(transaction=True)
def test_the_registrations_admin_over_all_dates_totals_from_storage(new_order, login):
    order, _ = new_order(), new_order(name="王芳", certno="220104199203150029")
    booked = connection.ops.adapt_datetimefield_value(timezone.now() - datetime.timedelta(days=5))
    with connection.cursor() as cursor:  # one booked five days ago: its day is closed, and stored
        cursor.execute("UPDATE outpatient_registrationorder SET created_at = %s WHERE id = %s", [booked, order.pk])
    fees = RegistrationOrder.objects.order_by().aggregate(fee=Sum("fee"))["fee"]
    url = "/admin/outpatient/registrationorder/?schedule__date__gte=&schedule__date__lte="
    html = login("finance").get(url).content.decode()
    assert fees and f"{fees:,.2f}" in html
    assert DayTotal.objects.filter(table="outpatient.registrationorder").exists()
