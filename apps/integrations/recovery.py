"""Resolve money calls whose outcome is unknown (timeouts, broken answers): never by resending them.

`resolve_pending()` takes every Exchange with money=True, outcome=unknown and no resolution, and hands it to its
party's resolver, `apps.integrations.<party>.recovery.resolve_exchange(exchange) -> Verdict | None` (None: could
not decide now; try again next run). A verdict is recorded with transport.exchange_resolve and announced with
signals.outcome_resolved, in one transaction. A lease (RecoveryClaim) makes sure two workers never act on the
same exchange at once; each exchange is resolved at most once.
"""

import importlib
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from apps.integrations import transport
from apps.integrations.models import Exchange, Outcome, RecoveryClaim
from apps.integrations.signals import outcome_resolved

logger = logging.getLogger(__name__)

SUCCEEDED = "succeeded"
REVERSED = "reversed"
FAILED = "failed"
FINAL_LABELS = {SUCCEEDED: "已生效", REVERSED: "已冲正", FAILED: "未生效"}


@dataclass(frozen=True)
class Verdict:
    """A party resolver's decision about one exchange; `by` is the call (query or reversal) that decided it."""

    final: str
    detail: str
    by: Exchange | None = None

    def __post_init__(self):
        if self.final not in FINAL_LABELS:
            raise ValueError(f"final must be one of {sorted(FINAL_LABELS)}, not {self.final!r}")

    @property
    def took_effect(self) -> bool:
        return self.final != FAILED


@dataclass(frozen=True)
class Resolution:
    exchange_id: int
    party: str
    interface: str
    msgid: str
    final: str
    took_effect: bool
    detail: str
    by_exchange_id: int | None

    def __str__(self):
        label = FINAL_LABELS[self.final]
        return f"#{self.exchange_id} {self.party} {self.interface} {self.msgid}: {label} — {self.detail}"


def pending(*, party: str | None = None, older_than_seconds: float = 0):
    """Money calls still waiting for a resolution."""
    rows = Exchange.objects.filter(money=True, outcome=Outcome.UNKNOWN, resolved_at__isnull=True)
    if party:
        rows = rows.filter(party=party)
    if older_than_seconds:
        rows = rows.filter(created_at__lte=timezone.now() - timedelta(seconds=older_than_seconds))
    return rows.order_by("id")


def resolve_pending(*, party: str | None = None, older_than_seconds: float = 0) -> list[Resolution]:
    """Resolve what can be resolved now; what cannot stays pending for the next run."""
    resolvers: dict[str, object] = {}
    done = []
    for exchange in pending(party=party, older_than_seconds=older_than_seconds):
        if exchange.party not in resolvers:
            resolvers[exchange.party] = _resolver(exchange.party)
        resolver = resolvers[exchange.party]
        if resolver is None:
            continue
        token = _claim(exchange)
        if token is None:
            continue
        note = ""
        try:
            verdict = resolver(exchange)
            if verdict is None:
                note = "暂时无法判定，下次再试"
            else:
                resolution = _record(exchange, verdict)
                if resolution is not None:
                    done.append(resolution)
                    note = str(resolution)
        except Exception as exc:  # one broken exchange must not stop the others
            logger.exception("resolving exchange %s failed", exchange.pk)
            note = f"出错: {exc}"
        finally:
            RecoveryClaim.objects.filter(exchange=exchange, token=token).update(
                claimed_until=timezone.now(), last_note=note[:300]
            )
    return done


def _resolver(party: str):
    name = f"apps.integrations.{party}.recovery"
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name not in (name, f"apps.integrations.{party}"):
            raise
        logger.warning("no resolver for party %s yet (%s missing): its unknown outcomes stay pending", party, name)
        return None
    return module.resolve_exchange


def _lease() -> timedelta:
    # Long enough for a sign-in plus one query or reversal at the configured timeouts.
    per_call = settings.UPSTREAM_CONNECT_TIMEOUT + settings.UPSTREAM_READ_TIMEOUT
    return timedelta(seconds=2 * per_call + 30)


def _claim(exchange: Exchange) -> str | None:
    token = secrets.token_hex(16)
    now = timezone.now()
    until = now + _lease()
    taken = RecoveryClaim.objects.filter(exchange=exchange, claimed_until__lt=now).update(
        token=token, claimed_until=until, attempts=F("attempts") + 1
    )
    if not taken:
        try:
            with transaction.atomic():
                RecoveryClaim.objects.create(exchange=exchange, token=token, claimed_until=until, attempts=1)
        except IntegrityError:
            return None  # another worker holds it
    # Another worker may have finished it between our query and our claim.
    if Exchange.objects.filter(pk=exchange.pk, resolved_at__isnull=True).exists():
        return token
    RecoveryClaim.objects.filter(exchange=exchange, token=token).update(claimed_until=now)
    return None


def _record(exchange: Exchange, verdict: Verdict) -> Resolution | None:
    with transaction.atomic():
        locked = Exchange.objects.select_for_update().filter(pk=exchange.pk, resolved_at__isnull=True).first()
        if locked is None:
            return None
        transport.exchange_resolve(locked, resolution=f"{verdict.final}: {verdict.detail}", by=verdict.by)
        outcome_resolved.send(
            sender=Exchange,
            exchange=locked,
            took_effect=verdict.took_effect,
            final=verdict.final,
            detail=verdict.detail,
        )
    return Resolution(
        exchange_id=locked.pk,
        party=locked.party,
        interface=locked.interface,
        msgid=locked.msgid,
        final=verdict.final,
        took_effect=verdict.took_effect,
        detail=verdict.detail,
        by_exchange_id=verdict.by.pk if verdict.by else None,
    )
