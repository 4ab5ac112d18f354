"""The platform adapter against a real HTTP server (pytest-httpserver) in both codecs."""

import base64
import datetime
from decimal import Decimal

import pytest

from apps.integrations import paylater
from apps.integrations.models import Exchange, Outcome

pytestmark = pytest.mark.django_db

ZHANG = {"user_name": "张伟", "cert_no": "220102198805060015"}


def ok(data):
    return {"code": "000000", "msg": "成功", "data": data}


def amp(param=None, *, success=True, code="0000", msg="成功"):
    return {"success": success, "respCode": code, "respMsg": msg, "param": param}


def test_sign_status_both_codecs(platform, codec_name, settings):
    platform.answer("sign_status", ok({"signStatus": 0, "signUrl": "https://pl.example/sign?querySign=abc"}))
    result = paylater.sign_status(**ZHANG)
    assert result == paylater.SignStatusResult(signed=False, sign_url="https://pl.example/sign?querySign=abc")
    name, _, sent = platform.received[0]
    assert sent == {"org_code": settings.ORG_CODE, **ZHANG}
    exchange = Exchange.objects.get(interface="sign_status")
    assert exchange.outcome == Outcome.OK and exchange.direction == "out"
    # The log holds the request and the (decrypted) reply with personal data masked.
    assert exchange.request_body["cert_no"] == "220102********0015"
    assert exchange.request_body["user_name"] == "张*"
    assert "signature" not in " ".join(exchange.request_headers).lower()


def test_sign_status_signed_with_numeric_string(platform):
    platform.answer("sign_status", ok({"signStatus": "1"}))
    assert paylater.sign_status(**ZHANG) == paylater.SignStatusResult(signed=True, sign_url=None)


def test_sign_status_unsigned_without_url_is_a_bad_reply(platform):
    platform.answer("sign_status", ok({"signStatus": 0}))
    with pytest.raises(paylater.UpstreamUnavailable, match="signUrl"):
        paylater.sign_status(**ZHANG)
    assert Exchange.objects.get(interface="sign_status").outcome == Outcome.FAILED


def test_cashier_link_success_and_refusals(platform, codec_name):
    platform.answer("cashier_link", ok({"linkUrl": "https://pl.example/cashier?queryStr=q1"}))
    assert paylater.cashier_link(**ZHANG, trace_no="T202601010001") == "https://pl.example/cashier?queryStr=q1"
    assert platform.received[0][2]["trace_no"] == "T202601010001"


def test_cashier_link_not_signed_and_system_error(platform, httpserver):
    platform.answer("cashier_link", {"code": "000100", "msg": "用户未签约", "data": None})
    with pytest.raises(paylater.NotSigned) as caught:
        paylater.cashier_link(**ZHANG, trace_no="T1")
    assert caught.value.code == "000100" and caught.value.upstream_message == "用户未签约"
    assert caught.value.exchange.outcome == Outcome.REFUSED
    httpserver.clear()
    platform.answer("cashier_link", {"code": "999999", "msg": "系统异常", "data": None})
    with pytest.raises(paylater.UpstreamRefused) as caught:
        paylater.cashier_link(**ZHANG, trace_no="T2")
    assert not isinstance(caught.value, paylater.NotSigned) and caught.value.code == "999999"


def test_inputs_are_checked_before_sending(platform):
    with pytest.raises(paylater.InvalidRequest, match="trace_no"):
        paylater.cashier_link(**ZHANG, trace_no="x" * 65)
    with pytest.raises(paylater.InvalidRequest, match="user_name"):
        paylater.sign_status(user_name=" ", cert_no="1")
    with pytest.raises(paylater.InvalidRequest, match="access_code"):
        paylater.pay_info(access_code="")
    assert not Exchange.objects.exists() and not platform.received


@pytest.mark.parametrize("pay_result", ["1", 1])
def test_pay_info_accepts_string_or_number(platform, codec_name, pay_result):
    data = {
        "pay_result": pay_result,
        "org_trace_no": "T1",
        "mdtrt_id": "M1",
        "psn_no": "P1",
        "cert_no": "220102198805060015",
    }
    platform.answer("pay_info", ok(data))
    assert paylater.pay_info(access_code="ac1") == paylater.PayInfo(1, "T1", "M1", "P1", "220102198805060015")


@pytest.mark.parametrize(
    "change",
    [{"pay_result": "2"}, {"pay_result": True}, {"mdtrt_id": None}, {"org_trace_no": ""}, {"psn_no": {"x": 1}}],
)
def test_pay_info_bad_reply(platform, change):
    data = {"pay_result": "1", "org_trace_no": "T1", "mdtrt_id": "M1", "psn_no": "P1", "cert_no": "C1"} | change
    platform.answer("pay_info", ok(data))
    with pytest.raises(paylater.UpstreamUnavailable):
        paylater.pay_info(access_code="ac1")
    assert Exchange.objects.get(interface="pay_info").outcome == Outcome.FAILED


