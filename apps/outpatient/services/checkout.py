"""The patient's browser between the portal and the platform: signing (附录五), the cashier (附录一), and the
return, which only 附录四 and our own records can turn into "paid"."""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from apps.integrations.paylater import client as paylater
from apps.integrations.transport import UpstreamError, UpstreamRefused
from apps.outpatient.models import ORDER_TRANSITIONS, OrderState, RegistrationOrder
from apps.outpatient.services.orders import (
    order_expire_check,
    order_fail,
    order_locked,
    order_mark_paid,
    order_transition,
)
from apps.patients.services import patient_check_signature

log = logging.getLogger(__name__)


def _url(name: str, *args) -> str:
    """An absolute URL on the portal's configured origin; never built from the request."""
    return settings.PORTAL_BASE_URL + reverse(name, args=args)


@dataclass(frozen=True)
class Step:
    """Where the patient's browser goes next: an outside URL, or back to the order page with a message."""

    redirect_to: str | None = None
    message: str = ""


NOT_SIGNED_AFTER_SIGNING = (
    "您尚未签约先医后付，本次挂号暂未完成。如需先诊疗后付费，请点击「去签约先医后付」重新签约；"
    "不想签约的，可以取消本次挂号，到医院收费窗口挂号缴费。"
)


def order_proceed(*, order: RegistrationOrder, after_signing: bool = False) -> Step:
    """Move the order on: ask 附录五 and send the patient to sign, or ask 附录一 and send them to the cashier.

    Called on submission, on return from signing (the query string proves nothing, so 附录五 is asked again),
    and when the patient presses "pay". Back from signing still unsigned, she declined: she is told so on the
    order page, with her choices, instead of being sent to the signing page again.
    """
    order = order_expire_check(order=order)
    if not order.is_unpaid:
        return Step(message=f"订单{order.get_state_display()}。")
    try:
        signature = patient_check_signature(patient=order.patient, business=order)
    except UpstreamError as exc:
        log.warning("sign status for %s failed: %s", order.trace_no, exc)
        return Step(message="暂时无法连接先医后付平台，请稍后重试。")
    with transaction.atomic():
        order = order_locked(order)
        if not order.is_unpaid:
            return Step(message=f"订单{order.get_state_display()}。")
        target = OrderState.AWAITING_PAYMENT if signature.signed else OrderState.AWAITING_SIGNATURE
        # Forward only: an order already awaiting payment whose patient is no longer signed stays where it is,
        # and the patient is sent to sign again.
        if target in ORDER_TRANSITIONS[order.state]:
            order_transition(order, target)
            order.save(update_fields=["state", "updated_at"])
    if not signature.signed:
        if after_signing:
            return Step(message=NOT_SIGNED_AFTER_SIGNING)
        if not signature.sign_url:
            return Step(message="您尚未签约先医后付，平台暂未提供签约地址，请稍后重试。")
        return Step(
            redirect_to=paylater.with_back_url(signature.sign_url, _url("outpatient:order_signed", order.token))
        )
    try:
        link = paylater.cashier_link(
            user_name=order.patient.name, cert_no=order.patient.certno, trace_no=order.trace_no, business=order
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
        info = paylater.pay_info(access_code=access_code, business=order)
    except UpstreamRefused:
        return "支付凭证已失效或无效（凭证仅在支付后10分钟内有效）。如已付款，请稍候刷新本页查看结果。"
    except UpstreamError:
        return "暂时无法向平台确认支付结果，请稍候刷新本页。"
    if info.org_trace_no != order.trace_no:
        log.warning("access code for %s presented on order %s", info.org_trace_no, order.trace_no)
        return "该支付凭证不属于本订单，订单状态未改变。"
    if info.pay_result != 1:
        order_fail(order=order)
        return "平台确认本次支付未成功，挂号未完成，请重新挂号。"
    with transaction.atomic():
        order = order_locked(order)
        if order.state != OrderState.PAID:
            if info.mdtrt_id and not order.mdtrt_id:
                order.mdtrt_id = info.mdtrt_id
            order_mark_paid(order, reason="附录四确认支付成功")
    return "支付成功，挂号已确认。"
