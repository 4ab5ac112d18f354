"""Fees entered at the cashier's window or a kiosk for a visit. A window registration itself is an outpatient
RegistrationOrder (source 收费窗口 / 自助终端) whose bill is of kind "window_registration"."""

from django.conf import settings
from django.db import models

from apps.outpatient.models import OrderSource


class FeeSheet(models.Model):
    """The fees of one visit entered at the window from the catalogue, owner of one bill of kind "window_fees"."""

    trace_no = models.CharField("机构跟踪号", max_length=64, unique=True)
    patient = models.ForeignKey(
        "patients.Patient", verbose_name="患者", on_delete=models.PROTECT, related_name="fee_sheets"
    )
    order = models.ForeignKey(
        "outpatient.RegistrationOrder", verbose_name="就诊挂号", on_delete=models.PROTECT, related_name="fee_sheets"
    )
    bill = models.OneToOneField(
        "ledger.Bill", verbose_name="账单", null=True, blank=True, on_delete=models.PROTECT, related_name="fee_sheet"
    )
    source = models.CharField("来源", max_length=10, choices=OrderSource.choices, default=OrderSource.WINDOW)
    # The pharmacy's queue number, given when fees with medicines are settled.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="录入人", null=True, blank=True, on_delete=models.SET_NULL
    )
    fees_cancelled_at = models.DateTimeField("费用明细撤销时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "窗口收费单"
        verbose_name_plural = "窗口收费单"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.trace_no
