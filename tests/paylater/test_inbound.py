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
    assert exchange.url == URL
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
    assert exchange.error == ""  # an accepted call's ret_msg "成功" is no error
    assert exchange.url == URL and exchange.interface == "test_echo"
    assert echo_groups().get().pk == reply["group_id"]
    # Masked in the log, exact (and encrypted at rest) in raw_body; the signature is not kept.
    assert exchange.request_body["cert_no"] == "220102********0015" and exchange.request_body["user_name"] == "张*"
    assert exchange.response_body["cert_no"] == "220102********0015"
    assert json.loads(exchange.raw_body)["cert_no"] == "220102198805060015"
    assert "X-Signature" not in exchange.request_headers and exchange.request_headers["X-App-Id"]
    assert exchange.nonce and len(exchange.nonce) >= 8  # remembered with the inbox row


def test_the_answer_is_one_update_of_its_own_columns(client, settings):
    """The request columns (the encrypted whole body among them) are written once, by the INSERT before handle();
    the answer updates only its five, in one statement that on PostgreSQL does not wait for the WAL flush."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert post_json(client, settings, GOOD).status_code == 200
    answer = queries.captured_queries[-1]["sql"]
    assert answer.startswith('UPDATE "integrations_exchange" SET ')
    for column in ("response_body", "http_status", "duration_ms", "outcome", "error"):
        assert f'"{column}" = ' in answer
    for column in ("raw_body", "request_body", "request_headers", "nonce"):
        assert f'"{column}" = ' not in answer
    assert answer.endswith("; SET LOCAL synchronous_commit TO OFF") == (connection.vendor == "postgresql")


@pytest.mark.django_db(transaction=True)
def test_a_call_outside_a_transaction_is_three_statements(client, settings):
    """In autocommit (as in production), the inbox row, handle()'s business row and the answer are one statement
    each: no savepoint or second statement around the inbox row, nor a BEGIN (which only SQLite's shows here)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert post_json(client, settings, GOOD).status_code == 200
    statements = [query["sql"].split(" ", 3)[:3] for query in queries.captured_queries]
    assert statements == [
        ["INSERT", "INTO", '"integrations_exchange"'],
        ["INSERT", "INTO", '"auth_group"'],
        ["UPDATE", '"integrations_exchange"', "SET"],
    ]


QUERY = "/api/platform/test_query"


@pytest.mark.django_db(transaction=True)
def test_a_query_is_one_insert_with_its_answer(client, settings):
    """A query (changes_state False) has no effect to keep if it fails: its row, nonce included, is one INSERT
    after handle(), which gets the row unsaved; on PostgreSQL that INSERT does not wait for the WAL flush."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = post_json(client, settings, GOOD, url=QUERY, nonce="nonce-query-01")
    assert response.status_code == 200
    assert response.json() == {
        "ret_code": "00",
        "ret_msg": "成功",
        "result": "succ",
        "amount": "12.30",
        "row_saved": False,
    }
    (insert,) = [query["sql"] for query in queries.captured_queries]
    assert insert.startswith('INSERT INTO "integrations_exchange"')
    assert insert.endswith("; SET LOCAL synchronous_commit TO OFF") == (connection.vendor == "postgresql")
    exchange = Exchange.objects.get()
    assert (exchange.interface, exchange.outcome, exchange.http_status) == ("test_query", Outcome.OK, 200)
    assert exchange.nonce == "nonce-query-01" and exchange.response_body["amount"] == "12.30"
    assert exchange.request_body["org_code"] == "H22010200001"


@pytest.mark.parametrize("transactional", [False, True])
def test_a_replayed_query_is_401_and_not_answered(client, settings, transactional, request):
    if transactional:
        request.getfixturevalue("transactional_db")
    assert post_json(client, settings, GOOD, url=QUERY, nonce="nonce-query-02").status_code == 200
    response = post_json(client, settings, GOOD, url=QUERY, nonce="nonce-query-02")
    assert response.status_code == 401
    assert response.json() == {"ret_code": "02", "ret_msg": "X-Nonce 已使用过（重放的请求）", "result": "fail"}
    assert "amount" not in response.json()
    first, replay = Exchange.objects.order_by("id")
    assert (first.outcome, first.nonce) == (Outcome.OK, "nonce-query-02")
    assert (replay.outcome, replay.http_status, replay.nonce) == (Outcome.REFUSED, 401, None)
    assert replay.interface == "test_query" and replay.response_body["ret_msg"] == "X-Nonce 已使用过（重放的请求）"
    # The row-first check of a call that changes state still sees the query's nonce.
    assert post_json(client, settings, GOOD, nonce="nonce-query-02").status_code == 401
    assert not echo_groups().exists()


@pytest.mark.parametrize("mode, status, outcome", [("refuse", 200, Outcome.REFUSED), ("crash", 500, Outcome.FAILED)])
def test_a_refused_or_crashed_query_keeps_its_row(client, settings, mode, status, outcome):
    response = post_json(client, settings, GOOD | {"mode": mode}, url=QUERY, nonce="nonce-query-03")
    assert response.status_code == status
    exchange = Exchange.objects.get()
    assert (exchange.outcome, exchange.http_status, exchange.nonce) == (outcome, status, "nonce-query-03")
    assert exchange.error.startswith("没有该病人" if mode == "refuse" else "Traceback")


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
    assert response["WWW-Authenticate"] == 'PlatformSignature realm="api/platform"'
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
    assert response.status_code == 401 and response.json()["ret_msg"] == "X-Nonce 已使用过（重放的请求）"
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


@pytest.mark.parametrize(
    "raw, kept",
    [
        (b"[1, 2]", [1, 2]),
        (b'"text"', {"_raw": "text"}),  # JSON that is not a list or an object is kept under "_raw"
        (b"12", {"_raw": 12}),
        (b"not json", {"_raw": "not json", "_bytes": 8}),
        (b"", {"_raw": "", "_bytes": 0}),
        (b'{"a": "\xff"}', {"_raw": '{"a": "\ufffd"}', "_bytes": 10}),  # not UTF-8: replaced
        (b'{"a": "\x00"}', {"_raw": '{"a": "\ufffd"}', "_bytes": 10}),  # NUL cannot be stored: replaced
    ],
    ids=["list", "string", "number", "not-json", "empty", "not-utf8", "nul"],
)
def test_body_not_a_json_object_is_400(client, settings, raw, kept):
    response = post_json(client, settings, None, raw=raw)
    assert response.status_code == 400 and response.json()["ret_code"] == "02"
    exchange = only_the_inbox_row(400)
    assert exchange.request_body == kept and exchange.raw_body == raw.decode(errors="replace")


class BrokenInput:
    """A request body whose reading fails, as when the caller's connection drops mid-body."""

    def read(self, *args):
        raise OSError("connection reset by peer")

    readline = read


def test_a_body_that_cannot_be_read_is_400_and_leaves_its_row(client, settings, caplog):
    raw = json.dumps(GOOD).encode()
    headers = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in sign_json(settings, raw).items()}
    response = client.post(URL, data=raw, content_type="application/json", **headers, **{"wsgi.input": BrokenInput()})
    assert response.status_code == 400
    assert response.json() == {"ret_code": "02", "ret_msg": "请求体未能读完（连接中断）", "result": "fail"}
    exchange = only_the_inbox_row(400)
    # Nothing of the body arrived: the row says so (an empty body), rather than nothing at all.
    assert (exchange.raw_body, exchange.request_body) == ("", {"_raw": "", "_bytes": 0})
    assert [r.levelname for r in caplog.records if r.name == "apps.integrations.inbound"] == ["WARNING"]


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
def test_inbox_row_survives_a_crash(client, settings, caplog):
    response = post_json(client, settings, GOOD | {"mode": "crash"})
    assert response.status_code == 500
    assert response.json() == {"ret_code": "02", "ret_msg": "系统内部错误，请稍后重试", "result": "fail"}
    exchange = Exchange.objects.get()
    assert exchange.outcome == Outcome.FAILED and exchange.http_status == 500
    assert "RuntimeError: boom in handle for 220102********0015" in exchange.error and "Traceback" in exchange.error
    assert exchange.request_body["org_code"] == "H22010200001"
    # Logged once at ERROR with the traceback, the ID number in it masked; not as a refusal.
    (record,) = [r for r in caplog.records if r.name == "apps.integrations.inbound"]
    assert record.levelname == "ERROR" and record.getMessage().startswith("test_echo crashed: Traceback")
    assert "boom in handle for 220102********0015" in record.getMessage()


