from apps.guidance.models import DeliveryState, OutboxMessage


def undelivered_messages():
    return OutboxMessage.objects.exclude(state=DeliveryState.DELIVERED).order_by("next_attempt_at")
