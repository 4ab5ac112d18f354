"""Outbound HTTP shared by both adapters: timeouts, the exchange log, and what a failure means.

The rule for money calls: once the request may have reached the upstream, any failure to read a clean
answer (read timeout, broken connection, 5xx, an HTML page, truncated JSON) leaves the outcome UNKNOWN.
Such a call is never sent again under a new id; `apps.integrations.recovery` resolves it.
"""

import json
import time
from collections.abc import Callable
from decimal import Decimal

import requests
from django.conf import settings
from django.utils import timezone

from apps.core.pii import mask_payload, mask_text
from apps.core.refs import BusinessRef, ref_fields
from apps.integrations.models import Direction, Exchange, Outcome


class UpstreamError(Exception):
    """Base of every adapter failure. `code`/`upstream_message` are the upstream's own; `args[0]` is ours."""

    def __init__(self, message: str, *, exchange: Exchange | None = None, code: str = "", upstream_message: str = ""):
        super().__init__(message)
        self.exchange = exchange
        self.code = code
        self.upstream_message = upstream_message


class UpstreamRefused(UpstreamError):
    """The upstream answered cleanly and said no (a business failure code)."""


class UpstreamUnavailable(UpstreamError):
    """The call certainly did not take effect: not sent, or a non-money call without a usable answer."""


class UpstreamUnknownOutcome(UpstreamError):
    """A money call that may or may not have taken effect. Resolve it; never resend it."""


class BadReply(ValueError):
    """Raised by a decoder: the answer is not what the interface promises."""


def _json_default(value):
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def dumps(value) -> bytes:
    """Compact UTF-8 JSON, the wire form for both upstreams."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=_json_default).encode()


def loads(raw: bytes | str):
    """Strict JSON: numbers with a fraction become Decimal so that money never passes through float."""
    return json.loads(raw, parse_float=Decimal)


def loggable(value):
    """A JSON-safe copy of a body with personal data masked, as the exchange log keeps it."""
    return json.loads(json.dumps(mask_payload(value), ensure_ascii=False, default=_json_default))


def _response_for_log(response: requests.Response | None, parsed):
    if parsed is not None:
        return loggable(parsed)
    if response is None:
        return None
    return {"_raw": mask_text(response.text[:2000])}


_session = requests.Session()


def post(
    *,
    party: str,
    interface: str,
    url: str,
    body: bytes,
    headers: dict,
    log_request,
    decode: Callable[[requests.Response], object],
    money: bool,
    msgid: str = "",
    business: BusinessRef | None = None,
) -> tuple[object, Exchange]:
    """POST and decode. Returns (decoded reply, exchange row, outcome still PENDING for the adapter to set).

    Raises UpstreamUnavailable or UpstreamUnknownOutcome (money calls) when no clean answer was read.
    """
    exchange = Exchange.objects.create(
        direction=Direction.OUT,
        party=party,
        interface=interface,
        msgid=msgid,
        url=url[:300],
        money=money,
        request_headers={k: v for k, v in headers.items() if "signature" not in k.lower()},
        request_body=loggable(log_request),
        # Recovery asks about exactly what was sent: keep it, encrypted, for the calls it may have to resolve.
        raw_body=json.dumps(log_request, ensure_ascii=False, default=_json_default) if money else "",
        **ref_fields(business),
    )
    started = time.monotonic()
    response = None
    try:
        response = _session.post(
            url,
            data=body,
            headers=headers,
            timeout=(settings.UPSTREAM_CONNECT_TIMEOUT, settings.UPSTREAM_READ_TIMEOUT),
        )
        if response.status_code >= 400:
            raise BadReply(f"HTTP {response.status_code}")
        decoded = decode(response)
    except requests.exceptions.ConnectTimeout as exc:
        _finish(exchange, started, response, None, Outcome.FAILED, f"连接超时，未发出: {exc}")
        raise UpstreamUnavailable(f"{interface}: 连接对方超时，请求未发出", exchange=exchange) from exc
    except requests.exceptions.ConnectionError as exc:
        # A refused connection never sent the request; a connection broken mid-way may have.
        sent = not _never_connected(exc)
        outcome = Outcome.UNKNOWN if money and sent else Outcome.FAILED
        _finish(exchange, started, response, None, outcome, f"连接中断: {exc}")
        error = UpstreamUnknownOutcome if outcome == Outcome.UNKNOWN else UpstreamUnavailable
        raise error(f"{interface}: 与对方的连接中断", exchange=exchange) from exc
    except (requests.exceptions.Timeout, requests.exceptions.RequestException, BadReply, ValueError) as exc:
        outcome = Outcome.UNKNOWN if money else Outcome.FAILED
        what = "读取应答超时" if isinstance(exc, requests.exceptions.Timeout) else f"应答无法识别: {exc}"
        _finish(exchange, started, response, None, outcome, what)
        error = UpstreamUnknownOutcome if money else UpstreamUnavailable
        raise error(f"{interface}: {what}", exchange=exchange) from exc
    _finish(exchange, started, response, decoded, Outcome.PENDING, "")
    return decoded, exchange


def _never_connected(exc: requests.exceptions.ConnectionError) -> bool:
    text = repr(exc)
    return any(mark in text for mark in ("NewConnectionError", "Connection refused", "Name or service not known"))


def _finish(exchange, started, response, decoded, outcome, error):
    exchange.duration_ms = int((time.monotonic() - started) * 1000)
    exchange.http_status = response.status_code if response is not None else None
    exchange.response_body = _response_for_log(response, decoded)
    exchange.outcome = outcome
    exchange.error = error
    exchange.save(update_fields=["duration_ms", "http_status", "response_body", "outcome", "error"])


def exchange_settle(exchange: Exchange, outcome: str, *, code="", message="", response=None) -> None:
    """The adapter's verdict on a cleanly read answer: ok or refused, with the upstream's code and text."""
    exchange.outcome = outcome
    exchange.upstream_code = str(code)[:40]
    exchange.upstream_message = str(message)[:500]
    fields = ["outcome", "upstream_code", "upstream_message"]
    if response is not None:
        exchange.response_body = loggable(response)
        fields.append("response_body")
    exchange.save(update_fields=fields)


def exchange_attach(exchange: Exchange, obj) -> None:
    """Link an exchange (typically an inbound call) to the business object it turned out to be about."""
    exchange.set_business(obj)
    exchange.save(update_fields=["business_type", "business_id"])


def exchange_resolve(exchange: Exchange, *, resolution: str, by: Exchange | None = None) -> None:
    exchange.resolved_at = timezone.now()
    exchange.resolution = resolution[:200]
    exchange.resolved_by = by
    exchange.save(update_fields=["resolved_at", "resolution", "resolved_by"])
