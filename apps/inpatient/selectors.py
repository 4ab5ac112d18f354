"""Reads for the inpatient screens and API. A deposit's state comes from the ledger: its C2304 movement and the
C2305 movements reversing it (the recovery of unknown outcomes finishes those without knowing this app)."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

from apps.inpatient.models import Admission, AdmissionState, Charge, ChargeState, Deposit
from apps.ledger.models import Kind, MoneyMovement, Status

ZERO = Decimal("0.00")

DEPOSIT_STATES = {
    "collecting": "收取中",
    "collect_unknown": "收取结果未知，正在核实",
    "not_collected": "未收取",
    "held": "已缴",
    "refunding": "退还中",
    "refund_unknown": "退还结果未知，正在核实",
    "refunded": "已退还",
}
ACTIVE = (Status.PENDING, Status.UNKNOWN)
TOOK_EFFECT = Status.SUCCEEDED


@dataclass
class DepositView:
    deposit: Deposit
    state: str
    collect: MoneyMovement
    refund: MoneyMovement | None  # the latest refund attempt
    partial: "PartialReturn | None" = None  # set when a partial return of this deposit was asked for
    replaces: "DepositView | None" = None  # the deposit whose partial return this one completes

    @property
    def state_label(self) -> str:
        return DEPOSIT_STATES[self.state]

    @property
    def held(self) -> bool:
        return self.state == "held"


def _state(collect: MoneyMovement, refund: MoneyMovement | None) -> str:
    if collect.status == Status.PENDING:
        return "collecting"
    if collect.status == Status.UNKNOWN:
        return "collect_unknown"
    if collect.status != TOOK_EFFECT:
        return "not_collected"
    if refund is None or refund.status in (Status.FAILED, Status.REVERSED):
        return "held"
    if refund.status == Status.PENDING:
        return "refunding"
    if refund.status == Status.UNKNOWN:
        return "refund_unknown"
    return "refunded"


def deposits_of(admission: Admission) -> list[DepositView]:
    deposits = list(Deposit.objects.filter(admission=admission).order_by("id"))
    return deposit_views(deposits)


def deposit_views(deposits: list[Deposit]) -> list[DepositView]:
    ids = [d.movement_id for d in deposits]
    movements = {m.pk: m for m in MoneyMovement.objects.with_status().filter(pk__in=ids)}
    refunds: dict[int, MoneyMovement] = {}
    for refund in (
        MoneyMovement.objects.with_status().filter(reverses_id__in=ids, kind=Kind.DEPOSIT_REFUND).order_by("id")
    ):
        refunds[refund.reverses_id] = refund  # the latest attempt wins
    views = []
    for deposit in deposits:
        collect = movements[deposit.movement_id]
        refund = refunds.get(deposit.movement_id)
        views.append(DepositView(deposit=deposit, state=_state(collect, refund), collect=collect, refund=refund))
    by_pk = {view.deposit.pk: view for view in views}
    for view in views:
        if view.deposit.keep_amt is not None:
            view.partial = PartialReturn(
                original=view, replacements=[v for v in views if v.deposit.replaces_id == view.deposit.pk]
            )
        view.replaces = by_pk.get(view.deposit.replaces_id)
    return views


def deposit_view(deposit: Deposit) -> DepositView:
    return next(v for v in deposits_of(deposit.admission) if v.deposit.pk == deposit.pk)


@dataclass
class PartialReturn:
    """A guided partial return: refund the whole deposit (C2305), then collect the amount to keep (C2304)."""

    original: DepositView
    replacements: list[DepositView]

    @property
    def keep_amt(self) -> Decimal:
        return self.original.deposit.keep_amt

    @property
    def return_amt(self) -> Decimal:
        return self.original.deposit.dpst_amt - self.keep_amt

    @property
    def replacement(self) -> DepositView | None:
        live = [v for v in self.replacements if v.state != "not_collected"]
        return live[-1] if live else None

    @property
    def step(self) -> str:
        """Where things stand: refund_first, refund_unknown, collect_keep, collect_unknown, done, abandoned."""
        state = self.original.state
        if state == "held":
            return "refund_first"
        if state in ("refunding", "refund_unknown"):
            return "refund_unknown"
        replacement = self.replacement
        if replacement is None:
            return "collect_keep"
        if replacement.state in ("collecting", "collect_unknown"):
            return "collect_unknown"
        return "done"

    def words(self) -> str:
        from apps.core.money import format_money as f

        whole, keep, back = f(self.original.deposit.dpst_amt), f(self.keep_amt), f(self.return_amt)
        return {
            "refund_first": f"部分退还未完成：押金 ¥{whole} 仍全额有效。"
            f"可重新办理（先全额退还，再收取留存的 ¥{keep}）。",
            "refund_unknown": f"正在全额退还 ¥{whole}，结果未知、系统正在核实；核实退还成功后，再收取留存的 ¥{keep}。"
            "不会重复退还。",
            "collect_keep": f"已全额退还 ¥{whole}；留存的 ¥{keep} 尚未重新收取。请点击「收取留存金额」完成部分退还。",
            "collect_unknown": f"已全额退还 ¥{whole}；重新收取留存的 ¥{keep} 结果未知，系统正在核实，不会重复扣款。",
            "done": f"部分退还完成：退还 ¥{back}，留存 ¥{keep}（新押金 {self.replacement.deposit.dpst_sn}）。"
            if self.replacement
            else "",
        }[self.step]


def deposits_held(admission: Admission) -> list[Deposit]:
    return [view.deposit for view in deposits_of(admission) if view.held]


def deposits_total_held(admission: Admission) -> Decimal:
    return sum((d.dpst_amt for d in deposits_held(admission)), ZERO)


def unfinished_partial_returns(admission: Admission) -> list[PartialReturn]:
    return [v.partial for v in deposits_of(admission) if v.partial and v.partial.step not in ("done",)]


def charges_of(admission: Admission):
    return Charge.objects.filter(admission=admission).order_by("fee_ocur_time", "id")


def charges_total(admission: Admission) -> Decimal:
    rows = Charge.objects.filter(admission=admission).exclude(state=ChargeState.CANCELLED)
    return sum((row.det_item_fee_sumamt for row in rows), ZERO)


def charges_pending(admission: Admission):
    return Charge.objects.filter(admission=admission, state=ChargeState.PENDING).order_by("id")


def admission_current(patient) -> Admission | None:
    """The patient's stay not yet settled (at most one)."""
    return Admission.objects.filter(patient=patient).exclude(state=AdmissionState.SETTLED).first()


def admissions(*, q: str = "", state: str = ""):
    rows = Admission.objects.select_related("patient")
    if state:
        rows = rows.filter(state=state)
    if q := q.strip():
        rows = rows.filter(Q(ipt_no__icontains=q) | Q(patient__name__icontains=q) | Q(adm_bed__iexact=q))
    return rows
