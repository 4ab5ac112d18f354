"""The inbound base (apps.integrations.inbound) through a test-only subclass, both codecs, every refusal."""

import json
import time

import pytest
from django.contrib.auth.models import Group

from apps.core import smcrypto
from apps.integrations.models import Exchange, Outcome
from tests.paylater.conftest import now_ms, seal_as_platform, seen_nonce, sign_json

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.paylater.urls")]

URL = "/api/platform/test_echo"
GOOD = {"org_code": "H22010200001", "amount": "12.30", "cert_no": "220102198805060015", "user_name": "张伟"}


def post_json(client, settings, body, *, raw: bytes | None = None, url=URL, **sign):
    raw = raw if raw is not None else json.dumps(body, ensure_ascii=False).encode()
    headers = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in sign_json(settings, raw, **sign).items()}
    return client.post(url, data=raw, content_type="application/json", **headers)


def echo_groups():
    """The stand-in business rows the test view writes (the roles migration made other groups)."""
    return Group.objects.filter(name__startswith="echo-")


def only_the_inbox_row(status, code="02"):
    """A refused call: one inbound exchange row, refused, and no business row."""
    exchange = Exchange.objects.get()
    assert exchange.direction == "in" and exchange.party == "paylater" and exchange.interface == "test_echo"
    assert exchange.outcome == Outcome.REFUSED and exchange.http_status == status
    assert exchange.response_body["ret_code"] == code and exchange.error
    assert not echo_groups().exists()
    return exchange


def test_accepted_call_is_logged_and_answered(client, settings):
    response = post_json(client, settings, GOOD)
    assert response.status_code == 200
    reply = response.json()
    assert reply["ret_code"] == "00" and reply["ret_msg"] == "成功" and reply["result"] == "succ"
    assert reply["amount"] == "12.30"  # Decimal on the wire is its 2-place string
    exchange = Exchange.objects.get()
    assert exchange.outcome == Outcome.OK and exchange.http_status == 200 and exchange.duration_ms is not None
    assert echo_groups().get().pk == reply["group_id"]
    # Masked in the log, exact (and encrypted at rest) in raw_body; the signature is not kept.
    assert exchange.request_body["cert_no"] == "220102********0015" and exchange.request_body["user_name"] == "张*"
    assert exchange.response_body["cert_no"] == "220102********0015"
    assert json.loads(exchange.raw_body)["cert_no"] == "220102198805060015"
    assert "X-Signature" not in exchange.request_headers and exchange.request_headers["X-App-Id"]
    assert exchange.nonce and len(exchange.nonce) >= 8  # remembered with the inbox row


def test_raw_body_is_encrypted_in_the_database(client, settings):
    from django.db import connection

    post_json(client, settings, GOOD)
    with connection.cursor() as cursor:
        cursor.execute("SELECT raw_body FROM integrations_exchange")
        (stored,) = cursor.fetchone()
    assert "220102198805060015" not in stored and stored.startswith("v1:")


@pytest.mark.parametrize(
    "sign, why",
    [
        ({"timestamp": lambda: str(int(time.time() * 1000) - 301_000)}, "X-Timestamp"),
        ({"timestamp": lambda: str(int(time.time() * 1000) + 301_000)}, "X-Timestamp"),
        ({"timestamp": "yesterday"}, "X-Timestamp"),
        ({"app_id": "someone-else-0001"}, "X-App-Id"),
        ({"secret": "wrong-secret"}, "X-Signature"),
        ({"nonce": "short"}, "X-Nonce"),
        ({"nonce": "n" * 65}, "X-Nonce"),
    ],
)
def test_auth_refusals_are_401(client, settings, sign, why):
    sign = {k: v() if callable(v) else v for k, v in sign.items()}  # times are taken when the test runs
    response = post_json(client, settings, GOOD, **sign)
    assert response.status_code == 401
    assert response.json()["ret_code"] == "02" and why in response.json()["ret_msg"]
    only_the_inbox_row(401)
    assert not Exchange.objects.filter(nonce__isnull=False).exists()


def test_missing_headers_are_401(client):
    response = client.post(URL, data=json.dumps(GOOD), content_type="application/json")
    assert response.status_code == 401 and "X-Signature" in response.json()["ret_msg"]
    only_the_inbox_row(401)


def test_tampered_body_is_401(client, settings):
    raw = json.dumps(GOOD).encode()
    headers = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in sign_json(settings, raw).items()}
    response = client.post(URL, data=raw.replace(b"12.30", b"99.30"), content_type="application/json", **headers)
    assert response.status_code == 401
    only_the_inbox_row(401)


def test_reused_nonce_is_401(client, settings):
    assert post_json(client, settings, GOOD, nonce="nonce-0000001").status_code == 200
    response = post_json(client, settings, GOOD | {"amount": "1.00"}, nonce="nonce-0000001")
    assert response.status_code == 401 and "X-Nonce" in response.json()["ret_msg"]
    assert echo_groups().count() == 1
    assert Exchange.objects.filter(outcome=Outcome.REFUSED, http_status=401).count() == 1


