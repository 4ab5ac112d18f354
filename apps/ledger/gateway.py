"""Settling a bill at the national gateway from the hospital's side: the window (2207 with a medium), the clinic
(2207B, password-free) and discharge (2304), each with the pay-later flag.

One path for all of them: claim the bill (OPEN → SETTLING, a conditional UPDATE, so a double click or a second
cashier is refused and no row lock is held across HTTP), upload its fees once, settle, and book the answer with
`services.bill_settle`. A refusal puts the bill back to OPEN; a timeout leaves it SETTLING until the recovery's
2601 has undone whatever happened (`receivers.bill_settlement_resolved`), never a second settlement meanwhile.
Refunds of these settlements are 2208 / 2305 (`gateway_refund`, registered for the hospital's channels).
"""

import logging
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from apps.core.errors import ApplicationError
from apps.core.refs import BusinessRef
from apps.integrations.nhsa import client as nhsa
from apps.integrations.selectors import call_unanswered
from apps.integrations.transport import UpstreamError, UpstreamUnknownOutcome
from apps.ledger import services
from apps.ledger.kinds import bill_kinds
from apps.ledger.models import Bill, BillState, Channel, MoneyMovement
from apps.ledger.refunds import refund_methods
from apps.ledger.settlement import SettlementResult

log = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True)
class Medium:
    """The medium the patient showed (mdtrt_cert_type 01 医保码 / 02 身份证 / 03 社保卡), sent again with 2206/2207."""

    mdtrt_cert_type: str
    mdtrt_cert_no: str
    card_sn: str = ""

    @classmethod
    def of(cls, reading) -> "Medium":
        """From `patients.services.MediumReading`."""
        return cls(
            mdtrt_cert_type=reading.mdtrt_cert_type, mdtrt_cert_no=reading.mdtrt_cert_no, card_sn=reading.card_sn
        )


@dataclass(frozen=True)
class GatewayOutcome:
    status: str  # "settled", "refused" or "unknown"
    message: str
    movement: MoneyMovement | None = None


@dataclass(frozen=True)
class _Side:
    """The gateway transactions of one side of the hospital."""

    upload: object
    preview: object
    settle: object
    password_free: object | None
    reverse: object


OUTPATIENT = _Side(
    nhsa.upload_outpatient_fees,
    nhsa.presettle_outpatient,
    nhsa.settle_outpatient,
    nhsa.settle_clinic,
    nhsa.reverse_outpatient_settlement,
)
INPATIENT = _Side(
    nhsa.upload_inpatient_fees,
    nhsa.presettle_inpatient,
    nhsa.settle_inpatient,
    None,
    nhsa.reverse_inpatient_settlement,
)


def _side(bill: Bill) -> _Side:
    return INPATIENT if bill_kinds.of(bill).inpatient else OUTPATIENT


def bill_chrg_bchno(bill: Bill) -> str:
    """The 收费批次号 a bill's fee details are uploaded under, and withdrawn under (2205)."""
    return bill.org_trace_no[-30:]


def _reason(exc: Exception) -> str:
    return getattr(exc, "upstream_message", "") or str(exc)


def _require_visit(bill: Bill) -> None:
    if not bill.mdtrt_id:
        raise ApplicationError("该账单的就诊尚未在医保登记，不能上传费用或结算")
    if not bill.patient.psn_no or not bill.patient.insuplc_admdvs:
        raise ApplicationError("该患者尚未读取参保信息，请先读卡")


