"""Online registration paid after care (guide section 1): orders, signing, the cashier, the return, org_002/003."""

import datetime
import hashlib
import json
import logging
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from apps.core.errors import ApplicationError
from apps.core.money import format_money
from apps.guidance.services import message_enqueue
from apps.integrations.nhsa import client as nhsa
from apps.integrations.paylater import client as paylater
from apps.integrations.paylater.errors import InvalidRequest
from apps.integrations.paylater.types import RefundState
from apps.integrations.transport import (
    BusinessRef,
    UpstreamError,
    UpstreamRefused,
    UpstreamUnknownOutcome,
    exchange_attach,
)
from apps.ledger.models import Channel, Kind, MoneyMovement, Status
from apps.outpatient import messages as order_messages
from apps.outpatient import selectors
from apps.outpatient.models import ORDER_TRANSITIONS, UNPAID_STATES, OrderState, RegistrationOrder, Schedule
from apps.patients.services import patient_check_signature, patient_ensure_insured, patient_get_or_create

log = logging.getLogger(__name__)

VISIT_CLAIM_TTL = datetime.timedelta(seconds=60)


def _transition(order: RegistrationOrder, to: str) -> None:
    if to not in ORDER_TRANSITIONS[order.state]:
        raise ApplicationError(f"订单状态为「{order.get_state_display()}」，不能变为「{OrderState(to).label}」")
    order.state = to


def _new_trace_no() -> str:
    return f"REG{timezone.localtime():%Y%m%d%H%M%S}{secrets.token_hex(6).upper()}"


def _url(name: str, *args) -> str:
    """An absolute URL on the portal's configured origin; never built from the request."""
    return settings.PORTAL_BASE_URL + reverse(name, args=args)


# --- Creating an order ----------------------------------------------------------------------------------------


def order_create(*, name: str, certno: str, schedule_id: int) -> RegistrationOrder:
    """Reserve a place in the schedule and create the order; the patient is found or created by 身份证号.

    One place per patient per session: an unpaid order for the same session is handed back to be continued
    (the patient pressed back, or submitted twice), and a paid one is refused.
    """
    patient = patient_get_or_create(name=name, certno=certno)
    with transaction.atomic():  # the schedule's row lock serialises bookings of one session
        schedule = Schedule.objects.open_for_booking().select_for_update().filter(pk=schedule_id).first()
        if schedule is None:
            raise ApplicationError("该号源不可预约，请选择其他时段", {"field": "schedule"})
        mine = RegistrationOrder.objects.filter(
            patient=patient, schedule=schedule, state__in=(*UNPAID_STATES, OrderState.PAID)
        ).first()
        if mine is not None and mine.state == OrderState.PAID:
            raise ApplicationError("您已挂该时段的号，无需重复挂号", {"field": "schedule"})
        if mine is not None and _expire_if_due(mine).is_unpaid:
            return mine
        taken = (  # counted in SQL: an expired order may just have given its place back
            Schedule.objects.filter(pk=schedule.pk, booked__lt=F("capacity")).update(
                booked=F("booked") + 1, issued=F("issued") + 1
            )
        )
        if not taken:
            raise ApplicationError("该时段号源已约满，请选择其他时段", {"field": "schedule"})
        schedule.refresh_from_db(fields=["booked", "issued"])
        return RegistrationOrder.objects.create(
            trace_no=_new_trace_no(),
            token=secrets.token_urlsafe(24),
            patient=patient,
            schedule=schedule,
            fee=schedule.fee,
            queue_no=schedule.issued,
            expires_at=timezone.now() + datetime.timedelta(minutes=settings.REGISTRATION_ORDER_TTL_MINUTES),
        )


def _release_place(order: RegistrationOrder) -> None:
    Schedule.objects.filter(pk=order.schedule_id, booked__gt=0).update(booked=F("booked") - 1)


# --- Signing and paying -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """Where the patient's browser goes next: an outside URL, or back to the order page with a message."""

    redirect_to: str | None = None
    message: str = ""


def _locked(order: RegistrationOrder) -> RegistrationOrder:
    return RegistrationOrder.objects.select_for_update().get(pk=order.pk)


