"""The window's two bill kinds: a registration made at the window or a kiosk, and fees entered there. Both are
settled at the window with 2207 (the platform's cashier does not offer them: `payable` is False), and refunded
there with 2208, after which the fee details are withdrawn (2205) and, for a registration, the visit (2202)."""

import logging

from django.db import transaction

from apps.guidance.services import message_enqueue
from apps.guidance.stops import stop_tips
from apps.ledger.kinds import BillKind
from apps.outpatient.services.billing import RegistrationBills
from apps.window import messages
from apps.window.models import FeeSheet

log = logging.getLogger(__name__)

WINDOW_REGISTRATION = "window_registration"
WINDOW_FEES = "window_fees"


def _queue(task: str, pk: int) -> None:
    from django_q.tasks import async_task

    try:
        async_task(task, pk)
    except Exception:  # the sweep (apps.window.tasks.undo_due_task) does it anyway
        log.warning("could not queue %s(%s); the sweep will", task, pk)


class WindowRegistrationBills(RegistrationBills):
    key = WINDOW_REGISTRATION
    label = "窗口挂号"

    def payable(self, bill) -> bool:
        return False

    def undo_at_gateway(self, order) -> None:
        transaction.on_commit(lambda: _queue("apps.window.tasks.registration_undo_task", order.pk))


class WindowFeeBills(BillKind):
    key = WINDOW_FEES
    label = "窗口收费"

    def _sheet(self, bill) -> FeeSheet:
        related = ("patient", "order__schedule__doctor__department")
        return FeeSheet.objects.select_for_update().select_related(*related).get(bill=bill)

    def payable(self, bill) -> bool:
        return False

    def settled(self, bill, movement, *, late: bool) -> None:
        # The payment result; where to go next (pharmacy, exam rooms, with queue numbers) is guidance's, for
        # every settled bill (apps.guidance.receivers).
        sheet = self._sheet(bill)
        message_enqueue(body=messages.paid_message(sheet), business=sheet)

    def tips(self, bill) -> list[str]:
        return stop_tips(bill)

    def refunded(self, bill, movement) -> None:
        sheet = self._sheet(bill)
        message_enqueue(body=messages.refund_message(sheet, movement), business=sheet)
        transaction.on_commit(lambda: _queue("apps.window.tasks.fees_withdraw_task", sheet.pk))
