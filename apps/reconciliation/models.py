"""Daily reconciliation: the platform's files as received, their lines, what did not match the ledger, finance's
explanations, and the gateway's 3201 totals and 3202 detail.

Nothing here holds money of its own: amounts are copies of what the platform's file says (CheckLine) or of what the
ledger says (Discrepancy.local_amount), kept to show finance the difference. Explaining a discrepancy adds a
note; it never changes an amount.
"""

from django.conf import settings
from django.db import models

from apps.core.money import MoneyField


class Source(models.TextChoices):
    FETCH = "fetch", "自动下载"
    COMMAND = "command", "命令导入"
    UPLOAD = "upload", "页面上传"


class FileState(models.TextChoices):
    RECEIVED = "received", "待导入"
    IMPORTING = "importing", "导入中"
    CURRENT = "current", "已导入"
    REPLACED = "replaced", "已被新文件替换"
    REFUSED = "refused", "已拒绝"


class CheckFile(models.Model):
    """One reconciliation file as received, byte for byte (its chunks), and what importing it found.

    A day has at most one CURRENT file; a different file for the same day replaces it and the earlier one stays
    as REPLACED, with its findings and the lines they point at, for history.
    """

    bill_date = models.DateField("对账日期", db_index=True)
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    size = models.BigIntegerField("字节数")
    source = models.CharField("来源", max_length=10, choices=Source.choices)
    source_detail = models.CharField("来源说明", max_length=300, blank=True, default="")
    received_at = models.DateTimeField("接收时间", auto_now_add=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", null=True, blank=True, on_delete=models.SET_NULL
    )
    state = models.CharField("状态", max_length=10, choices=FileState.choices, default=FileState.RECEIVED)
    encoding = models.CharField("编码", max_length=10, blank=True, default="")
    delimiter = models.CharField("分隔符", max_length=4, blank=True, default="")
    error = models.CharField("拒绝原因", max_length=500, blank=True, default="")
    progress = models.PositiveIntegerField("已处理行数", default=0)
    imported_at = models.DateTimeField("导入完成时间", null=True, blank=True)
    # The import's findings: CONTRACT.md section 6 counts plus totals (strings, two places).
    summary = models.JSONField("对账结果", default=dict, blank=True)

    class Meta:
        verbose_name = "对账文件"
        verbose_name_plural = "对账文件"
        ordering = ["-bill_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["bill_date"], condition=models.Q(state="current"), name="recon_one_current_file_per_day"
            )
        ]

    def __str__(self):
        return f"{self.bill_date} {self.sha256[:12]}"


class FileChunk(models.Model):
    """The raw file in pieces of at most CHUNK_SIZE bytes, so neither storing nor reading it needs it whole."""

    file = models.ForeignKey(CheckFile, on_delete=models.CASCADE, related_name="chunks")
    seq = models.PositiveIntegerField()
    data = models.BinaryField()

    class Meta:
        verbose_name = "对账文件原文"
        verbose_name_plural = "对账文件原文"
        constraints = [models.UniqueConstraint(fields=["file", "seq"], name="recon_chunk_once")]


class CheckLine(models.Model):
    """A detail line of a file (INTERFACES.md 1.6) that disagrees with the ledger, kept for its discrepancy: a
    payment, or a refund with a negative amount. The lines that match are not kept one by one: the file is, byte
    for byte (FileChunk), and its counts and totals (CheckFile.summary)."""

    # No database constraint: a file the ledger knows nothing of has a million such lines, written in one statement;
    # lines are only ever written and removed by `services` together with their file.
    file = models.ForeignKey(CheckFile, on_delete=models.CASCADE, related_name="lines", db_constraint=False)
    line_no = models.PositiveIntegerField("行号")
    order_no = models.CharField("订单号", max_length=64)
    bank_order_no = models.CharField("银行订单号", max_length=64, blank=True, default="")
    traded_at = models.DateTimeField("交易时间")
    status = models.CharField("交易状态", max_length=20)
    description = models.CharField("交易描述", max_length=100, blank=True, default="")
    amount = MoneyField("交易金额")
    bank_refund_sn = models.CharField("银行退费流水号", max_length=64, blank=True, default="")
    discount = MoneyField("优惠退款费用")

    class Meta:
        verbose_name = "对账明细"
        verbose_name_plural = "对账明细"
        indexes = [models.Index(fields=["file", "order_no"], name="recon_line_order")]


