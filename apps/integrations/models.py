import json

from django.db import models

from apps.core.fields import EncryptedTextField
from apps.core.refs import BusinessObject


class Party(models.TextChoices):
    PAYLATER = "paylater", "先医后付平台"
    NHSA = "nhsa", "医保信息平台"


class Direction(models.TextChoices):
    OUT = "out", "门户发出"
    IN = "in", "平台调入"


class Outcome(models.TextChoices):
    PENDING = "pending", "进行中"
    OK = "ok", "成功"
    REFUSED = "refused", "被拒绝"
    FAILED = "failed", "失败"
    UNKNOWN = "unknown", "结果未知"


class Exchange(BusinessObject):
    """One row per call, outbound or inbound: the audit trail and the inbox for the platform's calls.

    Bodies are kept with personal data masked. An inbound call's raw body is also kept encrypted
    (`raw_body`), because the inbox must be able to show exactly what arrived; so is the exact request of an
    outbound call whose outcome may have to be resolved, because recovery must ask about exactly what was sent.
    """

    direction = models.CharField("方向", max_length=3, choices=Direction.choices)
    party = models.CharField("对方", max_length=10, choices=Party.choices)
    interface = models.CharField("接口", max_length=40, db_index=True)
    msgid = models.CharField("报文ID / 跟踪号", max_length=64, blank=True, default="", db_index=True)
    url = models.CharField("地址", max_length=300, blank=True, default="")
    money = models.BooleanField(
        "结果须核实",
        default=False,
        help_text="资金交易，以及就诊、住院登记：超时或应答损坏时结果未知，由冲正或查询核实，绝不重发",
    )
    request_headers = models.JSONField("请求头", default=dict, blank=True)
    request_body = models.JSONField("请求（已脱敏）", null=True, blank=True)
    raw_body = EncryptedTextField("原始请求（加密）", blank=True, default="")
    response_body = models.JSONField("应答（已脱敏）", null=True, blank=True)
    http_status = models.PositiveSmallIntegerField("HTTP状态", null=True, blank=True)
    duration_ms = models.PositiveIntegerField("耗时(ms)", null=True, blank=True)
    outcome = models.CharField("结果", max_length=10, choices=Outcome.choices, default=Outcome.PENDING, db_index=True)
    upstream_code = models.CharField("对方返回码", max_length=40, blank=True, default="")
    upstream_message = models.CharField("对方返回信息", max_length=500, blank=True, default="")
    error = models.TextField("错误", blank=True, default="")
    # Unknown-outcome bookkeeping: what the recovery service decided, and the call that decided it.
    resolved_at = models.DateTimeField("处理时间", null=True, blank=True)
    resolution = models.CharField("处理结论", max_length=200, blank=True, default="")
    resolved_by = models.ForeignKey(
        "self", verbose_name="处理交易", null=True, blank=True, on_delete=models.PROTECT, related_name="resolves"
    )
    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    # An authenticated platform call's nonce (X-Nonce, or SM3 of the sm envelope's signData), unique while it is
    # kept: a replay's inbox row cannot be written. Stored with the row, so that the inbox row and the nonce are
    # one INSERT, durable at once; the worker forgets it (sets NULL) after two authentication windows. The nonce
    # alone is the key: authentication accepts one app id, settings.PAYLATER_APP_ID.
    nonce = models.CharField("随机数", max_length=64, null=True, blank=True, editable=False)

    def sent_request(self) -> dict | None:
        """The exact request of an outbound call kept for resolving it (the masked log may have altered an
        identifier that looks like an ID number); None when it was not kept."""
        return json.loads(self.raw_body) if self.direction == Direction.OUT and self.raw_body else None

    class Meta(BusinessObject.Meta):
        verbose_name = "接口交换记录"
        verbose_name_plural = "接口交换记录"
        ordering = ["-created_at", "-id"]
        indexes = [*BusinessObject.Meta.indexes, models.Index(fields=["outcome", "money", "resolved_at"])]
        # Partial: only the nonces not yet forgotten, so the index stays as small as the window's calls.
        constraints = [
            models.UniqueConstraint(
                fields=["nonce"], condition=models.Q(nonce__isnull=False), name="exchange_nonce_once"
            )
        ]

    def __str__(self):
        return f"{self.get_direction_display()} {self.party} {self.interface} {self.msgid} {self.outcome}"


class MsgidCounter(models.Model):
    """The national gateway's msgid sequence: one row per (institution code, second), shared by every process.

    Rows are kept, not pruned: if the clock ever steps back into a second already used, the counter carries
    on from where it stopped instead of handing out a msgid a second time.
    """

    stamp = models.CharField("机构编码+时间", max_length=26, unique=True)
    last = models.PositiveIntegerField("已用顺序号", default=0)

    class Meta:
        verbose_name = "医保报文ID计数器"
        verbose_name_plural = "医保报文ID计数器"


class NhsaSignIn(models.Model):
    """9001 sign-in per operator per day: every later transaction of that operator carries its sign_no."""

    opter = models.CharField("操作员", max_length=30)
    sign_date = models.DateField("签到日期")
    sign_no = models.CharField("签到流水号", max_length=30)
    sign_time = models.CharField("签到时间", max_length=19, blank=True, default="")
    exchange = models.ForeignKey(Exchange, verbose_name="签到交易", null=True, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "医保签到"
        verbose_name_plural = "医保签到"
        constraints = [models.UniqueConstraint(fields=["opter", "sign_date"], name="nhsa_signin_once_per_day")]

    def __str__(self):
        return f"{self.opter} {self.sign_date} {self.sign_no}"


class RecoveryClaim(models.Model):
    """Who is resolving an unknown-outcome exchange right now: a lease, so two workers never both act on it
    and a worker that died mid-way does not block the exchange for ever."""

    exchange = models.OneToOneField(Exchange, verbose_name="待处理交易", on_delete=models.CASCADE)
    token = models.CharField(max_length=32)
    claimed_until = models.DateTimeField("占用至")
    attempts = models.PositiveIntegerField("尝试次数", default=0)
    last_note = models.CharField("最近一次说明", max_length=300, blank=True, default="")

    class Meta:
        verbose_name = "结果未知交易处理"
        verbose_name_plural = "结果未知交易处理"
