from django.dispatch import receiver

from apps.guidance.stops import stops_create_for_bill
from apps.ledger.signals import bill_settled


@receiver(bill_settled, dispatch_uid="guidance.stops_for_settled_bill")
def stops_for_settled_bill(sender, bill, movement, **kwargs):
    """Any settled bill with drugs, exams or labs (clinic, window …) tells the patient where to go next."""
    stops_create_for_bill(bill=bill)