def order_proceed(*, order: RegistrationOrder) -> Step:
    """Move the order on: ask 附录五 and send the patient to sign, or ask 附录一 and send them to the cashier.

    Called on submission, on return from signing (the query string proves nothing, so 附录五 is asked again),
    and when the patient presses "pay".
    """
    order = _expire_if_due(order)
    if not order.is_unpaid:
        return Step(message=f"订单{order.get_state_display()}。")
    ref = BusinessRef.of(order)
    try:
        signature = patient_check_signature(patient=order.patient, business=ref)
    except UpstreamError as exc:
        log.warning("sign status for %s failed: %s", order.trace_no, exc)
        return Step(message="暂时无法连接先医后付平台，请稍后重试。")
    with transaction.atomic():
        order = _locked(order)
        if not order.is_unpaid:
            return Step(message=f"订单{order.get_state_display()}。")
        target = OrderState.AWAITING_PAYMENT if signature.signed else OrderState.AWAITING_SIGNATURE
        # Forward only: an order already awaiting payment whose patient is no longer signed stays where it is,
        # and the patient is sent to sign again.
        if target in ORDER_TRANSITIONS[order.state]:
            _transition(order, target)
            order.save(update_fields=["state", "updated_at"])
    if not signature.signed:
        if not signature.sign_url:
            return Step(message="您尚未签约先医后付，平台暂未提供签约地址，请稍后重试。")
        return Step(
            redirect_to=paylater.with_back_url(signature.sign_url, _url("outpatient:order_signed", order.token))
        )
    try:
        link = paylater.cashier_link(
            user_name=order.patient.name, cert_no=order.patient.certno, trace_no=order.trace_no, business=ref
        )
    except UpstreamRefused as exc:
        return Step(message=f"平台未能打开收银台：{exc.upstream_message or exc}。")
    except UpstreamError:
        return Step(message="暂时无法连接先医后付平台，请稍后重试。")
    return Step(redirect_to=paylater.with_back_url(link, _url("outpatient:order_return", order.token)))


def order_handle_return(*, order: RegistrationOrder, access_code: str) -> str:
    """The platform sent the browser back with `status` and `access_code`. Only 附录四 can say "paid", so
    `status` is not even read: the page shown follows from our records and 附录四's answer.

    Returns the message to show on the clean result page. Nothing changes unless the platform confirms that
    this code belongs to this order and the payment succeeded.
    """
    if order.state == OrderState.PAID:
        return "支付成功，挂号已确认。"
    if order.state == OrderState.REFUNDED:
        return "该挂号已退费。"
    if not access_code or len(access_code) > 32 or not access_code.isascii():
        return "未收到有效的支付凭证。如已付款，请稍候刷新本页；否则请重新支付。"
    try:
        info = paylater.pay_info(access_code=access_code, business=BusinessRef.of(order))
    except UpstreamRefused:
        return "支付凭证已失效或无效（凭证仅在支付后10分钟内有效）。如已付款，请稍候刷新本页查看结果。"
    except UpstreamError:
        return "暂时无法向平台确认支付结果，请稍候刷新本页。"
    if info.org_trace_no != order.trace_no:
        log.warning("access code for %s presented on order %s", info.org_trace_no, order.trace_no)
        return "该支付凭证不属于本订单，订单状态未改变。"
    if info.pay_result != 1:
        with transaction.atomic():
            order = _locked(order)
            if order.state == OrderState.AWAITING_PAYMENT:
                _transition(order, OrderState.FAILED)
                order.save(update_fields=["state", "updated_at"])
                _release_place(order)
        return "平台确认本次支付未成功，挂号未完成，请重新挂号。"
    with transaction.atomic():
        order = _locked(order)
        if order.state != OrderState.PAID:
            if info.mdtrt_id and not order.mdtrt_id:
                order.mdtrt_id = info.mdtrt_id
            _mark_paid(order, reason="附录四确认支付成功")
    return "支付成功，挂号已确认。"


def _flag(order: RegistrationOrder, note: str) -> None:
    """Mark the order for staff, keeping every reason given so far."""
    order.needs_review = True
    order.review_note = "；".join(filter(None, [order.review_note, note]))[:300]


def _mark_paid(order: RegistrationOrder, *, reason: str) -> None:
    """Within a transaction holding the order's lock: paid, messages queued, odd cases flagged."""
    was = order.state
    _transition(order, OrderState.PAID)
    order.paid_at = order.paid_at or timezone.now()
    if was in (OrderState.EXPIRED, OrderState.CANCELLED, OrderState.FAILED):
        _flag(order, f"订单{OrderState(was).label}后收到支付（{reason}），请核实号源或办理退费")
    order.save()
    for body in order_messages.paid_messages(order):
        message_enqueue(body=body, business=order)


