from django.dispatch import receiver

from apps.integrations.signals import outcome_resolved
from apps.ledger.models import Kind, MoneyMovement
from apps.outpatient.services import refund_finish


@receiver(outcome_resolved, dispatch_uid="outpatient.refund_resolved")
def refund_resolved(sender, exchange, took_effect, detail, **kwargs):
    """An online registration's refund whose outcome was unknown has been resolved by the recovery service."""
    if exchange.business_type != MoneyMovement._meta.label_lower:
        return
    movement = MoneyMovement.objects.filter(
        pk=exchange.business_id, kind=Kind.REFUND, source_type="outpatient.registrationorder"
    ).first()
    if movement is not None:
        refund_finish(movement=movement, took_effect=took_effect, detail=detail)