def test_old_nonces_are_purged(client, settings):
    from datetime import timedelta

    from django.utils import timezone

    from apps.integrations.tasks import nonces_forget_task

    seen_nonce("old-nonce-1", at=timezone.now() - timedelta(seconds=601))
    seen_nonce("recent-nonce", at=timezone.now() - timedelta(seconds=500))
    post_json(client, settings, GOOD)
    assert nonces_forget_task() == "forgot 1 nonces"
    # The inbox rows stay; only the old one's nonce is forgotten.
    assert Exchange.objects.count() == 3 and Exchange.objects.filter(nonce__isnull=False).count() == 2
    assert not Exchange.objects.filter(nonce="old-nonce-1").exists()


@pytest.mark.parametrize("raw", [b"[1, 2]", b'"text"', b"not json", b""])
def test_body_not_a_json_object_is_400(client, settings, raw):
    response = post_json(client, settings, None, raw=raw)
    assert response.status_code == 400 and response.json()["ret_code"] == "02"
    only_the_inbox_row(400)


@pytest.mark.parametrize(
    "body, field",
    [
        ({k: v for k, v in GOOD.items() if k != "org_code"}, "org_code"),
        (GOOD | {"amount": "abc"}, "amount"),
        (GOOD | {"amount": "1.234"}, "amount"),
        (GOOD | {"org_code": "x" * 31}, "org_code"),
    ],
)
def test_missing_or_malformed_field_is_200_naming_it(client, settings, body, field):
    response = post_json(client, settings, body)
    assert response.status_code == 200
    reply = response.json()
    assert reply["ret_code"] == "02" and reply["result"] == "fail" and reply["ret_msg"].startswith(field)
    only_the_inbox_row(200)


def test_application_error_is_200_fail(client, settings):
    response = post_json(client, settings, GOOD | {"mode": "refuse"})
    assert response.status_code == 200
    assert response.json() == {"ret_code": "02", "ret_msg": "不是本院订单", "result": "fail"}
    exchange = Exchange.objects.get()
    assert exchange.outcome == Outcome.REFUSED and exchange.error == "不是本院订单"


@pytest.mark.django_db(transaction=True)
def test_inbox_row_survives_a_crash(client, settings):
    response = post_json(client, settings, GOOD | {"mode": "crash"})
    assert response.status_code == 500 and response.json()["ret_code"] == "02"
    exchange = Exchange.objects.get()
    assert exchange.outcome == Outcome.FAILED and exchange.http_status == 500
    assert "RuntimeError: boom in handle" in exchange.error and "Traceback" in exchange.error
    assert exchange.request_body["org_code"] == "H22010200001"


def test_get_is_not_allowed(client, settings):
    raw = b""
    headers = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in sign_json(settings, raw).items()}
    assert client.get(URL, **headers).status_code == 405


def test_report_style_has_no_result_member(client, settings):
    reply = post_json(client, settings, GOOD, url="/api/platform/test_report").json()
    assert reply["ret_code"] == "00" and "result" not in reply
    refused = post_json(client, settings, GOOD | {"mode": "refuse"}, url="/api/platform/test_report").json()
    assert refused == {"ret_code": "02", "ret_msg": "不是本院订单"}


# --- codec sm --------------------------------------------------------------------------------------------


@pytest.fixture
def sm(settings):
    settings.PAYLATER_CODEC = "sm"


def post_envelope(client, envelope, url=URL):
    return client.post(url, data=json.dumps(envelope), content_type="application/json")


def test_sm_call_and_sealed_reply(client, settings, sm):
    response = post_envelope(client, seal_as_platform(settings, GOOD))
    assert response.status_code == 200
    envelope = response.json()
    assert envelope["encType"] == "SM4" and envelope["signType"] == "SM2" and "ret_code" not in envelope
    reply = smcrypto.sm_open(
        envelope, app_secret=settings.PAYLATER_APP_SECRET, public_key=settings.SANDBOX_SM2_PORTAL_PUBLIC_KEY
    )
    assert reply["ret_code"] == "00" and reply["group_id"] == echo_groups().get().pk
    exchange = Exchange.objects.get()
    assert exchange.request_body["org_code"] == "H22010200001"  # the decrypted body, masked
    assert exchange.request_body["cert_no"] == "220102********0015"


def test_sm_field_error_is_sealed_too(client, settings, sm):
    response = post_envelope(client, seal_as_platform(settings, GOOD | {"amount": "x"}))
    reply = smcrypto.sm_open(
        response.json(), app_secret=settings.PAYLATER_APP_SECRET, public_key=settings.SANDBOX_SM2_PORTAL_PUBLIC_KEY
    )
    assert response.status_code == 200 and reply["ret_code"] == "02" and reply["ret_msg"].startswith("amount")


