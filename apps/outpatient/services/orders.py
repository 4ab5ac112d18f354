"""Online registration orders (guide section 1): a place in a session, its bill, cancellation and expiry."""

import datetime
import secrets
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from apps.audit.models import Action
from apps.audit.services import audit_record
from apps.core.errors import ApplicationError
from apps.guidance.services import message_enqueue
from apps.integrations.models import Exchange
from apps.integrations.transport import exchange_attach
from apps.ledger import services as ledger
from apps.ledger.models import ItemCategory
from apps.ledger.services import BillLine, Visit
from apps.outpatient import messages as order_messages
from apps.outpatient.models import (
    ORDER_TRANSITIONS,
    UNPAID_STATES,
    OrderSource,
    OrderState,
    RegistrationOrder,
    Schedule,
)
from apps.patients.services import patient_identify

REGISTRATION = "registration"

# [assumed] The registration fee's catalogue codes: the national 医疗服务项目 code for a general outpatient
# registration/consultation and the hospital's own code. The real values come from the hospital's catalogue.
REGISTRATION_ITEM = {"med_list_codg": "001102000010000-110200001", "medins_list_codg": "GHF-001"}
MED_TYPE_REGISTRATION = "12"  # 门诊挂号
NOT_BOOKABLE = "该号源不可预约，请选择其他时段"


def registration_line(order: RegistrationOrder) -> BillLine:
    doctor = order.schedule.doctor
    dept = doctor.department
    return BillLine(
        **REGISTRATION_ITEM,
        item_name=f"挂号费（{doctor.level_name}）",
        category=ItemCategory.REGISTRATION,
        pric=order.fee,
        cnt=Decimal("1"),
        item_emp="次",
        rx_no=order.trace_no[-30:],
        fee_ocur_time=timezone.now(),
        bilg_dept_codg=dept.code,
        bilg_dept_name=dept.name,
        bilg_dr_codg=doctor.code,
        bilg_dr_name=doctor.name,
    )


def registration_visit(order: RegistrationOrder) -> Visit:
    doctor = order.schedule.doctor
    return Visit(
        med_type=MED_TYPE_REGISTRATION,
        dept_code=doctor.department.code,
        dept_name=doctor.department.name,
        dr_code=doctor.code,
        dr_name=doctor.name,
        ipt_otp_no=order.ipt_otp_no,
        mdtrt_id=order.mdtrt_id,
    )


def order_transition(order: RegistrationOrder, to: str) -> None:
    if to not in ORDER_TRANSITIONS[order.state]:
        raise ApplicationError(f"订单状态为「{order.get_state_display()}」，不能变为「{OrderState(to).label}」")
    order.state = to


def order_locked(order: RegistrationOrder) -> RegistrationOrder:
    return RegistrationOrder.objects.select_for_update().get(pk=order.pk)


def _new_trace_no() -> str:
    return f"REG{timezone.localtime():%Y%m%d%H%M%S}{secrets.token_hex(6).upper()}"


def order_create(*, name: str, certno: str, schedule_id: int, source: str = OrderSource.PORTAL) -> RegistrationOrder:
    """Reserve a place in the schedule and create the order with its bill. The patient is identified by the
    gateway (1101) first: the visit's one reading of name, psn_no and scheme.

    One place per patient per session: an unpaid order for the same session is handed back to be continued
    (the patient pressed back, or submitted twice), and a paid one is refused.
    """
    # A session that cannot be booked is refused before the gateway is asked about anyone.
    if not Schedule.objects.open_for_booking().filter(pk=schedule_id).exists():
        raise ApplicationError(NOT_BOOKABLE, {"field": "schedule"})
    patient, asked = patient_identify(name=name, certno=certno)
    order = order_book(patient=patient, schedule_id=schedule_id, source=source)
    exchange_attach(Exchange.objects.get(pk=asked), order)  # the visit's 1101 belongs in the order's trail
    return order


def order_book(*, patient, schedule_id: int, source: str, bill_kind: str = REGISTRATION) -> RegistrationOrder:
    """A place in the session for a patient already identified, with its bill of `bill_kind` (the window's
    registrations are settled at the window, not by the platform's cashier)."""
    with transaction.atomic():  # the schedule's row lock serialises bookings of one session
        schedule = (
            Schedule.objects.open_for_booking()
            .select_for_update()
            .select_related("doctor__department")
            .filter(pk=schedule_id)
            .first()
        )
        if schedule is None:
            raise ApplicationError(NOT_BOOKABLE, {"field": "schedule"})
        mine = RegistrationOrder.objects.filter(
            patient=patient, schedule=schedule, state__in=(*UNPAID_STATES, OrderState.PAID)
        ).first()
        if mine is not None and mine.state == OrderState.PAID:
            raise ApplicationError("您已挂该时段的号，无需重复挂号", {"field": "schedule"})
        if mine is not None and order_expire_check(order=mine).is_unpaid:
            return mine
        taken = (  # counted in SQL: an expired order may just have given its place back
            Schedule.objects.filter(pk=schedule.pk, booked__lt=F("capacity")).update(
                booked=F("booked") + 1, issued=F("issued") + 1
            )
        )
        if not taken:
            raise ApplicationError("该时段号源已约满，请选择其他时段", {"field": "schedule"})
        schedule.refresh_from_db(fields=["booked", "issued"])
        order = RegistrationOrder.objects.create(
            trace_no=_new_trace_no(),
            token=secrets.token_urlsafe(24),
            patient=patient,
            schedule=schedule,
            fee=schedule.fee,
            queue_no=schedule.issued,
            source=source,
            expires_at=timezone.now() + datetime.timedelta(minutes=settings.REGISTRATION_ORDER_TTL_MINUTES),
        )
        bill = ledger.bill_open(
            kind=bill_kind,
            patient=patient,
            owner=order,
            org_trace_no=order.trace_no,
            lines=[registration_line(order)],
            visit=registration_visit(order),
            expires_at=order.expires_at,
        )
        # The link back is bookkeeping, not a change of the order a person would look for in its history.
        RegistrationOrder.objects.filter(pk=order.pk).update(bill=bill)
        order.bill = bill
    return order