def bill_upload_fees(*, bill: Bill, opter) -> None:
    """Upload the bill's fee lines (2204 / 2301) once."""
    if bill.fees_uploaded_at:
        return
    _require_visit(bill)
    if _side(bill) is OUTPATIENT and call_unanswered(interface="2204", business=bill):
        # An earlier 2204 got no answer: the gateway may hold its lines and would refuse them now as already
        # uploaded, on every try. Withdraw that batch first; a refusal means there was nothing to withdraw.
        bill_withdraw_fees(bill=bill, opter=opter)
    patient = bill.patient
    feedetail = [
        {
            "feedetl_sn": item.feedetl_sn,
            "mdtrt_id": bill.mdtrt_id,
            "psn_no": patient.psn_no,
            "chrg_bchno": bill_chrg_bchno(bill),
            "rxno": item.rx_no,
            "fee_ocur_time": f"{timezone.localtime(item.fee_ocur_time):%Y-%m-%d %H:%M:%S}",
            "med_list_codg": item.med_list_codg,
            "medins_list_codg": item.medins_list_codg,
            "det_item_fee_sumamt": item.det_item_fee_sumamt,
            "cnt": item.cnt,
            "pric": item.pric,
            "bilg_dept_codg": item.bilg_dept_codg,
            "bilg_dept_name": item.bilg_dept_name,
            "bilg_dr_codg": item.bilg_dr_codg,
            "bilg_dr_name": item.bilg_dr_name,
            "hosp_appr_flag": item.hi_item,
        }
        for item in bill.items.all()
    ]
    try:
        _side(bill).upload(
            opter=opter, insuplc_admdvs=patient.insuplc_admdvs, feedetail=feedetail, business=BusinessRef.of(bill)
        )
    except UpstreamError as exc:
        raise ApplicationError(f"费用明细上传医保未成功：{_reason(exc)}") from exc
    Bill.objects.filter(pk=bill.pk).update(fees_uploaded_at=timezone.now())
    bill.fees_uploaded_at = timezone.now()


def bill_withdraw_fees(*, bill: Bill, opter) -> bool:
    """2205 for the fee details uploaded under the bill's 收费批次号. True once withdrawn; a failure is logged."""
    patient = bill.patient
    try:
        nhsa.cancel_outpatient_fees(
            opter=opter, insuplc_admdvs=patient.insuplc_admdvs, psn_no=patient.psn_no, mdtrt_id=bill.mdtrt_id,
            chrg_bchno=bill_chrg_bchno(bill), business=BusinessRef.of(bill),
        )  # fmt: skip
    except (UpstreamError, ApplicationError) as exc:
        log.warning("2205 for bill %s failed (%s)", bill.org_trace_no, _reason(exc))
        return False
    return True


def _gateway_bill(bill: Bill, medium: Medium | None):
    patient = bill.patient
    medium = medium or Medium(mdtrt_cert_type="02", mdtrt_cert_no=patient.certno)
    common = {
        "psn_no": patient.psn_no,
        "insutype": patient.insutype,
        "mdtrt_id": bill.mdtrt_id,
        "medfee_sumamt": bill.total,
        "psn_setlway": bill.psn_setlway,
        "acct_used_flag": bill.acct_used_flag,
        "mdtrt_cert_type": medium.mdtrt_cert_type,
        "mdtrt_cert_no": medium.mdtrt_cert_no,
    }
    if _side(bill) is INPATIENT:
        return nhsa.InpatientBill(**common)
    return nhsa.OutpatientBill(**common, chrg_bchno=bill_chrg_bchno(bill), med_type=bill.med_type)


def bill_preview(*, bill: Bill, opter, medium: Medium | None = None) -> SettlementResult:
    """2206 / 2303: how the gateway would split the bill now; nothing moves."""
    if bill.state != BillState.OPEN:
        raise ApplicationError(f"账单{bill.get_state_display()}，不能预结算")
    bill_upload_fees(bill=bill, opter=opter)
    try:
        answer = _side(bill).preview(
            opter=opter,
            insuplc_admdvs=bill.patient.insuplc_admdvs,
            bill=_gateway_bill(bill, medium),
            business=BusinessRef.of(bill),
        )
    except UpstreamError as exc:
        raise ApplicationError(f"医保预结算未成功：{_reason(exc)}") from exc
    return SettlementResult.from_nhsa(answer)


def _claim(bill: Bill) -> None:
    claimed = Bill.objects.filter(pk=bill.pk, state=BillState.OPEN).update(
        state=BillState.SETTLING, updated_at=timezone.now()
    )
    if not claimed:
        bill.refresh_from_db(fields=["state"])
        raise ApplicationError(f"该账单{bill.get_state_display()}，不能再次结算（已在结算或已结算）")
    bill.state = BillState.SETTLING


