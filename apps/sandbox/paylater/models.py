"""State of the simulated pay-after-care platform. Nothing in the portal's business code reads these tables.

People (and their 身份证号, encrypted) live in `apps.sandbox.models.Person`; rows here point at them, so no
table of this app holds an identity number of its own.
"""

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from apps.core.money import MoneyField
from apps.sandbox.models import Person


class SeenNonce(models.Model):
    """Nonces of the portal's signed calls, remembered for the authentication window."""

    app_id = models.CharField(max_length=64)
    nonce = models.CharField(max_length=64)
    seen_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "已用随机数"
        verbose_name_plural = "已用随机数"
        constraints = [models.UniqueConstraint(fields=["app_id", "nonce"], name="sandbox_paylater_nonce_once")]


class SignLink(models.Model):
    """The opaque `querySign` token of a signing URL (附录五)."""

    token = models.CharField("令牌", max_length=64, unique=True)
    person = models.ForeignKey(Person, verbose_name="人员", on_delete=models.CASCADE)
    org_code = models.CharField("机构编码", max_length=30)
    created_at = models.DateTimeField("创建时间")
    signed_at = models.DateTimeField("签约时间", null=True, blank=True)
    declined_at = models.DateTimeField("暂不签约时间", null=True, blank=True)

    class Meta:
        verbose_name = "签约链接"
        verbose_name_plural = "签约链接"


class CashierLink(models.Model):
    """The opaque `queryStr` token of a cashier URL (附录一): binds the hospital, the person and the order."""

    token = models.CharField("令牌", max_length=64, unique=True)
    org_code = models.CharField("机构编码", max_length=30)
    person = models.ForeignKey(Person, verbose_name="人员", on_delete=models.CASCADE)
    trace_no = models.CharField("机构跟踪号", max_length=64)
    created_at = models.DateTimeField("创建时间")

    class Meta:
        verbose_name = "收银台链接"
        verbose_name_plural = "收银台链接"


class PaymentStatus(models.TextChoices):
    SETTLING = "settling", "结算中"
    PAID = "paid", "已支付"
    REFUNDED = "refunded", "已全额退款"


class CallbackStatus(models.TextChoices):
    PENDING = "pending", "未回写"
    OK = "ok", "回写成功"
    FAILED = "failed", "回写失败"


class Payment(models.Model):
    """One pay-after-care payment of one hospital order (`org_trace_no`), settled with the gateway.

    The row is inserted (status `settling`) before the gateway is called: the unique order key is the claim
    that stops two browsers paying the same bill.
    """

    org_code = models.CharField("机构编码", max_length=30)
    org_trace_no = models.CharField("机构跟踪号", max_length=64)
    person = models.ForeignKey(Person, verbose_name="人员", on_delete=models.PROTECT)
    status = models.CharField("状态", max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.SETTLING)
    doc_trace_no = models.CharField("单据流水号", max_length=64, blank=True, default="")
    mdtrt_id = models.CharField("就诊ID", max_length=40)
    psn_no = models.CharField("人员编号", max_length=30)
    msgid = models.CharField("结算报文ID", max_length=40, blank=True, default="")
    setl_id = models.CharField("结算ID", max_length=40, blank=True, default="")
    amp_trace_id = models.CharField("区域平台交易跟踪号", max_length=64, unique=True)
    trace_id = models.CharField("平台结算跟踪号", max_length=64, unique=True)
    pay_chnl_ord_sn = models.CharField("银行订单号", max_length=64, unique=True)
    pay_ord_id = models.CharField("平台订单号", max_length=64, unique=True)
    medfee_sumamt = MoneyField("医疗费总额")
    fund_pay_sumamt = MoneyField("基金支付", default=0)
    acct_pay = MoneyField("个人账户支付", default=0)
    psn_cash_pay = MoneyField("个人现金（先医后付）", default=0)
    setlinfo = models.JSONField("结算信息", default=dict, blank=True, encoder=DjangoJSONEncoder)
    paid_at = models.DateTimeField("支付时间", null=True, blank=True)
    org_003_status = models.CharField(
        "org_003 回写", max_length=10, choices=CallbackStatus.choices, default=CallbackStatus.PENDING
    )
    org_003_attempts = models.PositiveSmallIntegerField("org_003 次数", default=0)
    org_003_reply = models.JSONField("org_003 应答", null=True, blank=True, encoder=DjangoJSONEncoder)
    org_003_error = models.CharField("org_003 错误", max_length=300, blank=True, default="")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "支付"
        verbose_name_plural = "支付"
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["org_code", "org_trace_no"], name="sandbox_paylater_order_paid_once")
        ]


