"""What the simulated pay-after-care platform does: signing, cashier links, payments settled through the
simulated gateway and written back to the portal (org_003), patient messages, refunds and the daily file.

Every function takes already-shaped input (apis.py checks formats); business refusals raise `Refusal`, whose
`code` is the platform's answer code. Payments and refunds are claimed by inserting a row under a unique key
before the gateway is called, and no transaction is held across an HTTP call into the portal (which writes to
the same database).
"""

import logging
import secrets
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from apps.core.idcard import IdCardError, normalize_idcard
from apps.core.money import MoneyError, format_money, parse_money
from apps.sandbox import faults
from apps.sandbox.models import Fault, FaultMode, Person
from apps.sandbox.nhsa import engine
from apps.sandbox.paylater import clock, portal_client
from apps.sandbox.paylater.models import (
    AccessCode,
    CallbackStatus,
    CashierLink,
    CheckFilePlant,
    Payment,
    PaymentStatus,
    PushedMessage,
    Refund,
    RefundStatus,
    SignLink,
)
from apps.sandbox.people import person_by_certno

logger = logging.getLogger(__name__)

FAILURE = "999999"
NOT_SIGNED = "000100"
# [assumed] AMP_HOS_003 for an outRefundNo the platform never received: the refund certainly did not happen.
REFUND_NOT_FOUND = "100404"
ACCESS_CODE_TTL = timedelta(minutes=10)
CHECK_FILE_HEADER = "订单号,银行订单号,交易时间,交易状态,交易描述,交易金额,银行退费流水号,优惠退款费用"
# setlinfo amounts written back in org_003 (INTERFACES.md section 2); pool_prop_selfpay is a ratio, not money.
SETLINFO_AMOUNTS = (
    "medfee_sumamt", "fund_pay_sumamt", "psn_part_amt", "psn_cash_pay", "acct_pay", "hosp_part_amt", "hifp_pay",
    "hifmi_pay", "hifob_pay", "cvlserv_pay", "maf_pay", "oth_pay", "acct_mulaid_pay", "pool_prop_selfpay",
    "fulamt_ownpay_amt", "overlmt_selfpay", "preselfpay_amt", "inscp_scp_amt", "act_pay_dedc",
)  # fmt: skip
PUSH_TYPES = {
    "HOSPITAL_APPOINTMENT": "挂号单",
    "HOSPITAL_CHECK": "检查单",
    "HOSPITAL_MEDICINE": "医药单",
    "HOSPITAL_PAYMENT": "支付单",
    "HOSPITAL_GUIDE": "导诊",  # [assumed] no public name for guidance pushes
}
ORDER_STATUSES = {
    "MERCHANT_WAIT_PAY": "待支付",
    "MERCHANT_PAID": "已支付",
    "MERCHANT_PART_REFUNDED": "已部分退款",
    "MERCHANT_REFUNDED": "已全额退款",
    "MERCHANT_CLOSED": "已取消",
}
APP_TYPES = {"01": "门诊", "02": "住院", "03": "挂号", "04": "线上"}
FAULT_INTERFACES = ("sign_status", "cashier_link", "pay_info", "push_msg", "refund", "refund_result", "check_file")
CALLBACK_INTERFACES = ("org_003",)


class Refusal(Exception):
    """The platform says no; `message` names what is wrong (Chinese), `code` is the answer code."""

    def __init__(self, message: str, code: str = FAILURE):
        super().__init__(message)
        self.message = message
        self.code = code


def _token() -> str:
    return secrets.token_urlsafe(24)  # 32 URL-safe characters, 192 random bits


def _platform_id(prefix: str) -> str:
    return prefix + uuid.uuid4().hex[:24]


def _msgid(prefix: str, serial: int) -> str:
    """30 characters like the gateway's own: a sender code (12) + yyyyMMddHHmmss + a 4-digit serial. The
    platform's prefixes are its own, so its ids never meet the hospital's (which start with its 定点 code)."""
    return f"{prefix}{timezone.localtime(clock.now()):%Y%m%d%H%M%S}{serial % 10000:04d}"


def _check_org(org_code: str, field: str = "org_code") -> None:
    if org_code != settings.ORG_CODE:
        raise Refusal(f"{field}：机构 {org_code} 未开通先医后付")


