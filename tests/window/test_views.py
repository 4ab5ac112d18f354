"""The window screen through Django's test client against the sandbox (real HTTP upstreams)."""

import pytest

from apps.ledger.models import BillState, Kind, MoneyMovement
from tests.window.conftest import WANG, ZHANG, medium_of

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def window(sandbox, login):
    return login("cashier")


def test_only_a_cashier_opens_the_window(sandbox, login):
    assert login("doctor").get("/window/").status_code == 403


def test_a_medium_read_shows_the_patient_masked_with_schemes_by_name(window):
    page = window.post("/window/", medium_of(ZHANG, "03"), follow=True).content.decode()
    assert "张*" in page or "*伟" in page
    assert "张伟" not in page and ZHANG not in page
    assert "职工基本医疗保险" in page and "800.00" in page and "已签约" in page


def test_an_unsigned_patient_gets_a_signing_qr_code_and_can_be_asked_again(window):
    page = window.post("/window/", medium_of(WANG), follow=True).content.decode()
    assert "未签约" in page and "<svg" in page and "重新查询" in page
    assert 'id="registration"' not in page  # nothing to register or settle until signed
    page = window.post("/window/sign-refresh", follow=True).content.decode()
    assert "仍未签约" in page
    assert "请回到窗口" in window.get("/window/signed").content.decode()


def test_a_bad_medium_says_what_to_do(window):
    page = window.post("/window/", {"mdtrt_cert_type": "03", "mdtrt_cert_no": "J1"}, follow=True).content.decode()
    assert "卡识别码" in page


def test_register_preview_settle_print_and_refund_at_the_window(window, session_today):
    window.post("/window/", medium_of(ZHANG))
    reply = window.post("/window/register", {"schedule": session_today.pk})
    bill_url = reply.url
    page = window.post(bill_url).content.decode()  # 医保预结算
    assert "基金支付" in page and "个人账户" in page and "现金" in page
    reply = window.post(f"{bill_url}settle")
    assert reply.url.endswith("/receipt")
    receipt = window.get(reply.url).content.decode()
    assert "挂号凭条" in receipt and "候诊号" in receipt and "window.print()" in receipt
    assert MoneyMovement.objects.filter(kind=Kind.OUTPATIENT_SETTLEMENT).count() == 1
    page = window.post(f"{bill_url}refund", {"reason": ""}, follow=True).content.decode()
    assert "退费原因" in page
    page = window.post(f"{bill_url}refund", {"reason": "挂错科室"}, follow=True).content.decode()
    assert "退费成功" in page
    assert MoneyMovement.objects.get(kind=Kind.REFUND).amount < 0
    bill_id = int(bill_url.rstrip("/").split("/")[-1])
    from apps.ledger.models import Bill

    assert Bill.objects.get(pk=bill_id).state == BillState.REFUNDED


def test_a_settlement_without_an_answer_is_shown_as_being_verified_and_cannot_be_pressed_again(window, session_today):
    from apps.sandbox.models import Fault

    window.post("/window/", medium_of(ZHANG))
    bill_url = window.post("/window/register", {"schedule": session_today.pk}).url
    Fault.objects.create(party="nhsa", interface="2207", mode="timeout", remaining=1)
    page = window.post(f"{bill_url}settle", follow=True).content.decode()
    assert "结果未知，正在核实" in page and 'id="settle-button"' not in page
    page = window.post(f"{bill_url}settle", follow=True).content.decode()
    assert "不能再次结算" in page
    assert not MoneyMovement.objects.filter(kind=Kind.OUTPATIENT_SETTLEMENT).exists()
