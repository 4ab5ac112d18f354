from django.db import models

from apps.core import pii
from apps.core.fields import EncryptedTextField
from apps.core.history import history_records


class CertType(models.TextChoices):
    """mdtrt_cert_type (INTERFACES.md 3.3)."""

    EC = "01", "医保电子凭证"
    IDCARD = "02", "居民身份证"
    SSCARD = "03", "社会保障卡"


class SignStatus(models.TextChoices):
    UNKNOWN = "unknown", "未查询"
    UNSIGNED = "unsigned", "未签约"
    SIGNED = "signed", "已签约"


class Patient(models.Model):
    """A person the hospital treats. 身份证号 and phone are stored encrypted, found by keyed hash."""

    name = models.CharField("姓名", max_length=30, db_index=True)
    certno = EncryptedTextField("身份证号")
    certno_hash = models.CharField("身份证号散列", max_length=64, unique=True, editable=False)
    phone = EncryptedTextField("手机号", blank=True, default="")
    phone_hash = models.CharField("手机号散列", max_length=64, blank=True, default="", db_index=True, editable=False)
    mdtrt_cert_type = models.CharField("就诊凭证类型", max_length=2, choices=CertType.choices, default=CertType.IDCARD)
    sscard_no = models.CharField("社会保障卡号", max_length=30, blank=True, default="")
    ec_code = models.CharField("医保电子凭证号", max_length=64, blank=True, default="")
    psn_no = models.CharField("人员编号", max_length=30, blank=True, default="", db_index=True)
    insutype = models.CharField("险种类型", max_length=6, blank=True, default="")
    insuplc_admdvs = models.CharField("参保地区划", max_length=6, blank=True, default="")
    sign_status = models.CharField("签约状态", max_length=10, choices=SignStatus.choices, default=SignStatus.UNKNOWN)
    sign_checked_at = models.DateTimeField("签约状态查询时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = history_records(excluded_fields=["certno", "phone"])

    class Meta:
        verbose_name = "患者"
        verbose_name_plural = "患者"
        ordering = ["name", "id"]

    def save(self, *args, **kwargs):
        self.certno_hash = pii.keyed_hash(self.certno)
        self.phone_hash = pii.keyed_hash(self.phone) if self.phone else ""
        super().save(*args, **kwargs)

    def __str__(self):
        return f"{pii.mask_name(self.name)} {self.certno_masked}"

    @property
    def certno_masked(self) -> str:
        return pii.mask_idcard(self.certno)

    @property
    def name_masked(self) -> str:
        return pii.mask_name(self.name)

    @property
    def is_signed(self) -> bool:
        return self.sign_status == SignStatus.SIGNED