# --- Cancelling and expiring ------------------------------------------------------------------------------------


def order_cancel(*, order: RegistrationOrder) -> RegistrationOrder:
    with transaction.atomic():
        order = _locked(order)
        if not order.is_unpaid:
            raise ApplicationError(f"订单{order.get_state_display()}，只能取消未支付的订单")
        _transition(order, OrderState.CANCELLED)
        order.save(update_fields=["state", "updated_at"])
        _release_place(order)
    return order


def _expire_if_due(order: RegistrationOrder) -> RegistrationOrder:
    if order.is_unpaid and order.expires_at <= timezone.now():
        with transaction.atomic():
            order = _locked(order)
            if order.is_unpaid and order.expires_at <= timezone.now():
                _transition(order, OrderState.EXPIRED)
                order.save(update_fields=["state", "updated_at"])
                _release_place(order)
    return order


def order_expire_check(*, order: RegistrationOrder) -> RegistrationOrder:
    """The order as it stands now: an unpaid order past its time is expired on the spot."""
    return _expire_if_due(order)


def orders_expire_due() -> int:
    due = RegistrationOrder.objects.filter(state__in=UNPAID_STATES, expires_at__lte=timezone.now())
    return sum(_expire_if_due(order).state == OrderState.EXPIRED for order in due)


# --- org_002: the gateway visit behind a bill -----------------------------------------------------------------