def person_identify(*, name: str, certno: str, name_field: str = "user_name", certno_field: str = "cert_no"):
    """The platform's person for a name and 身份证号; an unknown identity becomes an unsigned resident."""
    try:
        certno = normalize_idcard(certno)
    except IdCardError as exc:
        raise Refusal(f"{certno_field}：{exc}") from None
    person = person_by_certno(certno, name=name)
    if person.name != name:
        raise Refusal(f"{name_field} 与 {certno_field} 不符：姓名与身份证号不是同一人")
    return person


# --- 附录五 / 附录一 / 附录四 ---------------------------------------------------------------------------------


def sign_status(*, org_code: str, user_name: str, cert_no: str) -> dict:
    _check_org(org_code)
    person = person_identify(name=user_name, certno=cert_no)
    if person.signed:
        return {"signStatus": 1}
    link = SignLink.objects.create(token=_token(), person=person, org_code=org_code, created_at=clock.now())
    query = urlencode({"querySign": link.token})
    return {"signStatus": 0, "signUrl": f"{settings.PORTAL_BASE_URL}{reverse('sandbox:sandbox_paylater:sign')}?{query}"}


def cashier_link_create(*, org_code: str, user_name: str, cert_no: str, trace_no: str) -> str | None:
    """The cashier URL for a signed person's order, or None when the person has not signed."""
    _check_org(org_code)
    person = person_identify(name=user_name, certno=cert_no)
    if not person.signed:
        return None
    link = CashierLink.objects.create(
        token=_token(), org_code=org_code, person=person, trace_no=trace_no, created_at=clock.now()
    )
    query = urlencode({"source": "h5-wx", "queryStr": link.token})
    return f"{settings.PORTAL_BASE_URL}{reverse('sandbox:sandbox_paylater:cashier')}?{query}"


def pay_info(*, access_code: str) -> dict:
    code = AccessCode.objects.select_related("payment__person").filter(code=access_code).first()
    if code is None or clock.now() >= code.issued_at + ACCESS_CODE_TTL:
        raise Refusal("access_code 无效或已过期（支付完成后 10 分钟内有效）")
    payment = code.payment
    return {
        "pay_result": "1",
        "org_trace_no": payment.org_trace_no,
        "mdtrt_id": payment.mdtrt_id,
        "psn_no": payment.psn_no,
        "cert_no": payment.person.certno,
    }


# --- Browser pages: signing -------------------------------------------------------------------------------


def back_url_checked(value: str | None) -> str:
    """The hospital's return address, refused unless it is an absolute http(s) URL; '' when none was given."""
    if not value:
        return ""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise Refusal("backUrl 必须是以 http:// 或 https:// 开头的完整地址")
    return value


def back_url_with(url: str, **params) -> str:
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True) + [(k, str(v)) for k, v in params.items()]
    return urlunsplit(parts._replace(query=urlencode(query)))


def sign_link_get(token: str | None) -> SignLink:
    link = SignLink.objects.select_related("person").filter(token=token or "").first()
    if link is None:
        raise Refusal("签约链接无效（querySign 不存在）")
    return link


def sign_decide(link: SignLink, *, agree: bool) -> None:
    now = clock.now()
    if agree:
        link.signed_at = now
        Person.objects.filter(pk=link.person_id).update(signed=True)
    else:
        link.declined_at = now
    link.save(update_fields=["signed_at", "declined_at"])


# --- Browser pages: cashier and the settle flow ------------------------------------------------------------


@dataclass
class Checkout:
    account: dict
    bill: dict
    amount: Decimal
    split: dict


@dataclass
class PayOutcome:
    payment: Payment | None = None
    access_code: str = ""
    already: bool = False
    error: str = ""


def cashier_link_get(token: str | None) -> CashierLink:
    link = CashierLink.objects.select_related("person").filter(token=token or "").first()
    if link is None:
        raise Refusal("收银台链接无效（queryStr 不存在）")
    return link


def order_payment(*, org_code: str, org_trace_no: str) -> Payment | None:
    return Payment.objects.filter(org_code=org_code, org_trace_no=org_trace_no).first()


