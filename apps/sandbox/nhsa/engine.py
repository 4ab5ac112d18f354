"""The simulated gateway's business: how a bill splits, and what settling, reversing and undoing do.

The HTTP endpoint (views.py) and the simulated platform's cashier (in-process) both call these functions.
Deterministic arithmetic, Decimal throughout, every amount with two places.
"""

import json
import secrets
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.core.money import CENT, format_money
from apps.sandbox.models import Person
from apps.sandbox.nhsa.models import Deposit, FeeLine, Message, Settlement, Visit
from apps.sandbox.people import ensure_demo_people

ZERO = Decimal("0.00")


class Refusal(Exception):
    """The gateway says no (infcode -1); the message is the err_msg."""


@dataclass(frozen=True)
class Scheme:
    deductible: Decimal  # 起付线, paid by the person
    fund_ratio: Decimal  # share of the rest the fund pays
    has_account: bool  # whether a personal account (个人账户) pays the personal part first


# 310 职工基本医疗保险: small deductible, fund 70%, personal account; 390 城乡居民: fund 50%, no account.
SCHEMES = {
    "310": Scheme(Decimal("10.00"), Decimal("0.70"), True),
    "390": Scheme(ZERO, Decimal("0.50"), False),
}
UNCOVERED = Scheme(ZERO, ZERO, False)

# The simulation's stand-in for 乙类 items' 先行自付 by catalogue category, read from the national code's prefix:
# patent drugs (Z…) 10 %, medical materials (C…) 20 %, large exams and labs (service codes 002…) 10 %; western
# drugs (X…), registration, treatment, beds and nursing are fully in scope. An outpatient settlement of uploaded
# lines (its chrg_bchno) pays these first out of pocket; the fund shares only the rest.
SELF_PAY_FIRST = (("Z", Decimal("0.10")), ("C", Decimal("0.20")), ("002", Decimal("0.10")))


def self_pay_first(med_list_codg: str) -> Decimal:
    return next((ratio for prefix, ratio in SELF_PAY_FIRST if med_list_codg.startswith(prefix)), ZERO)


def preselfpay_of(mdtrt_id: str, chrg_bchno: str) -> Decimal:
    """The 先行自付 of one outpatient batch of uploaded lines (zero without a batch)."""
    if not chrg_bchno:
        return ZERO
    lines = FeeLine.objects.filter(mdtrt_id=mdtrt_id, chrg_bchno=chrg_bchno)
    return sum(
        ((line.det_item_fee_sumamt * self_pay_first(line.med_list_codg)).quantize(CENT, rounding=ROUND_HALF_UP)
         for line in lines),
        ZERO,
    )  # fmt: skip


# Amounts that are always zero in this simulation but belong to a complete setlinfo.
_ZERO_PARTS = (
    "hifmi_pay",
    "hifob_pay",
    "hifes_pay",
    "cvlserv_pay",
    "maf_pay",
    "oth_pay",
    "acct_mulaid_pay",
    "fulamt_ownpay_amt",
    "overlmt_selfpay",
    "preselfpay_amt",
    "hosp_part_amt",
)
# Every money amount of a settlement (balc, the account balance after it, is not one of its parts).
AMOUNT_KEYS = (
    "medfee_sumamt",
    "fund_pay_sumamt",
    "hifp_pay",
    "psn_part_amt",
    "acct_pay",
    "psn_cash_pay",
    "act_pay_dedc",
    "inscp_scp_amt",
    *_ZERO_PARTS,
)


def split(person: Person, medfee_sumamt: Decimal, preselfpay: Decimal = ZERO) -> dict:
    """The setlinfo amounts (Decimal) for a bill of `medfee_sumamt` yuan of which `preselfpay` is paid out of
    pocket first; does not touch the person.

    fund_pay_sumamt + psn_part_amt == medfee_sumamt and acct_pay + psn_cash_pay == psn_part_amt exactly.
    """
    if not isinstance(medfee_sumamt, Decimal) or not medfee_sumamt.is_finite() or medfee_sumamt < 0:
        raise Refusal("medfee_sumamt 应为非负金额")
    if medfee_sumamt != medfee_sumamt.quantize(CENT):
        raise Refusal("medfee_sumamt 最多两位小数")
    total = medfee_sumamt.quantize(CENT)
    preselfpay = min(preselfpay, total)
    scheme = SCHEMES.get(person.insutype, UNCOVERED)
    deductible = min(scheme.deductible, total - preselfpay)
    fund = ((total - preselfpay - deductible) * scheme.fund_ratio).quantize(CENT, rounding=ROUND_HALF_UP)
    psn_part = total - fund
    balance = max(Decimal(person.acct_balance), ZERO) if scheme.has_account else ZERO
    acct = min(balance, psn_part)
    return {
        "medfee_sumamt": total,
        "fund_pay_sumamt": fund,
        "hifp_pay": fund,
        "psn_part_amt": psn_part,
        "acct_pay": acct,
        "psn_cash_pay": psn_part - acct,
        "act_pay_dedc": deductible,
        "inscp_scp_amt": total - preselfpay,
        "balc": Decimal(person.acct_balance).quantize(CENT) - acct,
        **{key: ZERO for key in _ZERO_PARTS},
        "preselfpay_amt": preselfpay,
        "pool_prop_selfpay": (1 - scheme.fund_ratio).quantize(Decimal("0.0001")),
    }