def visit_ensure_registered(*, order: RegistrationOrder, wait_seconds: float = 10.0) -> str:
    """The order's `mdtrt_id`, registering the outpatient visit with the gateway (2201) the first time.

    Two concurrent callers register once: the first claims the order with a conditional UPDATE (no lock is held
    across the HTTP call, which matters on SQLite), the other waits for the claim holder's answer.
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
    try:
        patient = patient_ensure_insured(patient=order.patient, business=BusinessRef.of(order))
        schedule = order.schedule
        doctor, dept = schedule.doctor, schedule.doctor.department
        visit = nhsa.register_outpatient(
            opter="system",
            insuplc_admdvs=patient.insuplc_admdvs,
            psn_no=patient.psn_no,
            insutype=patient.insutype,
            begntime=timezone.localtime(),
            mdtrt_cert_type=patient.mdtrt_cert_type,
            mdtrt_cert_no=patient.certno,
            ipt_otp_no=order.trace_no[-30:],
            atddr_no=doctor.code,
            dr_name=doctor.name,
            dept_code=dept.code,
            dept_name=dept.name,
            caty=dept.caty,
            business=BusinessRef.of(order),
        )
    except (UpstreamError, ApplicationError) as exc:
        RegistrationOrder.objects.filter(pk=order.pk).update(visit_claimed_at=None)
        if isinstance(exc, UpstreamError):
            raise ApplicationError(f"医保就诊登记失败，请稍后重试（{exc.upstream_message or exc}）") from exc
        raise
    RegistrationOrder.objects.filter(pk=order.pk).update(mdtrt_id=visit.mdtrt_id, visit_claimed_at=None)
    order.mdtrt_id = visit.mdtrt_id
    return visit.mdtrt_id


def _claim_free(now):
    from django.db.models import Q

    return Q(visit_claimed_at__isnull=True) | Q(visit_claimed_at__lt=now - VISIT_CLAIM_TTL)


# --- org_003: the settlement write-back --------------------------------------------------------------------------

# The amounts of org_003's setlinfo that the ledger keeps in columns; all of them are kept verbatim in `setlinfo`.
LEDGER_AMOUNTS = ("medfee_sumamt", "fund_pay_sumamt", "psn_part_amt", "psn_cash_pay", "acct_pay", "hosp_part_amt")
IDENTITY_FIELDS = ("org_trace_no", "mdtrt_cert_no", "setl_id", "mdtrt_id", "amp_trace_id", "trace_id", "doc_trace_no")


def _fingerprint(data: dict, amounts: dict) -> str:
    canonical = {k: data.get(k) or "" for k in IDENTITY_FIELDS} | {k: format_money(v) for k, v in amounts.items()}
    return hashlib.sha256(json.dumps(canonical, sort_keys=True).encode()).hexdigest()


def settlement_record(*, data: dict, amounts: dict, exchange=None) -> dict:
    """Book the platform's settlement once. `amounts` are the parsed Decimal amounts that were present.

    Same content again: the stored reply. Different content for a settled order: refused, and the order is
    flagged for staff (the flag is committed before the refusal is raised).
    """
    trace_no = data["org_trace_no"]
    fingerprint = _fingerprint(data, amounts)
    with transaction.atomic():
        order = RegistrationOrder.objects.select_for_update().filter(trace_no=trace_no).first()
        if order is None:
            raise ApplicationError(f"org_trace_no: 未找到机构跟踪号 {trace_no}")
        if exchange is not None:
            exchange_attach(exchange, order)
        if order.patient.certno != data["mdtrt_cert_no"].strip().upper():
            raise ApplicationError("mdtrt_cert_no: 与该订单的患者不一致")
        if not order.settlement_fingerprint:
            return _settlement_book(order, data=data, amounts=amounts, fingerprint=fingerprint)
        if order.settlement_fingerprint == fingerprint:
            return order.settlement_reply
        _flag(order, "平台重复回写的结算内容与首次不一致，已拒绝，请核查")
        order.save(update_fields=["needs_review", "review_note", "updated_at"])
    log.error("conflicting org_003 for %s refused and flagged", trace_no)
    raise ApplicationError(f"org_trace_no: {trace_no} 已结算，本次回写内容与首次不一致，已拒绝")


def _settlement_book(order: RegistrationOrder, *, data: dict, amounts: dict, fingerprint: str) -> dict:
    """Within the transaction holding the order's lock: the money record, the order paid, the messages."""
    setl_time = data.get("setl_time")
    movement = MoneyMovement.objects.create(
        kind=Kind.OUTPATIENT_SETTLEMENT,
        channel=Channel.PAYLATER_ONLINE,
        status=Status.SUCCEEDED,
        patient=order.patient,
        org_trace_no=order.trace_no,
        amount=amounts["feesum_amt"],
        setlinfo={k: format_money(v) for k, v in amounts.items()},
        setl_id=data.get("setl_id") or "",
        mdtrt_id=data.get("mdtrt_id") or order.mdtrt_id,
        amp_trace_id=data["amp_trace_id"],
        trace_id=data.get("trace_id") or "",
        call_sn=f"CS{order.pk:08d}{secrets.token_hex(4).upper()}",
        occurred_at=datetime.datetime.fromtimestamp(setl_time / 1000, tz=datetime.UTC) if setl_time else None,
        source_type=order._meta.label_lower,
        source_id=str(order.pk),
        **{k: amounts[k] for k in LEDGER_AMOUNTS if k in amounts},
    )
    for name in ("feesum_amt", "medfee_sumamt"):
        if name in amounts and amounts[name] != order.fee:
            _flag(order, f"平台结算 {name} {format_money(amounts[name])} 与挂号费 {format_money(order.fee)} 不一致")
    order.settlement = movement
    order.settlement_fingerprint = fingerprint
    order.settlement_reply = {
        "call_sn": movement.call_sn,
        "balance": "0.00",
        "druginfo": "",
        "common_tip_list": order_messages.tips(order),
    }
    if not order.mdtrt_id and movement.mdtrt_id:
        order.mdtrt_id = movement.mdtrt_id
    if order.state == OrderState.PAID:  # 附录四 confirmed first: the messages now carry the platform's ids
        order.save()
        for body in order_messages.paid_messages(order):
            message_enqueue(body=body, business=order)
    else:
        _mark_paid(order, reason="平台结算回写 org_003")
    return order.settlement_reply


# --- Refunds (AMP_HOS_002, full refunds only) -------------------------------------------------------------------


