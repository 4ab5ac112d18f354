"""Clinic settlement (guide sections 5 and 6): the doctor's prescription becomes one bill, settled password-free by
the worker (2207B) or confirmed by the patient on the platform (AMP_HOS_001 pending → org_002 → org_003).

The doctor's request only writes rows: the gateway is called by the worker (`prescription_settle`), never while
the doctor waits, and never twice for one bill (the gateway claims the bill; a timeout is left to recovery).
"""

import datetime
import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apps.catalogue.selectors import diagnosis_get, fee_item_get
from apps.catalogue.services import fee_line
from apps.clinic import messages
from apps.clinic.models import ClosedReason, Mode, Prescription, PrescriptionLine, SettlementRule
from apps.clinic.visits import SOURCES, ClinicVisit, visit_of
from apps.core.errors import ApplicationError
from apps.core.refs import refers_to
from apps.guidance.services import message_enqueue
from apps.ledger import services as ledger
from apps.ledger.models import BillState, Channel, ItemCategory

log = logging.getLogger(__name__)

BILL_KIND = "prescription"
MAX_LINES = 20
# What a doctor prescribes in the clinic; drugs need a usage.
PRESCRIBABLE = (ItemCategory.WESTERN_DRUG, ItemCategory.PATENT_DRUG, ItemCategory.EXAM, ItemCategory.LAB,
                ItemCategory.TREATMENT, ItemCategory.MATERIAL)  # fmt: skip
DRUGS = (ItemCategory.WESTERN_DRUG, ItemCategory.PATENT_DRUG)


@dataclass(frozen=True)
class RxLine:
    """One line as the form sends it: a catalogue code, a quantity and (for drugs) the usage."""

    medins_list_codg: str
    cnt: str
    usage: str = ""


def settlement_mode(*, patient, department) -> str:
    """The patient's rule, else the department's, else password-free for a signed patient (confirm otherwise)."""
    rule = SettlementRule.objects.filter(patient=patient).first()
    rule = rule or SettlementRule.objects.filter(department=department).first()
    if rule is not None:
        return rule.mode
    return Mode.PASSWORD_FREE if patient.is_signed else Mode.CONFIRM


def _diaglist(diagnosis, doctor, now) -> tuple:
    return (
        {
            "diag_type": "1",  # 西医诊断
            "diag_srt_no": "1",
            "diag_code": diagnosis.diag_code,
            "diag_name": diagnosis.diag_name,
            "diag_dept": doctor.department.name,
            "dise_dor_no": doctor.code,
            "dise_dor_name": doctor.name,
            "diag_time": timezone.localtime(now).strftime("%Y-%m-%d %H:%M:%S"),
            "vali_flag": "1",
            "maindiag_flag": "1",
        },
    )


def _checked_lines(lines: list[RxLine]):
    """Each line's catalogue item, quantity and usage, every input checked before anything is written."""
    lines = [line for line in lines if line.medins_list_codg.strip()]
    if not lines:
        raise ApplicationError("请至少开一项药品或检查")
    if len(lines) > MAX_LINES:
        raise ApplicationError(f"一张处方最多 {MAX_LINES} 项")
    checked, seen = [], set()
    for line in lines:
        item = fee_item_get(line.medins_list_codg)
        if item.category not in PRESCRIBABLE:
            raise ApplicationError(f"“{item.item_name}”不能在诊间开立")
        if item.pk in seen:
            raise ApplicationError(f"“{item.item_name}”重复，请合并为一行")
        seen.add(item.pk)
        usage = line.usage.strip()
        if item.category in DRUGS and not usage:
            raise ApplicationError(f"请填写“{item.item_name}”的用法用量")
        if len(usage) > 60:
            raise ApplicationError(f"“{item.item_name}”的用法用量不超过60个字")
        checked.append((item, line.cnt, usage))
    return checked


