"""Guide sections 7 and 8 in a real browser, as the cashier: 李娜's stay gets two deposits, one of them partly
returned (refunded whole, the rest collected again), is discharged and settled with a top-up; 张伟 is admitted on
the screen, charged, given a deposit and discharged with the deposit refunded; the receipts print."""

import re
from decimal import Decimal

import pytest

from apps.core.demo import DEMO_PASSWORD, DEMO_PATIENTS
from apps.inpatient.models import Admission, AdmissionState
from apps.sandbox.models import Person
from apps.sandbox.people import ensure_demo_people

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ZHANG, _, LI = (p["certno"] for p in DEMO_PATIENTS)


def said(page) -> str:
    return page.locator("main").inner_text()


def deposit_row(page, amount: str):
    return page.locator("#deposits tbody tr", has_text=amount).filter(has_text="已缴").first


def test_cashier_admits_collects_partly_returns_discharges_and_prints(page, sandbox, demo, settings, tmp_path):
    settings.UPSTREAM_READ_TIMEOUT = 6.0
    base = sandbox.url
    ensure_demo_people()
    # 李娜's personal account is spent, so her share is paid after care and exceeds her deposits: a top-up.
    Person.objects.filter(psn_no=DEMO_PATIENTS[2]["psn_no"]).update(acct_balance=Decimal("0.00"))
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", "cashier")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.get_by_role("button", name=re.compile("登录")).click()

    # 李娜 (demo): upload her charges (registering the stay first), then two deposits.
    page.goto(f"{base}/inpatient/")
    page.locator("#admissions tr", has_text="李").get_by_role("link", name="办理", exact=True).click()
    page.get_by_role("button", name="上传医保", exact=True).click()
    assert "已上传医保 " in said(page) and "405.40" in page.locator("#charges-total").inner_text()
    for amount in ("60.00", "40.00"):
        page.fill("input[name=dpst_amt]", amount)
        page.get_by_role("button", name="收取押金（先医后付）", exact=True).click()
        assert f"已收取押金 ¥{amount}" in said(page)
    # A partial refund is refused, with the way to do it.
    row = deposit_row(page, "40.00")
    row.locator("input[name=refd_amt]").fill("10.00")
    row.get_by_role("button", name="退还", exact=True).click()
    assert "不支持部分退费" in said(page) and "部分退还" in said(page)
    row = deposit_row(page, "40.00")
    row.locator("input[name=return_amt]").fill("10.00")
    row.get_by_role("button", name="部分退还", exact=True).click()
    assert "部分退还完成" in said(page)
    assert page.locator("#held-total").inner_text() == "¥90.00"
    # The kept amount's receipt says where it came from; it prints.
    page.locator("#deposits tr", has_text="部分退还后留存").get_by_role("link", name="收据", exact=True).click()
    assert "住院押金收据" in said(page) and "¥30.00" in said(page) and "部分退还后留存" in said(page)
    page.emulate_media(media="print")
    assert not page.locator(".staffnav").is_visible()
    page.pdf(path=str(tmp_path / "deposit-receipt.pdf"))
    page.emulate_media(media="screen")
    page.go_back()

    page.get_by_role("button", name="办理出院", exact=True).click()
    assert "个人负担（先医后付）" in said(page)
    assert page.locator("#net").inner_text() == "¥38.62" and "补收 ¥38.62" in page.locator("#plan").inner_text()
    page.get_by_role("button", name="确认结算（先医后付）", exact=True).click()
    assert "出院结算成功" in said(page) and "已退还押金 ¥60.00" in said(page) and "已退还押金 ¥30.00" in said(page)
    li = Admission.objects.get(patient__name="李娜")
    assert li.state == AdmissionState.SETTLED
    page.pdf(path=str(tmp_path / "li-settlement.pdf"))

    # 张伟: admitted on the screen with his 身份证, one day's charges, one deposit, refunded at discharge.
    page.goto(f"{base}/inpatient/admit/")
    page.select_option("select[name=mdtrt_cert_type]", "02")
    page.fill("input[name=mdtrt_cert_no]", ZHANG)
    page.select_option("select[name=ward]", "NK2")
    page.fill("input[name=adm_bed]", "8")
    page.select_option("select[name=atddr_no]", "D1002")
    page.select_option("select[name=diag_code]", "J18.900")
    page.get_by_role("button", name="读取凭证并办理入院", exact=True).click()
    assert "已办理入院，住院号" in said(page)
    for code in ("CW-0001", "HL-0001", "JC-0004"):
        page.select_option("#charge-form select[name=item]", code)
        page.get_by_role("button", name="记账并上传医保", exact=True).click()
        assert "已记账并上传医保 1 项费用" in said(page)
    assert page.locator("#charges-total").inner_text() == "¥248.00"
    page.fill("input[name=dpst_amt]", "500.00")
    page.get_by_role("button", name="收取押金（先医后付）", exact=True).click()
    assert "已收取押金 ¥500.00" in said(page)
    page.get_by_role("link", name="收据", exact=True).first.click()
    assert "¥500.00" in said(page)
    page.pdf(path=str(tmp_path / "zhang-receipt.pdf"))
    page.go_back()
    page.get_by_role("button", name="办理出院", exact=True).click()
    assert page.locator("#net").inner_text() == "¥500.00" and "退还 ¥500.00" in page.locator("#plan").inner_text()
    page.get_by_role("button", name="确认结算（先医后付）", exact=True).click()
    assert "出院结算成功" in said(page) and "已退还押金 ¥500.00" in said(page)
    assert "已退还" in page.locator("#settle-deposits").inner_text()
    assert Admission.objects.get(patient__name="张伟").state == AdmissionState.SETTLED
    assert all((tmp_path / name).stat().st_size > 1000 for name in ("deposit-receipt.pdf", "zhang-receipt.pdf"))
