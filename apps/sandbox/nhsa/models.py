"""State of the simulated national gateway. The portal never reads these tables; it only talks HTTP."""

from django.db import models

from apps.core.money import MoneyField


class SignIn(models.Model):
    sign_no = models.CharField("签到流水号", max_length=30, unique=True)
    opter = models.CharField("操作员", max_length=30)
    sign_date = models.DateField("签到日期")
    sign_time = models.DateTimeField("签到时间", auto_now_add=True)

    class Meta:
        verbose_name = "签到"
        verbose_name_plural = "签到"


class Message(models.Model):
    """Every message the gateway accepted for processing: msgid is never processed twice, and 2601 undoes the
    effect recorded here."""

    msgid = models.CharField("报文ID", max_length=30, unique=True)
    infno = models.CharField("交易编号", max_length=6)
    opter = models.CharField("操作员", max_length=30, blank=True, default="")
    psn_no = models.CharField("人员编号", max_length=30, blank=True, default="")
    infcode = models.IntegerField("结果", default=0)
    err_msg = models.CharField("错误信息", max_length=300, blank=True, default="")
    effect_kind = models.CharField("效果", max_length=20, blank=True, default="")
    effect_ref = models.CharField("效果对象", max_length=40, blank=True, default="")
    undone_by = models.CharField("冲正报文ID", max_length=30, blank=True, default="")
    undone_at = models.DateTimeField("冲正时间", null=True, blank=True)
    received_at = models.DateTimeField("收到时间", auto_now_add=True)

    class Meta:
        verbose_name = "报文"
        verbose_name_plural = "报文"
        ordering = ["-id"]


class Visit(models.Model):
    class Kind(models.TextChoices):
        OUTPATIENT = "otp", "门诊"
        INPATIENT = "ipt", "住院"

    mdtrt_id = models.CharField("就诊ID", max_length=30, unique=True)
    person = models.ForeignKey("sandbox.Person", verbose_name="人员", on_delete=models.PROTECT)
    kind = models.CharField("类别", max_length=3, choices=Kind.choices)
    med_type = models.CharField("医疗类别", max_length=6)
    begntime = models.CharField("开始时间", max_length=19)
    dept_code = models.CharField("科室编码", max_length=30, blank=True, default="")
    dept_name = models.CharField("科室名称", max_length=100, blank=True, default="")
    atddr_no = models.CharField("医师编码", max_length=30, blank=True, default="")
    dr_name = models.CharField("医师姓名", max_length=50, blank=True, default="")
    ipt_otp_no = models.CharField("住院/门诊号", max_length=30, blank=True, default="")
    cancelled = models.BooleanField("已撤销", default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "就诊"
        verbose_name_plural = "就诊"


class FeeLine(models.Model):
    mdtrt_id = models.CharField("就诊ID", max_length=30)
    feedetl_sn = models.CharField("明细流水号", max_length=30)
    chrg_bchno = models.CharField("收费批次号", max_length=30, blank=True, default="")
    med_list_codg = models.CharField("医保目录编码", max_length=50, blank=True, default="")
    det_item_fee_sumamt = MoneyField("明细金额")
    msgid = models.CharField("报文ID", max_length=30)

    class Meta:
        verbose_name = "费用明细"
        verbose_name_plural = "费用明细"
        constraints = [models.UniqueConstraint(fields=["mdtrt_id", "feedetl_sn"], name="sandbox_fee_line_once")]


class Settlement(models.Model):
    class Status(models.TextChoices):
        SETTLED = "settled", "已结算"
        REVERSED = "reversed", "已撤销/冲正"

    setl_id = models.CharField("结算ID", max_length=30, unique=True)
    msgid = models.CharField("结算报文ID", max_length=30, db_index=True)
    infno = models.CharField("交易", max_length=6)
    person = models.ForeignKey("sandbox.Person", verbose_name="人员", on_delete=models.PROTECT)
    mdtrt_id = models.CharField("就诊ID", max_length=30)
    paylater = models.BooleanField("先医后付", default=False)
    medfee_sumamt = MoneyField("医疗费总额")
    fund_pay_sumamt = MoneyField("基金支付")
    acct_pay = MoneyField("个人账户支付")
    psn_cash_pay = MoneyField("个人现金支付")
    setlinfo = models.JSONField("结算信息", default=dict)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.SETTLED)
    setl_time = models.DateTimeField("结算时间", auto_now_add=True)

    class Meta:
        verbose_name = "结算"
        verbose_name_plural = "结算"
        ordering = ["-id"]


class Deposit(models.Model):
    class Status(models.TextChoices):
        PAID = "paid", "已缴"
        REFUNDED = "refunded", "已退"
        REVERSED = "reversed", "已冲正"

    dpst_id = models.CharField("预交金ID", max_length=30, unique=True)
    msgid = models.CharField("缴费报文ID", max_length=30, db_index=True)
    person = models.ForeignKey("sandbox.Person", verbose_name="人员", on_delete=models.PROTECT)
    mdtrt_id = models.CharField("就诊ID", max_length=30)
    ipt_no = models.CharField("住院号", max_length=30)
    dpst_sn = models.CharField("机构预交金流水号", max_length=30)
    dpst_amt = MoneyField("金额")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PAID)
    paid_at = models.DateTimeField("缴费时间", auto_now_add=True)
    refunded_at = models.DateTimeField("退费时间", null=True, blank=True)

    class Meta:
        verbose_name = "预交金"
        verbose_name_plural = "预交金"
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["mdtrt_id", "dpst_sn"], name="sandbox_deposit_sn_once")]


class StoredFile(models.Model):
    """A file at the gateway: a detail file the hospital uploaded (9101), or a 3202 result waiting for 9102."""

    class Kind(models.TextChoices):
        UPLOAD = "upload", "机构上传"
        RESULT = "result", "对明细账结果"

    file_qury_no = models.CharField("文件查询号", max_length=40, unique=True)
    filename = models.CharField("文件名", max_length=100)
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    fixmedins_code = models.CharField("机构编码", max_length=30)
    content = models.BinaryField("内容")
    dld_endtime = models.DateTimeField("下载截止时间")
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "文件"
        verbose_name_plural = "文件"
        ordering = ["-id"]
