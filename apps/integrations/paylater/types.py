"""Typed results of the platform's replies."""

from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True)
class SignStatusResult:
    signed: bool
    sign_url: str | None  # present when not signed; add backUrl with `with_back_url`


@dataclass(frozen=True)
class PayInfo:
    pay_result: int  # 1 paid, 0 failed
    org_trace_no: str
    mdtrt_id: str
    psn_no: str
    cert_no: str


@dataclass(frozen=True)
class PushResult:
    resp_code: str
    resp_msg: str
    exchange_id: int


class RefundState(StrEnum):
    DONE = "done"
    FAILED = "failed"
    PROCESSING = "processing"


@dataclass(frozen=True)
class RefundResult:
    """AMP_HOS_002's acceptance or AMP_HOS_003's answer; ids the platform did not send are empty."""

    state: RefundState
    trade_status: str
    refund_trace_id: str
    amp_refund_id: str
    pay_chnl_refund_sn: str
    trace_id: str
    pay_chnl_ord_sn: str
    pay_ord_id: str
    exchange_id: int