class AccessCode(models.Model):
    """The 附录四 token handed to the hospital's backUrl; valid for ten minutes after it is issued."""

    code = models.CharField("令牌", max_length=32, unique=True)
    payment = models.ForeignKey(Payment, verbose_name="支付", on_delete=models.CASCADE, related_name="access_codes")
    issued_at = models.DateTimeField("签发时间")

    class Meta:
        verbose_name = "支付结果令牌"
        verbose_name_plural = "支付结果令牌"
        ordering = ["-id"]


class PushedMessage(models.Model):
    """An AMP_HOS_001 message as the patient's phone shows it. Name and 身份证号 live on `person` only."""

    org_code = models.CharField("机构编码", max_length=30)
    med_org_ord = models.CharField("机构消息单号", max_length=64)
    push_type = models.CharField("消息类型", max_length=30)
    order_status = models.CharField("订单状态", max_length=30, blank=True, default="")
    person = models.ForeignKey(Person, verbose_name="人员", on_delete=models.CASCADE, related_name="+")
    body = models.JSONField("消息内容（不含姓名证件号）", default=dict)
    received_at = models.DateTimeField("接收时间")

    class Meta:
        verbose_name = "推送消息"
        verbose_name_plural = "推送消息"
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["org_code", "med_org_ord", "push_type", "order_status"], name="sandbox_paylater_push_once"
            )
        ]


class RefundStatus(models.TextChoices):
    PROCESSING = "PROCESSING", "退款中"
    SUCCESS = "SUCCESS", "退款成功"


class Refund(models.Model):
    """A full refund (AMP_HOS_002). One per payment; `outRefundNo` is the hospital's idempotency key."""

    org_code = models.CharField("机构编码", max_length=30)
    out_refund_no = models.CharField("外部退款流水号", max_length=64)
    payment = models.OneToOneField(Payment, verbose_name="支付", on_delete=models.PROTECT, related_name="refund")
    org_refund_sn = models.CharField("机构退款流水号", max_length=64, blank=True, default="")
    refund_reason = models.CharField("退款原因", max_length=200, blank=True, default="")
    amount = MoneyField("退款金额")
    trade_status = models.CharField("交易状态", max_length=12, choices=RefundStatus.choices)
    refund_trace_id = models.CharField("平台退款流水号", max_length=64, unique=True)
    amp_refund_id = models.CharField("区域平台退款流水号", max_length=64, unique=True)
    pay_chnl_refund_sn = models.CharField("银行退款订单号", max_length=64, unique=True)
    bank_refund_serial = models.CharField("银行退费流水号", max_length=64, unique=True)
    reversal = models.JSONField("冲销结算信息", default=dict, blank=True, encoder=DjangoJSONEncoder)
    refunded_at = models.DateTimeField("退款完成时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "退款"
        verbose_name_plural = "退款"
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["org_code", "out_refund_no"], name="sandbox_paylater_refund_no_once")
        ]


class CheckFilePlant(models.Model):
    """Discrepancies planted in one day's reconciliation file, for demos and tests: one payment left out, one
    with its amount raised, one listed in another state, and one order the hospital never issued."""

    org_code = models.CharField("机构编码", max_length=30)
    bill_date = models.DateField("对账日期")
    omit = models.CharField("漏列的订单号", max_length=64)
    amount_changed = models.CharField("金额改动的订单号", max_length=64)
    state_changed = models.CharField("状态改动的订单号", max_length=64)
    extra = models.CharField("多出的订单号", max_length=64)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "对账差异植入"
        verbose_name_plural = "对账差异植入"
        constraints = [
            models.UniqueConstraint(fields=["org_code", "bill_date"], name="sandbox_paylater_plant_once_a_day")
        ]
