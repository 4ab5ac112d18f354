"""The settlement spine's records: bills the patient owes, and the single record of money.

Every settlement, deposit, refund and reversal, whichever app caused it, is one MoneyMovement row; reconciliation
reads nothing else. Movements are append-only: their money never changes, and a change of status is a new
MovementEvent row. `apps/ledger/services.py` is the only code that writes either.
"""

from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import OuterRef, Subquery

from apps.core.history import history_records
from apps.core.money import MoneyField
from apps.core.refs import BusinessObject


class Kind(models.TextChoices):
    OUTPATIENT_SETTLEMENT = "outpatient_settlement", "门诊结算"
    INPATIENT_SETTLEMENT = "inpatient_settlement", "住院结算"
    DEPOSIT = "deposit", "住院预交金"
    DEPOSIT_REFUND = "deposit_refund", "预交金退费"
    REFUND = "refund", "退款"


class Channel(models.TextChoices):
    PAYLATER_ONLINE = "paylater_online", "先医后付线上收银台"
    WINDOW = "window", "窗口"
    CLINIC = "clinic", "诊间"
    INPATIENT = "inpatient", "住院"


class Status(models.TextChoices):
    PENDING = "pending", "处理中"
    UNKNOWN = "unknown", "结果未知"
    SUCCEEDED = "succeeded", "成功"
    FAILED = "failed", "失败"
    REVERSED = "reversed", "已冲正"


FINAL_STATUSES = (Status.SUCCEEDED, Status.FAILED, Status.REVERSED)


class AppendOnly(Exception):
    """Raised when code tries to change or delete a money record: corrections are new rows."""


class MovementQuerySet(models.QuerySet):
    def with_status(self):
        """Each movement with `status`, `status_at` and `status_detail`: those of its latest event."""
        latest = MovementEvent.objects.filter(movement=OuterRef("pk")).order_by("-id")
        return self.annotate(
            status=Subquery(latest.values("status")[:1]),
            status_at=Subquery(latest.values("created_at")[:1]),
            status_detail=Subquery(latest.values("detail")[:1]),
        )

    def update(self, **kwargs):
        raise AppendOnly("资金记录只增不改：状态变化请追加 MovementEvent")

    def delete(self):
        raise AppendOnly("资金记录不能删除")


