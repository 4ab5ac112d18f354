import json
import secrets
import time

import pytest
import requests
from django.conf import settings

from apps.core.smcrypto import hmac_signature


@pytest.fixture
def platform(sandbox):
    """Call the portal's /api/platform/ endpoints the way the platform does (codec json), over real HTTP."""

    def call(interface: str, payload, *, raw: bytes | None = None, timestamp=None, nonce=None):
        body = raw if raw is not None else json.dumps(payload, ensure_ascii=False).encode()
        timestamp, nonce = timestamp or str(int(time.time() * 1000)), nonce or secrets.token_hex(12)
        headers = {
            "Content-Type": "application/json",
            "X-App-Id": settings.PAYLATER_APP_ID,
            "X-Timestamp": timestamp,
            "X-Nonce": nonce,
            "X-Signature": hmac_signature(
                settings.PAYLATER_APP_SECRET, settings.PAYLATER_APP_ID, timestamp, nonce, body
            ),
        }
        response = requests.post(f"{sandbox.url}/api/platform/{interface}", data=body, headers=headers, timeout=30)
        return response.status_code, response.json()

    return call


@pytest.fixture
def new_order(demo):
    """An online registration order in the state the patient leaves it when sent to the cashier."""
    from apps.outpatient.models import OrderState, Schedule
    from apps.outpatient.services import order_create

    def make(name="张伟", certno="220102198805060015", state=OrderState.AWAITING_PAYMENT):
        schedule = Schedule.objects.open_for_booking().order_by("date", "period", "id").first()
        order = order_create(name=name, certno=certno, schedule_id=schedule.pk)
        order.state = state
        order.save(update_fields=["state"])
        return order

    return make


def settlement_payload(order, **overrides):
    """An org_003 body as the platform sends it after settling `order` (amounts as strings, setl_time in ms)."""
    fee = str(order.fee)
    payload = {
        "mdtrt_cert_no": order.patient.certno,
        "mdtrt_cert_type": "02",
        "org_trace_no": order.trace_no,
        "amp_trace_id": "AMP" + order.trace_no,
        "doc_trace_no": order.trace_no,
        "feesum_amt": fee,
        "org_code": settings.ORG_CODE,
        "trace_id": "T" + order.trace_no,
        "used_patient_type": "01",
        "setl_id": "S" + order.trace_no[-20:],
        "mdtrt_id": "M" + order.trace_no[-20:],
        "setl_time": 1795000000000,
        "medfee_sumamt": fee,
        "fund_pay_sumamt": "0.00",
        "psn_part_amt": fee,
        "psn_cash_pay": fee,
        "acct_pay": "0.00",
        "hosp_part_amt": "0.00",
    }
    payload.update(overrides)
    return payload
