"""The final settlement's bill kind (registered in InpatientConfig.ready): `inpatient = True` makes the spine's
gateway settlement use 2301 / 2303 / 2304 and its refund method 2305 (SETTLE_API.md)."""

from apps.guidance.services import message_enqueue
from apps.inpatient import messages
from apps.inpatient.models import Admission, AdmissionState
from apps.ledger.kinds import BillKind
from apps.ledger.models import Kind

INPATIENT = "inpatient"


class InpatientBills(BillKind):
    key = INPATIENT
    label = "住院结算"
    movement_kind = Kind.INPATIENT_SETTLEMENT
    inpatient = True

    def payable(self, bill) -> bool:
        return False  # settled at the hospital's cashier with 2304, never offered to the platform's cashier

    def _admission(self, bill) -> Admission:
        return Admission.objects.select_for_update(of=("self",)).select_related("patient").get(bill=bill)

    def settled(self, bill, movement, *, late: bool) -> None:
        admission = self._admission(bill)
        admission.state = AdmissionState.SETTLED
        admission.save(update_fields=["state", "updated_at"])
        message_enqueue(body=messages.paid(admission, movement), business=admission)

    def refunded(self, bill, movement) -> None:
        """2305 reversed the final settlement: the stay is discharged again, to be settled on a new bill."""
        admission = self._admission(bill)
        admission.state = AdmissionState.DISCHARGED
        admission.bill = None
        admission.save(update_fields=["state", "bill", "updated_at"])
        message_enqueue(body=messages.refunded(admission, movement), business=admission)