def cashier_checkout(link: CashierLink) -> Checkout:
    """Ask the portal (org_001, org_002) for the person and the bill, and the gateway for the split."""
    certno = link.person.certno
    try:
        account = portal_client.account(org_code=link.org_code, certno=certno)
        bill = portal_client.unsettled_bill(org_code=link.org_code, certno=certno, org_trace_no=link.trace_no)
    except portal_client.PortalCallFailed as exc:
        raise Refusal(str(exc)) from None
    try:
        amount = parse_money(bill.get("medfee_sumamt"), field="org_002 medfee_sumamt")
    except MoneyError as exc:
        raise Refusal(str(exc)) from None
    if amount <= 0:
        raise Refusal("org_002：medfee_sumamt 必须大于 0")
    if not bill.get("mdtrt_id"):
        raise Refusal("org_002：订单缺少 mdtrt_id（医院尚未完成门诊登记）")
    try:
        split = engine.presettle(person=link.person, medfee_sumamt=amount)
    except engine.Refusal as exc:
        raise Refusal(f"医保预结算失败：{exc}") from None
    return Checkout(account=account, bill=bill, amount=amount, split=split)


def cashier_pay(link: CashierLink) -> PayOutcome:
    """Settle the link's order once: the portal's bill, the gateway's settlement, org_003, an access code."""
    existing = order_payment(org_code=link.org_code, org_trace_no=link.trace_no)
    if existing is not None:
        return _already(existing)
    try:
        checkout = cashier_checkout(link)
    except Refusal as exc:
        return PayOutcome(error=exc.message)
    try:
        payment = Payment.objects.create(
            org_code=link.org_code,
            org_trace_no=link.trace_no,
            person=link.person,
            doc_trace_no=str(checkout.bill.get("doc_trace_no") or ""),
            mdtrt_id=str(checkout.bill["mdtrt_id"]),
            psn_no=link.person.psn_no,
            amp_trace_id=_platform_id("AMP"),
            trace_id=_platform_id("TRC"),
            pay_chnl_ord_sn=_platform_id("BNK"),
            pay_ord_id=_platform_id("POD"),
            medfee_sumamt=checkout.amount,
        )
    except IntegrityError:  # another browser claimed the order a moment ago
        return _already(order_payment(org_code=link.org_code, org_trace_no=link.trace_no))
    payment.msgid = _msgid("PAYLATERSETL", payment.pk)
    try:
        setlinfo = engine.settle_outpatient(
            person=link.person,
            mdtrt_id=payment.mdtrt_id,
            medfee_sumamt=checkout.amount,
            paylater=True,
            msgid=payment.msgid,
        )
    except engine.Refusal as exc:  # nothing moved: withdraw the claim so the bill can be paid later
        logger.warning("sandbox paylater: settlement of %s refused: %s", payment.org_trace_no, exc)
        payment.delete()
        return PayOutcome(error=f"医保结算失败：{exc}")
    payment.setl_id = str(setlinfo["setl_id"])
    payment.fund_pay_sumamt = parse_money(setlinfo.get("fund_pay_sumamt", 0))
    payment.acct_pay = parse_money(setlinfo.get("acct_pay", 0))
    payment.psn_cash_pay = parse_money(setlinfo.get("psn_cash_pay", 0))
    payment.setlinfo = setlinfo
    payment.status = PaymentStatus.PAID
    payment.paid_at = clock.now()
    payment.save()
    org_003_deliver(payment, times=faults.callback_times("paylater", "org_003"))
    return PayOutcome(payment=payment, access_code=access_code_issue(payment).code)


def _already(payment: Payment) -> PayOutcome:
    if payment.status == PaymentStatus.SETTLING:
        return PayOutcome(payment=payment, already=True)
    return PayOutcome(payment=payment, already=True, access_code=access_code_issue(payment).code)


def access_code_issue(payment: Payment) -> AccessCode:
    return AccessCode.objects.create(code=secrets.token_hex(16), payment=payment, issued_at=clock.now())


def _wire_amount(name: str, value) -> str:
    if name == "pool_prop_selfpay":
        return str(Decimal(str(value)))
    return format_money(parse_money(value, field=name))


def _epoch_ms(payment: Payment) -> int:
    """setl_time as org_003 wants it (epoch milliseconds), from the gateway's yyyy-MM-dd HH:mm:ss."""
    try:
        moment = timezone.make_aware(datetime.strptime(str(payment.setlinfo.get("setl_time")), "%Y-%m-%d %H:%M:%S"))
    except ValueError:
        moment = payment.paid_at
    return int(moment.timestamp() * 1000)