def order_refund(*, order: RegistrationOrder, reason: str) -> str:
    """Refund a paid online registration in full through the platform. Returns the message for staff.

    The refund is a money call: a timeout leaves it unknown, and it is then resolved by AMP_HOS_003
    (`resolve_pending`), never sent again. One refund at a time per order; a refused one may be tried again
    under a new outRefundNo.
    """
    reason = (reason or "").strip()[:100]
    if not reason:
        raise ApplicationError("请填写退费原因", {"field": "reason"})
    with transaction.atomic():
        order = _locked(order)
        if order.state != OrderState.PAID or order.settlement is None:
            raise ApplicationError(f"订单{order.get_state_display()}，只有已支付且已收到平台结算的订单可以退费")
        previous = selectors.order_refunds(order=order)
        if previous.exclude(status=Status.FAILED).exists():
            raise ApplicationError("该订单已有退费在处理中或已完成，不能重复退费")
        settlement = order.settlement
        movement = MoneyMovement.objects.create(
            kind=Kind.REFUND,
            channel=Channel.PAYLATER_ONLINE,
            status=Status.PENDING,
            patient=order.patient,
            # The refund's own order number: the daily file lists refunds under it (退款订单号).
            org_trace_no=f"RF{order.trace_no}{previous.count() + 1:02d}",
            amount=-settlement.amount,
            setl_id=settlement.setl_id,
            mdtrt_id=settlement.mdtrt_id,
            amp_trace_id=settlement.amp_trace_id,
            trace_id=settlement.trace_id,
            source_type=order._meta.label_lower,
            source_id=str(order.pk),
            note=reason,
        )
    try:
        result = paylater.refund(
            amp_trace_id=settlement.amp_trace_id,
            trace_id=settlement.trace_id,
            org_trace_no=order.trace_no,
            out_refund_no=movement.org_trace_no,
            org_refund_sn=movement.org_trace_no,
            refund_reason=reason,
            business=BusinessRef.of(movement),
        )
    except UpstreamUnknownOutcome:
        MoneyMovement.objects.filter(pk=movement.pk).update(status=Status.UNKNOWN)
        return "退费结果未知（平台未及时应答）。系统将自动向平台核实，不会重复退费；请稍后查看订单状态。"
    except InvalidRequest as exc:  # nothing was sent
        refund_finish(movement=movement, took_effect=False, detail=str(exc))
        return f"退费请求不完整，未发送给平台：{exc}"
    except UpstreamError as exc:
        refund_finish(movement=movement, took_effect=False, detail=str(exc))
        return f"平台未受理退费：{exc.upstream_message or exc}"
    if result.state == RefundState.DONE:
        refund_finish(movement=movement, took_effect=True, detail=f"tradeStatus={result.trade_status}")
        return "退费成功，号源已释放。"
    if result.state == RefundState.FAILED:
        refund_finish(movement=movement, took_effect=False, detail=f"tradeStatus={result.trade_status}")
        return f"平台退费失败（{result.trade_status}）。"
    return "平台已受理退费，正在处理中；完成后订单状态会自动更新。"


def refund_finish(*, movement: MoneyMovement, took_effect: bool, detail: str) -> None:
    """A refund's final word, from its own answer, from AMP_HOS_003, or from the recovery service."""
    with transaction.atomic():
        movement = MoneyMovement.objects.select_for_update().get(pk=movement.pk)
        if movement.status in (Status.SUCCEEDED, Status.FAILED):
            return
        movement.status = Status.SUCCEEDED if took_effect else Status.FAILED
        movement.occurred_at = timezone.now() if took_effect else None
        movement.note = f"{movement.note}；{detail}"[:200]
        movement.save(update_fields=["status", "occurred_at", "note"])
        if not took_effect:
            return
        order = RegistrationOrder.objects.select_for_update().get(pk=movement.source_id)
        _transition(order, OrderState.REFUNDED)
        order.save(update_fields=["state", "updated_at"])
        _release_place(order)
        message_enqueue(body=order_messages.refund_message(order, movement), business=order)


def refunds_follow_up() -> int:
    """Ask AMP_HOS_003 about refunds the platform accepted but had not finished. Returns how many ended."""
    ended = 0
    accepted = MoneyMovement.objects.filter(
        kind=Kind.REFUND, status=Status.PENDING, created_at__lte=timezone.now() - datetime.timedelta(minutes=1)
    )
    for movement in accepted:
        try:
            result = paylater.refund_result(
                amp_trace_id=movement.amp_trace_id,
                trace_id=movement.trace_id,
                out_refund_no=movement.org_trace_no,
                business=BusinessRef.of(movement),
            )
        except UpstreamError:
            continue
        if result.state != RefundState.PROCESSING:
            refund_finish(
                movement=movement,
                took_effect=result.state == RefundState.DONE,
                detail=f"AMP_HOS_003 tradeStatus={result.trade_status}",
            )
            ended += 1
    return ended
