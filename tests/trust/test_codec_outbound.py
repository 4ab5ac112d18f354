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
    with pytest.raises(BadReply, match="应答不是JSON对象"):
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
    with pytest.raises(BadReply, match="国密信封标明成功却没有encData"):
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
