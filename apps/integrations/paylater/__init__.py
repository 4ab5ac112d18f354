"""Adapter for the pay-after-care platform (先医后付平台): INTERFACES.md section 1.

Services call the functions re-exported here; they never see HTTP, codecs or the exchange log.
"""

from apps.integrations.paylater.client import (
    cashier_link,
    check_file,
    pay_info,
    push_msg,
    refund,
    refund_result,
    sign_status,
    with_back_url,
)
from apps.integrations.paylater.errors import (
    InvalidRequest,
    NotSigned,
    UpstreamError,
    UpstreamRefused,
    UpstreamUnavailable,
    UpstreamUnknownOutcome,
)
from apps.integrations.paylater.types import PayInfo, PushResult, RefundResult, RefundState, SignStatusResult

__all__ = [
    "InvalidRequest",
    "NotSigned",
    "PayInfo",
    "PushResult",
    "RefundResult",
    "RefundState",
    "SignStatusResult",
    "UpstreamError",
    "UpstreamRefused",
    "UpstreamUnavailable",
    "UpstreamUnknownOutcome",
    "cashier_link",
    "check_file",
    "pay_info",
    "push_msg",
    "refund",
    "refund_result",
    "sign_status",
    "with_back_url",
]
