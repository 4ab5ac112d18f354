"""The codec's outbound half without HTTP (issue 8, item 8: it had no test the mutation run could use):
requests signed as CONTRACT.md section 4 says, replies of both codecs decoded or refused."""

import json
import time
from decimal import Decimal

import pytest

from apps.core import smcrypto
from apps.integrations.paylater import codec
from apps.integrations.transport import BadReply
from tests.paylater.conftest import seal_as_platform, sign_json

PAYLOAD = {"org_code": "H22010200001", "amount": Decimal("12.30"), "user_name": "张伟"}


def test_json_request_is_the_payload_signed(settings):
    settings.PAYLATER_CODEC = "json"
    body, headers = codec.encode_request(PAYLOAD)
    assert json.loads(body) == {"org_code": "H22010200001", "amount": "12.30", "user_name": "张伟"}
    assert "张伟".encode() in body  # UTF-8, not \\u escapes
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    assert headers["X-App-Id"] == settings.PAYLATER_APP_ID and len(headers["X-Nonce"]) == 32
    assert abs(int(headers["X-Timestamp"]) - time.time() * 1000) < 5000
    expected = sign_json(settings, body, timestamp=headers["X-Timestamp"], nonce=headers["X-Nonce"])
    assert headers["X-Signature"] == expected["X-Signature"]
    assert codec.check_request(headers, body).data == json.loads(body, parse_float=Decimal)


def test_two_requests_never_share_a_nonce(settings):
    settings.PAYLATER_CODEC = "json"
    assert codec.encode_request(PAYLOAD)[1]["X-Nonce"] != codec.encode_request(PAYLOAD)[1]["X-Nonce"]


def test_sm_request_is_a_sealed_envelope_the_platform_opens(settings):
    settings.PAYLATER_CODEC = "sm"
    body, headers = codec.encode_request(PAYLOAD)
    assert headers == {"Content-Type": "application/json; charset=utf-8"}
    envelope = json.loads(body)
    assert envelope["appId"] == settings.PAYLATER_APP_ID and envelope["version"] == codec.SM_VERSION
    assert abs(int(envelope["timestamp"]) - time.time() * 1000) < 5000
    opened = smcrypto.sm_open(
        envelope, app_secret=settings.PAYLATER_APP_SECRET, public_key=settings.SANDBOX_SM2_PORTAL_PUBLIC_KEY
    )
    assert opened == {"org_code": "H22010200001", "amount": "12.30", "user_name": "张伟"}


def test_json_reply_decodes_to_its_object(settings):
    settings.PAYLATER_CODEC = "json"
    decoded = codec.decode_reply(b'{"code": "0", "amt": 1.50}')
    assert decoded == {"envelope": {}, "data": {"code": "0", "amt": Decimal("1.50")}}


@pytest.mark.parametrize("codec_name", ["json", "sm"])
@pytest.mark.parametrize("raw", [b"[1]", b'"x"', b"null"])
def test_a_reply_that_is_not_an_object_is_bad(settings, codec_name, raw):
    settings.PAYLATER_CODEC = codec_name
    with pytest.raises(BadReply, match="^应答不是JSON对象$"):
        codec.decode_reply(raw)


def test_sm_reply_is_opened_and_its_envelope_kept(settings):
    settings.PAYLATER_CODEC = "sm"
    sealed = seal_as_platform(settings, {"ok": 1}, code="0", message="成功", success=True)
    decoded = codec.decode_reply(json.dumps(sealed).encode())
    assert decoded["data"] == {"ok": 1}
    assert decoded["envelope"]["code"] == "0" and decoded["envelope"]["success"] is True
    assert "encData" not in decoded["envelope"] and "signData" not in decoded["envelope"]


@pytest.mark.parametrize("outer", [{"code": "401", "message": "验签失败", "success": False}, {"code": "E1"}, {}])
def test_sm_refusal_without_enc_data_is_data_none(settings, outer):
    settings.PAYLATER_CODEC = "sm"
    decoded = codec.decode_reply(json.dumps({"appId": "x", **outer}).encode())
    assert decoded == {"envelope": {"appId": "x", **outer}, "data": None}


@pytest.mark.parametrize("outer", [{"success": True}, {"code": "0"}, {"code": 0}, {"encData": "", "success": True}])
def test_sm_success_without_enc_data_is_bad(settings, outer):
    settings.PAYLATER_CODEC = "sm"
    with pytest.raises(BadReply, match="^国密信封标明成功却没有encData$"):
        codec.decode_reply(json.dumps({"appId": "x", **outer}).encode())


def test_sm_reply_signed_by_someone_else_is_bad(settings):
    settings.PAYLATER_CODEC = "sm"
    forged = seal_as_platform(settings, {"ok": 1}, private_key=smcrypto.sm2_generate_keypair()[0])
    with pytest.raises(BadReply, match="国密信封无法验证"):
        codec.decode_reply(json.dumps(forged).encode())


def test_reply_encoding_follows_the_codec(settings):
    settings.PAYLATER_CODEC = "json"
    assert json.loads(codec.encode_reply({"ret_code": "00", "n": Decimal("1.00")})) == {"ret_code": "00", "n": "1.00"}
    settings.PAYLATER_CODEC = "sm"
    envelope = json.loads(codec.encode_reply({"ret_code": "00"}))
    assert (envelope["code"], envelope["message"], envelope["success"]) == ("0", "成功", True)
    opened = smcrypto.sm_open(
        envelope, app_secret=settings.PAYLATER_APP_SECRET, public_key=settings.SANDBOX_SM2_PORTAL_PUBLIC_KEY
    )
    assert opened == {"ret_code": "00"}


