import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

from apps.core.history import history_records
from apps.core.money import MoneyField


class Department(models.Model):
    code = models.CharField("科室编码", max_length=30, unique=True)
    name = models.CharField("科室名称", max_length=50)
    caty = models.CharField("科别", max_length=10, help_text="医保科室类别代码")
    location = models.CharField("位置", max_length=100)

    class Meta:
        verbose_name = "科室"
        verbose_name_plural = "科室"
        ordering = ["code"]

    def __str__(self):
        return self.name


class Doctor(models.Model):
    code = models.CharField("医师编码", max_length=30, unique=True, help_text="atddr_no")
    name = models.CharField("姓名", max_length=30)
    department = models.ForeignKey(Department, verbose_name="科室", on_delete=models.PROTECT, related_name="doctors")
    level_name = models.CharField("职称", max_length=30)
    level_no = models.CharField("职称代码", max_length=10)
    # The staff account of this doctor: the doctor's screens show his own department.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="登录账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="doctor",
    )

    class Meta:
        verbose_name = "医生"
        verbose_name_plural = "医生"
        ordering = ["department", "code"]

    def __str__(self):
        return f"{self.name}（{self.level_name}）"


class Period(models.TextChoices):
    AM = "am", "上午"
    PM = "pm", "下午"


# A half-day session can be booked until it ends, and at most this many days ahead (today included).
SESSION_END = {Period.AM: datetime.time(12, 0), Period.PM: datetime.time(17, 30)}
BOOKING_DAYS = 7


class ScheduleQuerySet(models.QuerySet):
    def open_for_booking(self, now=None):
        """Sessions a patient may still book (places left or not): not ended, within BOOKING_DAYS."""
        now = timezone.localtime(now)
        today = now.date()
        ended_today = [period for period, end in SESSION_END.items() if now.time() >= end]
        return self.filter(date__gte=today, date__lt=today + datetime.timedelta(days=BOOKING_DAYS)).exclude(
            date=today, period__in=ended_today
        )


class Schedule(models.Model):
    """One bookable session of one doctor: a date, a half-day, a number of places and the registration fee."""

    objects = ScheduleQuerySet.as_manager()

    doctor = models.ForeignKey(Doctor, verbose_name="医生", on_delete=models.PROTECT, related_name="schedules")
    date = models.DateField("日期")
    period = models.CharField("时段", max_length=2, choices=Period.choices)
    start_time = models.TimeField("开始时间")
    capacity = models.PositiveSmallIntegerField("号源总数")
    booked = models.PositiveSmallIntegerField("已预约", default=0)
    # Queue numbers only go up: a place given back (expiry, cancellation, refund) is booked again under a new
    # number, never under one a live order holds.
    issued = models.PositiveIntegerField("已发候诊号", default=0)
    fee = MoneyField("挂号费")

    class Meta:
        verbose_name = "排班"
        verbose_name_plural = "排班"
        ordering = ["date", "period", "doctor"]
        constraints = [
            models.UniqueConstraint(fields=["doctor", "date", "period"], name="schedule_once_per_half_day"),
            models.CheckConstraint(
                condition=models.Q(booked__lte=models.F("capacity")), name="schedule_not_overbooked"
            ),
        ]

    def __str__(self):
        return f"{self.date} {self.get_period_display()} {self.doctor}"

    @property
    def remaining(self) -> int:
        return self.capacity - self.booked


class OrderState(models.TextChoices):
    CREATED = "created", "已创建"
    AWAITING_SIGNATURE = "awaiting_signature", "待签约"
    AWAITING_PAYMENT = "awaiting_payment", "待支付"
    PAID = "paid", "已支付"
    FAILED = "failed", "支付失败"
    EXPIRED = "expired", "已过期"
    CANCELLED = "cancelled", "已取消"
    REFUNDED = "refunded", "已退费"


# Forward-only. A settlement (org_003) is the truth about money, so it may still land on an order that expired or
# was cancelled while the patient was at the platform's cashier; such an order is flagged for staff.
ORDER_TRANSITIONS = {
    OrderState.CREATED: {OrderState.AWAITING_SIGNATURE, OrderState.AWAITING_PAYMENT, OrderState.FAILED,
                         OrderState.EXPIRED, OrderState.CANCELLED},
    OrderState.AWAITING_SIGNATURE: {OrderState.AWAITING_PAYMENT, OrderState.EXPIRED, OrderState.CANCELLED},
    OrderState.AWAITING_PAYMENT: {OrderState.PAID, OrderState.FAILED, OrderState.EXPIRED, OrderState.CANCELLED},
    OrderState.EXPIRED: {OrderState.PAID},
    OrderState.CANCELLED: {OrderState.PAID},
    OrderState.FAILED: {OrderState.PAID},
    OrderState.PAID: {OrderState.REFUNDED},
    OrderState.REFUNDED: set(),
}  # fmt: skip
UNPAID_STATES = (OrderState.CREATED, OrderState.AWAITING_SIGNATURE, OrderState.AWAITING_PAYMENT)


class OrderSource(models.TextChoices):
    PORTAL = "portal", "医院线上挂号页"
    PLATFORM = "platform", "先医后付平台挂号服务"
    WINDOW = "window", "收费窗口"
    KIOSK = "kiosk", "自助终端"


class RegistrationOrder(models.Model):
    """An online registration paid after care through the platform (guide section 1)."""

    # Never deleted, its fee never changed: lists total their closed days from storage (apps.core.daytotals).
    money_fixed_at_creation = True
    trace_no = models.CharField("机构跟踪号", max_length=64, unique=True)
    token = models.CharField("访问令牌", max_length=64, unique=True, editable=False)
    patient = models.ForeignKey(
        "patients.Patient", verbose_name="患者", on_delete=models.PROTECT, related_name="registrations"
    )
    schedule = models.ForeignKey(Schedule, verbose_name="排班", on_delete=models.PROTECT, related_name="orders")
    fee = MoneyField("挂号费")
    queue_no = models.PositiveSmallIntegerField("候诊号")
    # Booked on the hospital's own pages, or through the platform's app (guide section 2), whose patient is told
    # of every step by a push because no page of ours is in front of them.
    source = models.CharField("挂号来源", max_length=10, choices=OrderSource.choices, default=OrderSource.PORTAL)
    state = models.CharField(
        "状态", max_length=20, choices=OrderState.choices, default=OrderState.CREATED, db_index=True
    )
    expires_at = models.DateTimeField("支付截止时间")
    mdtrt_id = models.CharField("就诊ID", max_length=40, blank=True, default="", db_index=True)
    # Claim taken while the visit is being registered with the gateway (2201), so that two concurrent org_002
    # calls register it once without holding a database lock across the HTTP call.
    visit_claimed_at = models.DateTimeField("登记占用时间", null=True, blank=True)
    paid_at = models.DateTimeField("支付时间", null=True, blank=True)
    # The registration fee as a bill of the settlement spine (kind "registration").
    bill = models.OneToOneField(
        "ledger.Bill",
        verbose_name="账单",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="registration",
    )
    # The visit at the gateway: a fresh 门诊号 per 2201 attempt, and when it was cancelled (2202) after a refund.
    ipt_otp_no = models.CharField("门诊号", max_length=30, blank=True, default="")
    visit_cancelled_at = models.DateTimeField("就诊登记撤销时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = history_records()

    class Meta:
        verbose_name = "线上挂号订单"
        verbose_name_plural = "线上挂号订单"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.trace_no

    @property
    def is_unpaid(self) -> bool:
        return self.state in UNPAID_STATES