class Category(models.TextChoices):
    MISSING_LOCAL = "missing_local", "本院无记录"
    MISSING_PLATFORM = "missing_platform", "平台无记录"
    AMOUNT_MISMATCH = "amount_mismatch", "金额不符"
    STATUS_MISMATCH = "status_mismatch", "状态不符"


class Direction(models.TextChoices):
    PAYMENT = "payment", "收款"
    REFUND = "refund", "退款"


class Discrepancy(models.Model):
    """One order on which the platform's file and the ledger disagree."""

    file = models.ForeignKey(CheckFile, on_delete=models.CASCADE, related_name="discrepancies")
    bill_date = models.DateField("对账日期", db_index=True)
    category = models.CharField("差异类型", max_length=20, choices=Category.choices, db_index=True)
    direction = models.CharField("方向", max_length=10, choices=Direction.choices)
    order_no = models.CharField("订单号", max_length=64, db_index=True)
    line = models.ForeignKey(
        # DO_NOTHING: lines are deleted in bulk (a refused file's), and only imported files have discrepancies.
        CheckLine,
        verbose_name="平台明细",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
    )
    movement = models.ForeignKey(
        "ledger.MoneyMovement", verbose_name="本院资金记录", null=True, blank=True, on_delete=models.PROTECT
    )
    platform_amount = MoneyField("平台金额", null=True, blank=True)
    local_amount = MoneyField("本院金额", null=True, blank=True)
    platform_status = models.CharField("平台状态", max_length=20, blank=True, default="")
    local_status = models.CharField("本院状态", max_length=10, blank=True, default="")
    explained = models.BooleanField("已说明", default=False, db_index=True)

    class Meta:
        verbose_name = "对账差异"
        verbose_name_plural = "对账差异"
        ordering = ["category", "order_no", "id"]

    def __str__(self):
        return f"{self.bill_date} {self.get_category_display()} {self.order_no}"

    @property
    def platform_status_label(self) -> str:
        return platform_status_label(self.platform_status)

    @property
    def local_status_label(self) -> str:
        return local_status_label(self.local_status)


class DiscrepancyNote(models.Model):
    """Finance's explanation of a discrepancy: who, when, what. Append-only; the latest one is shown."""

    discrepancy = models.ForeignKey(Discrepancy, verbose_name="差异", on_delete=models.CASCADE, related_name="notes")
    text = models.CharField("说明", max_length=500)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="说明人", on_delete=models.PROTECT)
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "差异说明"
        verbose_name_plural = "差异说明"
        ordering = ["-created_at", "-id"]


class GatewayCheck(models.Model):
    """3201 for one day, insurance type, clearing type and clearing agency: the ledger's totals as sent and the
    gateway's verdict. Where the totals differ, `detail` lists the ledger's settlements of that group."""

    bill_date = models.DateField("对账日期", db_index=True)
    insutype = models.CharField("险种类型", max_length=6)
    clr_type = models.CharField("清算类别", max_length=6)
    setl_optins = models.CharField("结算经办机构", max_length=6)
    medfee_sumamt = MoneyField("医疗费总额")
    fund_pay_sumamt = MoneyField("基金支付总额")
    acct_pay = MoneyField("个人账户支付")
    fixmedins_setl_cnt = models.PositiveIntegerField("结算笔数")
    stmt_rslt = models.CharField("对账结果", max_length=6, blank=True, default="")
    stmt_rslt_dscr = models.CharField("结果说明", max_length=300, blank=True, default="")
    error = models.CharField("未能对账的原因", max_length=300, blank=True, default="")
    detail = models.JSONField("明细", default=list, blank=True)
    checked_at = models.DateTimeField("对账时间", auto_now=True)

    class Meta:
        verbose_name = "医保对总账"
        verbose_name_plural = "医保对总账"
        ordering = ["-bill_date", "insutype", "clr_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["bill_date", "insutype", "clr_type", "setl_optins"], name="recon_gateway_once_per_group"
            )
        ]

    @property
    def balanced(self) -> bool:
        return self.stmt_rslt == "0"


