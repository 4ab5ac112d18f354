"""The single record of money. Every settlement, deposit, refund and reversal, whichever app caused it,
is one MoneyMovement row; reconciliation reads nothing else."""

from django.db import models

from apps.core.history import history_records
from apps.core.money import MoneyField


class Kind(models.TextChoices):
    OUTPATIENT_SETTLEMENT = "outpatient_settlement", "门诊结算"
    INPATIENT_SETTLEMENT = "inpatient_settlement", "住院结算"
    DEPOSIT = "deposit", "住院预交金"
    DEPOSIT_REFUND = "deposit_refund", "预交金退费"
    REFUND = "refund", "退款"


class Channel(models.TextChoices):
    PAYLATER_ONLINE = "paylater_online", "先医后付线上收银台"
    WINDOW = "window", "窗口"
    CLINIC = "clinic", "诊间"
    INPATIENT = "inpatient", "住院"


class Status(models.TextChoices):
    PENDING = "pending", "处理中"
    UNKNOWN = "unknown", "结果未知"
    SUCCEEDED = "succeeded", "成功"
    FAILED = "failed", "失败"
    REVERSED = "reversed", "已冲正"


class MoneyMovement(models.Model):
    kind = models.CharField("类型", max_length=30, choices=Kind.choices)
    channel = models.CharField("渠道", max_length=20, choices=Channel.choices)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    patient = models.ForeignKey("patients.Patient", verbose_name="患者", on_delete=models.PROTECT)
    # The key the platform and the reconciliation file know this movement by.
    org_trace_no = models.CharField("机构跟踪号", max_length=64, db_index=True)
    amount = MoneyField("金额", help_text="患者侧的总金额；退款为负数")
    medfee_sumamt = MoneyField("医疗费总额", null=True, blank=True)
    fund_pay_sumamt = MoneyField("基金支付总额", null=True, blank=True)
    psn_part_amt = MoneyField("个人负担总金额", null=True, blank=True)
    psn_cash_pay = MoneyField("个人现金支出", null=True, blank=True)
    acct_pay = MoneyField("个人账户支出", null=True, blank=True)
    hosp_part_amt = MoneyField("医院负担金额", null=True, blank=True)
    setlinfo = models.JSONField("结算信息（原样）", default=dict, blank=True)
    setl_id = models.CharField("结算ID", max_length=40, blank=True, default="", db_index=True)
    mdtrt_id = models.CharField("就诊ID", max_length=40, blank=True, default="")
    amp_trace_id = models.CharField("平台交易跟踪号", max_length=64, blank=True, default="")
    trace_id = models.CharField("平台结算跟踪号", max_length=64, blank=True, default="")
    call_sn = models.CharField("门户回执号", max_length=64, blank=True, default="")
    msgid = models.CharField("医保报文ID", max_length=30, blank=True, default="")
    source_type = models.CharField("业务对象类型", max_length=60, blank=True, default="")
    source_id = models.CharField("业务对象ID", max_length=64, blank=True, default="")
    occurred_at = models.DateTimeField("发生时间", null=True, blank=True)
    created_at = models.DateTimeField("记录时间", auto_now_add=True)
    note = models.CharField("备注", max_length=200, blank=True, default="")

    history = history_records()

    class Meta:
        verbose_name = "资金记录"
        verbose_name_plural = "资金记录"
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["kind", "org_trace_no"], name="money_once_per_trace")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.org_trace_no} {self.amount}"
