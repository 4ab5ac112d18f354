"""Defect 7: the admin's money and order lists for finance: date ranges, totals of what the filters match, CSV and
Excel export, in the portal's look."""

import csv
import datetime
import io
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from apps.ledger.models import MoneyMovement
from tests.outpatient.conftest import settlement_payload

pytestmark = pytest.mark.django_db(transaction=True)

LIST = "/admin/ledger/moneymovement/"


@pytest.fixture
def settled(platform, new_order):
    """Two paid registrations: their settlements are the ledger's rows."""
    orders = [new_order(), new_order(name="王芳", certno="220104199203150029")]
    for order in orders:
        assert platform("org_003", settlement_payload(order))[1]["ret_code"] == "00"
    return orders


def totals(html: str) -> str:
    return re.search(r'<dl class="totals" id="totals">.*?</dl>', html, re.S).group(0)


def test_the_money_list_adds_up_what_the_filters_match(login, settled):
    finance = login("finance")
    fees = sum(order.fee for order in settled)
    html = finance.get(LIST).content.decode()
    assert f"{fees:,.2f}" in totals(html)
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    later = finance.get(LIST, {"created_at__date__gte": tomorrow}).content.decode()
    assert "0.00" in totals(later) and f"{fees:,.2f}" not in totals(later)
    assert f'value="{tomorrow}"' in later, "the range stays in its form"
    today = timezone.localdate().isoformat()
    ranged = finance.get(LIST, {"created_at__date__gte": today, "created_at__date__lte": today}).content.decode()
    assert f"{fees:,.2f}" in totals(ranged)


def test_export_as_csv_and_excel(login, settled):
    finance = login("finance")
    rows = list(MoneyMovement.objects.values_list("pk", flat=True))
    response = finance.post(LIST, {"action": "export_csv", "_selected_action": rows})
    assert response["Content-Type"].startswith("text/csv") and "attachment" in response["Content-Disposition"]
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert table[0][:3] == ["记录时间", "类型", "渠道"] and len(table) == 1 + len(settled)
    assert {row[table[0].index("金额")] for row in table[1:]} == {str(order.fee) for order in settled}
    assert {row[table[0].index("类型")] for row in table[1:]} == {"门诊结算"}, "words, not codes"

    response = finance.post(LIST, {"action": "export_xlsx", "_selected_action": rows})
    sheet = load_workbook(io.BytesIO(response.content)).active
    header, *values = list(sheet.values)
    amounts = [row[header.index("金额")] for row in values]
    assert sorted(Decimal(str(a)) for a in amounts) == sorted(order.fee for order in settled)
    assert all(isinstance(a, (int, float)) for a in amounts), "numbers that add up in Excel"


def test_the_order_list_for_finance_by_visit_day(login, settled):
    finance = login("finance")
    day = settled[0].schedule.date.isoformat()
    html = finance.get(
        "/admin/outpatient/registrationorder/", {"schedule__date__gte": day, "schedule__date__lte": day}
    ).content.decode()
    assert html.count('class="action-select"') == len(settled)
    assert "挂号费" in totals(html)
    assert settled[0].token not in html, "the patient's key to the order page stays out of the admin"


def test_the_admin_wears_the_portals_look(login):
    html = login("finance").get("/admin/").content.decode()
    assert "/static/css/admin.css" in html and "陈静" in html and "favicon.svg" in html


def test_the_money_screen_adds_up_the_chosen_dates(login, settled):
    finance = login("finance")
    fees = sum(order.fee for order in settled)
    today = timezone.localdate()
    page = finance.get("/ledger/", {"start": today.isoformat(), "end": today.isoformat()}).content.decode()
    footer = re.search(r'<tfoot id="totals">.*?</tfoot>', page, re.S).group(0)
    assert f"合计 {len(settled)} 笔" in footer and f"{fees:,.2f}" in footer
    tomorrow = (today + datetime.timedelta(days=1)).isoformat()
    later = finance.get("/ledger/", {"start": tomorrow}).content.decode()
    assert "合计 0 笔" in later and "暂无记录" in later
