"""The cashier's window and the kiosks (guide sections 3 and 4): read a medium, register, enter fees, preview,
settle with the pay-later flag, refund. The kiosk API calls the same functions as the window screen."""

import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from apps.audit.models import Action
from apps.audit.services import audit_record
from apps.catalogue.services import fee_line
from apps.core.errors import ApplicationError
from apps.integrations.paylater import client as paylater
from apps.integrations.transport import UpstreamError
from apps.ledger import gateway, refunds
from apps.ledger import services as ledger
from apps.ledger.models import Bill, BillState, Channel
from apps.outpatient.models import ORDER_TRANSITIONS, OrderSource, OrderState, RegistrationOrder
from apps.outpatient.services import order_book, visit_cancel, visit_ensure_registered
from apps.patients.models import Patient
from apps.patients.services import MediumReading, patient_check_signature, patient_read_medium
from apps.window.kinds import WINDOW_FEES, WINDOW_REGISTRATION
from apps.window.models import FeeSheet

log = logging.getLogger(__name__)

MED_TYPE_OUTPATIENT = "11"  # 普通门诊
NOT_SIGNED = "患者尚未签约先医后付，不能先医后付结算。请患者扫码签约后点「重新查询」。"


@dataclass(frozen=True)
class SignState:
    """附录五, asked live: `signed` is None when the platform did not answer."""

    signed: bool | None
    sign_url: str = ""


def sign_state(*, patient: Patient) -> SignState:
    """Ask the platform now; an unsigned patient gets the signing page with our "go back to the window" page."""
    try:
        result = patient_check_signature(patient=patient)
    except UpstreamError as exc:
        log.warning("sign status at the window failed: %s", exc)
        return SignState(signed=None)
    if result.signed:
        return SignState(signed=True)
    back = settings.PORTAL_BASE_URL + reverse("window:signed")
    return SignState(signed=False, sign_url=paylater.with_back_url(result.sign_url, back) if result.sign_url else "")


def medium_read(*, mdtrt_cert_type: str, mdtrt_cert_no: str, card_sn: str = "", opter) -> MediumReading:
    """1101 with the medium presented (医保码 / 身份证 / 社保卡)."""
    return patient_read_medium(
        mdtrt_cert_type=mdtrt_cert_type, mdtrt_cert_no=mdtrt_cert_no, card_sn=card_sn, opter=opter
    )


def _require_signed(patient: Patient) -> None:
    state = sign_state(patient=patient)
    if state.signed is None:
        raise ApplicationError("暂时无法向先医后付平台确认签约状态，未结算，请稍后重试")
    if not state.signed:
        raise ApplicationError(NOT_SIGNED)


# --- registration (section 3) ----------------------------------------------------------------------------------


def window_register(*, patient: Patient, schedule_id: int, source: str = OrderSource.WINDOW) -> RegistrationOrder:
    """A place in today's session and the visit registered at the gateway (2201), ready to settle. Only a signed
    patient is registered here: the window settles after care, with the pay-later flag."""
    _require_signed(patient)
    order = order_book(patient=patient, schedule_id=schedule_id, source=source, bill_kind=WINDOW_REGISTRATION)
    _ready_to_pay(order)
    visit_ensure_registered(order=order)
    return order


def _ready_to_pay(order: RegistrationOrder) -> None:
    """The signed patient's registration waits for payment (its settled hook marks it paid)."""
    with transaction.atomic():
        order = RegistrationOrder.objects.select_for_update().get(pk=order.pk)
        if OrderState.AWAITING_PAYMENT in ORDER_TRANSITIONS[order.state]:
            order.state = OrderState.AWAITING_PAYMENT
            order.save(update_fields=["state", "updated_at"])


# --- fees (section 4) ------------------------------------------------------------------------------------------