def _wire(amounts: dict) -> dict:
    """Amounts as the gateway writes them: strings, two places (the ratio keeps four)."""
    return {key: format_money(value) if key != "pool_prop_selfpay" else str(value) for key, value in amounts.items()}


def new_id(prefix: str = "") -> str:
    """30-character ids like the gateway's: region(6) + time(14) + 10 digits."""
    return f"{prefix or settings.ADMDVS}{timezone.localtime():%Y%m%d%H%M%S}{secrets.randbelow(10**10):010d}"


def person_by_psn_no(psn_no: str) -> Person:
    ensure_demo_people()
    person = Person.objects.filter(psn_no=psn_no).first()
    if person is None:
        raise Refusal(f"人员编号 {psn_no} 不存在")
    return person


def _visit(mdtrt_id: str, person: Person, kind: str) -> Visit:
    visit = Visit.objects.filter(mdtrt_id=mdtrt_id).first()
    if visit is None or visit.cancelled:
        raise Refusal(f"就诊ID {mdtrt_id} 不存在或已撤销")
    if visit.person_id != person.pk:
        raise Refusal("就诊ID与人员编号不符")
    if visit.kind != kind:
        raise Refusal(f"就诊ID {mdtrt_id} 不是{Visit.Kind(kind).label}就诊")
    return visit


def _effect(msgid: str, kind: str, ref: str) -> None:
    Message.objects.filter(msgid=msgid).update(effect_kind=kind, effect_ref=ref)


def _locked(person: Person) -> Person:
    return Person.objects.select_for_update().get(pk=person.pk)


# --- visits --------------------------------------------------------------------------------------------------


def register_visit(
    *, person, dept_code, dept_name, atddr_no, dr_name, begntime, med_type="12", ipt_otp_no="", msgid=""
) -> str:
    """2201: a new outpatient visit; returns its mdtrt_id."""
    return _open_visit(
        person=person, kind=Visit.Kind.OUTPATIENT, med_type=med_type, begntime=str(begntime), dept_code=dept_code,
        dept_name=dept_name, atddr_no=atddr_no, dr_name=dr_name, ipt_otp_no=ipt_otp_no, msgid=msgid,
    )  # fmt: skip


def admit(*, person, ipt_no, begntime, dept_code, dept_name, atddr_no, dr_name, med_type="21", msgid="") -> str:
    """2401: a new admission; returns its mdtrt_id."""
    return _open_visit(
        person=person, kind=Visit.Kind.INPATIENT, med_type=med_type, begntime=str(begntime), dept_code=dept_code,
        dept_name=dept_name, atddr_no=atddr_no, dr_name=dr_name, ipt_otp_no=ipt_no, msgid=msgid,
    )  # fmt: skip


def _open_visit(*, msgid, **fields) -> str:
    visit = Visit.objects.create(mdtrt_id=new_id(), **fields)
    if msgid:
        _effect(msgid, "visit", visit.mdtrt_id)
    return visit.mdtrt_id


def cancel_visit(*, person, mdtrt_id) -> None:
    """2202: only a visit without a standing settlement can be cancelled."""
    visit = _visit(mdtrt_id, person, Visit.Kind.OUTPATIENT)
    if Settlement.objects.filter(mdtrt_id=mdtrt_id, status=Settlement.Status.SETTLED).exists():
        raise Refusal("该就诊已结算，请先撤销结算")
    visit.cancelled = True
    visit.save(update_fields=["cancelled"])


