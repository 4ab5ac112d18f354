"""Purchasing's and finance's screens: who may see them, entry field by field in Chinese, import, correction,
the finance view and its export."""

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from apps.core.registry import screens
from apps.supplier_finance.models import Batch, Invoice, Purchase, Status

from .conftest import INVOICE, PURCINFO, csv_bytes, purchase, purchase_return, to_lines

pytestmark = pytest.mark.django_db


def form_data(kind="3503", purcinfo=None, invoices=None) -> dict:
    data = {"kind": kind, **(PURCINFO if purcinfo is None else purcinfo)}
    invoices = [INVOICE] if invoices is None else invoices
    data |= {"inv-TOTAL_FORMS": str(len(invoices) + 1), "inv-INITIAL_FORMS": "0",
             "inv-MIN_NUM_FORMS": "0", "inv-MAX_NUM_FORMS": "20"}  # fmt: skip
    for index, invoice in enumerate(invoices):
        data |= {f"inv-{index}-{key}": value for key, value in invoice.items()}
    return data


def test_the_screens_replace_the_planned_tile_and_only_their_roles_get_in(login, client):
    assert "supplier-invoices" not in screens.planned()
    login("cashier")
    for url in ("/supplier/", "/supplier/new/", "/supplier/import/", "/supplier/finance/"):
        assert client.get(url).status_code == 403
    login("purchasing")
    assert client.get("/role/purchasing/").content.decode().count("采购发票上传") >= 1
    assert client.get("/supplier/").status_code == 200 and client.get("/supplier/finance/").status_code == 403
    entry = client.get("/supplier/new/").content.decode()
    assert "医疗目录编码" in entry and "发票 1" in entry and "票据纳税人识别号" in entry
    template = client.get("/supplier/template.csv")
    assert template.content.decode("utf-8-sig").startswith("业务类型(kind),医疗目录编码(med_list_codg)")
    login("finance")
    assert client.get("/supplier/finance/").status_code == 200 and client.get("/supplier/").status_code == 403


def test_entry_is_checked_field_by_field_in_chinese(login):
    client = login("purchasing")
    Purchase.objects.all().delete()
    bad = PURCINFO | {"spler_name": "", "manu_date": "2026-13-40"}
    page = client.post("/supplier/new/", form_data(purcinfo=bad, invoices=[INVOICE | {"taxRate": "abc"}]))
    html = page.content.decode()
    assert page.status_code == 200 and "必填" in html and "日期格式应为 yyyy-MM-dd" in html and "不是数值" in html
    assert not Purchase.objects.exists()
    no_invoice = client.post("/supplier/new/", form_data(invoices=[]))
    assert "至少一张发票" in no_invoice.content.decode()

    saved = client.post("/supplier/new/", form_data(invoices=[INVOICE, INVOICE | {"invoiceNo": "B2"}]))
    row = Purchase.objects.get()
    assert saved.status_code == 302 and saved["Location"] == f"/supplier/batches/{row.batch_id}/"
    assert row.status == Status.PENDING and row.invoices.count() == 2
    again = client.post("/supplier/new/", form_data(invoices=[INVOICE, INVOICE | {"invoiceNo": "B2"}]))
    assert "内容完全相同" in again.content.decode() and Purchase.objects.count() == 1


def test_import_page_shows_every_error_and_queues_nothing(login):
    client = login("purchasing")
    before = Purchase.objects.count()
    lines = to_lines([purchase(1), purchase(2, aprvno="")])
    upload = io.BytesIO(csv_bytes(lines))
    upload.name = "week.csv"
    html = client.post("/supplier/import/", {"file": upload}).content.decode()
    assert "发现 1 处错误，未加入上传队列" in html and "批准文号" in html and "必填" in html
    assert Purchase.objects.count() == before
    template = client.get("/supplier/template.xlsx")
    assert template.status_code == 200 and template["Content-Disposition"].endswith('.xlsx"')
    good = io.BytesIO(csv_bytes(to_lines([purchase(1), purchase(2)])))
    good.name = "week.csv"
    response = client.post("/supplier/import/", {"file": good})
    batch = Batch.objects.get(file_name="week.csv")
    assert response["Location"] == f"/supplier/batches/{batch.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "共 2 条" in page and "待上传 2" in page and 'http-equiv="refresh"' in page


