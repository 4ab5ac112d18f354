"""The ledger's verbs: the only code that writes bills, money movements and their events.

Movements are append-only: `movement_create` writes a row with its money and its first status; a later status is a
new MovementEvent (`movement_finish`, `movement_mark_unknown`). A refund or reversal is a new movement that points
at what it reverses and carries the negative of its split (`movement_reverse`).
"""

import datetime
import logging
import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from apps.core.errors import ApplicationError
from apps.core.money import format_money
from apps.core.refs import ref_fields
from apps.integrations.transport import exchange_attach
from apps.ledger import selectors
from apps.ledger.kinds import bill_kinds
from apps.ledger.models import (
    BILL_TRANSITIONS,
    FINAL_STATUSES,
    Bill,
    BillItem,
    BillState,
    Channel,
    Kind,
    MoneyMovement,
    MovementEvent,
    Status,
)
from apps.ledger.settlement import SPLIT, PlatformSettlement, SettlementResult
from apps.ledger.signals import bill_settled

log = logging.getLogger(__name__)


# --- Movements ---------------------------------------------------------------------------------------------------


def movement_create(
    *,
    kind: str,
    channel: str,
    patient,
    org_trace_no: str,
    amount: Decimal,
    status: str,
    business=None,
    result: SettlementResult | None = None,
    reverses: MoneyMovement | None = None,
    split: dict[str, Decimal] | None = None,
    amp_trace_id: str = "",
    trace_id: str = "",
    call_sn: str = "",
    msgid: str = "",
    occurred_at: datetime.datetime | None = None,
    note: str = "",
) -> MoneyMovement:
    """Record one movement of money with its first status. `result` (a settlement) fills the split, setl_id and
    mdtrt_id; `split` gives the split directly (a refund's negated one)."""
    columns = dict(split or {})
    extra = {}
    if result is not None:
        columns = result.split() | columns
        extra = {"setlinfo": result.setlinfo(), "setl_id": result.setl_id, "mdtrt_id": result.mdtrt_id}
        occurred_at = occurred_at or result.setl_time
    if reverses is not None:
        extra = {"setl_id": reverses.setl_id, "mdtrt_id": reverses.mdtrt_id} | extra
    movement = MoneyMovement.objects.create(
        kind=kind,
        channel=channel,
        patient=patient,
        org_trace_no=org_trace_no,
        amount=amount,
        reverses=reverses,
        amp_trace_id=amp_trace_id,
        trace_id=trace_id,
        call_sn=call_sn,
        msgid=msgid,
        occurred_at=occurred_at if status == Status.SUCCEEDED else None,
        note=note[:200],
        **{name: columns[name] for name in SPLIT if name in columns},
        **extra,
        **ref_fields(business),
    )
    MovementEvent.objects.create(movement=movement, status=status, detail=note[:300])
    return movement


def movement_reverse(
    *, movement: MoneyMovement, kind: str, org_trace_no: str, business=None, note: str = "", status=Status.PENDING
) -> MoneyMovement:
    """A refund or reversal of `movement` in full: the negative amount and split, pending until its answer."""
    split = {name: -getattr(movement, name) for name in SPLIT if getattr(movement, name) is not None}
    return movement_create(
        kind=kind,
        channel=movement.channel,
        patient=movement.patient,
        org_trace_no=org_trace_no,
        amount=-movement.amount,
        status=status,
        business=business if business is not None else movement.business,
        reverses=movement,
        split=split,
        amp_trace_id=movement.amp_trace_id,
        trace_id=movement.trace_id,
        note=note,
    )


def movement_status(movement: MoneyMovement) -> str:
    event = MovementEvent.objects.filter(movement=movement).order_by("-id").first()
    return event.status if event else ""


def movement_mark_unknown(*, movement: MoneyMovement, detail: str) -> None:
    """The call that should move this money did not answer cleanly: recovery decides (never a resend)."""
    with transaction.atomic():
        locked = MoneyMovement.objects.select_for_update().get(pk=movement.pk)
        if movement_status(locked) in FINAL_STATUSES:
            return
        MovementEvent.objects.create(movement=locked, status=Status.UNKNOWN, detail=detail[:300])


def movement_finish(*, movement: MoneyMovement, took_effect: bool, detail: str, reversed: bool = False) -> bool:
    """A pending or unknown movement's final word: it took effect, it did not, or it took effect and was reversed
    (2601). Returns True if this call decided it (False: it was already final).

    For a refund of a bill that took effect, the bill becomes refunded and its kind is told, in the same
    transaction.
    """
    status = Status.REVERSED if reversed else Status.SUCCEEDED if took_effect else Status.FAILED
    with transaction.atomic():
        locked = MoneyMovement.objects.select_for_update().get(pk=movement.pk)
        if movement_status(locked) in FINAL_STATUSES:
            return False
        MovementEvent.objects.create(movement=locked, status=status, detail=detail[:300])
        if status == Status.SUCCEEDED and locked.kind == Kind.REFUND and isinstance(locked.business, Bill):
            _bill_refunded(locked.business, locked)
    return True


