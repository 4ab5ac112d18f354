"""Discharge and the final settlement (guide section 8): the bill of the stay's charges, 2303 shown to the
cashier with what happens to the deposits (`rules.py`, the one rule), 2304 with the pay-later flag through the
spine (`apps.ledger.gateway`), then every deposit still held refunded whole (C2305). Reversal: 2305."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from apps.core.errors import ApplicationError
from apps.core.money import format_money
from apps.core.refs import refers_to
from apps.inpatient import rules, selectors, services
from apps.inpatient.kinds import INPATIENT
from apps.inpatient.models import Admission, AdmissionState, ChargeState
from apps.ledger import services as ledger
from apps.ledger.gateway import Medium, bill_preview, bill_settle_at_gateway
from apps.ledger.models import Bill, BillState, Channel
from apps.ledger.refunds import bill_refund
from apps.ledger.selectors import bill_gateway_state
from apps.patients.models import CertType


def discharge_bill(*, admission: Admission) -> Bill:
    """The open bill of the discharged stay's charges (opened once; a reversed settlement gets a new one)."""
    with transaction.atomic():
        admission = Admission.objects.select_for_update(of=("self",)).select_related("patient").get(pk=admission.pk)
        if admission.state != AdmissionState.DISCHARGED:
            raise ApplicationError(f"住院{admission.get_state_display()}，请先办理出院")
        if admission.bill is not None:
            return admission.bill
        charges = list(selectors.charges_of(admission).exclude(state=ChargeState.CANCELLED))
        if not charges:
            raise ApplicationError("该住院没有费用，无需结算")
        lines = [
            ledger.BillLine(
                med_list_codg=c.med_list_codg, medins_list_codg=c.medins_list_codg, item_name=c.item_name,
                category=c.category, pric=c.pric, cnt=c.cnt, fee_ocur_time=c.fee_ocur_time, spec=c.spec,
                item_emp=c.item_emp, bilg_dept_codg=admission.adm_dept_codg, bilg_dept_name=admission.adm_dept_name,
                bilg_dr_codg=admission.atddr_no, bilg_dr_name=admission.chfpdr_name,
            )
            for c in charges
        ]  # fmt: skip
        earlier = Bill.objects.filter(refers_to(admission)).count()
        bill = ledger.bill_open(
            kind=INPATIENT, patient=admission.patient, owner=admission,
            org_trace_no=f"ZS{admission.ipt_no}{earlier + 1:02d}", lines=lines,
            fees_uploaded_at=timezone.now(),  # every charge went up with 2301 before discharge (admission_discharge)
            visit=ledger.Visit(
                med_type="21", dept_code=admission.adm_dept_codg, dept_name=admission.adm_dept_name,
                dr_code=admission.atddr_no, dr_name=admission.chfpdr_name, ipt_otp_no=admission.ipt_no,
                mdtrt_id=admission.mdtrt_id,
                diaglist=({"diag_type": "1", "diag_srt_no": "1", "diag_code": admission.adm_diag_code,
                           "diag_name": admission.adm_diag_dscr, "maindiag_flag": "1"},),
            ),
        )  # fmt: skip
        admission.bill = bill
        admission.save(update_fields=["bill", "updated_at"])
    return bill


def _medium(admission: Admission) -> Medium:
    # The 身份证 on record: a 医保码 read at admission is valid for that day only (MediumReading).
    return Medium(mdtrt_cert_type=CertType.IDCARD, mdtrt_cert_no=admission.patient.certno)


@dataclass(frozen=True)
class Preview:
    result: object  # ledger.settlement.SettlementResult
    split: dict
    plan: rules.DischargePlan


def discharge_preview(*, admission: Admission, opter) -> Preview:
    """2303: what the settlement will split, and what then happens to the deposits (nothing moves)."""
    bill = discharge_bill(admission=admission)
    result = bill_preview(bill=bill, opter=opter, medium=_medium(admission))
    split = result.split()
    plan = rules.discharge_plan(share=split["psn_cash_pay"], deposits=selectors.deposits_held(admission))
    return Preview(result=result, split=split, plan=plan)


@dataclass(frozen=True)
class DischargeOutcome:
    status: str  # settled / refused / unknown
    message: str
    refunds: list = field(default_factory=list)  # services.MoneyOutcome of each deposit refund


def discharge_settle(*, admission: Admission, opter) -> DischargeOutcome:
    """2304 with the pay-later flag (the spine claims the bill: a double click or a second cashier is refused),
    then, by the rule, every deposit still held refunded whole."""
    bill = discharge_bill(admission=admission)
    outcome = bill_settle_at_gateway(bill=bill, opter=opter, channel=Channel.INPATIENT, medium=_medium(admission))
    if outcome.status != "settled":
        return DischargeOutcome(outcome.status, f"出院结算：{outcome.message}")
    refunds = discharge_refund_deposits(admission=admission, opter=opter)
    share = format_money(outcome.movement.psn_cash_pay or Decimal("0.00"))
    return DischargeOutcome("settled", f"出院结算成功，先医后付支付个人负担 ¥{share}。", refunds)


def discharge_refund_deposits(*, admission: Admission, opter) -> list:
    """After the final settlement: refund every deposit still held, each whole (the rule in rules.py). Safe to
    run again: a deposit being refunded or refunded is not sent twice."""
    admission.refresh_from_db()
    if admission.state != AdmissionState.SETTLED:
        raise ApplicationError("出院结算成功后才退还押金")
    return [
        services.deposit_refund(deposit=deposit, opter=opter, reason="出院结算后退还押金")
        for deposit in selectors.deposits_held(admission)
    ]


def settlement_state(admission: Admission) -> str:
    return bill_gateway_state(admission.bill) if admission.bill else ""


def settlement_reverse(*, admission: Admission, reason: str, opter) -> str:
    """2305 for the stay's final settlement, with the cashier's reason; the stay is then discharged again."""
    admission.refresh_from_db()
    if admission.state != AdmissionState.SETTLED or admission.bill is None or admission.bill.state != BillState.SETTLED:
        raise ApplicationError("该住院没有可撤销的出院结算")
    return bill_refund(bill=admission.bill, reason=reason)
