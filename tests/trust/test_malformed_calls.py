"""Issue 8, items 1–3: whatever arrives at /api/platform/, signed or not, is answered 400 / 401 / 413 (or 200 with
ret_code "02" naming the field), leaves one exchange row, and one WARNING line without a traceback."""

import json
import logging

import pytest
from django.conf import settings

from apps.integrations.models import Exchange, Outcome

pytestmark = pytest.mark.django_db(transaction=True)

OK_BODY = {"org_code": "H22010200001", "mdtrt_cert_type": "02", "mdtrt_cert_no": "x", "cert_no": "x"}

# Bodies no JSON parser of the contract's (UTF-8 JSON, RFC 8259) accepts, or nothing can store.
MALFORMED = {
    "escaped-nul": b'{"org_code": "H2201\\u0000"}',
    "raw-nul-byte": b'{"org_code": "H2201\x00"}',
    "nul-in-key": b'{"\\u0000": 1}',
    "lone-surrogate": b'{"org_code": "\\ud800"}',
    "lone-surrogate-key": b'{"\\udfff": "x"}',
    "nan": b'{"a": NaN}',
    "infinity": b'{"a": Infinity}',
    "minus-infinity": b'{"a": [-Infinity]}',
    "nested-100000-arrays": b"[" * 100_000 + b"]" * 100_000,
    "nested-100000-objects": b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
    "nested-40": b'{"a":' * 40 + b"1" + b"}" * 40,  # parses, but deeper than any interface
    "utf-16": json.dumps(OK_BODY).encode("utf-16"),
    "utf-16-le-no-bom": json.dumps(OK_BODY).encode("utf-16-le"),
    "utf-32": json.dumps(OK_BODY).encode("utf-32"),
    "latin-1": '{"org_code": "Hé"}'.encode("latin-1"),
    "utf-8-bom": b"\xef\xbb\xbf" + json.dumps(OK_BODY).encode(),
    "huge-integer": b'{"a": ' + b"9" * 5000 + b"}",
}


def assert_one_refusal(response, status: int, log) -> Exchange:
    assert response.status_code == status, response.content[:300]
    reply = response.json()
    assert reply["ret_code"] == "02" and reply["ret_msg"]
    exchange = Exchange.objects.get()
    assert (exchange.direction, exchange.http_status, exchange.outcome) == ("in", status, Outcome.REFUSED)
    assert exchange.error == reply["ret_msg"]
    # The trace is bounded: a refused caller cannot make the portal keep more than a few kilobytes.
    assert len(exchange.raw_body) <= 4096 and len(json.dumps(exchange.request_body)) <= 20_000
    warnings = [r for r in log.records if r.name == "apps.integrations.inbound" and r.levelno == logging.WARNING]
    assert len(warnings) == 1 and str(status) in warnings[0].getMessage()
    assert not [r for r in log.records if r.levelno >= logging.ERROR or r.exc_info]
    return exchange


@pytest.mark.parametrize("body", MALFORMED.values(), ids=MALFORMED.keys())
def test_unsigned_malformed_body_is_401(post_raw, platform_log, body):
    assert_one_refusal(post_raw("org_001", body, signed=False), 401, platform_log)


@pytest.mark.parametrize("body", MALFORMED.values(), ids=MALFORMED.keys())
def test_signed_malformed_body_is_400(post_raw, platform_log, body):
    assert_one_refusal(post_raw("org_003", body, signed=True), 400, platform_log)


@pytest.mark.parametrize("signed", [False, True])
def test_body_over_the_upload_limit_is_413(post_raw, platform_log, signed):
    body = b'{"a": "' + b"x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE + b'"}'
    exchange = assert_one_refusal(post_raw("org_001", body, signed=signed), 413, platform_log)
    assert exchange.raw_body == "" and exchange.nonce is None


@pytest.mark.parametrize(
    "headers, named",
    [
        ({"X-Nonce": "nonce-\x00-0000001"}, "X-Nonce"),
        ({"X-App-Id": "sandbox-app-0001\x00"}, "X-App-Id"),
        ({"X-Timestamp": "176451840000²"}, "X-Timestamp"),  # 13 characters, isdigit(), not int()-able
        ({"X-Timestamp": "²" * 14}, "X-Timestamp"),
        ({"X-Timestamp": "١٧٦٤٥١٨٤٠٠٠٠٠"}, "X-Timestamp"),  # Arabic-Indic digits: int() would take them
    ],
)
def test_signed_call_with_a_bad_header_is_401(post_raw, platform_log, headers, named):
    body = json.dumps(OK_BODY).encode()
    response = post_raw("org_001", body, signed=True, **{k: v.encode("utf-8") for k, v in headers.items()})
    exchange = assert_one_refusal(response, 401, platform_log)
    assert named in response.json()["ret_msg"]
    assert "\x00" not in json.dumps(exchange.request_headers)


def test_nul_in_an_unsigned_header_is_stored_harmlessly(post_raw, platform_log):
    response = post_raw("org_001", b"{}", signed=False, **{"X-Trace": b"a\x00b"})
    exchange = assert_one_refusal(response, 401, platform_log)
    assert exchange.request_headers["X-Trace"] == "a\ufffdb"


def settlement(**fields) -> dict:
    return {
        "mdtrt_cert_no": "220102198805060015",
        "mdtrt_cert_type": "02",
        "org_trace_no": "REG202611300001",
        "amp_trace_id": "AMP0001",
        "doc_trace_no": "DOC0001",
        "feesum_amt": "25.00",
        "org_code": settings.ORG_CODE,
    } | fields


@pytest.mark.parametrize(
    "raw_amount",
    ['"1e30"', '"1E+26"', "1E+26", "1" + "0" * 30, "1e400", '"-1e99999999"', '"١٢.٣٠"', '"1_000"', '"1e12"'],
)
def test_amount_out_of_range_is_a_field_error(post_raw, platform_log, raw_amount):
    body = json.dumps(settlement(feesum_amt="AMOUNT")).replace('"AMOUNT"', raw_amount).encode()
    response = post_raw("org_003", body, signed=True)
    assert response.status_code == 200
    reply = response.json()
    assert reply["ret_code"] == "02" and reply["result"] == "fail" and reply["ret_msg"].startswith("feesum_amt")
    exchange = Exchange.objects.get()
    assert exchange.outcome == Outcome.REFUSED and exchange.error == reply["ret_msg"]
    assert not [r for r in platform_log.records if r.levelno >= logging.ERROR or r.exc_info]


@pytest.mark.parametrize("setl_time", [10**30, 10**15, 253_402_300_800_000])
def test_setl_time_out_of_range_is_a_field_error(post_raw, platform_log, setl_time, new_order):
    from tests.outpatient.conftest import settlement_payload

    order = new_order()
    body = json.dumps(settlement_payload(order, setl_time=setl_time)).encode()
    response = post_raw("org_003", body, signed=True)
    assert response.status_code == 200 and response.json()["ret_msg"].startswith("setl_time")
