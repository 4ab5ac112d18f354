"""Refunds of a settled bill in full, whatever its kind.

The refund is a new movement carrying the negative split of the settlement (`movement_reverse`), sent through the
method of the channel that settled it: AMP_HOS_002 for the platform's cashier (here); other channels register
theirs (`refund_methods.register(channel, func)`, e.g. 2208 at the window). A timeout leaves the movement
unknown: recovery resolves it (AMP_HOS_003 / 2601) and `receivers.py` finishes it. Never sent twice.
"""

import datetime
import logging
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from apps.core.errors import ApplicationError
from apps.integrations.paylater import client as paylater
from apps.integrations.paylater.errors import InvalidRequest
from apps.integrations.paylater.types import RefundState
from apps.integrations.transport import UpstreamError, UpstreamUnknownOutcome
from apps.ledger import selectors, services
from apps.ledger.models import Bill, BillState, Channel, Kind, MoneyMovement, Status

log = logging.getLogger(__name__)

RefundMethod = Callable[..., str]  # (*, bill, settlement, refund, reason) -> message for staff


class RefundMethods:
    def __init__(self):
        self._methods: dict[str, RefundMethod] = {}

    def register(self, channel: str, method: RefundMethod) -> None:
        self._methods[channel] = method

    def get(self, channel: str) -> RefundMethod | None:
        return self._methods.get(channel)


refund_methods = RefundMethods()


def bill_refund(*, bill: Bill, reason: str) -> str:
    """Refund a settled bill in full. Returns the message for staff.

    One refund at a time per bill: one pending, unknown or done refuses another; a failed one may be tried again
    under a new refund number (`RF<org_trace_no>NN`, which the daily file lists refunds under).
    """
    reason = (reason or "").strip()[:100]
    if not reason:
        raise ApplicationError("请填写退费原因", {"field": "reason"})
    with transaction.atomic():
        bill = services.bill_locked(bill)
        if bill.state != BillState.SETTLED or bill.settlement_id is None:
            raise ApplicationError(f"账单{bill.get_state_display()}，只有已结算的账单可以退费")
        previous = list(selectors.bill_refunds(bill))
        if any(refund.status != Status.FAILED for refund in previous):
            raise ApplicationError("该账单已有退费在处理中或已完成，不能重复退费")
        settlement = bill.settlement
        method = refund_methods.get(settlement.channel)
        if method is None:
            raise ApplicationError(f"{settlement.get_channel_display()}的结算暂不支持在此退费")
        refund = services.movement_reverse(
            movement=settlement,
            kind=Kind.REFUND,
            org_trace_no=f"RF{bill.org_trace_no}{len(previous) + 1:02d}",
            business=bill,
            note=reason,
        )
    return method(bill=bill, settlement=settlement, refund=refund, reason=reason)


def platform_refund(*, bill: Bill, settlement: MoneyMovement, refund: MoneyMovement, reason: str) -> str:
    """AMP_HOS_002 for a bill the platform's cashier settled."""
    try:
        result = paylater.refund(
            amp_trace_id=settlement.amp_trace_id,
            trace_id=settlement.trace_id,
            org_trace_no=bill.org_trace_no,
            out_refund_no=refund.org_trace_no,
            org_refund_sn=refund.org_trace_no,
            refund_reason=reason,
            business=refund,
        )
    except UpstreamUnknownOutcome as exc:
        services.movement_mark_unknown(movement=refund, detail=str(exc))
        return "退费结果未知（平台未及时应答）。系统将自动向平台核实，不会重复退费；请稍后查看状态。"
    except InvalidRequest as exc:  # nothing was sent
        services.movement_finish(movement=refund, took_effect=False, detail=f"未发送：{exc}")
        return f"退费请求不完整，未发送给平台：{exc}"
    except UpstreamError as exc:
        services.movement_finish(movement=refund, took_effect=False, detail=str(exc))
        return f"平台未受理退费：{exc.upstream_message or exc}"
    if result.state == RefundState.DONE:
        services.movement_finish(movement=refund, took_effect=True, detail="平台退款成功")
        return "退费成功。"
    if result.state == RefundState.FAILED:
        services.movement_finish(movement=refund, took_effect=False, detail="平台退款失败")
        return f"平台退费失败（{result.trade_status}）。"
    return "平台已受理退费，正在处理中；完成后状态会自动更新。"


refund_methods.register(Channel.PAYLATER_ONLINE, platform_refund)


def refunds_follow_up(*, older_than: datetime.timedelta = datetime.timedelta(minutes=1)) -> int:
    """Ask AMP_HOS_003 about platform refunds that were accepted but not finished (and are at least `older_than`,
    so that a refund still being answered is left alone). Returns how many ended."""
    ended = 0
    accepted = (
        MoneyMovement.objects.with_status()
        .filter(
            kind=Kind.REFUND,
            channel=Channel.PAYLATER_ONLINE,
            status=Status.PENDING,
            created_at__lte=timezone.now() - older_than,
        )
        .order_by("id")
    )
    for refund in accepted:
        try:
            result = paylater.refund_result(
                amp_trace_id=refund.amp_trace_id,
                trace_id=refund.trace_id,
                out_refund_no=refund.org_trace_no,
                business=refund,
            )
        except UpstreamError as exc:
            log.info("refund %s: AMP_HOS_003 not answered (%s); next run", refund.org_trace_no, exc)
            continue
        if result.state != RefundState.PROCESSING:
            ended += services.movement_finish(
                movement=refund,
                took_effect=result.state == RefundState.DONE,
                detail=f"平台退款查询：{'退款成功' if result.state == RefundState.DONE else '退款失败'}"
                f"（{result.trade_status}）",
            )
    return ended