def release_place(order: RegistrationOrder) -> None:
    Schedule.objects.filter(pk=order.schedule_id, booked__gt=0).update(booked=F("booked") - 1)


def order_mark_paid(order: RegistrationOrder, *, reason: str) -> None:
    """Within a transaction holding the order's lock: paid, and the patient's messages queued. An order that had
    expired, been cancelled or failed is flagged on its bill: the place may be gone."""
    was = order.state
    order_transition(order, OrderState.PAID)
    order.paid_at = order.paid_at or timezone.now()
    order.save()
    if was in (OrderState.EXPIRED, OrderState.CANCELLED, OrderState.FAILED):
        ledger.bill_flag_now(
            bill=order.bill, note=f"订单{OrderState(was).label}后收到支付（{reason}），请核实号源或办理退费"
        )
    for body in order_messages.paid_messages(order):
        message_enqueue(body=body, business=order)


def _end_unpaid(order: RegistrationOrder, to: str) -> None:
    """Within the order's lock: an unpaid order ends, its place is given back and its bill closed."""
    order_transition(order, to)
    order.save(update_fields=["state", "updated_at"])
    release_place(order)
    ledger.bill_close(bill=order.bill)
    if order.source == OrderSource.PLATFORM:
        message_enqueue(body=order_messages.closed_message(order), business=order)


def order_cancel(*, order: RegistrationOrder, by=None) -> RegistrationOrder:
    """Cancel an unpaid order; a member of staff (`by`) doing it is audited."""
    with transaction.atomic():
        order = order_locked(order)
        if not order.is_unpaid:
            raise ApplicationError(f"订单{order.get_state_display()}，只能取消未支付的订单")
        _end_unpaid(order, OrderState.CANCELLED)
        if by is not None:
            audit_record(user=by, action=Action.CANCEL, obj=order, detail="收费员取消未支付订单，号源已释放")
    return order


def order_fail(*, order: RegistrationOrder) -> None:
    """The platform confirmed the payment did not succeed (附录四): the order ends and its place is given back."""
    with transaction.atomic():
        order = order_locked(order)
        if order.state == OrderState.AWAITING_PAYMENT:
            _end_unpaid(order, OrderState.FAILED)


def order_expire_check(*, order: RegistrationOrder) -> RegistrationOrder:
    """The order as it stands now: an unpaid order past its time is expired on the spot."""
    if order.is_unpaid and order.expires_at <= timezone.now():
        with transaction.atomic():
            order = order_locked(order)
            if order.is_unpaid and order.expires_at <= timezone.now():
                _end_unpaid(order, OrderState.EXPIRED)
    return order


def orders_expire_due() -> int:
    due = RegistrationOrder.objects.filter(state__in=UNPAID_STATES, expires_at__lte=timezone.now())
    return sum(order_expire_check(order=order).state == OrderState.EXPIRED for order in due)


def order_book_for_platform(*, name: str, certno: str, schedule_id: int) -> RegistrationOrder:
    """A booking made in the platform's app (guide section 2): the platform has its patient signed and pays
    through org_002 / org_003 like any bill, so the order waits for payment at once; the patient is told by a push.
    The same rules as the hospital's own form: one place per patient per session, sessions close on time."""
    order = order_create(name=name, certno=certno, schedule_id=schedule_id, source=OrderSource.PLATFORM)
    with transaction.atomic():
        order = order_locked(order)
        if order.state in (OrderState.CREATED, OrderState.AWAITING_SIGNATURE):
            order_transition(order, OrderState.AWAITING_PAYMENT)
            order.save(update_fields=["state", "updated_at"])
            message_enqueue(body=order_messages.booked_message(order), business=order)
    return order


def order_cancel_for_platform(*, trace_no: str, certno: str) -> RegistrationOrder:
    """The platform cancels a booking it made: an unpaid one gives its place back; a paid one is refused."""
    order = RegistrationOrder.objects.select_related("patient").filter(trace_no=trace_no).first()
    if order is None or order.patient.certno != certno.strip().upper():
        raise ApplicationError(f"org_trace_no: 未找到挂号订单 {trace_no}")
    order = order_expire_check(order=order)
    if order.state in (OrderState.CANCELLED, OrderState.EXPIRED):
        return order  # cancelled already (or expired): the same answer again
    if order.state == OrderState.PAID:
        raise ApplicationError("该挂号已支付，不能取消；如需退号请到医院窗口办理退费")
    return order_cancel(order=order)
