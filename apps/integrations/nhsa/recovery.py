"""The gateway's resolver of unknown outcomes: 2601 冲正 of the original msgid, never a second settlement."""

import logging

from apps.core.refs import BusinessRef
from apps.integrations.models import Exchange
from apps.integrations.nhsa import assumed, client
from apps.integrations.recovery import FAILED, REVERSED, Verdict
from apps.integrations.transport import UpstreamError, UpstreamRefused

logger = logging.getLogger(__name__)


def _find(value, key: str) -> str:
    """The first `key` anywhere in the logged request's input (psn_no sits in data, or a list's items)."""
    if isinstance(value, dict):
        if value.get(key):
            return str(value[key])
        value = list(value.values())
    if isinstance(value, list):
        for item in value:
            found = _find(item, key)
            if found:
                return found
    return ""


def resolve_exchange(exchange: Exchange) -> Verdict | None:
    """Send 2601 for the exchange's msgid. Undone -> reversed; nothing to undo -> failed; else undecided."""
    request = exchange.sent_request() or {}
    psn_no = _find(request.get("input"), "psn_no")
    if not psn_no and exchange.interface not in assumed.REVERSAL_WITHOUT_PERSON:
        logger.error("exchange %s: no psn_no in the kept request, 2601 impossible", exchange.pk)
        return None
    business = BusinessRef.of_row(exchange)
    try:
        ack = client.reverse_message(
            opter="system",
            insuplc_admdvs=str(request.get("insuplc_admdvs") or ""),
            psn_no=psn_no,
            omsgid=exchange.msgid,
            oinfno=exchange.interface,
            business=business,
        )
    except UpstreamRefused as exc:
        message = exc.upstream_message
        if any(phrase in message for phrase in assumed.REVERSAL_NOTHING_TO_UNDO):
            return Verdict(FAILED, f"2601 答复原交易未生效：{message}", by=exc.exchange)
        if any(phrase in message for phrase in assumed.REVERSAL_ALREADY_DONE):
            return Verdict(REVERSED, f"2601 答复原交易已冲正：{message}", by=exc.exchange)
        logger.warning("exchange %s: 2601 refused, left for the next run: %s", exchange.pk, message)
        return None
    except UpstreamError as exc:
        logger.warning("exchange %s: 2601 did not get through, left for the next run: %s", exchange.pk, exc)
        return None
    return Verdict(REVERSED, f"已冲正（2601 报文 {ack.msgid}）", by=Exchange.objects.get(pk=ack.exchange_id))