def org_003_payload(payment: Payment) -> dict:
    setlinfo = payment.setlinfo
    payload = {
        "mdtrt_cert_no": payment.person.certno,
        "mdtrt_cert_type": "02",
        "org_trace_no": payment.org_trace_no,
        "amp_trace_id": payment.amp_trace_id,
        "doc_trace_no": payment.doc_trace_no,
        "feesum_amt": format_money(payment.medfee_sumamt),
        "org_code": payment.org_code,
        "trace_id": payment.trace_id,
        "used_patient_type": "01",
        "setl_id": payment.setl_id,
        "mdtrt_id": payment.mdtrt_id,
        "setl_time": _epoch_ms(payment),
    }
    payload |= {k: _wire_amount(k, setlinfo[k]) for k in SETLINFO_AMOUNTS if setlinfo.get(k) not in (None, "")}
    payload |= {k: str(setlinfo[k]) for k in ("clr_optins", "clr_way", "clr_type") if setlinfo.get(k)}
    return payload


def org_003_deliver(payment: Payment, *, times: int = 1) -> bool:
    """Write the settlement back to the portal `times` times (2 simulates the real platform's duplicates)."""
    payload = org_003_payload(payment)
    delivered = False
    for _ in range(times):
        payment.org_003_attempts += 1
        try:
            payment.org_003_reply = portal_client.call("org_003", payload)
        except portal_client.PortalCallFailed as exc:
            payment.org_003_error = str(exc)[:300]
        else:
            delivered = True
            payment.org_003_error = ""
    if delivered:
        payment.org_003_status = CallbackStatus.OK
    elif payment.org_003_status != CallbackStatus.OK:
        payment.org_003_status = CallbackStatus.FAILED
    payment.save(update_fields=["org_003_attempts", "org_003_reply", "org_003_error", "org_003_status"])
    return delivered


def org_003_resend(payment_id: int) -> bool:
    payment = Payment.objects.select_related("person").filter(pk=payment_id).exclude(status=PaymentStatus.SETTLING)
    if not payment.exists():
        raise Refusal("没有这笔已结算的支付")
    return org_003_deliver(payment.get())


# --- AMP_HOS_001: messages to the patient ------------------------------------------------------------------


def message_receive(*, fields: dict) -> bool:
    """Store a pushed message; False when the same (medOrgOrd, pushType, orderStatus) was stored before."""
    _check_org(fields["orgCode"], "orgCode")
    person = person_identify(
        name=fields["patientName"], certno=fields["idNo"], name_field="patientName", certno_field="idNo"
    )
    try:
        PushedMessage.objects.create(
            org_code=fields["orgCode"],
            med_org_ord=fields["medOrgOrd"],
            push_type=fields["pushType"],
            order_status=fields.get("orderStatus", ""),
            person=person,
            body={k: v for k, v in fields.items() if k not in ("patientName", "idNo")},
            received_at=clock.now(),
        )
    except IntegrityError:
        return False
    return True


def message_awaits_payment(message: PushedMessage) -> bool:
    return (
        message.push_type == "HOSPITAL_PAYMENT"
        and message.order_status == "MERCHANT_WAIT_PAY"
        and bool(message.body.get("orgTraceNo"))
    )


def phone_pay(*, message_id: int) -> PayOutcome:
    """The phone's "确认支付" on a pending-settlement message: the cashier's settle flow for its order."""
    message = PushedMessage.objects.select_related("person").filter(pk=message_id).first()
    if message is None or not message_awaits_payment(message):
        raise Refusal("这条消息不是待支付的结算单")
    trace_no = message.body["orgTraceNo"]
    link = CashierLink.objects.filter(org_code=message.org_code, person=message.person, trace_no=trace_no).first()
    if link is None:
        link = CashierLink.objects.create(
            token=_token(), org_code=message.org_code, person=message.person, trace_no=trace_no, created_at=clock.now()
        )
    return cashier_pay(link)


def message_has_detail(message: PushedMessage) -> bool:
    """A settled order's message: the phone's 详情 asks the hospital for the live guidance (org_006)."""
    if not message.body.get("orgTraceNo"):
        return False
    return message.push_type != "HOSPITAL_PAYMENT" or message.order_status == "MERCHANT_PAID"


