from django.db import models


class DayTotal(models.Model):
    """How many rows of one table were created on one closed local day, and the sums of its money columns: the
    store behind `apps.core.daytotals`, so that a total over all dates does not read the whole table."""

    table = models.CharField("表", max_length=100)  # the model's label, e.g. "ledger.moneymovement"
    day = models.DateField("日期")
    count = models.BigIntegerField("行数")
    sums = models.JSONField("合计", default=dict)  # {column: "12.30" or None when every value is empty}

    class Meta:
        verbose_name = verbose_name_plural = "每日合计"
        constraints = [models.UniqueConstraint(fields=["table", "day"], name="day_total_once")]

    def __str__(self):
        return f"{self.table} {self.day}"
