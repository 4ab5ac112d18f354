"""A test-only app that adds a bill kind to the settlement spine, the way a new section would: from its AppConfig,
without any change to another app. Its bills belong to the patient (say, a copy of medical records)."""

from decimal import Decimal

from django.apps import AppConfig
from django.utils import timezone

from apps.ledger.kinds import BillKind

KEY = "records_copy"
EVENTS: list[tuple[str, str]] = []  # (hook, org_trace_no): what the spine told the kind


class RecordsCopyBills(BillKind):
    key = KEY
    label = "病历复印"

    def prepare(self, bill) -> None:
        """Register the visit at the gateway (2201) the first time, as an outpatient section would."""
        from apps.integrations.nhsa import client as nhsa
        from apps.ledger.services import bill_set_visit
        from apps.patients.services import patient_ensure_insured

        EVENTS.append(("prepare", bill.org_trace_no))
        if bill.mdtrt_id:
            return
        patient = patient_ensure_insured(patient=bill.patient)
        visit = nhsa.register_outpatient(
            opter="system",
            insuplc_admdvs=patient.insuplc_admdvs,
            psn_no=patient.psn_no,
            insutype=patient.insutype,
            begntime=timezone.localtime(),
            mdtrt_cert_type=patient.mdtrt_cert_type,
            mdtrt_cert_no=patient.certno,
            ipt_otp_no=bill.org_trace_no[-30:],
            atddr_no="D1001",
            dr_name="赵明",
            dept_code="NK01",
            dept_name="心血管内科",
            caty="A03",
            business=bill,
        )
        bill_set_visit(bill=bill, mdtrt_id=visit.mdtrt_id, ipt_otp_no=bill.org_trace_no[-30:])

    def settled(self, bill, movement, *, late: bool) -> None:
        EVENTS.append(("settled", bill.org_trace_no))

    def tips(self, bill) -> list[str]:
        return ["请到病案室领取病历复印件。"]

    def refunded(self, bill, movement) -> None:
        EVENTS.append(("refunded", bill.org_trace_no))


def records_copy_line():
    from apps.ledger.models import ItemCategory
    from apps.ledger.services import BillLine

    return BillLine(
        med_list_codg="TEST-0001",
        medins_list_codg="BLFY-01",
        item_name="病历复印",
        category=ItemCategory.OTHER,
        pric=Decimal("0.50"),
        cnt=Decimal("20"),
        item_emp="页",
        fee_ocur_time=timezone.now(),
    )


class SpineTestConfig(AppConfig):
    name = "tests.spine"
    label = "spine_test"

    def ready(self):
        from apps.ledger.kinds import bill_kinds

        bill_kinds.register(RecordsCopyBills())
