from django.db import models

from apps.core.fields import EncryptedTextField
from apps.core.refs import BusinessObject


class PushType(models.TextChoices):
    APPOINTMENT = "HOSPITAL_APPOINTMENT", "挂号单"
    CHECK = "HOSPITAL_CHECK", "检查单"
    MEDICINE = "HOSPITAL_MEDICINE", "医药单"
    PAYMENT = "HOSPITAL_PAYMENT", "支付单"


class DeliveryState(models.TextChoices):
    PENDING = "pending", "待发送"
    DELIVERED = "delivered", "已送达"
    GAVE_UP = "gave_up", "多次失败，待人工处理"


class OutboxMessage(BusinessObject):
    """An AMP_HOS_001 push, written in the same transaction as the business change that causes it.

    The worker delivers it until the platform accepts it; `med_org_ord` makes a repeated delivery harmless.
    The body holds the patient's name and 身份证号, so it is stored encrypted.
    """

    med_org_ord = models.CharField("消息单号", max_length=64, unique=True)
    push_type = models.CharField("消息类型", max_length=30, choices=PushType.choices)
    order_status = models.CharField("订单状态", max_length=30, blank=True, default="")
    body = EncryptedTextField("消息内容（加密）")
    state = models.CharField(
        "状态", max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField("发送次数", default=0)
    next_attempt_at = models.DateTimeField("下次发送时间", db_index=True)
    last_error = models.CharField("最近错误", max_length=500, blank=True, default="")
    delivered_at = models.DateTimeField("送达时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta(BusinessObject.Meta):
        verbose_name = "患者消息（待发送队列）"
        verbose_name_plural = "患者消息（待发送队列）"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.med_org_ord} {self.get_push_type_display()} {self.get_state_display()}"
