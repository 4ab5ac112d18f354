"""Issue 8, item 8: the authentication mutants that survived (window lengths, nonce bounds, both timestamp
forms, non-string appId) and the strict JSON of the codec, tested at their edges through the inbound base."""

import json
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from apps.integrations.models import Exchange
from apps.integrations.paylater import codec
from tests.paylater.conftest import seal_as_platform, seen_nonce, sign_json

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.paylater.urls")]

URL = "/api/platform/test_echo"
GOOD = {"org_code": "H22010200001", "amount": "12.30"}


def post(client, settings, body=GOOD, **sign):
    raw = json.dumps(body).encode()
    headers = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in sign_json(settings, raw, **sign).items()}
    return client.post(URL, data=raw, content_type="application/json", **headers)


def ms(offset_seconds: float) -> str:
    return str(int((time.time() + offset_seconds) * 1000))


@pytest.mark.parametrize("offset", [-290, 290])
def test_a_clock_within_the_window_is_accepted(client, settings, offset):
    assert post(client, settings, timestamp=ms(offset)).status_code == 200


def test_the_window_is_the_setting(client, settings):
    settings.PLATFORM_AUTH_WINDOW_SECONDS = 30
    assert post(client, settings, timestamp=ms(-40)).status_code == 401
    assert post(client, settings, timestamp=ms(-20)).status_code == 200


def beijing(offset_seconds: float) -> str:
    moment = datetime.now(ZoneInfo("Asia/Shanghai")) + timedelta(seconds=offset_seconds)
    return moment.strftime("%Y%m%d%H%M%S")


def test_a_14_digit_beijing_time_is_accepted(client, settings):
    assert post(client, settings, timestamp=beijing(-60)).status_code == 200


@pytest.mark.parametrize(
    "timestamp, why",
    [
        (lambda: beijing(-400), "相差超过300秒"),
        (lambda: beijing(400), "相差超过300秒"),
        (lambda: "20261399000000", "不是有效时间"),  # month 13
        (lambda: "abcdefghijklm", "13位毫秒时间戳"),  # 13 characters, not digits
        (lambda: "1" * 12, "13位毫秒时间戳"),
        (lambda: "1" * 15, "13位毫秒时间戳"),
        (lambda: ms(0) + "0", "不是有效时间"),  # 14 digits that are milliseconds, not a date
    ],
    ids=["14-digit-past", "14-digit-future", "month-13", "13-letters", "12-digits", "15-digits", "ms-as-14"],
)
def test_timestamps_refused_with_the_reason(client, settings, timestamp, why):
    response = post(client, settings, timestamp=timestamp())
    assert response.status_code == 401 and why in response.json()["ret_msg"]


@pytest.mark.parametrize("nonce, status", [("n" * 7, 401), ("n" * 8, 200), ("n" * 64, 200), ("n" * 65, 401)])
def test_nonce_length_bounds(client, settings, nonce, status):
    assert post(client, settings, nonce=nonce).status_code == status


@pytest.mark.parametrize("nonce", ["nonce\tcontrol", "nonce-é-accent"], ids=["tab", "accent"])
def test_nonce_must_be_visible_ascii(client, settings, nonce):
    response = post(client, settings, nonce=nonce)
    assert response.status_code == 401 and "X-Nonce" in response.json()["ret_msg"]


def test_a_nonce_is_remembered_for_two_windows(client, settings):
    """The platform's clock may be a window ahead: a call signed then can be replayed up to two windows later."""
    seen = timezone.now() - timedelta(seconds=settings.PLATFORM_AUTH_WINDOW_SECONDS * 1.5)
    seen_nonce("replayed-nonce-01", at=seen)
    response = post(client, settings, nonce="replayed-nonce-01")
    assert response.status_code == 401 and "重放" in response.json()["ret_msg"]


def test_nonces_older_than_two_windows_are_forgotten_by_the_worker(client, settings):
    from apps.integrations.tasks import nonces_forget_task

    old = timezone.now() - timedelta(seconds=settings.PLATFORM_AUTH_WINDOW_SECONDS * 2 + 5)
    seen_nonce("forgotten-nonce-1", at=old)
    nonces_forget_task()
    assert post(client, settings, nonce="forgotten-nonce-1").status_code == 200


