"""Finance in a real browser: the sandbox's file for a day with one planted discrepancy of each kind is fetched and
imported, one discrepancy is explained, and the list is exported."""

import csv
import io

import pytest
from django.utils import timezone

from apps.core.demo import DEMO_PASSWORD
from apps.reconciliation import tasks
from tests.reconciliation.test_upstreams import at, sandbox_paid

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_finance_fetches_a_day_explains_a_discrepancy_and_exports(page, sandbox, demo, book, tmp_path):
    from apps.sandbox.people import person_by_certno

    base, day = sandbox.url, timezone.localdate().isoformat()
    person = person_by_certno("220102198805060015")
    for order_no, amount in (("ORDA", "10.00"), ("ORDB", "20.00"), ("ORDC", "30.00"), ("ORDD", "40.00")):
        sandbox_paid(person, order_no, amount)
        book(order_no, amount, when=at(9))

    page.goto(f"{base}/sandbox/paylater/")  # the platform's side: plant one discrepancy of each kind
    page.fill("#plant-form input[name=bill_date]", day)
    page.locator("#plant-form button").click()
    assert "已为" in page.locator(".messages").inner_text()

    page.goto(f"{base}/accounts/login/?next=/reconciliation/")
    page.fill("input[name=username]", "finance")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/reconciliation/")
    page.fill("#fetch-form input[name=date]", day)
    page.get_by_role("button", name="从平台下载并导入").click()
    page.wait_for_url(f"{base}/reconciliation/day/{day}/")
    assert tasks.fetch_task(day).startswith("已导入")  # what the worker does in the background
    page.reload()

    categories = page.locator("#categories").inner_text()
    for words in ("本院无记录\t1", "平台无记录\t1", "金额不符\t1", "状态不符\t1", "一致\t1"):
        assert words in categories, categories
    page.get_by_role("link", name="全部差异").click()
    assert page.locator("#discrepancies tbody tr").count() == 4

    row = page.locator("#discrepancies tbody tr", has_text="ORDB")
    row.get_by_role("link", name="填写说明").click()
    page.fill("textarea[name=text]", "平台多收1元，已联系平台更正")
    page.get_by_role("button", name="保存说明").click()
    assert "已记录订单 ORDB 的说明" in page.locator(".messages").inner_text()
    assert "平台多收1元" in page.locator("#discrepancies tbody tr", has_text="ORDB").inner_text()

    with page.expect_download() as download:
        page.locator("#export-csv").click()
    path = tmp_path / "export.csv"
    download.value.save_as(path)
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    planted = f"PLANTED{timezone.localdate():%Y%m%d}"
    assert {r[3]: r[1] for r in rows[1:]} == {
        "ORDA": "平台无记录", "ORDB": "金额不符", "ORDC": "状态不符", planted: "本院无记录",
    }  # fmt: skip
    assert [r[8] for r in rows[1:] if r[3] == "ORDB"] == ["平台多收1元，已联系平台更正"]
