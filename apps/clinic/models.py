"""The doctor's prescription and how it is settled in the clinic (guide sections 5 and 6).

A prescription belongs to one visit (`business`: an online registration today, a window visit once that app lands)
and is written once: its fees become one ledger Bill (kind "prescription") that is settled either password-free
(2207B, by the worker) or by the patient confirming the pending bill on the platform (org_002 / org_003).
"""

from django.db import models

from apps.core.history import history_records
from apps.core.refs import BusinessObject


class Mode(models.TextChoices):
    PASSWORD_FREE = "password_free", "免密结算"
    CONFIRM = "confirm", "患者确认支付"


class SettlementRule(models.Model):
    """Which patients or departments the hospital settles by confirmation (or password-free). A patient's rule
    wins over his department's; with neither, a signed patient is settled password-free."""

    patient = models.OneToOneField(
        "patients.Patient", verbose_name="患者", null=True, blank=True, on_delete=models.CASCADE
    )
    department = models.OneToOneField(
        "outpatient.Department", verbose_name="科室", null=True, blank=True, on_delete=models.CASCADE
    )
    mode = models.CharField("诊间结算方式", max_length=15, choices=Mode.choices)
    note = models.CharField("说明", max_length=100, blank=True, default="")

    class Meta:
        verbose_name = "诊间结算方式"
        verbose_name_plural = "诊间结算方式"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(patient__isnull=False, department__isnull=True)
                | models.Q(patient__isnull=True, department__isnull=False),
                name="settlement_rule_patient_or_department",
            )
        ]

    def __str__(self):
        return f"{self.patient or self.department}：{self.get_mode_display()}"


class ClosedReason(models.TextChoices):
    WITHDRAWN = "withdrawn", "医生撤回"
    EXPIRED = "expired", "超时未支付"


class Prescription(BusinessObject):
    """The doctor's diagnosis and prescription for one visit (`business`), and how its bill is being settled."""

    patient = models.ForeignKey("patients.Patient", verbose_name="患者", on_delete=models.PROTECT)
    doctor = models.ForeignKey("outpatient.Doctor", verbose_name="医生", on_delete=models.PROTECT)
    diag_code = models.CharField("诊断代码", max_length=20)
    diag_name = models.CharField("诊断名称", max_length=100)
    # Set in the transaction that writes the prescription (the bill's owner is the prescription itself).
    bill = models.OneToOneField(
        "ledger.Bill", verbose_name="账单", null=True, on_delete=models.PROTECT, related_name="prescription"
    )
    mode = models.CharField("结算方式", max_length=15, choices=Mode.choices)
    # Why a password-free settlement became a confirmation (the gateway's reason), shown to the doctor.
    fallback_reason = models.CharField("转患者确认原因", max_length=300, blank=True, default="")
    # The worker has this prescription to settle password-free (a conditional UPDATE takes it off).
    settle_queued = models.BooleanField("待后台结算", default=False, db_index=True)
    last_error = models.CharField("最近一次结算失败原因", max_length=300, blank=True, default="")
    closed_reason = models.CharField("关闭原因", max_length=10, choices=ClosedReason.choices, blank=True, default="")
    created_at = models.DateTimeField("开方时间", auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = history_records()

    class Meta(BusinessObject.Meta):
        verbose_name = "处方"
        verbose_name_plural = "处方"
        ordering = ["-created_at", "-id"]
        # One prescription per visit: a second submit finds the first.
        constraints = [
            models.UniqueConstraint(fields=["business_type", "business_id"], name="prescription_once_per_visit")
        ]

    def __str__(self):
        return self.bill.org_trace_no if self.bill_id else f"处方 {self.pk}"


class PrescriptionLine(models.Model):
    """One line as the doctor wrote it: the catalogue item, the quantity and, for drugs, the usage. The fee side
    of it is the bill's item with the same `feedetl_sn`."""

    prescription = models.ForeignKey(Prescription, verbose_name="处方", on_delete=models.CASCADE, related_name="lines")
    fee_item = models.ForeignKey("catalogue.FeeItem", verbose_name="收费项目", on_delete=models.PROTECT)
    cnt = models.DecimalField("数量", max_digits=16, decimal_places=4)
    usage = models.CharField("用法用量", max_length=60, blank=True, default="")
    feedetl_sn = models.CharField("费用明细流水号", max_length=30)

    class Meta:
        verbose_name = "处方明细"
        verbose_name_plural = "处方明细"
        ordering = ["prescription", "feedetl_sn"]

    def __str__(self):
        return f"{self.fee_item} × {self.cnt}"
