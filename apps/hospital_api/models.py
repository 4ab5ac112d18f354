"""Keys of the hospital's own API (CONTRACT.md 4a) and the log of every call made with them."""

from django.db import models
from rest_framework_api_key.models import AbstractAPIKey


class Scope(models.TextChoices):
    KIOSK = "kiosk", "自助终端"
    WAREHOUSE = "warehouse", "仓储系统"
    FINANCE = "finance", "财务系统"


class ApiKey(AbstractAPIKey):
    """One terminal or system. Only a hash of the key is stored; the key is shown once, when created."""

    scope = models.CharField("用途", max_length=20, choices=Scope.choices)

    class Meta(AbstractAPIKey.Meta):
        verbose_name = "接口密钥"
        verbose_name_plural = "接口密钥"


class ApiCall(models.Model):
    """Every call to /api/v1/, refused ones included, with the name of the key it came with."""

    key = models.ForeignKey(ApiKey, verbose_name="密钥", null=True, blank=True, on_delete=models.SET_NULL)
    key_name = models.CharField("密钥名称", max_length=50, blank=True, default="")
    method = models.CharField("方法", max_length=10)
    path = models.CharField("路径", max_length=300)
    status = models.PositiveSmallIntegerField("HTTP 状态")
    duration_ms = models.PositiveIntegerField("耗时(ms)", default=0)
    error = models.CharField("错误", max_length=500, blank=True, default="")
    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "接口调用记录"
        verbose_name_plural = "接口调用记录"
        ordering = ["-id"]

    def __str__(self):
        return f"{self.method} {self.path} {self.status}"
