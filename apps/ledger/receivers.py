from django.dispatch import receiver

from apps.integrations.recovery import REVERSED
from apps.integrations.signals import outcome_resolved
from apps.ledger.gateway import bill_settlement_resolved
from apps.ledger.models import Bill, BillState, MoneyMovement
from apps.ledger.services import movement_finish


@receiver(outcome_resolved, dispatch_uid="ledger.movement_resolved")
def movement_resolved(sender, exchange, took_effect, final, detail, **kwargs):
    """A money call whose outcome was unknown has been resolved by the recovery service: the movement it was
    moving gets its final status (and a refunded bill's owner is told), whichever app made the call; a bill the
    hospital was settling at the gateway is open again once the settlement is undone."""
    business = exchange.business
    if isinstance(business, MoneyMovement):
        movement_finish(movement=business, took_effect=took_effect, detail=detail, reversed=final == REVERSED)
    elif isinstance(business, Bill) and business.state == BillState.SETTLING:
        bill_settlement_resolved(bill=business, took_effect=took_effect, reversed=final == REVERSED, detail=detail)
