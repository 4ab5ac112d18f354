from django.dispatch import receiver

from apps.integrations.signals import outcome_resolved
from apps.supplier_finance.models import Purchase
from apps.supplier_finance.services import purchase_outcome_resolved


@receiver(outcome_resolved, dispatch_uid="supplier_finance.upload_resolved")
def upload_resolved(sender, exchange, final, detail, **kwargs):
    """A 3503 / 3504 whose answer was lost has been decided by the recovery service."""
    if isinstance(exchange.business, Purchase):
        purchase_outcome_resolved(purchase_id=exchange.business_id, final=final, detail=detail)