def test_a_forged_call_does_not_spend_the_nonce_it_carries(client, settings):
    """Only an authenticated call's inbox row keeps its nonce: anyone could otherwise block the platform's next
    call by sending its nonce first."""
    assert post(client, settings, nonce="guessed-nonce-001", secret="not-the-secret").status_code == 401
    assert post(client, settings, nonce="guessed-nonce-001").status_code == 200
    assert list(Exchange.objects.order_by("id").values_list("nonce", flat=True)) == [None, "guessed-nonce-001"]


@pytest.mark.parametrize("header", ["X-App-Id", "X-Timestamp", "X-Nonce", "X-Signature"])
def test_each_missing_header_is_named(client, settings, header):
    raw = json.dumps(GOOD).encode()
    signed = {k: v for k, v in sign_json(settings, raw).items() if k != header}
    headers = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in signed.items()}
    response = client.post(URL, data=raw, content_type="application/json", **headers)
    assert response.status_code == 401 and response.json()["ret_msg"] == f"缺少请求头 {header}"


def test_signature_is_compared_case_insensitively(client, settings):
    raw = json.dumps(GOOD).encode()
    signed = sign_json(settings, raw)
    signed["X-Signature"] = " " + signed["X-Signature"].upper() + " "
    headers = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in signed.items()}
    assert client.post(URL, data=raw, content_type="application/json", **headers).status_code == 200


# --- codec sm: the envelope's members ---------------------------------------------------------------------


@pytest.mark.parametrize("app_id", [12345, "", None], ids=["number", "empty", "null"])
def test_sm_app_id_must_be_a_non_empty_string(client, settings, app_id):
    settings.PAYLATER_CODEC = "sm"
    envelope = seal_as_platform(settings, GOOD) | {"appId": app_id}
    response = client.post(URL, data=json.dumps(envelope), content_type="application/json")
    assert response.status_code == 401 and response.json()["ret_msg"] == "缺少 appId"


def test_sm_timestamp_as_a_number_is_read(client, settings):
    settings.PAYLATER_CODEC = "sm"
    envelope = seal_as_platform(settings, GOOD, timestamp=ms(-400))
    envelope["timestamp"] = int(envelope["timestamp"])
    response = client.post(URL, data=json.dumps(envelope), content_type="application/json")
    assert response.status_code == 401 and "timestamp 与服务器时间相差" in response.json()["ret_msg"]


def test_sm_data_with_nan_is_400(client, settings, monkeypatch):
    settings.PAYLATER_CODEC = "sm"
    monkeypatch.setattr(codec.smcrypto, "sm_open", lambda *a, **k: {"amount": float("nan")})
    envelope = seal_as_platform(settings, GOOD)
    response = client.post(URL, data=json.dumps(envelope), content_type="application/json")
    assert response.status_code == 400 and "NaN" in response.json()["ret_msg"]
    assert Exchange.objects.get().http_status == 400


def test_a_body_over_the_limit_is_413_naming_it(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.post(URL, data=b"{" + b" " * 1000 + b"}", content_type="application/json")
    assert response.status_code == 413 and response.json() == {
        "ret_code": "02",
        "ret_msg": "请求体超过1000字节的上限",
        "result": "fail",
    }
    exchange = Exchange.objects.get()
    assert exchange.http_status == 413 and exchange.raw_body == "" and exchange.request_body is None


def test_an_unauthenticated_body_is_kept_only_as_a_prefix(client):
    body = json.dumps(GOOD | {"note": "x" * 100_000}).encode()
    assert client.post(URL, data=body, content_type="application/json").status_code == 401
    exchange = Exchange.objects.get()
    assert exchange.request_body == {"_raw": body[:4096].decode(), "_bytes": len(body)}
    assert exchange.raw_body == body[:4096].decode()


def test_an_unauthenticated_body_of_exactly_the_kept_size_is_kept_masked_as_json(client):
    note = "x" * (4096 - len(json.dumps(GOOD | {"cert_no": "220102198805060015", "note": ""})))
    body = json.dumps(GOOD | {"cert_no": "220102198805060015", "note": note}).encode()
    assert len(body) == 4096
    assert client.post(URL, data=body, content_type="application/json").status_code == 401
    assert Exchange.objects.get().request_body == GOOD | {"cert_no": "220102********0015", "note": note}


def test_an_authenticated_body_is_kept_whole(client, settings):
    body = GOOD | {"note": "x" * 100_000}
    assert post(client, settings, body).status_code == 200
    exchange = Exchange.objects.get()
    assert exchange.request_body["note"] == "x" * 100_000 and json.loads(exchange.raw_body) == body
