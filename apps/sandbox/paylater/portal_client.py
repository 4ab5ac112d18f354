"""The platform's calls into the portal: org_001, org_002, org_003 (INTERFACES.md section 2), over signed HTTP.

The sandbox is the outside world, so it uses requests directly rather than the portal's transport/adapters.
"""

import requests
from django.conf import settings

from apps.sandbox.paylater import codec


class PortalCallFailed(Exception):
    """The portal did not answer `ret_code "00"` (or did not answer at all)."""


def call(interface: str, payload: dict) -> dict:
    url = f"{settings.PORTAL_BASE_URL}/api/platform/{interface}"
    body, headers = codec.encode_call(payload)
    try:
        response = requests.post(
            url,
            data=body,
            headers=headers,
            timeout=(settings.UPSTREAM_CONNECT_TIMEOUT, settings.UPSTREAM_READ_TIMEOUT),
        )
    except requests.RequestException as exc:
        raise PortalCallFailed(f"{interface}：医院接口无应答（{type(exc).__name__}）") from None
    try:
        reply = codec.decode_reply(response.content)
    except codec.CallRefused:
        raise PortalCallFailed(f"{interface}：医院接口应答无法识别（HTTP {response.status_code}）") from None
    if reply.get("ret_code") != "00":
        raise PortalCallFailed(f"{interface}：{reply.get('ret_msg') or '医院接口返回失败'}")
    return reply


def account(*, org_code: str, certno: str) -> dict:
    return call(
        "org_001",
        {
            "mdtrt_cert_type": "02",
            "mdtrt_cert_no": certno,
            "org_code": org_code,
            "cert_no": certno,
            "account_type": "1",
        },
    )


def unsettled_bill(*, org_code: str, certno: str, org_trace_no: str) -> dict:
    """The bill of org_002's `unsettlelist` whose org_trace_no is ours."""
    reply = call("org_002", {"mdtrt_cert_type": "02", "mdtrt_cert_no": certno, "org_code": org_code})
    bills = reply.get("unsettlelist") or []
    for bill in bills if isinstance(bills, list) else []:
        if isinstance(bill, dict) and bill.get("org_trace_no") == org_trace_no:
            return bill
    raise PortalCallFailed(f"org_002：医院待结算列表中没有订单 {org_trace_no}（可能已结算或已取消）")


def guidance_detail(*, org_code: str, certno: str, org_trace_no: str) -> dict:
    """org_006: the live guidance of a settled order, when the patient opens its record (详情)."""
    return call(
        "org_006",
        {"mdtrt_cert_type": "02", "mdtrt_cert_no": certno, "org_code": org_code, "org_trace_no": org_trace_no},
    )
