"""Guide section 3 at the cashier's window in a real browser against the sandbox: 张伟 by 身份证, 社保卡 and 医保码,
王芳's signing QR code, and one refund."""

import re

import pytest

from apps.core.demo import DEMO_PASSWORD
from apps.ledger.models import Kind, MoneyMovement
from tests.window.conftest import WANG, ZHANG, medium_of

OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def read_medium(page, base, medium):
    page.goto(f"{base}/window/")
    page.select_option("#medium-type", medium["mdtrt_cert_type"])
    if medium["card_sn"]:
        page.fill("input[name=card_sn]", medium["card_sn"])
    page.fill("#medium-no", medium["mdtrt_cert_no"])
    page.press("#medium-no", "Enter")  # a card reader types the number and presses Enter
    page.wait_for_selector("#patient")


def register_and_settle(page, nth):
    page.locator("#registration button[name=register]").nth(nth).click()
    page.wait_for_url(re.compile(r"/window/bills/\d+/$"))
    page.get_by_role("button", name="医保预结算").click()
    page.wait_for_selector("#preview")
    assert "基金支付" in page.locator("#preview").inner_text()
    page.get_by_role("button", name="先医后付结算").click()
    page.wait_for_url(re.compile(r"/receipt$"))
    assert "挂号凭条" in page.locator("#receipt").inner_text()
    assert page.locator("#queue-no").inner_text().strip().isdigit()


def test_cashier_settles_by_each_medium_shows_a_signing_qr_and_refunds(page, sandbox, demo, settings):
    settings.UPSTREAM_READ_TIMEOUT = 15.0
    base = sandbox.url
    page.goto(f"{base}/accounts/login/?next=/window/")
    page.fill("input[name=username]", "cashier")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/window/")
    assert page.evaluate("document.activeElement.id") == "medium-no"

    for nth, kind in enumerate(["02", "03", "01"]):
        read_medium(page, base, medium_of(ZHANG, kind))
        assert "职工基本医疗保险" in page.locator("#patient").inner_text()
        assert "已签约" in page.locator("#sign-state").inner_text()
        page.set_viewport_size({"width": 390, "height": 900})
        assert page.evaluate(OVERFLOW) <= 0, "the window screen is wider than a phone"
        page.set_viewport_size({"width": 1366, "height": 900})
        register_and_settle(page, nth)
        page.set_viewport_size({"width": 390, "height": 900})
        assert page.evaluate(OVERFLOW) <= 0, "the receipt is wider than a phone"
        page.set_viewport_size({"width": 1366, "height": 900})
    assert MoneyMovement.objects.filter(kind=Kind.OUTPATIENT_SETTLEMENT).count() == 3

    read_medium(page, base, medium_of(WANG))
    assert "未签约" in page.locator("#sign-state").inner_text()
    assert page.locator("#signing svg").count() == 1
    assert page.locator("#registration").count() == 0
    page.set_viewport_size({"width": 390, "height": 900})  # the QR code and the long link fit a phone-sized window
    assert page.evaluate(OVERFLOW) <= 0
    page.set_viewport_size({"width": 1366, "height": 900})

    read_medium(page, base, medium_of(ZHANG))
    page.locator("#recent a", has_text="查看").first.click()
    page.once("dialog", lambda dialog: dialog.accept())
    page.fill("input[name=reason]", "患者挂错科室")
    page.get_by_role("button", name="全额退费").click()
    page.wait_for_selector(".messages")
    assert "退费成功" in page.locator(".messages").inner_text()
    assert MoneyMovement.objects.filter(kind=Kind.REFUND).count() == 1
