"""The AMP_HOS_001 outbox: enqueue with the business change, deliver with retries and backoff."""

import datetime
import json
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from apps.core.errors import ApplicationError
from apps.core.refs import BusinessRef, ref_fields
from apps.guidance.models import DeliveryState, OutboxMessage
from apps.integrations.paylater import client as paylater
from apps.integrations.transport import UpstreamError

log = logging.getLogger(__name__)

FIRST_RETRY = datetime.timedelta(seconds=30)
MAX_BACKOFF = datetime.timedelta(hours=1)


def message_enqueue(*, body: dict, business=None) -> OutboxMessage:
    """Add a message (an AMP_HOS_001 body) to the outbox, inside the transaction of the change it reports.

    The same medOrgOrd again replaces the body of a message not yet delivered (a later version knows more,
    such as the platform's ids); a delivered message stays as it was sent.
    """
    message, created = OutboxMessage.objects.get_or_create(
        med_org_ord=body["medOrgOrd"],
        defaults={
            "push_type": body["pushType"],
            "order_status": body.get("orderStatus", ""),
            "body": json.dumps(body, ensure_ascii=False),
            **ref_fields(business),
            "next_attempt_at": timezone.now(),
        },
    )
    if not created:
        text = json.dumps(body, ensure_ascii=False)
        if message.body == text or message.state == DeliveryState.DELIVERED:
            return message
        OutboxMessage.objects.filter(pk=message.pk).exclude(state=DeliveryState.DELIVERED).update(body=text)
    transaction.on_commit(lambda: _schedule_delivery(message.pk))
    return message


def _schedule_delivery(message_id: int) -> None:
    from django_q.tasks import async_task

    try:
        async_task("apps.guidance.tasks.deliver_message_task", message_id)
    except Exception:  # the scheduled sweep delivers it anyway
        log.warning("could not queue delivery of outbox message %s; the periodic sweep will", message_id)


def _backoff(attempts: int) -> datetime.timedelta:
    return min(FIRST_RETRY * (2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def message_deliver(*, message_id: int, force: bool = False) -> OutboxMessage:
    """Try one delivery. Claims the row first so two workers never send the same message at once."""
    now = timezone.now()
    due = Q(next_attempt_at__lte=now) if not force else Q()
    claimed = (
        OutboxMessage.objects.filter(due, pk=message_id)
        .exclude(state=DeliveryState.DELIVERED)
        .update(next_attempt_at=now + datetime.timedelta(minutes=5))
    )
    message = OutboxMessage.objects.get(pk=message_id)
    if not claimed:
        return message
    body = json.loads(message.body)
    ref = BusinessRef.of_row(message)
    try:
        paylater.push_msg(message=body, business=ref)
    except (UpstreamError, ApplicationError, ValueError) as exc:
        message.attempts += 1
        message.last_error = str(exc)[:500]
        # A message we built wrong (ValueError: named field) will not get better by waiting: staff must look.
        if message.attempts >= settings.OUTBOX_MAX_ATTEMPTS or isinstance(exc, ValueError):
            message.state = DeliveryState.GAVE_UP
        message.next_attempt_at = timezone.now() + _backoff(message.attempts)
        message.save(update_fields=["attempts", "last_error", "state", "next_attempt_at"])
        return message
    message.attempts += 1
    message.state = DeliveryState.DELIVERED
    message.delivered_at = timezone.now()
    message.last_error = ""
    message.save(update_fields=["attempts", "state", "delivered_at", "last_error"])
    return message


def messages_deliver_due() -> int:
    """The worker's sweep: every pending message whose time has come. Returns how many were delivered."""
    due = OutboxMessage.objects.filter(state=DeliveryState.PENDING, next_attempt_at__lte=timezone.now())
    due = due.order_by("created_at", "id")  # oldest first: the patient reads them in the order they happened
    delivered = 0
    for message_id in due.values_list("pk", flat=True)[:200]:
        delivered += message_deliver(message_id=message_id).state == DeliveryState.DELIVERED
    return delivered


def message_retry(*, message_id: int) -> OutboxMessage:
    """Staff asked to send now, including a message the worker gave up on."""
    OutboxMessage.objects.filter(pk=message_id, state=DeliveryState.GAVE_UP).update(
        state=DeliveryState.PENDING, attempts=0
    )
    return message_deliver(message_id=message_id, force=True)