def phone_detail(*, message_id: int) -> dict:
    """The phone's 详情 on a settled record: org_006 over HTTP, answered live by the hospital."""
    message = PushedMessage.objects.select_related("person").filter(pk=message_id).first()
    if message is None or not message_has_detail(message):
        raise Refusal("这条消息没有可查看的就诊详情")
    try:
        return portal_client.guidance_detail(
            org_code=message.org_code, certno=message.person.certno, org_trace_no=message.body["orgTraceNo"]
        )
    except portal_client.PortalCallFailed as exc:
        raise Refusal(str(exc)) from None


# --- AMP_HOS_002 / 003: refunds ------------------------------------------------------------------------------


def refund_apply(
    *,
    org_code: str,
    out_refund_no: str,
    org_trace_no: str,
    amp_trace_id: str,
    trace_id: str,
    refund_type: str,
    refund_reason: str = "",
    org_refund_sn: str = "",
) -> dict:
    """Refund a whole payment by reversing its settlement; a repeated outRefundNo answers the first answer."""
    _check_org(org_code, "orgCode")
    if refund_type != "02":
        raise Refusal("refundType：仅支持全额退款（02）")
    existing = Refund.objects.select_related("payment").filter(org_code=org_code, out_refund_no=out_refund_no).first()
    if existing is not None:
        if existing.payment.org_trace_no != org_trace_no:
            raise Refusal("outRefundNo 已用于另一笔订单")
        return refund_result(existing)
    payment = order_payment(org_code=org_code, org_trace_no=org_trace_no)
    if payment is None or payment.status == PaymentStatus.SETTLING:
        raise Refusal(f"orgTraceNo：平台没有已支付的订单 {org_trace_no}")
    if (amp_trace_id, trace_id) != (payment.amp_trace_id, payment.trace_id):
        raise Refusal("ampTraceId / traceId 与订单不符")
    try:
        refund = Refund.objects.create(
            org_code=org_code,
            out_refund_no=out_refund_no,
            payment=payment,
            org_refund_sn=org_refund_sn,
            refund_reason=refund_reason,
            amount=payment.medfee_sumamt,
            trade_status=RefundStatus.PROCESSING,
            refund_trace_id=_platform_id("RFT"),
            amp_refund_id=_platform_id("ARF"),
            pay_chnl_refund_sn=_platform_id("BRF"),
            bank_refund_serial=_platform_id("BSN"),
        )
    except IntegrityError:
        again = Refund.objects.filter(org_code=org_code, out_refund_no=out_refund_no).first()
        if again is not None:  # the same request, arriving twice at once
            return refund_result(again)
        raise Refusal(f"订单 {org_trace_no} 已全额退款，不能再次退款") from None
    try:
        with transaction.atomic():
            reversal = engine.reverse_settlement(
                person=payment.person,
                setl_id=payment.setl_id,
                mdtrt_id=payment.mdtrt_id,
                msgid=_msgid("PAYLATERRFND", refund.pk),
                infno="2208",
            )
    except engine.Refusal as exc:  # nothing moved: withdraw the claim so a retry can try again
        logger.warning("sandbox paylater: reversal of %s refused: %s", payment.setl_id, exc)
        refund.delete()
        raise Refusal(f"医保冲销失败：{exc}") from None
    refund.reversal = reversal
    refund.trade_status = RefundStatus.SUCCESS
    refund.refunded_at = clock.now()
    refund.save(update_fields=["reversal", "trade_status", "refunded_at"])
    Payment.objects.filter(pk=payment.pk).update(status=PaymentStatus.REFUNDED)
    return refund_result(refund)


def refund_result(refund: Refund) -> dict:
    payment = refund.payment
    return {
        "outRefundNo": refund.out_refund_no,
        "refundTraceId": refund.refund_trace_id,
        "ampRefundId": refund.amp_refund_id,
        "payChnlRefundSn": refund.pay_chnl_refund_sn,
        "traceId": payment.trace_id,
        "payChnlOrdSn": payment.pay_chnl_ord_sn,
        "payOrdId": payment.pay_ord_id,
        "tradeStatus": refund.trade_status,
        "refundAmount": format_money(refund.amount),
    }


def refund_query(*, org_code: str, out_refund_no: str) -> dict:
    _check_org(org_code, "orgCode")
    refund = Refund.objects.select_related("payment").filter(org_code=org_code, out_refund_no=out_refund_no).first()
    if refund is None:
        raise Refusal(f"未找到退款申请 {out_refund_no}", code=REFUND_NOT_FOUND)
    return refund_result(refund)