# --- Bills ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class BillLine:
    """One fee line for `bill_open` (BillItem's fields)."""

    med_list_codg: str
    medins_list_codg: str
    item_name: str
    category: str
    pric: Decimal
    cnt: Decimal
    fee_ocur_time: datetime.datetime
    spec: str = ""
    item_emp: str = ""
    rx_no: str = ""
    bilg_dept_codg: str = ""
    bilg_dept_name: str = ""
    bilg_dr_codg: str = ""
    bilg_dr_name: str = ""
    hi_item: str = "1"

    @property
    def amount(self) -> Decimal:
        return (self.pric * self.cnt).quantize(Decimal("0.01"))


@dataclass(frozen=True, kw_only=True)
class Visit:
    """Who billed, and the visit at the gateway when it is known (org_002's visit fields)."""

    med_type: str = "11"
    dept_code: str = ""
    dept_name: str = ""
    dr_code: str = ""
    dr_name: str = ""
    ipt_otp_no: str = ""
    mdtrt_id: str = ""
    diaglist: tuple = ()


def bill_open(
    *,
    kind: str,
    patient,
    owner,
    org_trace_no: str,
    lines: list[BillLine],
    visit: Visit,
    expires_at: datetime.datetime | None = None,
    fees_uploaded_at: datetime.datetime | None = None,
) -> Bill:
    """Open a bill of `lines` for `owner`. The kind must be registered; the total is the sum of the lines.
    `fees_uploaded_at`: the lines are already at the gateway (an inpatient stay uploads its charges day by day
    with 2301), so settling sends no fee upload again."""
    if bill_kinds.get(kind) is None:
        raise ApplicationError(f"账单类型 {kind} 未注册")
    if not lines:
        raise ApplicationError("账单至少要有一项费用")
    with transaction.atomic():
        bill = Bill.objects.create(
            kind=kind,
            patient=patient,
            org_trace_no=org_trace_no,
            total=sum((line.amount for line in lines), Decimal("0.00")),
            expires_at=expires_at,
            fees_uploaded_at=fees_uploaded_at,
            med_type=visit.med_type,
            dept_code=visit.dept_code,
            dept_name=visit.dept_name,
            dr_code=visit.dr_code,
            dr_name=visit.dr_name,
            ipt_otp_no=visit.ipt_otp_no,
            mdtrt_id=visit.mdtrt_id,
            diaglist=list(visit.diaglist),
            **ref_fields(owner),
        )
        BillItem.objects.bulk_create(
            BillItem(
                bill=bill,
                feedetl_sn=f"{org_trace_no[-26:]}{index:02d}",
                det_item_fee_sumamt=line.amount,
                **{name: getattr(line, name) for name in BillLine.__dataclass_fields__},
            )
            for index, line in enumerate(lines, start=1)
        )
    return bill


def _transition(bill: Bill, to: str) -> None:
    if to not in BILL_TRANSITIONS[bill.state]:
        raise ApplicationError(f"账单{bill.get_state_display()}，不能变为「{BillState(to).label}」")
    bill.state = to


def bill_locked(bill_or_pk) -> Bill:
    pk = getattr(bill_or_pk, "pk", bill_or_pk)
    return Bill.objects.select_for_update().select_related("patient").get(pk=pk)


def bill_close(*, bill: Bill) -> Bill:
    """The owner withdrew the bill (cancelled, expired): the platform's cashier no longer offers it."""
    with transaction.atomic():
        bill = bill_locked(bill)
        if bill.state == BillState.OPEN:
            _transition(bill, BillState.CLOSED)
            bill.save(update_fields=["state", "updated_at"])
    return bill


def bill_set_visit(*, bill: Bill, mdtrt_id: str, ipt_otp_no: str) -> None:
    """The gateway registered the bill's visit."""
    Bill.objects.filter(pk=bill.pk).update(mdtrt_id=mdtrt_id, ipt_otp_no=ipt_otp_no)
    bill.mdtrt_id, bill.ipt_otp_no = mdtrt_id, ipt_otp_no


def bill_flag(bill: Bill, note: str) -> None:
    """Mark the bill for staff, keeping every reason given so far (saved by the caller's transaction)."""
    bill.needs_review = True
    bill.review_note = "；".join(filter(None, [bill.review_note, note]))[:300]


def bill_flag_now(*, bill: Bill, note: str) -> None:
    with transaction.atomic():
        bill = bill_locked(bill)
        bill_flag(bill, note)
        bill.save(update_fields=["needs_review", "review_note", "updated_at"])