def test_non_json_reply_is_unavailable(platform):
    platform.answer("pay_info", b"<html>502</html>")
    with pytest.raises(paylater.UpstreamUnavailable):
        paylater.pay_info(access_code="ac1")


PUSH = {
    "orgCode": "H22010200001",
    "patientName": "张伟",
    "idType": "01",
    "idNo": "220102198805060015",
    "medOrgOrd": "MSG-0001",
    "pushType": "HOSPITAL_PAYMENT",
    "orderStatus": "MERCHANT_WAIT_PAY",
    "appType": "01",
    "amount": Decimal("12.3"),
    "createTime": "2026-01-02 08:30:00",
}


def test_push_msg_sends_camel_case_with_two_place_amount(platform, codec_name):
    platform.answer("push_msg", amp({}))
    result = paylater.push_msg(message=PUSH)
    assert result.resp_code == "0000" and result.exchange_id
    sent = platform.received[0][2]
    assert sent["amount"] == "12.30" and sent["medOrgOrd"] == "MSG-0001" and sent["pushType"] == "HOSPITAL_PAYMENT"
    exchange = Exchange.objects.get(pk=result.exchange_id)
    assert exchange.interface == "AMP_HOS_001" and exchange.msgid == "MSG-0001"
    assert exchange.request_body["idNo"] == "220102********0015"


@pytest.mark.parametrize(
    "change, field",
    [
        ({"orderStatus": None}, "orderStatus"),
        ({"amount": None}, "amount"),
        ({"amount": 12.3}, "amount"),
        ({"amount": "12.3"}, "amount"),
        ({"idNo": ""}, "idNo"),
        ({"pushType": "HOSPITAL_X"}, "pushType"),
        ({"appType": "09"}, "appType"),
        ({"createTime": "2026/01/02"}, "createTime"),
        ({"patientNmae": "typo"}, "patientNmae"),
    ],
)
def test_push_msg_refuses_bad_messages_without_sending(platform, change, field):
    with pytest.raises(paylater.InvalidRequest, match=field):
        paylater.push_msg(message={**PUSH, **change})
    assert not Exchange.objects.exists()


def test_push_msg_guide_type_needs_no_order_status(platform):
    platform.answer("push_msg", amp(None))
    message = {k: v for k, v in PUSH.items() if k not in ("orderStatus", "amount")} | {"pushType": "HOSPITAL_GUIDE"}
    assert paylater.push_msg(message=message).resp_msg == "成功"


def test_push_msg_refused(platform):
    platform.answer("push_msg", amp(None, success=False, code="E100", msg="机构未开通"))
    with pytest.raises(paylater.UpstreamRefused) as caught:
        paylater.push_msg(message=PUSH)
    assert (caught.value.code, caught.value.upstream_message) == ("E100", "机构未开通")
    assert Exchange.objects.get().upstream_code == "E100"


REFUND = {
    "amp_trace_id": "AMP1",
    "trace_id": "TR1",
    "org_trace_no": "T1",
    "out_refund_no": "RF-0001",
    "org_refund_sn": "SN1",
    "refund_reason": "患者要求退费",
}


def test_refund_and_refund_result(platform, codec_name, settings):
    platform.answer("refund", amp({"tradeStatus": "PROCESSING", "refundTraceId": "R1"}))
    accepted = paylater.refund(**REFUND)
    assert accepted.state == paylater.RefundState.PROCESSING and accepted.refund_trace_id == "R1"
    sent = platform.received[0][2]
    assert sent["refundType"] == "02" and sent["outRefundNo"] == "RF-0001" and sent["orgCode"] == settings.ORG_CODE
    exchange = Exchange.objects.get(interface="AMP_HOS_002")
    assert exchange.money and exchange.outcome == Outcome.OK and exchange.msgid == "RF-0001"

    platform.answer("refund_result", amp({"tradeStatus": "SUCCESS", "ampRefundId": "AR1", "payOrdId": "PO1"}))
    result = paylater.refund_result(amp_trace_id="AMP1", trace_id="TR1", out_refund_no="RF-0001")
    assert result.state == paylater.RefundState.DONE and result.amp_refund_id == "AR1" and result.pay_ord_id == "PO1"


def test_refund_result_requires_trade_status(platform):
    platform.answer("refund_result", amp({"ampRefundId": "AR1"}))
    with pytest.raises(paylater.UpstreamUnavailable, match="tradeStatus"):
        paylater.refund_result(amp_trace_id="A", trace_id="T", out_refund_no="R")


