"""Lists over tables that grow by the million (the exchange log, the ledger, registrations, the outbox): they open
on today, a search finds a whole number through its index, and a date range is a range of moments."""

import datetime
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import timezone

from apps.core.paging import RoughCount
from apps.integrations.models import Direction, Exchange, Party

pytestmark = pytest.mark.django_db

LOG = "/admin/integrations/exchange/"


@pytest.fixture
def exchanges():
    """One exchange logged today and one three days ago (local time, just after midnight)."""
    today = Exchange.objects.create(direction=Direction.OUT, party=Party.NHSA, interface="2207", msgid="H2026TODAY01")
    old = Exchange.objects.create(direction=Direction.OUT, party=Party.NHSA, interface="2207", msgid="H2026OLD0001")
    midnight = datetime.datetime.combine(timezone.localdate() - datetime.timedelta(days=3), datetime.time(0, 0, 1))
    Exchange.objects.filter(pk=old.pk).update(created_at=timezone.make_aware(midnight))
    return today, old


def test_the_exchange_log_opens_on_today_and_every_date_is_one_click_away(login, exchanges):
    finance = login("finance")
    page = finance.get(LOG).content.decode()
    assert "H2026TODAY01" in page and "H2026OLD0001" not in page
    checkbox = f'<input type="checkbox" name="_selected_action" value="{exchanges[0].pk}" class="action-select"'
    assert checkbox in page, "each row can be chosen for an export"
    assert f'value="{timezone.localdate().isoformat()}"' in page, "the form shows the day it is showing"
    assert "全部日期" in page
    every = finance.get(LOG, {"created_at__date__gte": "", "created_at__date__lte": ""}).content.decode()
    assert "H2026TODAY01" in every and "H2026OLD0001" in every


def test_a_day_is_its_local_day(login, exchanges):
    """The old exchange was logged at 00:00:01 local time, which is the previous day in UTC."""
    day = (timezone.localdate() - datetime.timedelta(days=3)).isoformat()
    page = login("finance").get(LOG, {"created_at__date__gte": day, "created_at__date__lte": day}).content.decode()
    assert "H2026OLD0001" in page and "H2026TODAY01" not in page


def test_a_search_finds_the_whole_number_on_every_date(login, exchanges):
    finance = login("finance")
    found = finance.get(LOG, {"q": "H2026OLD0001"}).content.decode()
    assert "H2026OLD0001" in found, "a search is not limited to today"
    assert "H2026OLD0001" not in finance.get(LOG, {"q": "OLD"}).content.decode(), "a part of a number is not read"


def test_a_date_that_does_not_exist_is_refused_without_an_error_page(login, exchanges):
    response = login("finance").get(LOG, {"created_at__date__gte": "2026-02-30"})
    assert response.status_code in (200, 302) and response.status_code != 500


def log_today(count: int, **fields) -> None:
    Exchange.objects.bulk_create(
        Exchange(direction=Direction.OUT, party=Party.NHSA, interface="2207", msgid=f"H2026N{i:06d}", **fields)
        for i in range(count)
    )


def paginator_line(page: str) -> str:
    return re.search(r'<p class="paginator">(.*?)</p>', page, re.S).group(1)


def test_a_list_is_counted_exactly_up_to_ten_thousand_rows_and_beyond_says_so(login):
    finance = login("finance")
    log_today(10_000)
    exact = paginator_line(finance.get(LOG).content.decode())
    assert "10000" in exact and "超过" not in exact and ">200<" in exact, "200 pages of 50"
    log_today(1)
    capped = finance.get(LOG).content.decode()
    assert "超过一万条" in paginator_line(capped) and ">201<" in paginator_line(capped), "counted up to 10,001 rows"
    assert "选中了 超过一万 个" in capped, "the admin's select-all note says it too"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's estimate of a table's rows")
def test_every_date_of_a_table_larger_than_ten_thousand_rows_is_its_estimate(login):
    finance = login("finance")
    log_today(10_050)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE integrations_exchange")
    every = finance.get(LOG, {"created_at__date__gte": "", "created_at__date__lte": ""}).content.decode()
    estimate = re.search(r"约 ([\d,]+) 条", paginator_line(every))
    assert estimate and abs(int(estimate.group(1).replace(",", "")) - 10_050) < 100
    assert "超过一万条" in paginator_line(finance.get(LOG, {"interface": "2207"}).content.decode()), (
        "a filtered list is counted, up to the cap"
    )


def test_an_estimate_reads_as_one():
    assert RoughCount(999_999, estimated=True).text == "约 1,000,000 条"
    assert RoughCount(123_456, estimated=True).text == "约 123,000 条"
    assert RoughCount(10_001, estimated=False).text == "超过一万条"


def test_a_page_of_the_log_is_drawn_in_ten_queries_whatever_business_objects_its_rows_name(
    login, django_assert_max_num_queries
):
    finance = login("finance")
    finance.get(LOG)  # the permissions and filters' first queries
    kinds = list(ContentType.objects.filter(app_label__in=["ledger", "outpatient", "integrations"]))
    for i, kind in enumerate(kinds):
        Exchange.objects.create(
            direction=Direction.OUT, party=Party.NHSA, interface="2207", msgid=f"H2026B{i:06d}", business_type=kind,
            business_id=i + 1,
        )  # fmt: skip
    with django_assert_max_num_queries(10):
        page = finance.get(LOG).content.decode()
    assert str(kinds[0]) in page
