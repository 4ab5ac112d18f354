"""Online registration's services, split by flow: `orders` (places, bills, cancel, expiry), `checkout` (signing,
the platform's cashier, the return), `visits` (2201 / 2202 at the gateway), `billing` (what the settlement spine
tells the owner of a registration bill), and `order_refund` below. Import the names from here."""

from apps.audit.models import Action
from apps.audit.services import audit_record
from apps.core.errors import ApplicationError
from apps.ledger import refunds
from apps.outpatient.models import OrderState, RegistrationOrder
from apps.outpatient.services.checkout import Step, order_handle_return, order_proceed
from apps.outpatient.services.orders import (
    order_book,
    order_book_for_platform,
    order_cancel,
    order_cancel_for_platform,
    order_create,
    order_expire_check,
    orders_expire_due,
)
from apps.outpatient.services.visits import visit_cancel, visit_ensure_registered, visits_cancel_due


def order_refund(*, order: RegistrationOrder, reason: str, by=None) -> str:
    """Refund a paid online registration in full (the ledger's refund of its bill). Returns the message for staff;
    the place is given back and the visit cancelled when the refund takes effect. The request is audited."""
    order = RegistrationOrder.objects.select_related("bill").get(pk=order.pk)
    if order.state != OrderState.PAID or order.bill is None or order.bill.settlement_id is None:
        raise ApplicationError(f"订单{order.get_state_display()}，只有已支付且已收到平台结算的订单可以退费")
    message = refunds.bill_refund(bill=order.bill, reason=reason)
    audit_record(user=by, action=Action.REFUND, obj=order, detail=f"{reason}：{message}")
    return message


__all__ = [
    "Step",
    "order_book",
    "order_book_for_platform",
    "order_cancel",
    "order_cancel_for_platform",
    "order_create",
    "order_expire_check",
    "order_handle_return",
    "order_proceed",
    "order_refund",
    "orders_expire_due",
    "visit_cancel",
    "visit_ensure_registered",
    "visits_cancel_due",
]
