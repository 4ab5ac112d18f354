from apps.ledger.models import BillState
from apps.outpatient.models import RegistrationOrder
from apps.window import services
from apps.window.models import FeeSheet


def registration_undo_task(order_id: int) -> bool:
    return services.registration_undo(order=RegistrationOrder.objects.get(pk=order_id))


def fees_withdraw_task(sheet_id: int) -> bool:
    return services.sheet_withdraw(sheet=FeeSheet.objects.get(pk=sheet_id))


def fees_withdraw_due_task() -> int:
    """The sweep: refunded fee sheets whose details are still at the gateway (the outpatient sweep cancels the
    visits of refunded registrations)."""
    due = FeeSheet.objects.filter(bill__state=BillState.REFUNDED, fees_cancelled_at__isnull=True)
    return sum(services.sheet_withdraw(sheet=sheet) for sheet in due[:100])