def fees_create(*, order: RegistrationOrder, items: list, by=None, source: str = OrderSource.WINDOW) -> FeeSheet:
    """A bill of catalogue items (`items`: (FeeItem, count) pairs) for a paid visit registered at the gateway."""
    order = RegistrationOrder.objects.select_related("patient", "schedule__doctor__department").get(pk=order.pk)
    if order.state != OrderState.PAID or not order.mdtrt_id:
        raise ApplicationError("该挂号未缴费或未在医保登记，不能录入费用", {"field": "order"})
    if not items:
        raise ApplicationError("请至少选择一项收费项目", {"field": "items"})
    doctor = order.schedule.doctor
    now = timezone.now()
    trace_no = f"WF{timezone.localtime(now):%Y%m%d%H%M%S}{secrets.token_hex(6).upper()}"
    lines = [
        fee_line(
            item,
            cnt,
            fee_ocur_time=now,
            rx_no=trace_no[-30:],
            bilg_dept_codg=doctor.department.code,
            bilg_dept_name=doctor.department.name,
            bilg_dr_codg=doctor.code,
            bilg_dr_name=doctor.name,
        )
        for item, cnt in items
    ]
    with transaction.atomic():
        sheet = FeeSheet.objects.create(
            trace_no=trace_no, patient=order.patient, order=order, source=source, created_by=by
        )
        sheet.bill = ledger.bill_open(
            kind=WINDOW_FEES,
            patient=order.patient,
            owner=sheet,
            org_trace_no=trace_no,
            lines=lines,
            visit=ledger.Visit(
                med_type=MED_TYPE_OUTPATIENT,
                dept_code=doctor.department.code,
                dept_name=doctor.department.name,
                dr_code=doctor.code,
                dr_name=doctor.name,
                ipt_otp_no=order.ipt_otp_no,
                mdtrt_id=order.mdtrt_id,
            ),
        )
        sheet.save(update_fields=["bill"])
    return sheet


# --- preview, settle, refund -----------------------------------------------------------------------------------


def _prepare(bill: Bill) -> None:
    """A registration's visit is registered at the gateway (2201) before its fee can be uploaded."""
    order = RegistrationOrder.objects.filter(bill=bill).first()
    if order is not None:
        _ready_to_pay(order)
        visit_ensure_registered(order=order)
        bill.refresh_from_db(fields=["mdtrt_id", "ipt_otp_no"])


def bill_check_open(bill: Bill, patient: Patient) -> Bill:
    bill = Bill.objects.select_related("patient").get(pk=bill.pk)
    if bill.patient_id != patient.pk:
        raise ApplicationError("该账单不属于当前患者", {"field": "bill"})
    if bill.state != BillState.OPEN:
        raise ApplicationError(f"账单{bill.get_state_display()}，不能结算", {"field": "bill"})
    return bill


def window_preview(*, bill: Bill, medium: gateway.Medium, opter) -> dict:
    """2204 then 2206: what the settlement would pay from the fund, the personal account and in cash."""
    _prepare(bill)
    return gateway.bill_preview(bill=bill, opter=opter, medium=medium).split()


def window_settle(*, bill: Bill, medium: gateway.Medium, opter) -> "gateway.GatewayOutcome":
    """2207 with the pay-later flag, for a patient the platform confirms as signed just now. The gateway module
    claims the bill first, so a double click or a second cashier gets a refusal, never a second settlement."""
    _require_signed(bill.patient)
    _prepare(bill)
    return gateway.bill_settle_at_gateway(bill=bill, opter=opter, channel=Channel.WINDOW, medium=medium)


def window_refund(*, bill: Bill, reason: str, by) -> str:
    """Refund a settled window bill in full (2208), audited with the cashier and the reason."""
    message = refunds.bill_refund(bill=bill, reason=reason)
    audit_record(user=by, action=Action.REFUND, obj=bill, detail=f"{(reason or '').strip()[:100]}：{message}")
    return message


# --- after a refund: fee details (2205) and the visit (2202) ---------------------------------------------------


def fees_withdraw(*, bill: Bill) -> bool:
    """2205 for a refunded bill's fee details. True once done (a refusal is logged; the sweep tries again)."""
    if not bill.fees_uploaded_at:
        return True  # nothing was uploaded, nothing to withdraw
    return gateway.bill_withdraw_fees(bill=bill, opter="system")


def sheet_withdraw(*, sheet: FeeSheet) -> bool:
    sheet = FeeSheet.objects.select_related("bill__patient").get(pk=sheet.pk)
    if sheet.fees_cancelled_at or sheet.bill.state != BillState.REFUNDED:
        return sheet.fees_cancelled_at is not None
    if not fees_withdraw(bill=sheet.bill):
        return False
    FeeSheet.objects.filter(pk=sheet.pk, fees_cancelled_at__isnull=True).update(fees_cancelled_at=timezone.now())
    return True


def registration_undo(*, order: RegistrationOrder) -> bool:
    """A refunded window registration: its fee detail withdrawn (2205), then its visit cancelled (2202)."""
    order = RegistrationOrder.objects.select_related("patient", "bill__patient").get(pk=order.pk)
    if order.visit_cancelled_at or order.state != OrderState.REFUNDED:
        return order.visit_cancelled_at is not None
    fees_withdraw(bill=order.bill)
    return visit_cancel(order=order)
