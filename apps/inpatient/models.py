"""Admissions, their daily charges and their pay-after-care deposits (guide sections 7 and 8).

Money is not kept here: each deposit points at its ledger movement (C2304) and the refunds of that movement
(C2305) are ledger movements too, so a deposit's state is read from the ledger (`selectors.deposit_state`), which
the recovery of unknown outcomes updates without knowing this app.
"""

from django.db import models

from apps.core.history import history_records
from apps.core.money import MoneyField
from apps.ledger.models import ItemCategory


class AdmissionState(models.TextChoices):
    ADMITTED = "admitted", "在院"
    DISCHARGED = "discharged", "已出院待结算"
    SETTLED = "settled", "已结算"


class Admission(models.Model):
    """One stay, registered at the gateway with 2401 (`mdtrt_id`), under the hospital's 住院号 `ipt_no`."""

    patient = models.ForeignKey("patients.Patient", verbose_name="患者", on_delete=models.PROTECT, related_name="+")
    ipt_no = models.CharField("住院号", max_length=30, unique=True)
    mdtrt_id = models.CharField("就诊ID", max_length=40, blank=True, default="")
    state = models.CharField("状态", max_length=12, choices=AdmissionState.choices, default=AdmissionState.ADMITTED)
    insutype = models.CharField("险种类型", max_length=6)
    mdtrt_cert_type = models.CharField("入院时的就诊凭证类型", max_length=2)
    disease_area = models.CharField("病区", max_length=50)
    adm_bed = models.CharField("床位号", max_length=30)
    adm_dept_codg = models.CharField("入院科室编码", max_length=30)
    adm_dept_name = models.CharField("入院科室", max_length=100)
    atddr_no = models.CharField("主治医师编码", max_length=30)
    chfpdr_name = models.CharField("主治医师", max_length=50)
    adm_diag_code = models.CharField("入院诊断代码", max_length=20)
    adm_diag_dscr = models.CharField("入院诊断", max_length=200)
    begntime = models.DateTimeField("入院时间")
    endtime = models.DateTimeField("出院时间", null=True, blank=True)
    bill = models.OneToOneField(
        "ledger.Bill", verbose_name="出院结算账单", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = history_records()

    class Meta:
        verbose_name = "住院登记"
        verbose_name_plural = "住院登记"
        ordering = ["-begntime", "-id"]

    def __str__(self):
        return self.ipt_no


class ChargeState(models.TextChoices):
    PENDING = "pending", "待上传"
    UPLOADED = "uploaded", "已上传"
    CANCELLED = "cancelled", "已撤销"


class Charge(models.Model):
    """One line of the stay's daily charges (2301 fee detail names), uploaded with 2301 and withdrawn with 2302."""

    admission = models.ForeignKey(Admission, verbose_name="住院登记", on_delete=models.PROTECT, related_name="charges")
    feedetl_sn = models.CharField("费用明细流水号", max_length=30, unique=True)
    med_list_codg = models.CharField("医保目录编码", max_length=50)
    medins_list_codg = models.CharField("院内项目编码", max_length=50)
    item_name = models.CharField("项目名称", max_length=100)
    spec = models.CharField("规格", max_length=100, blank=True, default="")
    item_emp = models.CharField("单位", max_length=20, blank=True, default="")
    category = models.CharField("类别", max_length=20, choices=ItemCategory.choices)
    pric = models.DecimalField("单价", max_digits=16, decimal_places=6)
    cnt = models.DecimalField("数量", max_digits=16, decimal_places=4)
    det_item_fee_sumamt = MoneyField("金额")
    fee_ocur_time = models.DateTimeField("费用发生时间")
    state = models.CharField("状态", max_length=10, choices=ChargeState.choices, default=ChargeState.PENDING)
    note = models.CharField("说明", max_length=200, blank=True, default="")
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = "住院费用"
        verbose_name_plural = "住院费用"
        ordering = ["admission", "fee_ocur_time", "id"]

    def __str__(self):
        return f"{self.item_name} × {self.cnt}"


class Deposit(models.Model):
    """A pay-after-care deposit (预交金, C2304) of one stay. `replaces`: the deposit whose partial return this one
    completes (its whole amount was refunded and this amount collected again)."""

    admission = models.ForeignKey(Admission, verbose_name="住院登记", on_delete=models.PROTECT, related_name="deposits")
    dpst_sn = models.CharField("预交金流水号", max_length=30, unique=True)
    dpst_amt = MoneyField("金额")
    dpst_id = models.CharField("医保预交金ID", max_length=40, blank=True, default="")
    pay_time = models.CharField("缴费时间（医保）", max_length=19, blank=True, default="")
    movement = models.OneToOneField(
        "ledger.MoneyMovement", verbose_name="资金记录", on_delete=models.PROTECT, related_name="+"
    )
    replaces = models.ForeignKey(
        "self", verbose_name="部分退还的原押金", null=True, blank=True, on_delete=models.PROTECT,
        related_name="replacements",
    )  # fmt: skip
    keep_amt = MoneyField("部分退还时留存的金额", null=True, blank=True)
    opter_name = models.CharField("收款人", max_length=50, blank=True, default="")
    created_at = models.DateTimeField("收取时间", auto_now_add=True)

    class Meta:
        verbose_name = "住院押金"
        verbose_name_plural = "住院押金"
        ordering = ["admission", "id"]

    def __str__(self):
        return f"{self.dpst_sn} {self.dpst_amt}"