def upload_fees(*, person, lines: list[dict], kind: str, msgid: str) -> list[dict]:
    """2204 / 2301: record the lines; each answers with its amounts (all within policy in this simulation)."""
    result = []
    for index, line in enumerate(lines):
        if not isinstance(line, dict):
            raise Refusal(f"feedetail[{index}] 不是对象")
        _visit(str(line.get("mdtrt_id") or ""), person, kind)
        amount = _amount(line.get("det_item_fee_sumamt"), f"feedetail[{index}].det_item_fee_sumamt")
        try:
            with transaction.atomic():
                FeeLine.objects.create(
                    mdtrt_id=line["mdtrt_id"],
                    feedetl_sn=str(line.get("feedetl_sn") or ""),
                    chrg_bchno=str(line.get("chrg_bchno") or ""),
                    med_list_codg=str(line.get("med_list_codg") or "")[:50],
                    det_item_fee_sumamt=amount,
                    msgid=msgid,
                )
        except IntegrityError:
            raise Refusal(f"费用明细流水号 {line.get('feedetl_sn')} 已上传") from None
        first = (amount * self_pay_first(str(line.get("med_list_codg") or ""))).quantize(CENT, rounding=ROUND_HALF_UP)
        result.append(
            {
                "feedetl_sn": line.get("feedetl_sn"),
                "det_item_fee_sumamt": format_money(amount),
                "cnt": str(line.get("cnt", "")),
                "pric": str(line.get("pric", "")),
                "fulamt_ownpay_amt": "0.00",
                "overlmt_amt": "0.00",
                "preselfpay_amt": format_money(first),
                "inscp_scp_amt": format_money(amount - first),
                "chrgitm_lv": "01",
            }
        )
    return result


def cancel_fees(*, person, mdtrt_id, chrg_bchno) -> None:
    """2205: withdraw the fee details of one 收费批次号 ("0000": all of the visit)."""
    _visit(mdtrt_id, person, Visit.Kind.OUTPATIENT)
    lines = FeeLine.objects.filter(mdtrt_id=mdtrt_id)
    if chrg_bchno != "0000":
        lines = lines.filter(chrg_bchno=chrg_bchno)
    # The simulation keeps no batch on a settlement: withdrawing the whole visit needs no standing settlement.
    settled = Settlement.objects.filter(mdtrt_id=mdtrt_id, status=Settlement.Status.SETTLED)
    if chrg_bchno == "0000" and settled.exists():
        raise Refusal("该就诊有未撤销的结算，请先撤销结算")
    if not lines.exists():
        raise Refusal(f"收费批次号 {chrg_bchno} 无可撤销的费用明细")
    lines.delete()


def cancel_fee(*, person, mdtrt_id: str, feedetl_sn: str) -> None:
    """2302: an uploaded inpatient line is withdrawn (before the admission is settled)."""
    _visit(mdtrt_id, person, Visit.Kind.INPATIENT)
    if Settlement.objects.filter(mdtrt_id=mdtrt_id, status=Settlement.Status.SETTLED).exists():
        raise Refusal("该住院已结算，不能撤销费用明细，请先撤销结算")
    deleted, _ = FeeLine.objects.filter(mdtrt_id=mdtrt_id, feedetl_sn=feedetl_sn).delete()
    if not deleted:
        raise Refusal(f"费用明细流水号 {feedetl_sn} 未上传或已撤销")


def discharged(mdtrt_id: str) -> bool:
    return Message.objects.filter(effect_kind="discharge", effect_ref=mdtrt_id, undone_at__isnull=True).exists()


def discharge(*, person, mdtrt_id: str, msgid: str) -> None:
    """2402: the admission ends (kept as the message's effect, which 2601 may undo)."""
    _visit(mdtrt_id, person, Visit.Kind.INPATIENT)
    if discharged(mdtrt_id):
        raise Refusal(f"就诊ID {mdtrt_id} 已办理出院")
    _effect(msgid, "discharge", mdtrt_id)


def inpatient_fees(mdtrt_id: str) -> Decimal:
    """The total of the admission's uploaded lines, which 2303 / 2304 must match."""
    return sum((line.det_item_fee_sumamt for line in FeeLine.objects.filter(mdtrt_id=mdtrt_id)), ZERO)


def _amount(value, field: str) -> Decimal:
    if isinstance(value, (bool, float)) or value in (None, ""):
        raise Refusal(f"{field} 不是金额")
    try:
        amount = Decimal(str(value).strip())
    except ArithmeticError:
        raise Refusal(f"{field} 不是金额") from None
    if not amount.is_finite() or amount != amount.quantize(CENT):
        raise Refusal(f"{field} 不是两位小数的金额")
    return amount.quantize(CENT)


