"""Guide sections 5, 6 and 9 in a real browser: the doctor prescribes for 张伟 and the bill settles by itself (the
sandbox phone shows the settlement and the guidance, and its 详情 asks org_006); a confirm-mode patient confirms on
the sandbox phone while the doctor's page follows live."""

import re

import pytest

from apps.clinic import tasks
from apps.clinic.models import Mode, Prescription, SettlementRule
from apps.core.demo import DEMO_PASSWORD
from apps.guidance.services import messages_deliver_due
from apps.ledger.models import BillState, MoneyMovement
from tests.browser.test_screens import CHROME_TEXT, ENGLISH, OVERFLOW
from tests.clinic.conftest import visit_for  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def doctor(demo):
    from apps.outpatient.models import Doctor

    return Doctor.objects.select_related("department").get(code="D1001")


def log_in(page, base):
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", "doctor")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def prescribe(page, base):
    """From the queue: 接诊 张伟, a diagnosis, amoxicillin with its usage and a blood test, submitted once."""
    page.goto(f"{base}/clinic/")
    row = page.locator("#queue tbody tr", has_text="张*")
    row.get_by_role("link", name="接诊").click()
    page.select_option("select[name=diag_code]", "J06.900")
    items = page.locator("select[name=item]")
    items.nth(0).select_option("XY-0001")
    page.locator("input[name=cnt]").nth(0).fill("2")
    page.locator("input[name=usage]").nth(0).fill("口服，一日3次，一次2粒")
    items.nth(1).select_option("JY-0001")
    page.get_by_role("button", name="提交处方并结算").dblclick()  # a double click posts once
    page.wait_for_selector("#settle-panel")
    return Prescription.objects.get()


def open_phone(page, base):
    page.goto(f"{base}/sandbox/paylater/phone/")
    zhang = page.locator("select[name=person] option", has_text="张").first.get_attribute("value")
    page.select_option("select[name=person]", zhang)
    page.get_by_role("button", name="切换").click()


def test_the_prescription_settles_by_itself_and_the_phone_shows_where_to_go(page, sandbox, visit_for, doctor):  # noqa: F811
    base = sandbox.url
    visit_for()
    log_in(page, base)
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(f"{base}/clinic/")
    page.locator("#queue").get_by_role("link", name="接诊").click()
    assert page.evaluate(OVERFLOW) <= 0, "the prescription form is wider than a phone"
    assert not {m for t in page.evaluate(CHROME_TEXT) for m in ENGLISH.findall(t)} - {"ID"}
    page.set_viewport_size({"width": 1366, "height": 900})

    prescription = prescribe(page, base)
    assert prescription.mode == Mode.PASSWORD_FREE
    assert page.locator("#settle-state").inner_text() == "待结算"
    # The worker settles it (2204 + 2207B); the doctor's page follows without a reload.
    assert tasks.settle_task(prescription.pk) == "settled"
    page.wait_for_function("document.getElementById('settle-state').textContent === '已结算'", timeout=15000)
    assert MoneyMovement.objects.filter(org_trace_no=prescription.bill.org_trace_no).count() == 1

    messages_deliver_due()
    page.wait_for_function("document.querySelectorAll('#patient-messages tbody tr').length >= 3", timeout=15000)
    assert "支付单（已支付）" in page.locator("#patient-messages").inner_text()
    assert "门诊楼一层西药房" in page.locator("#stops").inner_text()

    open_phone(page, base)
    phone = page.locator("main").inner_text()
    assert "已支付" in phone and "取药窗口：门诊楼一层西药房" in phone and "待取药" in phone, phone
    page.locator("article", has_text="医药单").get_by_role("link", name="详情").click()
    assert page.locator("#next-step").inner_text().startswith("请到门诊楼一层西药房")
    assert "待取药" in page.locator("#guide-list").inner_text()


def test_a_confirm_mode_patient_confirms_on_the_phone(page, sandbox, visit_for, doctor):  # noqa: F811
    base = sandbox.url
    visit = visit_for()
    SettlementRule.objects.create(patient=visit.patient, mode=Mode.CONFIRM)
    log_in(page, base)
    prescription = prescribe(page, base)
    visit_url = page.url
    assert page.locator("#settle-state").inner_text() == "待患者确认"

    messages_deliver_due()
    open_phone(page, base)
    card = page.locator("article", has_text="待支付")
    assert "¥45.00" in card.inner_text()
    card.get_by_role("button", name="确认支付").click()  # the platform: org_002, its gateway, org_003
    page.wait_for_selector("text=支付成功")
    prescription.bill.refresh_from_db()
    assert prescription.bill.state == BillState.SETTLED

    page.goto(visit_url)
    assert page.locator("#settle-state").inner_text() == "已结算"
    messages_deliver_due()
    open_phone(page, base)
    assert re.search("已支付", page.locator("main").inner_text())
    assert page.locator("article", has_text="待支付").get_by_role("button", name="确认支付").count() == 0
