from django.utils import timezone

from apps.guidance.models import DeliveryState, GuidanceStop, OutboxMessage, StopKind
from apps.ledger.models import Bill


def undelivered_messages():
    # Named states, not "not delivered": the state index then finds the few among a million delivered ones.
    waiting = [state for state in DeliveryState.values if state != DeliveryState.DELIVERED]
    return OutboxMessage.objects.filter(state__in=waiting).order_by("next_attempt_at")


def messages_of(obj):
    """The messages to the patient about a business object (e.g. a bill), oldest first."""
    from apps.core.refs import refers_to

    return OutboxMessage.objects.filter(refers_to(obj)).order_by("created_at", "id")


def settled_bill_for(*, patient, org_trace_no: str = "", med_org_ord: str = "") -> Bill | None:
    """The patient's settled bill named by its org_trace_no, or by a message sent about it (the message's business
    is the bill, or an owner holding the bill, such as an online registration)."""
    bills = Bill.objects.select_related("patient").filter(patient=patient, settlement__isnull=False)
    if org_trace_no:
        return bills.filter(org_trace_no=org_trace_no).first()
    message = OutboxMessage.objects.filter(med_org_ord=med_org_ord).first()
    if message is None:
        return None
    business = message.business
    bill = business if isinstance(business, Bill) else getattr(business, "bill", None)
    return bills.filter(pk=bill.pk).first() if isinstance(bill, Bill) else None


def desk_stops(*, kind: str = "", state: str = "", day=None):
    """The pharmacy / exam desk's list: the day's stops, open ones first, in queue order."""
    stops = GuidanceStop.objects.select_related("patient", "bill").filter(day=day or timezone.localdate())
    if kind == StopKind.PHARMACY:
        stops = stops.filter(kind=StopKind.PHARMACY)
    elif kind == "checks":
        stops = stops.exclude(kind=StopKind.PHARMACY)
    if state:
        stops = stops.filter(state=state)
    return stops.order_by("kind", "waiting_num")
