"""Exam (检查) and lab (检验) reports, stored with exactly the data 附录二 returns.

The fields that travel to the platform keep 附录二's camelCase names, so that a reader can grep from the guide to
the code; the hospital's own bookkeeping (patient, state, who published) is snake_case.
"""

from django.conf import settings
from django.db import models

from apps.core.history import history_records


class ExamTest(models.TextChoices):
    CHECK = "1", "检查报告"
    LAB = "2", "检验报告"


class ReportCategory(models.TextChoices):
    """报告单类别代码 (附录二)."""

    GENERAL = "1", "一般临床检验"
    HEMATOLOGY = "2", "血液学检查"
    CHEMISTRY = "3", "临床化学检查"
    IMMUNOLOGY = "4", "临床免疫学检查"
    MICROBIOLOGY = "5", "临床微生物学检查"
    PARASITOLOGY = "6", "临床寄生虫学检查"
    MOLECULAR = "7", "分子生物学检查"
    OTHER = "99", "其它"


class ReportState(models.TextChoices):
    DRAFT = "draft", "待发布"
    PUBLISHED = "published", "已发布"


class Report(models.Model):
    patient = models.ForeignKey(
        "patients.Patient", verbose_name="患者", on_delete=models.PROTECT, related_name="reports"
    )
    state = models.CharField("状态", max_length=10, choices=ReportState.choices, default=ReportState.DRAFT)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    # 附录二, report list and detail.
    rpotcNo = models.CharField("报告单号", max_length=30, unique=True)
    rptDate = models.DateField("报告日期", db_index=True)
    examTest = models.CharField("检查/检验标志", max_length=3, choices=ExamTest.choices)
    rpotcTypeCode = models.CharField("报告单类别代码", max_length=30, choices=ReportCategory.choices)
    fixmedinsCode = models.CharField("机构编号", max_length=20, default="")
    examOrgNode = models.CharField("检查机构代码", max_length=50, blank=True, default="")
    examOrgName = models.CharField("检查机构名称", max_length=50, blank=True, default="")
    examItemCode = models.CharField("项目代码", max_length=30, blank=True, default="")
    examItemName = models.CharField("项目名称", max_length=300, blank=True, default="")
    examRpotcName = models.CharField("报告单名称", max_length=50)
    examRsltPoitFlag = models.CharField("检查结果阳性标志", max_length=2, blank=True, default="")
    examRsltAbn = models.CharField("结果异常标志", max_length=10, blank=True, default="")
    examCcls = models.CharField("检查结论", max_length=1000, blank=True, default="")
    bilgDrName = models.CharField("报告医师（检查）", max_length=50, blank=True, default="")
    rpotDoc = models.CharField("报告医师（检验）", max_length=50, blank=True, default="")

    history = history_records()

    class Meta:
        verbose_name = "检查检验报告"
        verbose_name_plural = "检查检验报告"
        ordering = ["-rptDate", "-id"]
        indexes = [models.Index(fields=["patient", "rptDate"], name="report_patient_date")]

    def __str__(self):
        return f"{self.rpotcNo} {self.examRpotcName}"

    def save(self, *args, **kwargs):
        self.fixmedinsCode = self.fixmedinsCode or settings.ORG_CODE
        super().save(*args, **kwargs)


class InspectionDetail(models.Model):
    """One line of a lab report (附录二 inspectionDetails)."""

    report = models.ForeignKey(Report, verbose_name="报告", on_delete=models.CASCADE, related_name="details")
    examItemDetlCode = models.CharField("项目明细代码", max_length=30)
    examItemDetlName = models.CharField("项目明细名称", max_length=300)
    examMtd = models.CharField("检验方法", max_length=50, blank=True, default="")
    refVal = models.CharField("参考值", max_length=20, blank=True, default="")
    examUnt = models.CharField("计量单位", max_length=200, blank=True, default="")
    examRsltVal = models.DecimalField("结果（数值）", max_digits=11, decimal_places=4, null=True, blank=True)
    examRsltQual = models.CharField("结果（定性）", max_length=2000, blank=True, default="")
    examRsltAbn = models.CharField("异常标志", max_length=10, blank=True, default="")
    reportResource = models.CharField("详细报告单", max_length=5000, blank=True, default="")

    class Meta:
        verbose_name = "检验明细"
        verbose_name_plural = "检验明细"
        ordering = ["report", "id"]

    def __str__(self):
        return self.examItemDetlName