def bill_settle(
    *,
    bill: Bill,
    result: SettlementResult,
    channel: str,
    amount: Decimal,
    amp_trace_id: str = "",
    trace_id: str = "",
    msgid: str = "",
    reply_extra: dict | None = None,
    fingerprint: str = "",
) -> MoneyMovement:
    """Within a transaction holding the bill's lock: book the settlement once, mark the bill settled, keep the reply
    the platform gets for it, and tell the bill's kind."""
    kind = bill_kinds.of(bill)
    late = bill.state == BillState.CLOSED
    _transition(bill, BillState.SETTLED)
    movement = movement_create(
        kind=kind.movement_kind,
        channel=channel,
        patient=bill.patient,
        org_trace_no=bill.org_trace_no,
        amount=amount,
        status=Status.SUCCEEDED,
        business=bill,
        result=result,
        amp_trace_id=amp_trace_id,
        trace_id=trace_id,
        msgid=msgid,
        call_sn=f"CS{bill.pk:08d}{secrets.token_hex(4).upper()}",
        occurred_at=result.setl_time or timezone.now(),
    )
    # The note is read by staff: the amounts by their names in words (feesum_amt, medfee_sumamt).
    for words, value in (("结算总额", amount), ("医疗费总额", result.amounts.get("medfee_sumamt"))):
        if value is not None and value != bill.total:
            bill_flag(bill, f"平台{words} {format_money(value)} 与账单金额 {format_money(bill.total)} 不一致")
    bill.settlement = movement
    bill.settled_at = timezone.now()
    bill.settlement_fingerprint = fingerprint
    if not bill.mdtrt_id and result.mdtrt_id:
        bill.mdtrt_id = result.mdtrt_id
    bill.settlement_reply = {
        "call_sn": movement.call_sn,
        "balance": "0.00",
        "druginfo": "",
        "common_tip_list": kind.tips(bill),
        **(reply_extra or {}),
    }
    bill.save()
    kind.settled(bill, movement, late=late)
    transaction.on_commit(lambda: bill_settled.send(sender=Bill, bill=bill, movement=movement))
    return movement


def bill_settle_from_platform(*, settlement: PlatformSettlement, exchange=None) -> dict:
    """org_003: book the platform's settlement of the bill with this `org_trace_no` once, whatever its kind.

    Same content again: the stored reply. Different content for a settled bill: refused, and the bill is flagged
    for staff (the flag is committed before the refusal is raised).
    """
    fingerprint = settlement.fingerprint()
    with transaction.atomic():
        bill = (
            Bill.objects.select_for_update()
            .select_related("patient")
            .filter(org_trace_no=settlement.org_trace_no)
            .first()
        )
        if bill is None:
            raise ApplicationError(f"org_trace_no: 未找到机构跟踪号 {settlement.org_trace_no}")
        if exchange is not None:
            exchange_attach(exchange, bill)
        if bill.patient.certno != settlement.mdtrt_cert_no.strip().upper():
            raise ApplicationError("mdtrt_cert_no: 与该账单的患者不一致")
        if not bill.settlement_fingerprint:
            if bill.state == BillState.REFUNDED or bill.settlement_id:
                raise ApplicationError(f"org_trace_no: {settlement.org_trace_no} 已结算")
            bill_settle(
                bill=bill,
                result=settlement.result,
                channel=Channel.PAYLATER_ONLINE,
                amount=settlement.feesum_amt,
                amp_trace_id=settlement.amp_trace_id,
                trace_id=settlement.trace_id,
                fingerprint=fingerprint,
            )
            return bill.settlement_reply
        if bill.settlement_fingerprint == fingerprint:
            return bill.settlement_reply
        bill_flag(bill, "平台重复回写的结算内容与首次不一致，已拒绝，请核查")
        bill.save(update_fields=["needs_review", "review_note", "updated_at"])
    log.error("conflicting org_003 for %s refused and flagged", settlement.org_trace_no)
    raise ApplicationError(f"org_trace_no: {settlement.org_trace_no} 已结算，本次回写内容与首次不一致，已拒绝")


def _bill_refunded(bill: Bill, movement: MoneyMovement) -> None:
    """Within the refund's transaction: the bill is refunded in full; its kind releases what it holds."""
    bill = bill_locked(bill)
    _transition(bill, BillState.REFUNDED)
    bill.save(update_fields=["state", "updated_at"])
    bill_kinds.of(bill).refunded(bill, movement)


def bills_prepare_payable(*, patient, exchange=None) -> list[Bill]:
    """org_002: the patient's bills the platform's cashier may take now, each made ready by its kind (e.g. the
    visit registered at the gateway). The call is linked to the first bill, as a rule the one it is about."""
    ready = []
    for bill in selectors.bills_open(patient=patient):
        kind = bill_kinds.of(bill)
        if not kind.payable(bill):
            continue
        if not ready and exchange is not None:
            exchange_attach(exchange, bill)
        kind.prepare(bill)
        bill.refresh_from_db(fields=["mdtrt_id", "ipt_otp_no"])  # the visit may have been registered meanwhile
        ready.append(bill)
    return ready