def test_refund_malformed_reply_is_unknown_outcome(platform):
    platform.answer("refund", amp({"tradeStatus": {"nested": 1}}))
    with pytest.raises(paylater.UpstreamUnknownOutcome):
        paylater.refund(**REFUND)
    assert Exchange.objects.get().outcome == Outcome.UNKNOWN


def test_check_file(platform, codec_name, settings):
    content = "订单号,银行订单号\r\nT1,B1\r\n".encode("gbk")
    platform.answer("check_file", amp({"fileContent": base64.b64encode(content).decode()}))
    assert paylater.check_file(bill_date=datetime.date(2026, 1, 2)) == content
    sent = platform.received[0][2]
    assert sent == {
        "orgCode": settings.ORG_CODE,
        "subOrgCode": "",
        "orgSecret": settings.PAYLATER_ORG_SECRET,
        "billDate": "2026-01-02",
        "billType": "ALL",
    }
    assert Exchange.objects.get().request_body["orgSecret"] == "******"


def test_check_file_as_the_raw_file(platform, codec_name):
    content = "\ufeff订单号,银行订单号\nT1,B1\n".encode()
    platform.answer("check_file", content, content_type="text/plain; charset=utf-8")
    assert paylater.check_file(bill_date=datetime.date(2026, 1, 2)) == content


def test_check_file_refused(platform):
    platform.answer("check_file", amp(None, success=False, code="999999", msg="orgSecret 错误"))
    with pytest.raises(paylater.UpstreamRefused, match="orgSecret"):
        paylater.check_file(bill_date=datetime.date(2026, 1, 2))


def test_check_file_bad_content(platform):
    platform.answer("check_file", amp({"fileContent": "not base64!"}))
    with pytest.raises(paylater.UpstreamUnavailable, match="Base64"):
        paylater.check_file(bill_date=datetime.date(2026, 1, 2))


# --- the sm envelope: keys ---------------------------------------------------------------------------------


def test_sm_reply_signed_with_a_wrong_key_is_refused(platform, settings):
    from apps.core import smcrypto

    settings.PAYLATER_CODEC = "sm"
    platform.sign_key = smcrypto.sm2_generate_keypair()[0]
    platform.answer("sign_status", ok({"signStatus": 1}))
    with pytest.raises(paylater.UpstreamUnavailable, match="signData"):
        paylater.sign_status(**ZHANG)


def test_sm_request_signed_with_a_wrong_key_is_refused_by_the_platform(platform, settings):
    from apps.core import smcrypto

    settings.PAYLATER_CODEC = "sm"
    settings.PAYLATER_SM2_PRIVATE_KEY = smcrypto.sm2_generate_keypair()[0]
    platform.answer("sign_status", ok({"signStatus": 1}))
    with pytest.raises(paylater.UpstreamRefused) as caught:
        paylater.sign_status(**ZHANG)
    assert caught.value.code == "401" and not platform.received


def test_json_request_signed_with_a_wrong_secret_is_refused_by_the_platform(platform, settings):
    platform.answer("sign_status", ok({"signStatus": 1}))
    settings.PAYLATER_APP_SECRET = "not-the-shared-secret"
    with pytest.raises(paylater.UpstreamError):
        paylater.sign_status(**ZHANG)
    assert not platform.received


# --- backUrl -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url, expected",
    [
        (
            "https://paft-dev.yl-dt.com?source=h5-wx&queryStr=xxxxxxxx",
            "https://paft-dev.yl-dt.com?source=h5-wx&queryStr=xxxxxxxx&backUrl=http%3A%2F%2F127.0.0.1%3A8088%2Fpay%3Fo%3D1%26b%3D2",
        ),
        (
            "https://pl.example/sign",
            "https://pl.example/sign?backUrl=http%3A%2F%2F127.0.0.1%3A8088%2Fpay%3Fo%3D1%26b%3D2",
        ),
        (
            "https://pl.example/sign?",
            "https://pl.example/sign?backUrl=http%3A%2F%2F127.0.0.1%3A8088%2Fpay%3Fo%3D1%26b%3D2",
        ),
        (
            "https://pl.example/s?a=1&backUrl=http%3A%2F%2Fevil#top",
            "https://pl.example/s?a=1&backUrl=http%3A%2F%2F127.0.0.1%3A8088%2Fpay%3Fo%3D1%26b%3D2#top",
        ),
    ],
)
def test_with_back_url(url, expected):
    assert paylater.with_back_url(url, "http://127.0.0.1:8088/pay?o=1&b=2") == expected