def prescription_submit(
    *, visit: ClinicVisit, doctor, diag_code: str, lines: list[RxLine]
) -> tuple[Prescription, bool]:
    """Write the visit's prescription and its bill once; a second submit gets the first back (created False).

    Password-free: the worker is asked to settle it after commit. Confirm: the pending bill is pushed to the
    patient in the same transaction.
    """
    if visit.doctor.pk != doctor.pk:
        raise ApplicationError("这位患者不在您的候诊队列中")
    diagnosis = diagnosis_get(diag_code)
    checked = _checked_lines(lines)
    now = timezone.now()
    with transaction.atomic():
        SOURCES[visit.source].lock(visit.pk)
        existing = Prescription.objects.filter(refers_to(visit.row)).select_related("bill").first()
        if existing is not None:
            return existing, False
        trace = f"RX{timezone.localtime(now):%Y%m%d%H%M%S}{secrets.token_hex(4).upper()}"
        dept = doctor.department
        bill_lines = [
            fee_line(item, cnt, fee_ocur_time=now, rx_no=trace, bilg_dept_codg=dept.code, bilg_dept_name=dept.name,
                     bilg_dr_codg=doctor.code, bilg_dr_name=doctor.name)
            for item, cnt, _ in checked
        ]  # fmt: skip
        mode = settlement_mode(patient=visit.patient, department=dept)
        prescription = Prescription.objects.create(
            business=visit.row,
            patient=visit.patient,
            doctor=doctor,
            diag_code=diagnosis.diag_code,
            diag_name=diagnosis.diag_name,
            mode=mode,
            settle_queued=mode == Mode.PASSWORD_FREE,
        )
        row = visit.row
        bill = ledger.bill_open(
            kind=BILL_KIND,
            patient=visit.patient,
            owner=prescription,
            org_trace_no=trace,
            lines=bill_lines,
            visit=ledger.Visit(
                med_type="11",
                dept_code=dept.code,
                dept_name=dept.name,
                dr_code=doctor.code,
                dr_name=doctor.name,
                ipt_otp_no=getattr(row, "ipt_otp_no", ""),
                mdtrt_id=getattr(row, "mdtrt_id", ""),
                diaglist=_diaglist(diagnosis, doctor, now),
            ),
            expires_at=now + datetime.timedelta(minutes=settings.CLINIC_BILL_TTL_MINUTES),
        )
        prescription.bill = bill
        prescription.save(update_fields=["bill"])
        PrescriptionLine.objects.bulk_create(
            PrescriptionLine(prescription=prescription, fee_item=item, cnt=cnt, usage=usage,
                             feedetl_sn=f"{trace[-26:]}{index:02d}")
            for index, (item, cnt, usage) in enumerate(checked, start=1)
        )  # fmt: skip
        if mode == Mode.CONFIRM:
            message_enqueue(body=messages.pending_message(prescription), business=bill)
        else:
            transaction.on_commit(lambda: _queue_settle(prescription.pk))
    return prescription, True


def _queue_settle(prescription_id: int) -> None:
    from django_q.tasks import async_task

    try:
        async_task("apps.clinic.tasks.settle_task", prescription_id)
    except Exception:  # the sweep (clinic_sweep_task) settles it anyway
        log.warning("could not queue the settlement of prescription %s; the sweep will", prescription_id)


def prescription_ensure_visit(prescription: Prescription) -> None:
    """The bill needs the visit's mdtrt_id for 2204 / 2207B / org_002: register the visit (2201) if needed."""
    bill = prescription.bill
    if bill.mdtrt_id:
        return
    visit = visit_of(prescription.business)
    mdtrt_id, ipt_otp_no = SOURCES[visit.source].ensure_registered(visit)
    ledger.bill_set_visit(bill=bill, mdtrt_id=mdtrt_id, ipt_otp_no=ipt_otp_no)


def prescription_opter(prescription: Prescription) -> tuple[str, str]:
    """The gateway's operator for this prescription's calls: the prescribing doctor."""
    return prescription.doctor.code, prescription.doctor.name


def prescription_settle(*, prescription_id: int) -> str:
    """The worker: settle a queued password-free prescription with 2207B once. Returns what happened.

    Refused (e.g. the patient withdrew consent): the bill is pushed to the patient to confirm instead. Unknown
    (timeout): the bill stays 结算中 until recovery resolves it; nothing is sent again.
    """
    from apps.ledger.gateway import bill_settle_at_gateway

    claimed = Prescription.objects.filter(pk=prescription_id, settle_queued=True, mode=Mode.PASSWORD_FREE).update(
        settle_queued=False, last_error=""
    )
    if not claimed:
        return "not-queued"
    prescription = Prescription.objects.select_related("bill__patient", "doctor__department", "patient").get(
        pk=prescription_id
    )
    try:
        prescription_ensure_visit(prescription)
        outcome = bill_settle_at_gateway(
            bill=prescription.bill, opter=prescription_opter(prescription), channel=Channel.CLINIC, password_free=True
        )
    except ApplicationError as exc:
        Prescription.objects.filter(pk=prescription_id).update(last_error=exc.message[:300])
        return "failed"
    if outcome.status == "refused":
        prescription_to_confirm(prescription=prescription, reason=outcome.message)
    return outcome.status