def test_a_failed_row_is_corrected_on_its_page(login):
    client = login("purchasing")
    from apps.supplier_finance.services import purchases_submit

    (row,) = purchases_submit([purchase(7)], source="entry").queued
    assert client.get(f"/supplier/purchases/{row.pk}/edit/").status_code == 302  # not failed: nothing to correct
    Purchase.objects.filter(pk=row.pk).update(status=Status.FAILED, status_message="目录编码不存在")
    page = client.get(f"/supplier/purchases/{row.pk}/edit/").content.decode()
    assert "目录编码不存在" in page and 'value="XJ01"' in page
    data = form_data(purcinfo=PURCINFO | {"fixmedins_bchno": "PC0007", "med_list_codg": "XJ99"})
    response = client.post(f"/supplier/purchases/{row.pk}/edit/", data)
    row.refresh_from_db()
    assert response.status_code == 302 and row.status == Status.PENDING and row.med_list_codg == "XJ99"
    assert row.invoices.count() == 1


def test_finance_by_supplier_and_month_paid_and_unpaid_and_export(login):
    from apps.supplier_finance.services import purchases_submit

    client = login("finance")
    Invoice.objects.all().delete()
    Purchase.objects.all().delete()
    paid = purchase(1)
    paid.invoices = [INVOICE | {"pay_flag": "1", "taxAmount": "100"}, INVOICE | {"invoiceNo": "U1", "taxAmount": "40"}]
    other = purchase(2, spler_name="长春康达医药有限公司", purc_retn_stoin_time="2026-05-03 09:00:00")
    purchases_submit([paid, other, purchase_return(3)], source="entry")
    page = client.get("/supplier/finance/", {"supplier": "吉林", "month": "2026-04"}).content.decode()
    assert "长春康达" not in page and "吉林医药有限公司" in page
    unpaid = client.get("/supplier/finance/", {"pay_flag": "0"}).context["rows"]
    assert all(row["paid"] is None for row in unpaid)
    rows = client.get("/supplier/finance/", {"month": "2026-04"}).context["rows"]
    purchases = next(r for r in rows if r["purchase__kind"] == "3503")
    assert (purchases["records"], purchases["invoices"]) == (1, 2)
    assert (purchases["paid"], purchases["unpaid"]) == (Decimal("100"), Decimal("40"))
    export = client.get("/supplier/finance/export.xlsx", {"month": "2026-04"})
    book = load_workbook(io.BytesIO(export.content))
    assert book.sheetnames == ["汇总", "发票明细"]
    detail = list(book["发票明细"].iter_rows(values_only=True))
    assert len(detail) == 1 + 3 and {row[14] for row in detail[1:]} == {"已支付", "未支付"}


def test_admin_lists_purchases_and_invoices_with_totals(login):
    import re

    from apps.supplier_finance.services import purchases_submit

    client = login("admin")
    Invoice.objects.all().delete()
    Purchase.objects.all().delete()
    purchases_submit([purchase(1), purchase_return(2)], source="entry")

    def total(page: str, label: str) -> Decimal:
        return Decimal(re.search(rf"合计（当前筛选）：.*?{label} (-?[\d.]+)", page).group(1))

    page = client.get("/admin/supplier_finance/invoice/", {"q": "12345678"}).content.decode()
    assert total(page, "金额") == Decimal("110.9567")
    page = client.get("/admin/supplier_finance/purchase/", {"kind__exact": "3504"}).content.decode()
    assert "RT0002" in page and "PC0001" not in page and total(page, "采购/退货数量") == 100