@pytest.mark.parametrize(
    "make",
    [
        lambda s: seal_as_platform(s, GOOD, private_key=smcrypto.sm2_generate_keypair()[0]),
        lambda s: seal_as_platform(s, GOOD) | {"timestamp": now_ms()},  # changed after signing
        lambda s: seal_as_platform(s, GOOD, timestamp=str(int(time.time() * 1000) - 301_000)),
        lambda s: seal_as_platform(s, GOOD, timestamp=str(int(time.time() * 1000) + 301_000)),
        lambda s: seal_as_platform(s, GOOD) | {"appId": "someone-else-0001"},
        lambda s: {k: v for k, v in seal_as_platform(s, GOOD).items() if k != "signData"},
    ],
    ids=["wrong-key", "tampered", "stale", "future", "unknown-app", "unsigned"],
)
def test_sm_auth_refusals(client, settings, sm, make):
    response = post_envelope(client, make(settings))
    assert response.status_code == 401 and response.json()["ret_code"] == "02"
    only_the_inbox_row(401)


def test_sm_replayed_envelope_is_401(client, settings, sm):
    envelope = seal_as_platform(settings, GOOD)
    assert post_envelope(client, envelope).status_code == 200
    assert post_envelope(client, envelope).status_code == 401
    assert echo_groups().count() == 1


def test_sm_replay_with_the_signature_re_spelt_in_base64_is_401(client, settings, sm):
    import base64
    import string

    envelope = seal_as_platform(settings, GOOD)
    assert post_envelope(client, envelope).status_code == 200
    # 64 bytes end in one byte, two Base64 characters and "==": the second character's low 4 bits are unused.
    alphabet = string.ascii_uppercase + string.ascii_lowercase + string.digits + "+/"
    text = envelope["signData"]
    respelt = text[:-3] + alphabet[alphabet.index(text[-3]) ^ 0b1111] + text[-2:]
    assert respelt != text and base64.b64decode(respelt) == base64.b64decode(text)
    assert post_envelope(client, envelope | {"signData": respelt}).status_code == 401
    assert echo_groups().count() == 1


def test_sm_plain_json_is_refused(client, settings, sm):
    assert post_envelope(client, GOOD).status_code == 401
    assert client.post(URL, data=b"[]", content_type="application/json").status_code == 400


def test_openapi_schema_builds(settings):
    from drf_spectacular.generators import SchemaGenerator

    from tests.paylater import urls

    schema = SchemaGenerator(patterns=urls.urlpatterns).get_schema(request=None, public=True)
    operation = schema["paths"]["/api/platform/test_echo"]["post"]
    assert operation["security"] == [{"platformSignature": []}]
    scheme = schema["components"]["securitySchemes"]["platformSignature"]
    assert (scheme["type"], scheme["in"], scheme["name"]) == ("apiKey", "header", "X-Signature")
    assert set(scheme) == {"type", "in", "name", "description"}
    components = schema["components"]["schemas"]
    assert components["EchoReplyOrRefusal"] == {
        "oneOf": [{"$ref": "#/components/schemas/EchoReply"}, {"$ref": "#/components/schemas/PlatformRefusal"}]
    }
    assert components["PlatformRefusal"]["required"] == ["result", "ret_code", "ret_msg"]
    assert components["PlatformReportRefusal"]["required"] == ["ret_code", "ret_msg"]


@pytest.mark.parametrize("url, refusal", [("test_echo", "PlatformRefusal"), ("test_report", "PlatformReportRefusal")])
def test_openapi_schema_documents_every_refusal(url, refusal):
    """Every answer a platform call can get is in the schema the fuzzing checks replies against (issue 8, item 7)."""
    from drf_spectacular.generators import SchemaGenerator

    from tests.paylater import urls

    schema = SchemaGenerator(patterns=urls.urlpatterns).get_schema(request=None, public=True)
    responses = schema["paths"][f"/api/platform/{url}"]["post"]["responses"]

    def body(name):
        return {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}}

    assert responses == {
        "200": {
            "content": body("EchoReplyOrRefusal"),
            "description": 'ret_code "00": 成功；ret_code "02": 业务拒绝或字段错误（ret_msg 以字段名开头）',
        },
        "400": {"content": body(refusal), "description": "请求体不是UTF-8的JSON对象，或含NaN、NUL、无效字符、嵌套过深"},
        "401": {"content": body(refusal), "description": "签名、时间戳、随机数或 appId 校验未通过"},
        "413": {"content": body(refusal), "description": "请求体超过上限"},
    }


def test_platform_reply_puts_the_envelope_around_the_body():
    from rest_framework import serializers

    from apps.integrations.inbound import PlatformReply, PlatformReportReply, platform_reply

    class BalanceOut(serializers.Serializer):
        balance = serializers.CharField()

    snake, report = platform_reply(BalanceOut), platform_reply(BalanceOut, style="report")
    assert snake.__name__ == report.__name__ == "BalanceReply" and snake.__module__ == __name__
    assert snake.__mro__[1:3] == (PlatformReply, BalanceOut)
    assert report.__mro__[1:3] == (PlatformReportReply, BalanceOut)
    assert set(snake().fields) == {"ret_code", "ret_msg", "result", "balance"}
    assert set(report().fields) == {"ret_code", "ret_msg", "balance"}