class DetailResult(models.TextChoices):
    """What 3202 says of one settlement, in finance's words."""

    MATCHED = "matched", "一致"
    AMOUNT_MISMATCH = "amount_mismatch", "金额不符"
    MISSING_GATEWAY = "missing_gateway", "医保无此结算"
    MISSING_LOCAL = "missing_local", "本院无此结算"
    OTHER = "other", "其他（见说明）"


class GatewayDetail(models.Model):
    """3202 for one day, clearing type and agency, run where a 3201 of that clearing type disagreed: the file of
    the ledger's standing settlements (all insurance types: 3202 has no insutype) and its totals as sent, the
    gateway's result file, or why it could not be done."""

    bill_date = models.DateField("对账日期", db_index=True)
    clr_type = models.CharField("清算类别", max_length=6)
    setl_optins = models.CharField("结算经办机构", max_length=6)
    medfee_sumamt = MoneyField("医疗费总额")
    fund_pay_sumamt = MoneyField("基金支付总额")
    cash_payamt = MoneyField("现金支付总额")
    fixmedins_setl_cnt = models.PositiveIntegerField("结算笔数")
    upload_qury_no = models.CharField("上传文件查询号", max_length=100, blank=True, default="")
    result_qury_no = models.CharField("结果文件查询号", max_length=100, blank=True, default="")
    result_filename = models.CharField("结果文件名", max_length=100, blank=True, default="")
    error = models.CharField("未能对明细账的原因", max_length=300, blank=True, default="")
    checked_at = models.DateTimeField("对账时间", auto_now=True)

    class Meta:
        verbose_name = "医保对明细账"
        verbose_name_plural = "医保对明细账"
        ordering = ["-bill_date", "clr_type", "setl_optins"]
        constraints = [
            models.UniqueConstraint(fields=["bill_date", "clr_type", "setl_optins"], name="recon_detail_once_per_group")
        ]


class GatewayDetailLine(models.Model):
    """One row of a 3202 result: the gateway's verdict on one settlement, with the ledger's amounts beside the
    gateway's (either side empty where it has no such settlement)."""

    detail = models.ForeignKey(GatewayDetail, verbose_name="对明细账", on_delete=models.CASCADE, related_name="lines")
    bill_date = models.DateField("对账日期")
    insutype = models.CharField("险种类型", max_length=6, blank=True, default="")
    setl_id = models.CharField("结算ID", max_length=40)
    mdtrt_id = models.CharField("就诊ID", max_length=40, blank=True, default="")
    psn_no = models.CharField("人员编号", max_length=30, blank=True, default="")
    org_trace_no = models.CharField("机构订单号", max_length=64, blank=True, default="")
    stmt_rslt = models.CharField("对账结果代码", max_length=6)
    result = models.CharField("对账结果", max_length=20, choices=DetailResult.choices)
    memo = models.CharField("说明", max_length=300, blank=True, default="")
    local_medfee_sumamt = MoneyField("本院医疗费总额", null=True, blank=True)
    local_fund_pay_sumamt = MoneyField("本院基金支付", null=True, blank=True)
    local_acct_pay = MoneyField("本院个人账户", null=True, blank=True)
    gateway_medfee_sumamt = MoneyField("医保医疗费总额", null=True, blank=True)
    gateway_fund_pay_sumamt = MoneyField("医保基金支付", null=True, blank=True)
    gateway_acct_pay = MoneyField("医保个人账户", null=True, blank=True)

    class Meta:
        verbose_name = "医保对明细账结果"
        verbose_name_plural = "医保对明细账结果"
        ordering = ["id"]
        indexes = [models.Index(fields=["detail", "result"], name="recon_detail_line_result")]


class FetchAttempt(models.Model):
    """A download of a day's file by the worker, kept so that retries back off and finance sees failures."""

    bill_date = models.DateField("对账日期", db_index=True)
    attempted_at = models.DateTimeField("时间", auto_now_add=True)
    ok = models.BooleanField("成功", default=False)
    message = models.CharField("结果", max_length=500, blank=True, default="")

    class Meta:
        verbose_name = "对账文件下载"
        verbose_name_plural = "对账文件下载"
        ordering = ["-attempted_at", "-id"]


def platform_status_label(status: str) -> str:
    return "成功" if status == "SUCCESS" else status


def local_status_label(status: str) -> str:
    from apps.ledger.models import Status

    return Status(status).label if status in Status.values else status
