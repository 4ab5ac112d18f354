"""Resolver of unknown AMP_HOS_002 refunds, for apps.integrations.recovery.resolve_pending.

The refund is never sent again: AMP_HOS_003 is asked about the same outRefundNo, and only a definite answer
decides. The recovery service records the verdict and announces it (signals.outcome_resolved).
"""

import logging

from apps.core.refs import BusinessRef
from apps.integrations.models import Exchange
from apps.integrations.paylater import client
from apps.integrations.paylater.errors import InvalidRequest, UpstreamRefused, UpstreamUnavailable
from apps.integrations.paylater.types import RefundState
from apps.integrations.recovery import FAILED, SUCCEEDED, Verdict

logger = logging.getLogger(__name__)


def resolve_exchange(exchange: Exchange) -> Verdict | None:
    """SUCCEEDED if the platform reports the refund done, FAILED if failed or unknown to it, else None."""
    if exchange.interface != client.INTERFACES["refund"]:
        return None  # the platform's only money call is the refund
    sent = exchange.sent_request()
    if sent is None:
        logger.error("exchange %s: the exact request was not kept, AMP_HOS_003 impossible", exchange.pk)
        return None
    try:
        result = client.refund_result(
            amp_trace_id=sent.get("ampTraceId"),
            trace_id=sent.get("traceId"),
            out_refund_no=sent.get("outRefundNo"),
            business=BusinessRef.of_row(exchange),
        )
    except UpstreamRefused as exc:
        if exc.code in client.REFUND_NOT_FOUND_CODES:
            return Verdict(final=FAILED, detail=f"平台无此退款 [{exc.code}] {exc.upstream_message}", by=exc.exchange)
        return None
    except (UpstreamUnavailable, InvalidRequest):
        return None
    by = Exchange.objects.get(pk=result.exchange_id)
    if result.state == RefundState.DONE:
        return Verdict(final=SUCCEEDED, detail="平台退款成功（查询退款结果确认）", by=by)
    if result.state == RefundState.FAILED:
        return Verdict(final=FAILED, detail="平台退款失败（查询退款结果确认）", by=by)
    return None  # still processing: ask again on the next run
