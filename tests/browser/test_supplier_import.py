"""Purchasing in a real browser: import a file, fix its one bad row, upload, and see every row 已上传."""

import re

import pytest

from apps.core.demo import DEMO_PASSWORD
from apps.supplier_finance.services import purchases_upload_due
from tests.supplier_finance.conftest import csv_bytes, purchase, purchase_return, to_lines

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_purchasing_imports_fixes_a_row_uploads_and_sees_every_row_uploaded(page, sandbox, demo, tmp_path):
    base = sandbox.url
    page.goto(f"{base}/accounts/login/?next=/supplier/")
    page.fill("input[name=username]", "purchasing")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/supplier/")
    page.get_by_role("link", name="导入文件").click()

    records = [purchase(101), purchase(102, manu_date="2026/01/01"), purchase_return(103)]
    bad = tmp_path / "week.csv"
    bad.write_bytes(csv_bytes(to_lines(records)))
    page.set_input_files("input[name=file]", str(bad))
    page.get_by_role("button", name="校验并导入").click()
    errors = page.locator("#import-errors")
    assert "1 处错误，未加入上传队列" in errors.inner_text()
    row = page.locator("table tr.error").first.inner_text()
    assert re.search(r"^3\s+\w+\s+生产日期\s+日期格式应为 yyyy-MM-dd", row), row

    records[1].purcinfo["manu_date"] = "2026-01-01"  # the person fixes the line in the spreadsheet
    fixed = tmp_path / "week-fixed.csv"
    fixed.write_bytes(csv_bytes(to_lines(records)))
    page.set_input_files("input[name=file]", str(fixed))
    page.get_by_role("button", name="校验并导入").click()
    page.wait_for_url(re.compile(r"/supplier/batches/\d+/$"))
    assert "加入上传队列 3 条" in page.locator(".messages").inner_text()
    assert page.locator("#rows tbody tr").count() == 3
    assert page.locator("#rows .state-pending").count() == 3

    batch_id = int(re.search(r"/batches/(\d+)/$", page.url).group(1))
    assert purchases_upload_due(batch_id=batch_id) == 3  # what the worker does in the background
    page.reload()
    assert page.locator("#rows .state-uploaded").count() == 3
    assert "已处理 3 条（100%）" in page.locator("#progress").inner_text()
