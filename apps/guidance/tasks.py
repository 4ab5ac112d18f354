from apps.guidance.services import message_deliver, messages_deliver_due
from apps.guidance.stops import stops_create_missing


def deliver_message_task(message_id: int) -> str:
    return message_deliver(message_id=message_id).state


def deliver_due_task() -> int:
    return messages_deliver_due()


def stops_missing_task() -> int:
    return stops_create_missing()
