from django.db import models

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

    class Meta:
        verbose_name = "医生"
        verbose_name_plural = "医生"
        ordering = ["department", "code"]

    def __str__(self):
        return f"{self.name}（{self.level_name}）"


class Period(models.TextChoices):
    AM = "am", "上午"
    PM = "pm", "下午"


class Schedule(models.Model):
    """One bookable session of one doctor: a date, a half-day, a number of places and the registration fee."""

    doctor = models.ForeignKey(Doctor, verbose_name="医生", on_delete=models.PROTECT, related_name="schedules")
    date = models.DateField("日期")
    period = models.CharField("时段", max_length=2, choices=Period.choices)
    start_time = models.TimeField("开始时间")
    capacity = models.PositiveSmallIntegerField("号源总数")
    booked = models.PositiveSmallIntegerField("已预约", default=0)
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