def prescription_to_confirm(*, prescription: Prescription, reason: str) -> Prescription:
    """Settle by the patient's confirmation instead (a refused 2207B, or the doctor's choice): push the pending
    bill. Only an open password-free bill not queued for the worker can change."""
    with transaction.atomic():
        bill = ledger.bill_locked(prescription.bill)
        prescription = Prescription.objects.select_for_update().get(pk=prescription.pk)
        if prescription.mode == Mode.CONFIRM:
            return prescription
        if bill.state != BillState.OPEN or prescription.settle_queued:
            raise ApplicationError("该处方正在结算或已结束，不能改为患者确认")
        prescription.mode = Mode.CONFIRM
        prescription.fallback_reason = reason[:300]
        prescription.save(update_fields=["mode", "fallback_reason", "updated_at"])
        message_enqueue(body=messages.pending_message(prescription), business=bill)
    return prescription


def prescription_retry(*, prescription: Prescription) -> Prescription:
    """The doctor asks the worker to settle an open password-free bill again (after a failure, or after recovery
    undid an unknown attempt). The gateway's own claim still refuses a bill that is settling."""
    with transaction.atomic():
        bill = ledger.bill_locked(prescription.bill)
        prescription = Prescription.objects.select_for_update().get(pk=prescription.pk)
        if prescription.mode != Mode.PASSWORD_FREE or bill.state != BillState.OPEN:
            raise ApplicationError("只有待结算的免密处方可以重新结算")
        if not prescription.settle_queued:
            prescription.settle_queued = True
            prescription.last_error = ""
            prescription.save(update_fields=["settle_queued", "last_error", "updated_at"])
            transaction.on_commit(lambda: _queue_settle(prescription.pk))
    return prescription


def prescription_close(*, prescription: Prescription, reason: str) -> Prescription:
    """Withdraw (the doctor) or expire (the sweep) an unpaid bill: the platform stops offering it and the patient
    is told. A bill being settled or settled cannot be closed."""
    with transaction.atomic():
        ledger.bill_locked(prescription.bill_id)  # bill first, then prescription: the order every writer takes
        prescription = Prescription.objects.select_for_update().get(pk=prescription.pk)
        bill = ledger.bill_close(bill=prescription.bill)
        if bill.state != BillState.CLOSED:
            raise ApplicationError(f"账单{bill.get_state_display()}，不能撤回")
        if prescription.closed_reason:
            return prescription
        prescription.closed_reason = reason
        prescription.settle_queued = False
        prescription.save(update_fields=["closed_reason", "settle_queued", "updated_at"])
        if prescription.mode == Mode.CONFIRM:
            message_enqueue(body=messages.closed_message(prescription), business=bill)
    return prescription


def prescription_withdraw(*, prescription: Prescription) -> Prescription:
    return prescription_close(prescription=prescription, reason=ClosedReason.WITHDRAWN)


def prescriptions_expire_due() -> int:
    """The sweep: open prescription bills past their deadline are closed."""
    due = Prescription.objects.filter(bill__state=BillState.OPEN, bill__expires_at__lte=timezone.now())
    closed = 0
    for prescription in due.select_related("bill")[:200]:
        try:
            prescription_close(prescription=prescription, reason=ClosedReason.EXPIRED)
            closed += 1
        except ApplicationError:  # settled or being settled meanwhile
            continue
    return closed


def prescriptions_settle_due(*, older_than_seconds: int = 60) -> int:
    """The sweep: queued password-free prescriptions whose task was lost."""
    due = Prescription.objects.filter(
        settle_queued=True,
        mode=Mode.PASSWORD_FREE,
        updated_at__lte=timezone.now() - datetime.timedelta(seconds=older_than_seconds),
    )
    return sum(prescription_settle(prescription_id=pk) != "not-queued" for pk in due.values_list("pk", flat=True)[:50])