def test_get_is_not_allowed(client, settings):
    raw = b""
    headers = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in sign_json(settings, raw).items()}
    response = client.get(URL, **headers)
    assert response.status_code == 405 and "GET" in response.json()["ret_msg"]


def test_duration_is_the_call_in_milliseconds(client, settings, monkeypatch):
    from types import SimpleNamespace

    from apps.integrations import inbound

    clock = iter([1000.0, 1002.0])  # the view reads the clock when the call starts and when it is answered
    monkeypatch.setattr(inbound, "time", SimpleNamespace(monotonic=lambda: next(clock)))
    assert post_json(client, settings, GOOD).status_code == 200
    assert Exchange.objects.get().duration_ms == 2000


def test_a_refusal_is_logged_once_as_one_warning_line(client, settings, caplog):
    import logging

    requests_log = logging.getLogger("django.request")  # does not propagate: caplog is attached to it here
    requests_log.addHandler(caplog.handler)
    try:
        refused = post_json(client, settings, GOOD, secret="wrong-secret")
        malformed = post_json(client, settings, None, raw=b"[]")
    finally:
        requests_log.removeHandler(caplog.handler)
    assert (refused.status_code, malformed.status_code) == (401, 400)
    first, second = Exchange.objects.order_by("id")
    assert [(r.name, r.levelname, r.getMessage()) for r in caplog.records] == [
        ("apps.integrations.inbound", "WARNING", f"test_echo refused: HTTP 401, exchange {first.pk}: {first.error}"),
        ("apps.integrations.inbound", "WARNING", f"test_echo refused: HTTP 400, exchange {second.pk}: {second.error}"),
    ]
    assert first.error == refused.json()["ret_msg"] and second.error == malformed.json()["ret_msg"]


def test_credentials_are_not_kept_with_the_headers(client, settings):
    raw = json.dumps(GOOD).encode()
    headers = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in sign_json(settings, raw).items()}
    headers |= {"HTTP_AUTHORIZATION": "Bearer secret-token", "HTTP_COOKIE": "sessionid=s3"}
    assert client.post(URL, data=raw, content_type="application/json", **headers).status_code == 200
    headers = Exchange.objects.get().request_headers
    assert "X-Nonce" in headers and not {"Authorization", "Cookie", "X-Signature"} & set(headers)


def test_an_output_serializer_shapes_the_reply(client, settings):
    reply = post_json(client, settings, GOOD, url="/api/platform/test_output").json()
    # Only its declared fields (handle() also returned cert_no), the amount as the 2-place string.
    assert reply == {
        "ret_code": "00",
        "ret_msg": "成功",
        "result": "succ",
        "group_id": echo_groups().get().pk,
        "amount": "12.30",
    }


def test_report_style_has_no_result_member(client, settings):
    reply = post_json(client, settings, GOOD, url="/api/platform/test_report").json()
    assert reply["ret_code"] == "00" and reply["ret_msg"] == "成功" and "result" not in reply
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