# --- Daily reconciliation file ------------------------------------------------------------------------------


def _local_text(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S")


def check_file_build(*, org_code: str, bill_date: date) -> str:
    """The day's file (INTERFACES.md 1.6): UTF-8, comma-separated, LF, a header line, one line per order.

    [assumed] Column 1 is the hospital's org_trace_no for payments and its outRefundNo for refunds; the amount
    is the order total (medfee_sumamt, as org_003 feesum_amt), negative on refund lines; status SUCCESS.
    A day with planted discrepancies (`check_file_plant`) lists them.
    """
    _check_org(org_code, "orgCode")
    start = timezone.make_aware(datetime.combine(bill_date, datetime.min.time()))
    end = start + timedelta(days=1)
    plant = CheckFilePlant.objects.filter(org_code=org_code, bill_date=bill_date).first()
    lines = [CHECK_FILE_HEADER]
    payments = Payment.objects.filter(org_code=org_code, paid_at__gte=start, paid_at__lt=end).order_by("paid_at", "pk")
    for p in payments:
        amount, status, words = p.medfee_sumamt, "SUCCESS", "支付成功"
        if plant and p.org_trace_no == plant.omit:
            continue
        if plant and p.org_trace_no == plant.amount_changed:
            amount += Decimal("1.00")
        if plant and p.org_trace_no == plant.state_changed:
            status, words = "CLOSED", "已关闭"
        lines.append(f"{p.org_trace_no},{p.pay_chnl_ord_sn},{_local_text(p.paid_at)},{status},{words},"
                     f"{format_money(amount)},,0.00")  # fmt: skip
    refunds = Refund.objects.filter(
        org_code=org_code, trade_status=RefundStatus.SUCCESS, refunded_at__gte=start, refunded_at__lt=end
    ).order_by("refunded_at", "pk")
    for r in refunds:
        lines.append(
            f"{r.out_refund_no},{r.pay_chnl_refund_sn},{_local_text(r.refunded_at)},SUCCESS,退款成功,"
            f"{format_money(-r.amount)},{r.bank_refund_serial},0.00"
        )
    if plant:
        lines.append(f"{plant.extra},B{plant.extra},{_local_text(start + timedelta(hours=12))},SUCCESS,支付成功,"
                     "66.00,,0.00")  # fmt: skip
    return "\n".join(lines) + "\n"


def check_file_plant(*, org_code: str, bill_date: date) -> CheckFilePlant:
    """Plant one discrepancy of each kind in the day's file, using three of the day's payments."""
    _check_org(org_code)
    start = timezone.make_aware(datetime.combine(bill_date, datetime.min.time()))
    orders = list(
        Payment.objects.filter(
            org_code=org_code, status=PaymentStatus.PAID, paid_at__gte=start, paid_at__lt=start + timedelta(days=1)
        )
        .order_by("paid_at", "pk")
        .values_list("org_trace_no", flat=True)[:3]
    )
    if len(orders) < 3:
        raise Refusal(f"{bill_date} 只有 {len(orders)} 笔已支付的订单，植入差异至少需要3笔")
    plant, _ = CheckFilePlant.objects.update_or_create(
        org_code=org_code,
        bill_date=bill_date,
        defaults={"omit": orders[0], "amount_changed": orders[1], "state_changed": orders[2],
                  "extra": f"PLANTED{bill_date:%Y%m%d}"},
    )  # fmt: skip
    return plant


# --- Sandbox index -------------------------------------------------------------------------------------------


def fault_set(*, interface: str, mode: str, remaining: int | None, delay_seconds: float) -> Fault:
    if interface not in FAULT_INTERFACES + CALLBACK_INTERFACES:
        raise Refusal(f"未知的接口 {interface}")
    if interface in CALLBACK_INTERFACES and mode != FaultMode.DUPLICATE_CALLBACK:
        raise Refusal(f"{interface} 是平台发出的回调，只能设置“回调发送两次”")
    return Fault.objects.create(
        party="paylater", interface=interface, mode=mode, remaining=remaining, delay_seconds=delay_seconds
    )


def fault_clear(*, fault_id: int) -> None:
    Fault.objects.filter(party="paylater", pk=fault_id).delete()