class MoneyMovement(BusinessObject):
    """One movement of money. `business` is what it is for (a Bill, a deposit …); a refund or reversal points at
    the movement it reverses and carries the negative of its split."""

    # Never deleted, its money never changed: lists total their closed days from storage (apps.core.daytotals).
    money_fixed_at_creation = True
    objects = MovementQuerySet.as_manager()

    kind = models.CharField("类型", max_length=30, choices=Kind.choices)
    channel = models.CharField("渠道", max_length=20, choices=Channel.choices)
    patient = models.ForeignKey("patients.Patient", verbose_name="患者", on_delete=models.PROTECT)
    # The key the platform and the reconciliation file know this movement by.
    org_trace_no = models.CharField("机构跟踪号", max_length=64)
    amount = MoneyField("金额", help_text="患者侧的总金额；退款为负数")
    medfee_sumamt = MoneyField("医疗费总额", null=True, blank=True)
    fund_pay_sumamt = MoneyField("基金支付总额", null=True, blank=True)
    psn_part_amt = MoneyField("个人负担总金额", null=True, blank=True)
    psn_cash_pay = MoneyField("个人现金支出", null=True, blank=True)
    acct_pay = MoneyField("个人账户支出", null=True, blank=True)
    hosp_part_amt = MoneyField("医院负担金额", null=True, blank=True)
    setlinfo = models.JSONField("结算信息（原样）", default=dict, blank=True)
    setl_id = models.CharField("结算ID", max_length=40, blank=True, default="", db_index=True)
    mdtrt_id = models.CharField("就诊ID", max_length=40, blank=True, default="", db_index=True)
    amp_trace_id = models.CharField("平台交易跟踪号", max_length=64, blank=True, default="")
    trace_id = models.CharField("平台结算跟踪号", max_length=64, blank=True, default="")
    call_sn = models.CharField("门户回执号", max_length=64, blank=True, default="")
    msgid = models.CharField("医保报文ID", max_length=30, blank=True, default="")
    reverses = models.ForeignKey(
        "self", verbose_name="冲销的资金记录", null=True, blank=True, on_delete=models.PROTECT, related_name="reversals"
    )
    occurred_at = models.DateTimeField("发生时间", null=True, blank=True)
    created_at = models.DateTimeField("记录时间", auto_now_add=True, db_index=True)
    note = models.CharField("备注", max_length=200, blank=True, default="")

    history = history_records()

    class Meta(BusinessObject.Meta):
        verbose_name = "资金记录"
        verbose_name_plural = "资金记录"
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["kind", "org_trace_no"], name="money_once_per_trace")]
        # Found by order number, and a day at a time by when they took effect (reconciliation, 3201): each index
        # also holds what the daily match reads of a movement, so that a million lines never read the table.
        indexes = [
            *BusinessObject.Meta.indexes,
            models.Index(fields=["org_trace_no", "channel", "amount", "occurred_at"], name="ledger_movement_trace"),
            models.Index(fields=["occurred_at", "channel", "org_trace_no", "amount"], name="ledger_movement_day"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.org_trace_no} {self.amount}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnly("资金记录只增不改：状态变化请追加 MovementEvent")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("资金记录不能删除")

    @property
    def status(self) -> str:
        """The latest event's status; `MoneyMovement.objects.with_status()` annotates it for lists."""
        if "_status" not in self.__dict__:
            event = self.events.order_by("-id").first()
            self.__dict__["_status"] = event.status if event else ""
        return self.__dict__["_status"]

    @status.setter
    def status(self, value: str) -> None:  # set by the with_status() annotation
        self.__dict__["_status"] = value

    def get_status_display(self) -> str:
        return Status(self.status).label if self.status else ""

    def refresh_from_db(self, *args, **kwargs):
        self.__dict__.pop("_status", None)
        super().refresh_from_db(*args, **kwargs)


class MovementEvent(models.Model):
    """A movement's status from this moment on: created pending or succeeded, then succeeded, failed, unknown or
    reversed as the upstream's answer, a query or a reversal decides."""

    movement = models.ForeignKey(
        MoneyMovement, verbose_name="资金记录", on_delete=models.PROTECT, related_name="events"
    )
    status = models.CharField("状态", max_length=10, choices=Status.choices)
    detail = models.CharField("说明", max_length=300, blank=True, default="")
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "资金记录状态"
        verbose_name_plural = "资金记录状态"
        ordering = ["movement", "id"]
        indexes = [models.Index(fields=["movement", "-id"], name="ledger_event_latest")]

    def __str__(self):
        return f"{self.movement_id} {self.get_status_display()}"


class BillState(models.TextChoices):
    OPEN = "open", "待结算"
    SETTLING = "settling", "结算中"
    SETTLED = "settled", "已结算"
    CLOSED = "closed", "已关闭"
    REFUNDED = "refunded", "已退费"


# Forward only. A settlement is the truth about money, so it may still land on a bill closed while the patient was
# at the platform's cashier; such a bill is settled and flagged for staff. A bill the hospital is settling at the
# gateway (2207 / 2207B / 2304) is claimed as SETTLING and goes back to OPEN only when the gateway said no or the
# unknown outcome was undone (2601).
BILL_TRANSITIONS = {
    BillState.OPEN: {BillState.SETTLED, BillState.CLOSED, BillState.SETTLING},
    BillState.SETTLING: {BillState.SETTLED, BillState.OPEN},
    BillState.CLOSED: {BillState.SETTLED},
    BillState.SETTLED: {BillState.REFUNDED},
    BillState.REFUNDED: set(),
}


class Bill(BusinessObject):
    """Money a patient owes and has not settled yet, whatever section it comes from. `business` is the owner
    (an online registration, a window visit, a prescription …); `kind` names the BillKind that speaks for it.

    The visit and billing fields are org_002's (INTERFACES.md section 2), spelled as the spec spells them; the
    settlement write-back's fingerprint and stored reply are kept here once for every kind.
    """

    kind = models.CharField("账单类型", max_length=30, db_index=True)
    patient = models.ForeignKey("patients.Patient", verbose_name="患者", on_delete=models.PROTECT, related_name="bills")
    org_trace_no = models.CharField("机构跟踪号", max_length=64, unique=True)
    state = models.CharField("状态", max_length=10, choices=BillState.choices, default=BillState.OPEN, db_index=True)
    total = MoneyField("应付总额")
    expires_at = models.DateTimeField("支付截止时间", null=True, blank=True)
    # The visit at the gateway and who billed it.
    mdtrt_id = models.CharField("就诊ID", max_length=40, blank=True, default="", db_index=True)
    ipt_otp_no = models.CharField("门诊/住院号", max_length=30, blank=True, default="")
    med_type = models.CharField("医疗类别", max_length=6, default="11")
    dept_code = models.CharField("科室编码", max_length=30, blank=True, default="")
    dept_name = models.CharField("科室名称", max_length=50, blank=True, default="")
    dr_code = models.CharField("医师编码", max_length=30, blank=True, default="")
    dr_name = models.CharField("医师姓名", max_length=30, blank=True, default="")
    psn_setlway = models.CharField("个人结算方式", max_length=6, default="01")
    acct_used_flag = models.CharField("个人账户使用标志", max_length=1, default="1")
    diaglist = models.JSONField("诊断信息", default=list, blank=True)
    fees_uploaded_at = models.DateTimeField("费用明细上传时间", null=True, blank=True)
    # The settlement and what the platform was answered (org_003), kept once for every kind.
    settlement = models.OneToOneField(
        MoneyMovement, verbose_name="结算记录", null=True, blank=True, on_delete=models.PROTECT, related_name="bill"
    )
    settled_at = models.DateTimeField("结算时间", null=True, blank=True)
    settlement_fingerprint = models.CharField("结算内容指纹", max_length=64, blank=True, default="")
    settlement_reply = models.JSONField("结算应答", null=True, blank=True)
    needs_review = models.BooleanField("需人工核查", default=False, db_index=True)
    review_note = models.CharField("核查说明", max_length=300, blank=True, default="")
    created_at = models.DateTimeField("创建时间", auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    movements = GenericRelation(MoneyMovement, content_type_field="business_type", object_id_field="business_id")

    history = history_records()

    class Meta(BusinessObject.Meta):
        verbose_name = "待结算账单"
        verbose_name_plural = "待结算账单"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.org_trace_no

    @property
    def kind_label(self) -> str:
        from apps.ledger.kinds import bill_kinds

        kind = bill_kinds.get(self.kind)
        return kind.label if kind else self.kind


class ItemCategory(models.TextChoices):
    REGISTRATION = "registration", "挂号"
    WESTERN_DRUG = "western_drug", "西药"
    PATENT_DRUG = "patent_drug", "中成药"
    EXAM = "exam", "检查"
    LAB = "lab", "检验"
    TREATMENT = "treatment", "治疗"
    BED = "bed", "床位"
    NURSING = "nursing", "护理"
    MATERIAL = "material", "材料"
    OTHER = "other", "其他"


class BillItem(models.Model):
    """One fee line of a bill, with the fields 2204 / 2301 and org_002's `rxlist` need."""

    bill = models.ForeignKey(Bill, verbose_name="账单", on_delete=models.CASCADE, related_name="items")
    feedetl_sn = models.CharField("费用明细流水号", max_length=30)
    rx_no = models.CharField("处方号", max_length=30, blank=True, default="")
    med_list_codg = models.CharField("医保目录编码", max_length=50)
    medins_list_codg = models.CharField("院内项目编码", max_length=50)
    item_name = models.CharField("项目名称", max_length=100)
    spec = models.CharField("规格", max_length=100, blank=True, default="")
    item_emp = models.CharField("单位", max_length=20, blank=True, default="")
    category = models.CharField("类别", max_length=20, choices=ItemCategory.choices)
    pric = models.DecimalField("单价", max_digits=16, decimal_places=6)
    cnt = models.DecimalField("数量", max_digits=16, decimal_places=4)
    det_item_fee_sumamt = MoneyField("明细项目费用总额")
    fee_ocur_time = models.DateTimeField("费用发生时间")
    bilg_dept_codg = models.CharField("开单科室编码", max_length=30, blank=True, default="")
    bilg_dept_name = models.CharField("开单科室名称", max_length=50, blank=True, default="")
    bilg_dr_codg = models.CharField("开单医生编码", max_length=30, blank=True, default="")
    bilg_dr_name = models.CharField("开单医生姓名", max_length=30, blank=True, default="")
    hi_item = models.CharField("医保项目标志", max_length=1, default="1")

    class Meta:
        verbose_name = "账单明细"
        verbose_name_plural = "账单明细"
        ordering = ["bill", "feedetl_sn"]
        constraints = [models.UniqueConstraint(fields=["bill", "feedetl_sn"], name="bill_item_once")]

    def __str__(self):
        return f"{self.item_name} × {self.cnt}"
