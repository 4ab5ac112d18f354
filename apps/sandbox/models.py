"""State of the simulated outside world. Nothing in the portal's business code reads these tables."""

from django.db import models

from apps.core import pii
from apps.core.fields import EncryptedTextField


class FaultMode(models.TextChoices):
    SLOW = "slow", "变慢（延迟后正常应答）"
    TIMEOUT = "timeout", "超时（已处理，但应答晚于调用方超时）"
    ERROR_500 = "error_500", "返回 HTTP 500（未处理）"
    HTML = "html", "返回 HTML 错误页（未处理）"
    TRUNCATED = "truncated", "应答 JSON 被截断（已处理）"
    DUPLICATE_CALLBACK = "duplicate_callback", "回调发送两次"


class Fault(models.Model):
    """A fault to inject into one interface of one simulated upstream, for `remaining` calls (empty = always)."""

    party = models.CharField("对方", max_length=10, choices=[("paylater", "先医后付平台"), ("nhsa", "医保网关")])
    interface = models.CharField(
        "接口",
        max_length=40,
        help_text="infno，或 sign_status / cashier_link / pay_info / "
        "push_msg / refund / refund_result / check_file / org_003 等",
    )
    mode = models.CharField("故障", max_length=20, choices=FaultMode.choices)
    delay_seconds = models.FloatField("延迟秒数", default=2.0)
    remaining = models.PositiveIntegerField("剩余次数", null=True, blank=True, help_text="留空表示一直生效")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "沙箱故障"
        verbose_name_plural = "沙箱故障"

    def __str__(self):
        return f"{self.party}/{self.interface}: {self.get_mode_display()}"


class Person(models.Model):
    """Someone the simulated platform and gateway know: insured, maybe signed for pay-after-care."""

    name = models.CharField("姓名", max_length=30)
    certno = EncryptedTextField("身份证号")
    certno_hash = models.CharField(max_length=64, unique=True, editable=False)
    psn_no = models.CharField("人员编号", max_length=30, unique=True)
    insutype = models.CharField("险种", max_length=6, default="390")
    insuplc_admdvs = models.CharField("参保地", max_length=6, default="220100")
    acct_balance = models.DecimalField("个人账户余额", max_digits=14, decimal_places=2, default=0)
    signed = models.BooleanField("已签约先医后付", default=False)
    phone = EncryptedTextField("手机号", blank=True, default="")

    class Meta:
        verbose_name = "沙箱人员"
        verbose_name_plural = "沙箱人员"

    def save(self, *args, **kwargs):
        self.certno_hash = pii.keyed_hash(self.certno)
        super().save(*args, **kwargs)

    def __str__(self):
        return f"{pii.mask_name(self.name)} {pii.mask_idcard(self.certno)}"
