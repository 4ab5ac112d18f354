"""What a prescription's bill does when the spine lists, settles or refunds it (kind "prescription", registered in
ClinicConfig.ready). Both settlement paths end in `settled`: 2207B through the gateway, or org_003."""

from apps.clinic import messages
from apps.clinic.models import Mode, Prescription
from apps.clinic.services import BILL_KIND, prescription_ensure_visit, prescription_opter
from apps.guidance.services import message_enqueue
from apps.guidance.stops import stop_tips
from apps.ledger import services as ledger
from apps.ledger.kinds import BillKind


class PrescriptionBills(BillKind):
    key = BILL_KIND
    label = "诊间处方"

    def _prescription(self, bill) -> Prescription:
        return Prescription.objects.select_related("patient", "doctor__department").get(bill=bill)

    def payable(self, bill) -> bool:
        """Only bills the patient is asked to confirm: a password-free one is the worker's."""
        return bill.prescription.mode == Mode.CONFIRM

    def prepare(self, bill) -> None:
        """Before org_002 lists it: the visit registered (2201) and the fees uploaded (2204)."""
        from apps.ledger.gateway import bill_upload_fees

        prescription = self._prescription(bill)
        prescription_ensure_visit(prescription)
        bill.refresh_from_db(fields=["mdtrt_id", "ipt_otp_no"])
        bill_upload_fees(bill=bill, opter=prescription_opter(prescription))

    def settled(self, bill, movement, *, late: bool) -> None:
        prescription = self._prescription(bill)
        prescription.bill = bill
        message_enqueue(body=messages.paid_message(prescription, movement), business=bill)
        if late:  # withdrawn or expired, then paid after all: money is the truth, staff look at it
            ledger.bill_flag(bill, "处方撤回或过期后仍被结算，请核查")
            bill.save(update_fields=["needs_review", "review_note", "updated_at"])

    def tips(self, bill) -> list[str]:
        return stop_tips(bill)

    def refunded(self, bill, movement) -> None:
        prescription = self._prescription(bill)
        prescription.bill = bill
        message_enqueue(body=messages.refund_message(prescription, movement), business=bill)
