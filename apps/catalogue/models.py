"""The hospital's fee catalogue (院内收费项目, each with its 医保目录编码) and the diagnoses doctors pick from.

Field names are 2204's (`med_list_codg`, `medins_list_codg`, `pric`, `item_emp` …), so a catalogue item becomes a
bill line (`services.fee_line`) field for field.
"""

from django.db import models

from apps.ledger.models import ItemCategory


class FeeItem(models.Model):
    medins_list_codg = models.CharField("院内项目编码", max_length=50, unique=True)
    med_list_codg = models.CharField("医保目录编码", max_length=50, db_index=True)
    item_name = models.CharField("项目名称", max_length=100, db_index=True)
    spec = models.CharField("规格", max_length=100, blank=True, default="")
    item_emp = models.CharField("单位", max_length=20, blank=True, default="")
    pric = models.DecimalField("单价（元）", max_digits=16, decimal_places=6)
    category = models.CharField("类别", max_length=20, choices=ItemCategory.choices, db_index=True)
    active = models.BooleanField("在用", default=True, help_text="停用的项目不能再开单，已开的账单不受影响")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "收费项目"
        verbose_name_plural = "收费项目"
        ordering = ["category", "medins_list_codg"]

    def __str__(self):
        return f"{self.item_name}（{self.spec}）" if self.spec else self.item_name


class Diagnosis(models.Model):
    diag_code = models.CharField("疾病诊断编码", max_length=20, unique=True)
    diag_name = models.CharField("诊断名称", max_length=100, db_index=True)

    class Meta:
        verbose_name = "诊断"
        verbose_name_plural = "诊断目录"
        ordering = ["diag_code"]

    def __str__(self):
        return f"{self.diag_code} {self.diag_name}"
