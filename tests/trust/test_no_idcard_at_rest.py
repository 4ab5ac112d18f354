"""Issue 8, item 4: after the platform's calls (good, refused, malformed and hostile ones) no table and no log
line holds a demo patient's full 身份证号. The sandbox's tables are left out: they are the simulated outside
world (the platform and the gateway know the people), not the portal's storage."""

import json
import logging

import pytest
from django.conf import settings
from django.db import connection

from apps.core.demo import DEMO_PATIENTS

pytestmark = pytest.mark.django_db(transaction=True)

CERTNOS = [p["certno"] for p in DEMO_PATIENTS]
ZHANG, WANG, LI = CERTNOS


def hostile_calls() -> list[tuple[bytes, bool, dict]]:
    """(body, signed, extra headers): the 身份证号 in every place a careless or hostile caller can put it."""
    medium = {"mdtrt_cert_type": "02", "mdtrt_cert_no": ZHANG, "org_code": settings.ORG_CODE}
    number = json.dumps(medium | {"cert_no": "X", "account_type": "1"}).replace(f'"{ZHANG}"', ZHANG)
    return [
        (json.dumps(medium | {"cert_no": ZHANG, "account_type": "1"}).encode(), True, {}),  # answered in full
        (json.dumps(medium | {"mdtrt_cert_type": WANG, "cert_no": LI, "account_type": "1"}).encode(), True, {}),
        (number.encode(), True, {}),  # the ID number as a JSON number
        (json.dumps(medium | {WANG: LI, "account_type": "1", "cert_no": "x"}).encode(), True, {}),  # as a key
        (json.dumps({"nested": [{"deeper": {"x": int(ZHANG)}}], **medium}).encode(), True, {}),
        (f'{{"cert_no": {ZHANG}, "broken"'.encode(), False, {}),  # unparseable: kept as masked text
        (f'{{"cert_no": "{LI}", "a": NaN}}'.encode(), True, {}),
        (f'{{"{WANG}": "\\u0000"}}'.encode(), False, {}),
        (b"[" * 5000 + ZHANG.encode() + b"]" * 5000, True, {}),
        (json.dumps(medium).encode(), False, {"X-Patient": ZHANG, "X-Nonce": f"n-{LI}"}),
        (json.dumps(medium).encode(), True, {"X-Timestamp": WANG}),
        (b'{"a": "' + ZHANG.encode() * 200_000 + b'"}', False, {}),  # over the upload limit
    ]


def settlement_calls() -> list[bytes]:
    base = {
        "mdtrt_cert_type": "02",
        "org_trace_no": "REG202611300001",
        "amp_trace_id": "AMP0001",
        "doc_trace_no": "DOC0001",
        "org_code": settings.ORG_CODE,
    }
    return [
        json.dumps(base | {"mdtrt_cert_no": ZHANG, "feesum_amt": ZHANG}).encode(),  # echoed by the field error
        json.dumps(base | {"mdtrt_cert_no": LI, "feesum_amt": "1.00", "setl_id": WANG}).encode(),
        json.dumps(base | {"mdtrt_cert_no": LI, "feesum_amt": "1.00", "used_patient_type": ZHANG}).encode(),
    ]


def stored_values():
    """Every value of every column of every table but the sandbox's, as the database holds it."""
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            if table.startswith("sandbox"):
                continue
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                for value in row:
                    yield table, value if isinstance(value, str) else json.dumps(value, default=str)


def assert_no_certno_at_rest(log_text: str) -> None:
    leaks = [(table, certno) for table, text in stored_values() for certno in CERTNOS if certno in text]
    assert not leaks, leaks[:5]
    assert not [certno for certno in CERTNOS if certno in log_text]


@pytest.fixture
def all_logs(caplog):
    """Capture the loggers that do not propagate to the root, too."""
    caplog.set_level(logging.DEBUG)
    quiet = [logging.getLogger(name) for name in ("django.request", "django.server")]
    for logger in quiet:
        logger.addHandler(caplog.handler)
    yield caplog
    for logger in quiet:
        logger.removeHandler(caplog.handler)


def test_no_demo_certno_in_any_table_or_log_after_hostile_calls(sandbox, demo, post_raw, all_logs):
    statuses = set()
    for body, signed, headers in hostile_calls():
        statuses.add(post_raw("org_001", body, signed=signed, **headers).status_code)
    for body in settlement_calls():
        statuses.add(post_raw("org_003", body, signed=True).status_code)
    assert statuses == {200, 400, 401, 413}
    from apps.integrations.models import Exchange

    assert Exchange.objects.filter(direction="in").count() == len(hostile_calls()) + len(settlement_calls())
    assert Exchange.objects.filter(direction="in", outcome="ok").exists()  # the scan saw a full answer too
    assert_no_certno_at_rest(all_logs.text)


def test_the_scan_finds_a_certno_where_one_is_left(demo, all_logs):
    """The scan itself: a 身份证号 left in a log row or a log line is found."""
    from apps.integrations.models import Exchange

    Exchange.objects.create(direction="in", party="paylater", interface="x", error=f"echo {LI}")
    with pytest.raises(AssertionError, match="integrations_exchange"):
        assert_no_certno_at_rest("")
    Exchange.objects.all().delete()
    with pytest.raises(AssertionError):
        assert_no_certno_at_rest(f"a log line with {ZHANG}")
