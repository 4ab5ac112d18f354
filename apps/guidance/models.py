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
    created_at = models.DateTimeField("创建时间", auto_now_add=True, db_index=True)  # the admin's day filter

    class Meta(BusinessObject.Meta):
        verbose_name = "患者消息（待发送队列）"
        verbose_name_plural = "患者消息（待发送队列）"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.med_org_ord} {self.get_push_type_display()} {self.get_state_display()}"


class StopKind(models.TextChoices):
    PHARMACY = "pharmacy", "取药"
    EXAM = "exam", "检查"
    LAB = "lab", "检验"


class StopState(models.TextChoices):
    WAITING_DRUG = "waiting_drug", "待取药"
    DRUG_TAKEN = "drug_taken", "已取药"
    WAITING_EXAM = "waiting_exam", "待检查"
    EXAMINED = "examined", "已检查"
    REPORTED = "reported", "报告已出"


# Forward only, one step at a time: what staff may mark next.
STOP_NEXT = {
    StopState.WAITING_DRUG: StopState.DRUG_TAKEN,
    StopState.WAITING_EXAM: StopState.EXAMINED,
    StopState.EXAMINED: StopState.REPORTED,
}
STOP_DONE = (StopState.DRUG_TAKEN, StopState.REPORTED)


class GuidanceStop(models.Model):
    """What comes next for a settled bill: take the medicine at a pharmacy window, or have the exams / labs done
    in a room, each with its queue number and state. Created once per bill and kind when the bill is settled
    (whatever the channel), moved on by staff at the pharmacy or the exam desk."""

    bill = models.ForeignKey(
        "ledger.Bill", verbose_name="账单", on_delete=models.PROTECT, related_name="guidance_stops"
    )
    patient = models.ForeignKey("patients.Patient", verbose_name="患者", on_delete=models.PROTECT)
    kind = models.CharField("类型", max_length=10, choices=StopKind.choices)
    state = models.CharField("状态", max_length=15, choices=StopState.choices, db_index=True)
    location = models.CharField("地点", max_length=100)
    waiting_num = models.PositiveIntegerField("排队号")
    items = models.CharField("项目", max_length=300)
    day = models.DateField("日期", db_index=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "导诊（取药与检查）"
        verbose_name_plural = "导诊（取药与检查）"
        ordering = ["day", "kind", "waiting_num"]
        constraints = [models.UniqueConstraint(fields=["bill", "kind"], name="guidance_stop_once_per_bill")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.location} {self.waiting_num}号 {self.get_state_display()}"

    @property
    def next_state(self) -> str | None:
        return STOP_NEXT.get(self.state)


class QueueCounter(models.Model):
    """The last queue number given out at a place on a day (numbers only go up)."""

    day = models.DateField("日期")
    place = models.CharField("地点", max_length=100)
    last = models.PositiveIntegerField("已发号", default=0)

    class Meta:
        verbose_name = "排队号计数"
        verbose_name_plural = "排队号计数"
        constraints = [models.UniqueConstraint(fields=["day", "place"], name="queue_counter_once")]
