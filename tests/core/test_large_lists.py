"""Lists over tables that grow by the million (the exchange log, the ledger, registrations, the outbox): they open
on today, a search finds a whole number through its index, and a date range is a range of moments."""

import datetime

import pytest
from django.utils import timezone

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
