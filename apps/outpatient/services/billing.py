"""What an online registration does when the settlement spine lists, settles or refunds its bill (kind
"registration", registered in OutpatientConfig.ready)."""

import logging

from django.db import transaction

from apps.guidance.services import message_enqueue
from apps.ledger.kinds import BillKind
from apps.outpatient import messages as order_messages
from apps.outpatient.models import OrderState, RegistrationOrder
from apps.outpatient.services.orders import REGISTRATION, order_mark_paid, order_transition, release_place
from apps.outpatient.services.visits import visit_ensure_registered

log = logging.getLogger(__name__)


class RegistrationBills(BillKind):
    key = REGISTRATION
    label = "线上挂号"

    def _order(self, bill) -> RegistrationOrder:
        return (
            RegistrationOrder.objects.select_for_update().select_related("schedule__doctor__department").get(bill=bill)
        )

    def payable(self, bill) -> bool:
        return bill.registration.state == OrderState.AWAITING_PAYMENT

    def prepare(self, bill) -> None:
        visit_ensure_registered(order=bill.registration)

    def settled(self, bill, movement, *, late: bool) -> None:
        order = self._order(bill)
        if not order.mdtrt_id and bill.mdtrt_id:
            order.mdtrt_id = bill.mdtrt_id
        if order.state == OrderState.PAID:  # 附录四 confirmed first: the messages now carry the platform's ids
            order.save(update_fields=["mdtrt_id", "updated_at"])
            for body in order_messages.paid_messages(order):
                message_enqueue(body=body, business=order)
        else:
            order_mark_paid(order, reason="平台结算回写 org_003")

    def tips(self, bill) -> list[str]:
        return order_messages.tips(bill.registration)

    def refunded(self, bill, movement) -> None:
        order = self._order(bill)
        order_transition(order, OrderState.REFUNDED)
        order.save(update_fields=["state", "updated_at"])
        release_place(order)
        message_enqueue(body=order_messages.refund_message(order, movement), business=order)
        self.undo_at_gateway(order)

    def undo_at_gateway(self, order: RegistrationOrder) -> None:
        """The visit registered for this fee is cancelled at the gateway once the refund is committed."""
        transaction.on_commit(lambda: _queue_visit_cancel(order.pk))


def _queue_visit_cancel(order_id: int) -> None:
    from django_q.tasks import async_task

    try:
        async_task("apps.outpatient.tasks.visit_cancel_task", order_id)
    except Exception:  # the periodic sweep (visits_cancel_due) cancels it anyway
        log.warning("could not queue the visit cancel of order %s; the periodic sweep will", order_id)
