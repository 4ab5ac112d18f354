"""AMP_HOS_001 outbox: written with the business change, delivered with retries until the platform accepts."""

import datetime

import pytest
from django.utils import timezone

from apps.guidance.models import DeliveryState, OutboxMessage
from apps.guidance.services import message_deliver, message_retry, messages_deliver_due
from apps.outpatient.messages import paid_messages
from apps.outpatient.services import order_create

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def queued(demo):
    from django.db import transaction

    from apps.guidance.services import message_enqueue
    from apps.outpatient.models import Schedule

    order = order_create(
        name="张伟", certno="220102198805060015", schedule_id=Schedule.objects.open_for_booking().first().pk
    )
    with transaction.atomic():
        for body in paid_messages(order):
            message_enqueue(body=body, business=order)
    return order


def phone_messages():
    from apps.sandbox.paylater.models import PushedMessage

    return list(PushedMessage.objects.values_list("med_org_ord", flat=True))


def test_messages_are_delivered_and_stored_encrypted(sandbox, queued):
    from django.db import connection

    assert messages_deliver_due() == 2
    assert set(OutboxMessage.objects.values_list("state", flat=True)) == {DeliveryState.DELIVERED}
    assert sorted(phone_messages()) == [f"{queued.trace_no}-A", f"{queued.trace_no}-P"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM guidance_outboxmessage")
        assert all("220102198805060015" not in row[0] and "张伟" not in row[0] for row in cursor.fetchall())


def test_retries_with_backoff_after_the_platform_fails_twice(sandbox, queued):
    from apps.sandbox.models import Fault

    Fault.objects.create(party="paylater", interface="push_msg", mode="error_500", remaining=2)
    message = OutboxMessage.objects.get(med_org_ord=f"{queued.trace_no}-P")
    first = message_deliver(message_id=message.pk)
    assert (first.state, first.attempts) == (DeliveryState.PENDING, 1) and "HTTP 500" in first.last_error
    assert first.next_attempt_at > timezone.now() + datetime.timedelta(seconds=20)
    assert message_deliver(message_id=message.pk).attempts == 1, "not due yet: the backoff holds it back"

    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    second = message_deliver(message_id=message.pk)
    assert (second.state, second.attempts) == (DeliveryState.PENDING, 2)
    assert second.next_attempt_at > timezone.now() + datetime.timedelta(seconds=50), "the wait doubles"

    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    third = message_deliver(message_id=message.pk)
    assert (third.state, third.attempts) == (DeliveryState.DELIVERED, 3)
    assert phone_messages() == [f"{queued.trace_no}-P"]


def test_staff_retry_sends_a_message_the_worker_gave_up_on_and_repeats_are_harmless(sandbox, queued, settings):
    message = OutboxMessage.objects.get(med_org_ord=f"{queued.trace_no}-A")
    OutboxMessage.objects.filter(pk=message.pk).update(state=DeliveryState.GAVE_UP, attempts=12)
    assert message_retry(message_id=message.pk).state == DeliveryState.DELIVERED
    OutboxMessage.objects.filter(pk=message.pk).update(state=DeliveryState.PENDING)
    assert message_retry(message_id=message.pk).state == DeliveryState.DELIVERED
    assert phone_messages() == [f"{queued.trace_no}-A"]


def test_outbox_screen_lists_undelivered_and_retries(sandbox, queued, login):
    client = login("cashier")
    page = client.get("/guidance/outbox/").content.decode()
    assert f"{queued.trace_no}-A" in page and "220102198805060015" not in page
    message = OutboxMessage.objects.get(med_org_ord=f"{queued.trace_no}-A")
    response = client.post(f"/guidance/outbox/{message.pk}/retry/")
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.state == DeliveryState.DELIVERED
    assert login("purchasing").get("/guidance/outbox/").status_code == 403
