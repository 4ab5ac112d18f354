import logging

from django.dispatch import receiver

from apps.guidance.stops import stops_create_for_bill
from apps.ledger.signals import bill_settled

log = logging.getLogger(__name__)


@receiver(bill_settled, dispatch_uid="guidance.stops_for_settled_bill")
def stops_for_settled_bill(sender, bill, movement, **kwargs):
    """Any settled bill with drugs, exams or labs (clinic, window …) tells the patient where to go next. The money
    is booked already: a failure here must not fail the settlement's answer; the sweep (stops_missing_task) makes
    the stops later."""
    try:
        stops_create_for_bill(bill=bill)
    except Exception:
        log.exception("guidance for settled bill %s failed; the sweep will make it", bill.org_trace_no)