# --- the inbound half's refusals, as the platform reads them in ret_msg ------------------------------------------


def test_a_signed_body_that_is_not_an_object_is_refused_with_the_reason(settings):
    settings.PAYLATER_CODEC = "json"
    with pytest.raises(codec.NotAnObject) as refused:
        codec.check_request(sign_json(settings, b"[1]"), b"[1]")
    assert str(refused.value) == "请求体必须是JSON对象"


def test_an_envelope_sealed_by_someone_else_is_refused_with_the_reason(settings):
    settings.PAYLATER_CODEC = "sm"
    forged = seal_as_platform(settings, {"ok": 1}, private_key=smcrypto.sm2_generate_keypair()[0])
    with pytest.raises(codec.AuthFailed) as refused:
        codec.check_request({}, json.dumps(forged).encode())
    assert str(refused.value).startswith("国密信封验证失败: ")


def test_an_envelope_nested_too_deep_to_open_is_refused_with_the_reason(settings, monkeypatch):
    settings.PAYLATER_CODEC = "sm"

    def too_deep(*args, **kwargs):
        raise RecursionError

    monkeypatch.setattr(codec.smcrypto, "sm_open", too_deep)
    with pytest.raises(codec.NotAnObject) as refused:
        codec.check_request({}, json.dumps(seal_as_platform(settings, {"ok": 1})).encode())
    assert str(refused.value) == f"请求体嵌套超过{codec.MAX_DEPTH}层"


def signed(settings, raw: bytes, **headers) -> dict:
    return sign_json(settings, raw) | headers


@pytest.mark.parametrize(
    "headers, raw, message",
    [
        ({"X-Nonce": "", "X-Signature": ""}, b"{}", "缺少请求头 X-Nonce, X-Signature"),
        ({"X-App-Id": "another-app"}, b"{}", "X-App-Id 未知"),
        ({"X-Timestamp": "1"}, b"{}", "X-Timestamp 应为13位毫秒时间戳"),
        ({"X-Nonce": "short"}, b"{}", "X-Nonce 应为8至64个可见ASCII字符"),
        ({"X-Signature": "0" * 64}, b"{}", "X-Signature 签名不正确"),
    ],
    ids=["missing", "app-id", "timestamp", "nonce", "signature"],
)
def test_json_auth_refusals_name_the_header(settings, headers, raw, message):
    settings.PAYLATER_CODEC = "json"
    with pytest.raises(codec.AuthFailed) as refused:
        codec.check_request(signed(settings, raw) | headers, raw)
    assert str(refused.value) == message


@pytest.mark.parametrize(
    "raw, message",
    [
        ("{}".encode("utf-16"), "请求体必须是UTF-8编码的JSON"),
        (b'{"a": ', "请求体不是有效的JSON"),
        (b'{"a\\u0000": 1}', "请求体的键含NUL或无效的Unicode字符"),
        (b'{"a": "\\ud800"}', "请求体的字符串含NUL或无效的Unicode字符"),
        (b'{"a": NaN}', "请求体含JSON不允许的数值 NaN"),
    ],
    ids=["utf16", "truncated", "nul-key", "surrogate", "nan"],
)
def test_body_refusals_say_what_is_wrong(raw, message):
    with pytest.raises(codec.NotAnObject) as refused:
        codec.strict_loads(raw)
    assert str(refused.value) == message


def test_a_non_finite_number_from_another_decoder_is_refused_with_the_reason():
    with pytest.raises(codec.NotAnObject) as refused:
        codec.check_plain({"a": [float("inf")]})
    assert str(refused.value) == "请求体含JSON不允许的数值 NaN/Infinity"


def test_fractions_are_decimals_never_floats():
    value = codec.strict_loads(b'{"amt": 1.10, "n": 2}')
    assert value == {"amt": Decimal("1.10"), "n": 2} and isinstance(value["amt"], Decimal)


def nested(levels: int):
    value = 0
    for _ in range(levels):
        value = [value]
    return {"a": value}


def test_nesting_is_bounded_at_exactly_max_depth():
    codec.check_plain(nested(codec.MAX_DEPTH - 2))
    with pytest.raises(codec.NotAnObject, match=f"^请求体嵌套超过{codec.MAX_DEPTH}层$"):
        codec.check_plain(nested(codec.MAX_DEPTH - 1))


def test_the_window_edge_is_inclusive(settings, monkeypatch):
    settings.PAYLATER_CODEC = "json"
    now = 1_795_000_000_000
    monkeypatch.setattr(codec, "_now_ms", lambda: now)
    edge = settings.PLATFORM_AUTH_WINDOW_SECONDS * 1000
    for accepted in (now - edge, now + edge):
        codec.check_request(sign_json(settings, b"{}", timestamp=str(accepted)), b"{}")
    for refused in (now - edge - 1, now + edge + 1):
        with pytest.raises(codec.AuthFailed, match="相差超过"):
            codec.check_request(sign_json(settings, b"{}", timestamp=str(refused)), b"{}")
