"""The gateway visit behind an online registration: registered (2201) before the platform's cashier shows the bill,
cancelled (2202) after the fee is refunded."""

import datetime
import logging
import secrets
import time

from django.db.models import Q
from django.utils import timezone

from apps.core.errors import ApplicationError
from apps.integrations.nhsa import client as nhsa
from apps.integrations.transport import UpstreamError
from apps.ledger import services as ledger
from apps.outpatient.models import OrderState, RegistrationOrder
from apps.patients.services import patient_ensure_insured

log = logging.getLogger(__name__)

VISIT_CLAIM_TTL = datetime.timedelta(seconds=60)


def _claim_free(now):
    return Q(visit_claimed_at__isnull=True) | Q(visit_claimed_at__lt=now - VISIT_CLAIM_TTL)


def visit_ensure_registered(*, order: RegistrationOrder, wait_seconds: float = 10.0) -> str:
    """The order's `mdtrt_id`, registering the outpatient visit with the gateway (2201) the first time.

    Two concurrent callers register once: the first claims the order with a conditional UPDATE (no lock is held
    across the HTTP call, which matters on SQLite), the other waits for the claim holder's answer. Each attempt
    sends a fresh 门诊号 (`ipt_otp_no`): a lost attempt's visit stays open at the gateway until recovery undoes it
    (2601), and a gateway that refuses a repeated 门诊号 must not block the patient meanwhile.
    """
    deadline = time.monotonic() + wait_seconds
    while True:
        order.refresh_from_db(fields=["mdtrt_id", "visit_claimed_at"])
        if order.mdtrt_id:
            return order.mdtrt_id
        now = timezone.now()
        claimed = (
            RegistrationOrder.objects.filter(pk=order.pk, mdtrt_id="")
            .filter(_claim_free(now))
            .update(visit_claimed_at=now)
        )
        if claimed:
            break
        if time.monotonic() > deadline:
            raise ApplicationError("就诊登记正在进行中，请稍后重试")
        time.sleep(0.2)
    ipt_otp_no = f"{order.trace_no[3:]}{secrets.token_hex(2).upper()}"[-30:]
    try:
        patient = patient_ensure_insured(patient=order.patient, business=order)
        doctor = order.schedule.doctor
        dept = doctor.department
        visit = nhsa.register_outpatient(
            opter="system",
            insuplc_admdvs=patient.insuplc_admdvs,
            psn_no=patient.psn_no,
            insutype=patient.insutype,
            begntime=timezone.localtime(),
            mdtrt_cert_type=patient.mdtrt_cert_type,
            mdtrt_cert_no=patient.certno,
            ipt_otp_no=ipt_otp_no,
            atddr_no=doctor.code,
            dr_name=doctor.name,
            dept_code=dept.code,
            dept_name=dept.name,
            caty=dept.caty,
            business=order,
        )
    except (UpstreamError, ApplicationError) as exc:
        RegistrationOrder.objects.filter(pk=order.pk).update(visit_claimed_at=None)
        if isinstance(exc, UpstreamError):
            raise ApplicationError(f"医保就诊登记失败，请稍后重试（{exc.upstream_message or exc}）") from exc
        raise
    RegistrationOrder.objects.filter(pk=order.pk).update(
        mdtrt_id=visit.mdtrt_id, ipt_otp_no=ipt_otp_no, visit_claimed_at=None
    )
    order.mdtrt_id, order.ipt_otp_no = visit.mdtrt_id, ipt_otp_no
    ledger.bill_set_visit(bill=order.bill, mdtrt_id=visit.mdtrt_id, ipt_otp_no=ipt_otp_no)
    return visit.mdtrt_id


def visit_cancel(*, order: RegistrationOrder) -> bool:
    """2202 for a refunded registration's visit, once. Returns True when the visit is (now) cancelled."""
    order.refresh_from_db(fields=["state", "mdtrt_id", "ipt_otp_no", "visit_cancelled_at"])
    if order.state != OrderState.REFUNDED or not order.mdtrt_id or order.visit_cancelled_at:
        return order.visit_cancelled_at is not None
    patient = order.patient
    try:
        nhsa.cancel_registration(
            opter="system",
            insuplc_admdvs=patient.insuplc_admdvs,
            psn_no=patient.psn_no,
            mdtrt_id=order.mdtrt_id,
            ipt_otp_no=order.ipt_otp_no or order.trace_no[-30:],
            business=order,
        )
    except UpstreamError as exc:
        log.warning("2202 for order %s failed (%s); the sweep tries again", order.trace_no, exc)
        return False
    RegistrationOrder.objects.filter(pk=order.pk, visit_cancelled_at__isnull=True).update(
        visit_cancelled_at=timezone.now()
    )
    return True


def visits_cancel_due() -> int:
    """The worker's sweep: refunded registrations whose visit is still open at the gateway."""
    due = RegistrationOrder.objects.filter(state=OrderState.REFUNDED, visit_cancelled_at__isnull=True).exclude(
        mdtrt_id=""
    )
    return sum(visit_cancel(order=order) for order in due.select_related("patient")[:100])