# --- settlements ---------------------------------------------------------------------------------------------


def presettle(*, person, medfee_sumamt, inpatient_mdtrt_id: str = "", mdtrt_id: str = "", chrg_bchno: str = "") -> dict:
    """2206 / 2303: what settling would do, with nothing moved (2303 also checks the uploaded lines; 2206 splits a
    batch of uploaded lines by their categories, as 2207 will)."""
    if inpatient_mdtrt_id:
        _visit(inpatient_mdtrt_id, person, Visit.Kind.INPATIENT)
        _check_inpatient_total(inpatient_mdtrt_id, medfee_sumamt)
    return _wire(split(person, medfee_sumamt, preselfpay_of(mdtrt_id, chrg_bchno)))


def _check_inpatient_total(mdtrt_id: str, medfee_sumamt: Decimal) -> None:
    uploaded = inpatient_fees(mdtrt_id)
    if uploaded != medfee_sumamt:
        raise Refusal(f"医疗费总额 {medfee_sumamt} 与已上传住院费用明细合计 {uploaded} 不符")


def settle_outpatient(*, person, mdtrt_id, medfee_sumamt, paylater: bool, msgid: str) -> dict:
    """2207 for the simulated platform's cashier (in-process): records the message under `msgid` itself."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                Message.objects.create(msgid=msgid, infno="2207", psn_no=person.psn_no)
        except IntegrityError:
            raise Refusal(f"报文ID {msgid} 已使用") from None
        return settle(
            person=person, mdtrt_id=mdtrt_id, medfee_sumamt=medfee_sumamt, paylater=paylater, msgid=msgid, infno="2207"
        )


def settle(*, person, mdtrt_id, medfee_sumamt, paylater: bool, msgid: str, infno: str, chrg_bchno: str = "") -> dict:
    """2207 / 2207B / 2304: split the bill, debit the personal account, record the settlement."""
    kind = Visit.Kind.INPATIENT if infno == "2304" else Visit.Kind.OUTPATIENT
    _visit(mdtrt_id, person, kind)
    if paylater and not person.signed:
        raise Refusal("该人员未签约先医后付，不能先医后付结算")
    if kind == Visit.Kind.INPATIENT:
        _check_inpatient_total(mdtrt_id, medfee_sumamt)
        if Settlement.objects.filter(mdtrt_id=mdtrt_id, status=Settlement.Status.SETTLED).exists():
            raise Refusal(f"就诊ID {mdtrt_id} 已结算，请勿重复结算")
    if chrg_bchno:
        uploaded = [
            line.det_item_fee_sumamt for line in FeeLine.objects.filter(mdtrt_id=mdtrt_id, chrg_bchno=chrg_bchno)
        ]
        if uploaded and sum(uploaded) != medfee_sumamt:
            raise Refusal(f"医疗费总额 {medfee_sumamt} 与已上传明细合计 {sum(uploaded)} 不符")
    person = _locked(person)
    amounts = split(
        person, medfee_sumamt, preselfpay_of(mdtrt_id, chrg_bchno) if kind == Visit.Kind.OUTPATIENT else ZERO
    )
    person.acct_balance = amounts["balc"]
    person.save(update_fields=["acct_balance"])
    setl_id = new_id()
    now = timezone.localtime()
    setlinfo = {
        "setl_id": setl_id,
        "mdtrt_id": mdtrt_id,
        "psn_no": person.psn_no,
        "psn_name": person.name,
        "insutype": person.insutype,
        "setl_time": now.strftime("%Y-%m-%d %H:%M:%S"),
        **_wire(amounts),
        "medins_setl_id": msgid,
        "clr_optins": person.insuplc_admdvs,
        "clr_way": "1",
        "clr_type": "21" if kind == Visit.Kind.INPATIENT else "11",
    }
    Settlement.objects.create(
        setl_id=setl_id,
        msgid=msgid,
        infno=infno,
        person=person,
        mdtrt_id=mdtrt_id,
        paylater=paylater,
        medfee_sumamt=amounts["medfee_sumamt"],
        fund_pay_sumamt=amounts["fund_pay_sumamt"],
        acct_pay=amounts["acct_pay"],
        psn_cash_pay=amounts["psn_cash_pay"],
        setlinfo=setlinfo,
    )
    _effect(msgid, "settlement", setl_id)
    return setlinfo


def setldetail(setlinfo: dict) -> list[dict]:
    """The fund lines of a settlement, as 2207 lists them."""
    lines = [("310100" if setlinfo.get("insutype") == "310" else "390100", "基本医疗保险统筹基金", "fund_pay_sumamt")]
    if Decimal(setlinfo["acct_pay"]):
        lines.append(("310200", "城镇职工基本医疗保险个人账户基金", "acct_pay"))
    return [
        {"fund_pay_type": code, "fund_pay_type_name": name, "fund_payamt": setlinfo[key], "setl_proc_info": ""}
        for code, name, key in lines
    ]


def reverse_settlement(*, person, setl_id, mdtrt_id, msgid: str, infno: str) -> dict:
    """2208 / 2305: undo a settlement; the answer carries its amounts negated."""
    settlement = Settlement.objects.select_for_update().filter(setl_id=setl_id).first()
    if settlement is None or settlement.mdtrt_id != mdtrt_id or settlement.person_id != person.pk:
        raise Refusal(f"结算ID {setl_id} 不存在或与就诊、人员不符")
    if (settlement.infno == "2304") != (infno == "2305"):
        raise Refusal(f"结算ID {setl_id} 不能用 {infno} 撤销")
    if settlement.status != Settlement.Status.SETTLED:
        raise Refusal(f"结算ID {setl_id} 已撤销")
    balance = _restore(settlement)
    _effect(msgid, "settlement_reversal", setl_id)
    negated = {key: format_money(-Decimal(settlement.setlinfo[key])) for key in AMOUNT_KEYS}
    return settlement.setlinfo | negated | {"balc": format_money(balance), "medins_setl_id": msgid}


def _restore(settlement: Settlement) -> Decimal:
    person = _locked(settlement.person)
    person.acct_balance = Decimal(person.acct_balance) + settlement.acct_pay
    person.save(update_fields=["acct_balance"])
    settlement.status = Settlement.Status.REVERSED
    settlement.save(update_fields=["status"])
    return person.acct_balance


def _resettle(settlement: Settlement) -> None:
    person = _locked(settlement.person)
    person.acct_balance = Decimal(person.acct_balance) - settlement.acct_pay
    person.save(update_fields=["acct_balance"])
    settlement.status = Settlement.Status.SETTLED
    settlement.save(update_fields=["status"])


# --- deposits ------------------------------------------------------------------------------------------------


def pay_deposit(*, person, mdtrt_id, ipt_no, dpst_amt: Decimal, dpst_sn, msgid: str) -> dict:
    """C2304: a pay-later deposit for an admitted, signed patient."""
    _visit(mdtrt_id, person, Visit.Kind.INPATIENT)
    if not person.signed:
        raise Refusal("该人员未签约先医后付，不能缴纳预交金")
    if dpst_amt <= 0:
        raise Refusal("dpst_amt 应大于0")
    try:
        with transaction.atomic():
            deposit = Deposit.objects.create(
                dpst_id=new_id(), msgid=msgid, person=person, mdtrt_id=mdtrt_id, ipt_no=ipt_no, dpst_sn=dpst_sn,
                dpst_amt=dpst_amt,
            )  # fmt: skip
    except IntegrityError:
        raise Refusal(f"预交金流水号 {dpst_sn} 已使用") from None
    _effect(msgid, "deposit", deposit.dpst_id)
    return {
        "dpst_id": deposit.dpst_id,
        "dpst_amt": format_money(dpst_amt),
        "pay_time": timezone.localtime().strftime("%Y-%m-%d %H:%M:%S"),
    }


def refund_deposit(*, person, mdtrt_id, dpst_id, refd_amt: Decimal | None, msgid: str) -> dict:
    """C2305: whole deposits only; a partial amount is refused."""
    deposit = Deposit.objects.select_for_update().filter(dpst_id=dpst_id).first()
    if deposit is None or deposit.mdtrt_id != mdtrt_id or deposit.person_id != person.pk:
        raise Refusal(f"预交金 {dpst_id} 不存在或与就诊、人员不符")
    if deposit.status != Deposit.Status.PAID:
        raise Refusal(f"预交金 {dpst_id} 已退或已冲正")
    if refd_amt is not None and refd_amt != deposit.dpst_amt:
        raise Refusal(f"预交金不支持部分退费：应退 {deposit.dpst_amt}，请求 {refd_amt}")
    deposit.status = Deposit.Status.REFUNDED
    deposit.refunded_at = timezone.now()
    deposit.save(update_fields=["status", "refunded_at"])
    _effect(msgid, "deposit_refund", dpst_id)
    return {
        "dpst_id": dpst_id,
        "refd_amt": format_money(deposit.dpst_amt),
        "refd_time": timezone.localtime(deposit.refunded_at).strftime("%Y-%m-%d %H:%M:%S"),
    }


# --- 2601 ----------------------------------------------------------------------------------------------------

# Messages about no person, whose 2601 carries no psn_no.
WITHOUT_PERSON = ("3503", "3504")


def record_purchase(msgid: str) -> None:
    """3503/3504 keep nothing the portal reads back; the message itself is what 2601 would undo."""
    _effect(msgid, "purchase", msgid)


NOTHING_TO_UNDO = "原交易不存在或原交易未生效，无需冲正"
ALREADY_UNDONE = "原交易已冲正"


def undo(*, psn_no: str, omsgid: str, oinfno: str, msgid: str) -> None:
    """2601: undo whatever the named message did, or refuse saying why."""
    original = Message.objects.select_for_update().filter(msgid=omsgid).first()
    if original is None or original.infcode != 0 or not original.effect_kind:
        raise Refusal(NOTHING_TO_UNDO)
    if original.infno != oinfno:
        raise Refusal(f"原交易编号不符：报文 {omsgid} 是 {original.infno}，不是 {oinfno}")
    if original.psn_no and original.psn_no != psn_no:
        raise Refusal("人员编号与原交易不符")
    if original.undone_at:
        raise Refusal(f"{ALREADY_UNDONE}（{original.undone_by}）")
    _UNDO[original.effect_kind](original.effect_ref)
    original.undone_by = msgid
    original.undone_at = timezone.now()
    original.save(update_fields=["undone_by", "undone_at"])


def _undo_settlement(setl_id: str) -> None:
    settlement = Settlement.objects.select_for_update().get(setl_id=setl_id)
    if settlement.status != Settlement.Status.SETTLED:
        raise Refusal(f"{ALREADY_UNDONE}（结算已撤销）")
    _restore(settlement)


def _undo_settlement_reversal(setl_id: str) -> None:
    settlement = Settlement.objects.select_for_update().get(setl_id=setl_id)
    if settlement.status != Settlement.Status.REVERSED:
        raise Refusal(ALREADY_UNDONE)
    _resettle(settlement)


def _undo_deposit(dpst_id: str) -> None:
    deposit = Deposit.objects.select_for_update().get(dpst_id=dpst_id)
    if deposit.status != Deposit.Status.PAID:
        raise Refusal(f"{ALREADY_UNDONE}（预交金已退）")
    deposit.status = Deposit.Status.REVERSED
    deposit.save(update_fields=["status"])


def _undo_deposit_refund(dpst_id: str) -> None:
    deposit = Deposit.objects.select_for_update().get(dpst_id=dpst_id)
    if deposit.status != Deposit.Status.REFUNDED:
        raise Refusal(ALREADY_UNDONE)
    deposit.status = Deposit.Status.PAID
    deposit.refunded_at = None
    deposit.save(update_fields=["status", "refunded_at"])


def _undo_visit(mdtrt_id: str) -> None:
    if Settlement.objects.filter(mdtrt_id=mdtrt_id, status=Settlement.Status.SETTLED).exists():
        raise Refusal("该就诊已结算，不能冲正登记")
    Visit.objects.filter(mdtrt_id=mdtrt_id).update(cancelled=True)


_UNDO = {
    "purchase": lambda msgid: None,  # undoing marks the message undone; there is nothing else to restore
    "settlement": _undo_settlement,
    "settlement_reversal": _undo_settlement_reversal,
    "deposit": _undo_deposit,
    "deposit_refund": _undo_deposit_refund,
    "visit": _undo_visit,
    "discharge": lambda mdtrt_id: None,  # undoing marks the message undone, which is what `discharged` reads
}


def is_paylater(exp_content) -> bool:
    """Whether exp_content (a JSON string) carries the configured pay-later flag."""
    try:
        content = json.loads(exp_content) if exp_content else {}
    except ValueError:
        raise Refusal("exp_content 不是 JSON 字符串") from None
    flag = settings.NHSA_PAYLATER_FLAG
    return isinstance(content, dict) and all(content.get(key) == value for key, value in flag.items())