def bill_release(*, bill: Bill, detail: str) -> bool:
    """A claimed bill's settlement did not happen (refused, or undone by 2601): open again."""
    released = Bill.objects.filter(pk=bill.pk, state=BillState.SETTLING).update(
        state=BillState.OPEN, updated_at=timezone.now()
    )
    if released:
        bill.state = BillState.OPEN
        log.info("bill %s open again: %s", bill.org_trace_no, detail)
    return bool(released)


def bill_settle_at_gateway(
    *, bill: Bill, opter, channel: str, medium: Medium | None = None, password_free: bool = False
) -> GatewayOutcome:
    """Settle the bill at the gateway with the pay-later flag: 2207 with the medium, or 2207B without one."""
    side = _side(bill)
    if password_free and side.password_free is None:
        raise ApplicationError("住院结算不能免密结算")
    _claim(bill)
    try:
        bill_upload_fees(bill=bill, opter=opter)
        settle = side.password_free if password_free else side.settle
        answer = settle(
            opter=opter,
            insuplc_admdvs=bill.patient.insuplc_admdvs,
            bill=_gateway_bill(bill, medium),
            business=BusinessRef.of(bill),
        )
    except UpstreamUnknownOutcome as exc:
        log.warning("settlement of bill %s: outcome unknown (%s)", bill.org_trace_no, exc)
        return GatewayOutcome("unknown", "结算结果未知（医保未及时应答），系统正在核实，核实前不会重复结算。")
    except (UpstreamError, ApplicationError) as exc:
        bill_release(bill=bill, detail=str(exc))
        return GatewayOutcome("refused", f"医保未予结算：{_reason(exc)}")
    result = SettlementResult.from_nhsa(answer)
    with transaction.atomic():
        locked = services.bill_locked(bill)
        movement = services.bill_settle(
            bill=locked,
            result=result,
            channel=channel,
            amount=result.amounts.get("medfee_sumamt", locked.total),
            msgid=answer.msgid,
        )
    bill.refresh_from_db()
    return GatewayOutcome("settled", "结算成功。", movement)


def bill_settlement_resolved(*, bill: Bill, took_effect: bool, reversed: bool, detail: str) -> None:
    """The recovery decided an unknown settlement of a claimed bill. Undone or never done: the bill is open again.
    Done and not undone cannot be booked without the gateway's split: staff must look."""
    if took_effect and not reversed:
        services.bill_flag_now(bill=bill, note=f"结算结果核实为已生效但未记账，请核对医保结算单：{detail}")
        return
    bill_release(bill=bill, detail=detail)


def gateway_refund(*, bill: Bill, settlement: MoneyMovement, refund: MoneyMovement, reason: str) -> str:
    """2208 / 2305: reverse the gateway settlement of a bill the hospital settled itself."""
    patient = settlement.patient
    try:
        _side(bill).reverse(
            opter="system",
            insuplc_admdvs=patient.insuplc_admdvs,
            psn_no=patient.psn_no,
            setl_id=settlement.setl_id,
            mdtrt_id=settlement.mdtrt_id or bill.mdtrt_id,
            business=BusinessRef.of(refund),
        )
    except UpstreamUnknownOutcome as exc:
        services.movement_mark_unknown(movement=refund, detail=str(exc))
        return "退费结果未知（医保未及时应答）。系统将自动核实，不会重复退费；请稍后查看状态。"
    except (UpstreamError, ApplicationError) as exc:  # refused, or not sent at all
        services.movement_finish(movement=refund, took_effect=False, detail=_reason(exc))
        return f"医保未予撤销结算：{_reason(exc)}"
    services.movement_finish(movement=refund, took_effect=True, detail="医保已撤销结算")
    return "退费成功，医保结算已撤销。"


for _channel in (Channel.WINDOW, Channel.CLINIC, Channel.INPATIENT):
    refund_methods.register(_channel, gateway_refund)
