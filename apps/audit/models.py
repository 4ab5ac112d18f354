from django.conf import settings
from django.db import models

from apps.core.refs import BusinessObject


class Action(models.TextChoices):
    REVEAL = "reveal", "查看完整个人信息"
    REFUND = "refund", "退费"
    CANCEL = "cancel", "取消"
    MONEY = "money", "其他资金操作"


class AuditEntry(BusinessObject):
    """Who did what to which record, and when: personal data revealed, refunds, cancellations and other money
    actions by staff. Written by `apps.audit.services.audit_record` only, never changed."""

    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    # The name is kept as well: the row must still say who it was if the account is renamed or removed.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="用户", null=True, blank=True, on_delete=models.SET_NULL
    )
    username = models.CharField("用户名", max_length=150)
    action = models.CharField("操作", max_length=20, choices=Action.choices, db_index=True)
    target_repr = models.CharField("对象", max_length=200, blank=True, default="")
    detail = models.CharField("说明", max_length=500, blank=True, default="")

    class Meta(BusinessObject.Meta):
        verbose_name = "审计记录"
        verbose_name_plural = "审计记录"
        ordering = ["-at", "-id"]
        permissions = [("reveal_personal_data", "可查看完整的身份证号、姓名与手机号（每次查看记入审计）")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.get_action_display()} {self.target_repr}"
