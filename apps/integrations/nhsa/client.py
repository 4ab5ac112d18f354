"""One function per gateway transaction (INTERFACES.md 3.2). Keyword-only; typed results; money is Decimal.

Every function takes `opter` (an Opter, an (id, name) pair, a Django user, or "system" for background jobs)
and an optional `business` (transport.BusinessRef) so that the Exchange row links to the business object.
Inputs are checked before anything is sent: a bad one raises ApplicationError naming the field.

Money calls (2207, 2207B, 2208, 2304, 2305, C2304, C2305) may raise UpstreamUnknownOutcome. The msgid of such
a call is in the Exchange row; `apps.integrations.recovery` resolves it. Never call the function again for the
same money: that would be a second settlement under a new msgid. The two calls that open a visit (2201, 2401)
are treated the same way: a lost answer may have left a visit the portal never learnt of, so recovery undoes it
by 2601 while the business retries under a new msgid (one visit stands, the one the portal knows).
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from apps.core.errors import ApplicationError
from apps.core.money import format_money
from apps.core.refs import BusinessRef
from apps.integrations.nhsa import assumed, purchase, types
from apps.integrations.nhsa.envelope import Sent, call, sign_in

ZERO = Decimal("0.00")

__all__ = [
    "InpatientBill",
    "OutpatientBill",
    "admit_inpatient",
    "cancel_outpatient_fees",
    "cancel_inpatient_fees",
    "cancel_registration",
    "discharge_inpatient",
    "download_file",
    "pay_deposit",
    "person_info",
    "presettle_inpatient",
    "presettle_outpatient",
    "reconcile_detail",
    "reconcile_totals",
    "refund_deposit",
    "register_outpatient",
    "return_purchase",
    "reverse_inpatient_settlement",
    "reverse_message",
    "reverse_outpatient_settlement",
    "settle_clinic",
    "settle_inpatient",
    "settle_outpatient",
    "sign_in",
    "upload_file",
    "upload_inpatient_fees",
    "upload_outpatient_fees",
    "upload_purchase",
]


# --- input checks -------------------------------------------------------------------------------------------


def _text(field: str, value, max_len: int, *, required: bool = True) -> str:
    if value is None or value == "":
        if required:
            raise ApplicationError(f"{field}: 必填", {"field": field})
        return ""
    if not isinstance(value, str):
        raise ApplicationError(f"{field}: 应为字符串", {"field": field})
    if len(value) > max_len:
        raise ApplicationError(f"{field}: 超长（最多 {max_len} 个字符）", {"field": field})
    return value


def _code(field: str, value, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ApplicationError(f"{field}: 只能是 {' / '.join(allowed)}，不是 {value!r}", {"field": field})
    return value


def _amount(field: str, value, *, positive: bool = False) -> str:
    """Decimal yuan in, the wire's two-place string out."""
    if not isinstance(value, Decimal) or not value.is_finite():
        raise ApplicationError(f"{field}: 金额应为 Decimal", {"field": field})
    if value != value.quantize(Decimal("0.01")):
        raise ApplicationError(f"{field}: 金额最多两位小数", {"field": field})
    if value < 0 or (positive and value == 0):
        raise ApplicationError(f"{field}: 金额应{'大于' if positive else '不小于'}0", {"field": field})
    return format_money(value)


def _time(field: str, value) -> str:
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    try:
        datetime.datetime.strptime(_text(field, value, 19), "%Y-%m-%d %H:%M:%S")
    except ValueError:
        raise ApplicationError(f"{field}: 时间格式应为 yyyy-MM-dd HH:mm:ss", {"field": field}) from None
    return value


def _date(field: str, value) -> str:
    if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
        raise ApplicationError(f"{field}: 应为日期", {"field": field})
    return value.isoformat()


CERT_TYPES = ("01", "02", "03")
FLAGS = ("0", "1")


def _result(cls, sent: Sent, **extra):
    return cls(**sent.output, **extra, msgid=sent.msgid, warn_msg=sent.warn_msg, exchange_id=sent.exchange.pk)


def _ack(sent: Sent) -> types.Ack:
    """Transactions without output: whatever `output` holds is not ours to interpret."""
    return types.Ack(msgid=sent.msgid, warn_msg=sent.warn_msg, exchange_id=sent.exchange.pk)


# --- 1101 person ---------------------------------------------------------------------------------------------


def person_info(
    *,
    opter,
    mdtrt_cert_type: str,
    mdtrt_cert_no: str,
    card_sn: str = "",
    psn_cert_type: str = "01",
    certno: str = "",
    psn_name: str = "",
    business: BusinessRef | None = None,
) -> types.PersonInfo:
    """1101 人员信息获取: baseinfo and insuinfo (insutype, balc, insuplc_admdvs)."""
    data = {
        "mdtrt_cert_type": _code("mdtrt_cert_type", mdtrt_cert_type, CERT_TYPES),
        "mdtrt_cert_no": _text("mdtrt_cert_no", mdtrt_cert_no, 50),
        "card_sn": _text("card_sn", card_sn, 32, required=mdtrt_cert_type == "03"),
        "begntime": "",
        "psn_cert_type": _text("psn_cert_type", psn_cert_type, 6, required=False),
        "certno": _text("certno", certno, 50, required=False),
        "psn_name": _text("psn_name", psn_name, 50, required=False),
    }
    sent = call("1101", {"data": data}, opter=opter, parse=types.read_person, business=business)
    return _result(types.PersonInfo, sent)


# --- 2201 / 2202 / 2401 visits -------------------------------------------------------------------------------


def register_outpatient(
    *,
    opter,
    insuplc_admdvs: str,
    psn_no: str,
    insutype: str,
    begntime,
    mdtrt_cert_type: str,
    mdtrt_cert_no: str,
    ipt_otp_no: str,
    atddr_no: str,
    dr_name: str,
    dept_code: str,
    dept_name: str,
    caty: str,
    business: BusinessRef | None = None,
) -> types.Registration:
    """2201 门诊挂号: returns the mdtrt_id every later transaction of the visit carries."""
    data = {
        "psn_no": _text("psn_no", psn_no, 30),
        "insutype": _text("insutype", insutype, 6),
        "begntime": _time("begntime", begntime),
        "mdtrt_cert_type": _code("mdtrt_cert_type", mdtrt_cert_type, CERT_TYPES),
        "mdtrt_cert_no": _text("mdtrt_cert_no", mdtrt_cert_no, 50),
        "ipt_otp_no": _text("ipt_otp_no", ipt_otp_no, 30),
        "atddr_no": _text("atddr_no", atddr_no, 30),
        "dr_name": _text("dr_name", dr_name, 50),
        "dept_code": _text("dept_code", dept_code, 30),
        "dept_name": _text("dept_name", dept_name, 100),
        "caty": _text("caty", caty, 10),
    }
    sent = call(
        "2201",
        {"data": data},
        opter=opter,
        parse=types.read_registration,
        insuplc_admdvs=_text("insuplc_admdvs", insuplc_admdvs, 6),
        money=True,  # see the module docstring: a lost answer is undone by 2601
        business=business,
    )
    return _result(types.Registration, sent)


def cancel_registration(
    *, opter, insuplc_admdvs: str, psn_no: str, mdtrt_id: str, ipt_otp_no: str, business: BusinessRef | None = None
) -> types.Ack:
    """2202 门诊挂号撤销."""
    data = {
        "psn_no": _text("psn_no", psn_no, 30),
        "mdtrt_id": _text("mdtrt_id", mdtrt_id, 30),
        "ipt_otp_no": _text("ipt_otp_no", ipt_otp_no, 30),
    }
    sent = call(
        "2202",
        {"data": data},
        opter=opter,
        insuplc_admdvs=_text("insuplc_admdvs", insuplc_admdvs, 6),
        business=business,
    )
    return _ack(sent)


def cancel_outpatient_fees(
    *, opter, insuplc_admdvs: str, psn_no: str, mdtrt_id: str, chrg_bchno: str, business: BusinessRef | None = None
) -> types.Ack:
    """2205 门诊费用明细信息撤销: the fee details uploaded under one 收费批次号 (`chrg_bchno`) of the visit; the
    national specification's "0000" withdraws every detail of the visit."""
    data = {
        "mdtrt_id": _text("mdtrt_id", mdtrt_id, 30),
        "chrg_bchno": _text("chrg_bchno", chrg_bchno, 30),
        "psn_no": _text("psn_no", psn_no, 30),
    }
    sent = call(
        "2205",
        {"data": data},
        opter=opter,
        insuplc_admdvs=_text("insuplc_admdvs", insuplc_admdvs, 6),
        business=business,
    )
    return _ack(sent)


def admit_inpatient(
    *,
    opter,
    insuplc_admdvs: str,
    psn_no: str,
    insutype: str,
    begntime,
    mdtrt_cert_type: str,
    mdtrt_cert_no: str,
    ipt_no: str,
    atddr_no: str,
    chfpdr_name: str,
    adm_diag_dscr: str,
    adm_dept_codg: str,
    adm_dept_name: str,
    adm_bed: str,
    dscg_maindiag_code: str,
    dscg_maindiag_name: str,
    med_type: str = "21",
    diseinfo: list[dict] | None = None,
    business: BusinessRef | None = None,
) -> types.Registration:
    """2401 入院办理: mdtrtinfo + diseinfo[]; returns the admission's mdtrt_id."""
    mdtrtinfo = {
        "psn_no": _text("psn_no", psn_no, 30),
        "insutype": _text("insutype", insutype, 6),
        "begntime": _time("begntime", begntime),
        "mdtrt_cert_type": _code("mdtrt_cert_type", mdtrt_cert_type, CERT_TYPES),
        "mdtrt_cert_no": _text("mdtrt_cert_no", mdtrt_cert_no, 50),
        "med_type": _text("med_type", med_type, 6),
        "ipt_no": _text("ipt_no", ipt_no, 30),
        "atddr_no": _text("atddr_no", atddr_no, 30),
        "chfpdr_name": _text("chfpdr_name", chfpdr_name, 50),
        "adm_diag_dscr": _text("adm_diag_dscr", adm_diag_dscr, 200),
        "adm_dept_codg": _text("adm_dept_codg", adm_dept_codg, 30),
        "adm_dept_name": _text("adm_dept_name", adm_dept_name, 100),
        "adm_bed": _text("adm_bed", adm_bed, 30),
        "dscg_maindiag_code": _text("dscg_maindiag_code", dscg_maindiag_code, 30),
        "dscg_maindiag_name": _text("dscg_maindiag_name", dscg_maindiag_name, 300),
    }
    diseases = list(diseinfo or [])
    for index, item in enumerate(diseases):
        if not isinstance(item, dict) or not item.get("diag_code") or not item.get("diag_name"):
            raise ApplicationError(f"diseinfo[{index}]: diag_code 与 diag_name 必填", {"field": f"diseinfo[{index}]"})
    sent = call(
        "2401",
        {"mdtrtinfo": mdtrtinfo, "diseinfo": diseases},
        opter=opter,
        parse=types.read_admission,
        insuplc_admdvs=_text("insuplc_admdvs", insuplc_admdvs, 6),
        money=True,  # see the module docstring: a lost answer is undone by 2601
        business=business,
    )
    return _result(types.Registration, sent, psn_no=psn_no)


def discharge_inpatient(
    *,
    opter,
    insuplc_admdvs: str,
    psn_no: str,
    mdtrt_id: str,
    insutype: str,
    endtime,
    dise_codg: str,
    dise_name: str,
    dscg_way: str = "1",
    diseinfo: list[dict] | None = None,
    business: BusinessRef | None = None,
) -> types.Ack:
    """2402 出院办理: dscginfo + diseinfo[] (dscg_way 1 = 医嘱离院)."""
    dscginfo = {
        "mdtrt_id": _text("mdtrt_id", mdtrt_id, 30),
        "psn_no": _text("psn_no", psn_no, 30),
        "insutype": _text("insutype", insutype, 6),
        "endtime": _time("endtime", endtime),
        "dise_codg": _text("dise_codg", dise_codg, 30),
        "dise_name": _text("dise_name", dise_name, 300),
        "dscg_way": _text("dscg_way", dscg_way, 6),
    }
    sent = call(
        "2402",
        {"dscginfo": dscginfo, "diseinfo": list(diseinfo or [])},
        opter=opter,
        insuplc_admdvs=_text("insuplc_admdvs", insuplc_admdvs, 6),
        business=business,
    )
    return _ack(sent)


# --- 2204 / 2301 fee details ---------------------------------------------------------------------------------

FEE_REQUIRED = ("feedetl_sn", "mdtrt_id", "psn_no", "fee_ocur_time", "med_list_codg", "medins_list_codg")


def _fee_lines(feedetail: list[dict]) -> list[dict]:
    if not isinstance(feedetail, list) or not feedetail:
        raise ApplicationError("feedetail: 至少一条费用明细", {"field": "feedetail"})
    lines, seen = [], set()
    for index, item in enumerate(feedetail):
        where = f"feedetail[{index}]"
        if not isinstance(item, dict):
            raise ApplicationError(f"{where}: 应为对象", {"field": where})
        for key in FEE_REQUIRED:
            _text(f"{where}.{key}", item.get(key), 50)
        if item["feedetl_sn"] in seen:
            raise ApplicationError(f"{where}.feedetl_sn: 重复的明细流水号", {"field": f"{where}.feedetl_sn"})
        seen.add(item["feedetl_sn"])
        line = dict(item)
        line["fee_ocur_time"] = _time(f"{where}.fee_ocur_time", item["fee_ocur_time"])
        line["det_item_fee_sumamt"] = _amount(f"{where}.det_item_fee_sumamt", item.get("det_item_fee_sumamt"))
        for key in ("cnt", "pric"):
            if not isinstance(item.get(key), Decimal):
                raise ApplicationError(f"{where}.{key}: 应为 Decimal", {"field": f"{where}.{key}"})
            line[key] = str(item[key])
        lines.append(line)
    return lines


def upload_outpatient_fees(
    *, opter, insuplc_admdvs: str, feedetail: list[dict], business: BusinessRef | None = None
) -> types.FeeUpload:
    """2204 门诊费用明细上传 (each line: feedetl_sn, mdtrt_id, psn_no, chrg_bchno, rxno, fee_ocur_time,
    med_list_codg, medins_list_codg, det_item_fee_sumamt, cnt, pric, …)."""
    lines = _fee_lines(feedetail)
    for index, line in enumerate(lines):
        _text(f"feedetail[{index}].chrg_bchno", line.get("chrg_bchno"), 30)
    sent = call(
        "2204",
        {"feedetail": lines},
        opter=opter,
        parse=types.read_fee_upload,
        insuplc_admdvs=_text("insuplc_admdvs", insuplc_admdvs, 6),
        business=business,
    )
    return _result(types.FeeUpload, sent)


def upload_inpatient_fees(
    *, opter, insuplc_admdvs: str, feedetail: list[dict], business: BusinessRef | None = None
) -> types.FeeUpload:
    """2301 住院费用明细上传."""
    sent = call(
        "2301",
        {"feedetail": _fee_lines(feedetail)},
        opter=opter,
        parse=types.read_fee_upload,
        insuplc_admdvs=_text("insuplc_admdvs", insuplc_admdvs, 6),
        business=business,
    )
    return _result(types.FeeUpload, sent)


def cancel_inpatient_fees(
    *, opter, insuplc_admdvs: str, psn_no: str, mdtrt_id: str, feedetl_sn: str, business: BusinessRef | None = None
) -> types.Ack:
    """2302 住院费用明细撤销: one uploaded line by its feedetl_sn (the national "0000" for all is not used)."""
    data = {
        "feedetl_sn": _text("feedetl_sn", feedetl_sn, 30),
        "mdtrt_id": _text("mdtrt_id", mdtrt_id, 30),
        "psn_no": _text("psn_no", psn_no, 30),
    }
    sent = call(
        "2302",
        {"data": data},
        opter=opter,
        insuplc_admdvs=_text("insuplc_admdvs", insuplc_admdvs, 6),
        business=business,
    )
    return _ack(sent)


# --- settlements ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class _Bill:
    psn_no: str
    insutype: str
    mdtrt_id: str
    medfee_sumamt: Decimal
    mdtrt_cert_type: str = "02"
    mdtrt_cert_no: str = ""
    psn_setlway: str = "01"
    acct_used_flag: str = "1"
    invono: str = ""
    fulamt_ownpay_amt: Decimal = ZERO
    overlmt_selfpay: Decimal = ZERO
    preselfpay_amt: Decimal = ZERO
    inscp_scp_amt: Decimal | None = None  # None: the total less the three self-paid parts

    def data(self, *, with_medium: bool = True) -> dict:
        parts = (self.fulamt_ownpay_amt, self.overlmt_selfpay, self.preselfpay_amt)
        total = _amount("medfee_sumamt", self.medfee_sumamt, positive=True)
        for name, value in zip(("fulamt_ownpay_amt", "overlmt_selfpay", "preselfpay_amt"), parts, strict=True):
            _amount(name, value)
        inscp = self.inscp_scp_amt if self.inscp_scp_amt is not None else self.medfee_sumamt - sum(parts)
        if sum(parts) + inscp > self.medfee_sumamt:
            raise ApplicationError("inscp_scp_amt: 各部分之和超过医疗费总额", {"field": "inscp_scp_amt"})
        data = {
            "psn_no": _text("psn_no", self.psn_no, 30),
            "medfee_sumamt": total,
            "psn_setlway": _code("psn_setlway", self.psn_setlway, ("01", "02")),
            "mdtrt_id": _text("mdtrt_id", self.mdtrt_id, 30),
            "insutype": _text("insutype", self.insutype, 6),
            "acct_used_flag": _code("acct_used_flag", self.acct_used_flag, FLAGS),
            "invono": _text("invono", self.invono, 20, required=False),
            "fulamt_ownpay_amt": format_money(self.fulamt_ownpay_amt),
            "overlmt_selfpay": format_money(self.overlmt_selfpay),
            "preselfpay_amt": format_money(self.preselfpay_amt),
            "inscp_scp_amt": _amount("inscp_scp_amt", inscp),
        }
        if with_medium:
            data["mdtrt_cert_type"] = _code("mdtrt_cert_type", self.mdtrt_cert_type, CERT_TYPES)
            data["mdtrt_cert_no"] = _text("mdtrt_cert_no", self.mdtrt_cert_no, 50)
        return data


@dataclass(frozen=True, kw_only=True)
class OutpatientBill(_Bill):
    """The input of 2206 / 2207 / 2207B."""

    chrg_bchno: str
    med_type: str = "11"

    def data(self, *, with_medium: bool = True) -> dict:
        return super().data(with_medium=with_medium) | {
            "chrg_bchno": _text("chrg_bchno", self.chrg_bchno, 30),
            "med_type": _text("med_type", self.med_type, 6),
        }


@dataclass(frozen=True, kw_only=True)
class InpatientBill(_Bill):
    """The input of 2303 / 2304."""

    mid_setl_flag: str = "0"

    def data(self, *, with_medium: bool = True) -> dict:
        return super().data(with_medium=with_medium) | {
            "mid_setl_flag": _code("mid_setl_flag", self.mid_setl_flag, FLAGS)
        }


def _bill(value, cls):
    if not isinstance(value, cls):
        raise ApplicationError(f"bill: 应为 {cls.__name__}", {"field": "bill"})
    return value


def _settle(infno: str, input: dict, *, opter, insuplc_admdvs, money, business, with_setl_id=True):
    sent = call(
        infno,
        input,
        opter=opter,
        parse=types.settlement_reader(infno=infno, with_setl_id=with_setl_id),
        insuplc_admdvs=_text("insuplc_admdvs", insuplc_admdvs, 6),
        money=money,
        business=business,
    )
    return _result(types.Settlement, sent)


def presettle_outpatient(
    *, opter, insuplc_admdvs: str, bill: OutpatientBill, business: BusinessRef | None = None
) -> types.Settlement:
    """2206 门诊预结算: what 2207 would split, without moving money (setl_id is empty)."""
    data = _bill(bill, OutpatientBill).data()
    return _settle(
        "2206", {"data": data}, opter=opter, insuplc_admdvs=insuplc_admdvs, money=False, business=business,
        with_setl_id=False,
    )  # fmt: skip


def settle_outpatient(
    *, opter, insuplc_admdvs: str, bill: OutpatientBill, paylater: bool = True, business: BusinessRef | None = None
) -> types.Settlement:
    """2207 门诊结算; with `paylater` the pay-later flag rides in exp_content (settings.NHSA_PAYLATER_FLAG)."""
    data = _bill(bill, OutpatientBill).data()
    data["exp_content"] = assumed.paylater_exp_content() if paylater else ""
    return _settle("2207", {"data": data}, opter=opter, insuplc_admdvs=insuplc_admdvs, money=True, business=business)


def settle_clinic(
    *, opter, insuplc_admdvs: str, bill: OutpatientBill, business: BusinessRef | None = None
) -> types.Settlement:
    """2207B 诊间免密无介质结算 [assumed fields]: 2207 identified by psn_no alone, always pay-later."""
    data = _bill(bill, OutpatientBill).data(with_medium=assumed.CLINIC_SETTLE_WITH_MEDIUM)
    data["exp_content"] = assumed.paylater_exp_content()
    return _settle(
        assumed.CLINIC_SETTLE,
        assumed.clinic_settle_input(data),
        opter=opter,
        insuplc_admdvs=insuplc_admdvs,
        money=True,
        business=business,
    )


def _reversal_data(*, psn_no, setl_id, mdtrt_id) -> dict:
    return {
        "setl_id": _text("setl_id", setl_id, 30),
        "mdtrt_id": _text("mdtrt_id", mdtrt_id, 30),
        "psn_no": _text("psn_no", psn_no, 30),
    }


def reverse_outpatient_settlement(
    *, opter, insuplc_admdvs: str, psn_no: str, setl_id: str, mdtrt_id: str, business: BusinessRef | None = None
) -> types.Settlement:
    """2208 门诊结算撤销: the answer's setlinfo carries negative amounts."""
    data = _reversal_data(psn_no=psn_no, setl_id=setl_id, mdtrt_id=mdtrt_id)
    return _settle("2208", {"data": data}, opter=opter, insuplc_admdvs=insuplc_admdvs, money=True, business=business)


def presettle_inpatient(
    *, opter, insuplc_admdvs: str, bill: InpatientBill, business: BusinessRef | None = None
) -> types.Settlement:
    """2303 住院预结算."""
    data = _bill(bill, InpatientBill).data()
    return _settle(
        "2303", {"data": data}, opter=opter, insuplc_admdvs=insuplc_admdvs, money=False, business=business,
        with_setl_id=False,
    )  # fmt: skip


def settle_inpatient(
    *, opter, insuplc_admdvs: str, bill: InpatientBill, paylater: bool = True, business: BusinessRef | None = None
) -> types.Settlement:
    """2304 住院结算; with `paylater` the pay-later flag rides in exp_content."""
    data = _bill(bill, InpatientBill).data()
    data["exp_content"] = assumed.paylater_exp_content() if paylater else ""
    return _settle("2304", {"data": data}, opter=opter, insuplc_admdvs=insuplc_admdvs, money=True, business=business)


def reverse_inpatient_settlement(
    *, opter, insuplc_admdvs: str, psn_no: str, setl_id: str, mdtrt_id: str, business: BusinessRef | None = None
) -> types.Settlement:
    """2305 住院结算撤销."""
    data = _reversal_data(psn_no=psn_no, setl_id=setl_id, mdtrt_id=mdtrt_id)
    return _settle("2305", {"data": data}, opter=opter, insuplc_admdvs=insuplc_admdvs, money=True, business=business)


# --- C2304 / C2305 deposits [assumed fields] -----------------------------------------------------------------


def pay_deposit(
    *,
    opter,
    insuplc_admdvs: str,
    psn_no: str,
    mdtrt_id: str,
    ipt_no: str,
    dpst_amt: Decimal,
    dpst_sn: str,
    business: BusinessRef | None = None,
) -> types.Deposit:
    """C2304 预交金支付 by pay-later. `dpst_sn` is the hospital's own number for this deposit."""
    input = assumed.deposit_pay_input(
        psn_no=_text("psn_no", psn_no, 30),
        mdtrt_id=_text("mdtrt_id", mdtrt_id, 30),
        ipt_no=_text("ipt_no", ipt_no, 30),
        dpst_amt=_amount("dpst_amt", dpst_amt, positive=True),
        dpst_sn=_text("dpst_sn", dpst_sn, 30),
    )
    sent = call(
        assumed.DEPOSIT_PAY,
        input,
        opter=opter,
        parse=assumed.read_deposit,
        insuplc_admdvs=_text("insuplc_admdvs", insuplc_admdvs, 6),
        money=True,
        business=business,
    )
    return _result(types.Deposit, sent)


def refund_deposit(
    *,
    opter,
    insuplc_admdvs: str,
    psn_no: str,
    mdtrt_id: str,
    dpst_id: str,
    refd_amt: Decimal,
    business: BusinessRef | None = None,
) -> types.DepositRefund:
    """C2305 预交金退费: whole deposits only (`refd_amt` must be the deposit's full amount)."""
    input = assumed.deposit_refund_input(
        psn_no=_text("psn_no", psn_no, 30),
        mdtrt_id=_text("mdtrt_id", mdtrt_id, 30),
        dpst_id=_text("dpst_id", dpst_id, 30),
        refd_amt=_amount("refd_amt", refd_amt, positive=True),
    )
    sent = call(
        assumed.DEPOSIT_REFUND,
        input,
        opter=opter,
        parse=assumed.read_deposit_refund,
        insuplc_admdvs=_text("insuplc_admdvs", insuplc_admdvs, 6),
        money=True,
        business=business,
    )
    return _result(types.DepositRefund, sent)


# --- 2601 / 3201 / 3503 / 3504 -------------------------------------------------------------------------------


def reverse_message(
    *, opter, insuplc_admdvs: str, psn_no: str, omsgid: str, oinfno: str, business: BusinessRef | None = None
) -> types.Ack:
    """2601 冲正: undo the message `omsgid` (transaction `oinfno`).

    Not a money call in transport's sense: if its answer is lost, sending 2601 again for the same omsgid is
    harmless (the gateway answers that the original is already undone), which is what recovery does.
    """
    data = {
        "psn_no": _text("psn_no", psn_no, 30, required=oinfno not in assumed.REVERSAL_WITHOUT_PERSON),
        "omsgid": _text("omsgid", omsgid, 30),
        "oinfno": _text("oinfno", oinfno, 6),
    }
    sent = call(
        "2601",
        {"data": data},
        opter=opter,
        insuplc_admdvs=_text("insuplc_admdvs", insuplc_admdvs, 6, required=bool(psn_no)),  # 3.1: only with psn_no
        business=business,
    )
    return _ack(sent)


def _statement_period(begin, end) -> dict:
    period = {"stmt_begndate": _date("stmt_begndate", begin), "stmt_enddate": _date("stmt_enddate", end)}
    if end < begin:
        raise ApplicationError("stmt_enddate: 早于 stmt_begndate", {"field": "stmt_enddate"})
    return period


def _count(field: str, value) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ApplicationError(f"{field}: 应为非负整数", {"field": field})
    return value


def _signed_totals(**totals) -> dict:
    """A statement's totals may be negative when refunds outweigh settlements in the period."""
    for name, value in totals.items():
        _amount(name, abs(value) if isinstance(value, Decimal) else value)
    return {name: format_money(value) for name, value in totals.items()}


def reconcile_totals(
    *,
    opter,
    insutype: str,
    clr_type: str,
    setl_optins: str,
    stmt_begndate: datetime.date,
    stmt_enddate: datetime.date,
    medfee_sumamt: Decimal,
    fund_pay_sumamt: Decimal,
    acct_pay: Decimal,
    fixmedins_setl_cnt: int,
    refd_setl_flag: str = "1",
    business: BusinessRef | None = None,
) -> types.Statement:
    """3201 医药机构费用结算对总账: stmt_rslt 0 when the gateway's totals agree with ours."""
    data = {
        "insutype": _text("insutype", insutype, 6),
        "clr_type": _text("clr_type", clr_type, 30),
        "setl_optins": _text("setl_optins", setl_optins, 6),
        **_statement_period(stmt_begndate, stmt_enddate),
        **_signed_totals(medfee_sumamt=medfee_sumamt, fund_pay_sumamt=fund_pay_sumamt, acct_pay=acct_pay),
        "fixmedins_setl_cnt": _count("fixmedins_setl_cnt", fixmedins_setl_cnt),
        "refd_setl_flag": _code("refd_setl_flag", refd_setl_flag, FLAGS),
    }
    sent = call("3201", {"data": data}, opter=opter, parse=types.read_statement, business=business)
    return _result(types.Statement, sent)


# --- 9101 / 3202 / 9102 detail reconciliation (file layouts and the 9101/9102 nodes are [assumed]) --------------

UPLOAD_MAX_BYTES = 20 * 1024 * 1024


def upload_file(*, opter, filename: str, content: bytes, business: BusinessRef | None = None) -> types.FileInfo:
    """9101 文件上传: the file waits at the gateway under the returned file_qury_no (3202 names it)."""
    if not isinstance(content, bytes) or not content:
        raise ApplicationError("content: 文件不能为空", {"field": "content"})
    if len(content) > UPLOAD_MAX_BYTES:
        raise ApplicationError(f"content: 文件超过 {UPLOAD_MAX_BYTES} 字节", {"field": "content"})
    input = assumed.upload_input(filename=_text("filename", filename, 100), content=content)
    sent = call("9101", input, opter=opter, parse=assumed.read_upload, business=business)
    return _result(types.FileInfo, sent)


def reconcile_detail(
    *,
    opter,
    setl_optins: str,
    file_qury_no: str,
    clr_type: str,
    stmt_begndate: datetime.date,
    stmt_enddate: datetime.date,
    medfee_sumamt: Decimal,
    fund_pay_sumamt: Decimal,
    cash_payamt: Decimal,
    fixmedins_setl_cnt: int,
    refd_setl_flag: str = "1",
    business: BusinessRef | None = None,
) -> types.FileInfo:
    """3202 医药机构费用结算对明细账 of the detail file uploaded by 9101 (file_qury_no), with the file's totals;
    the answer names the result file to download by 9102."""
    data = {
        "setl_optins": _text("setl_optins", setl_optins, 6),
        "file_qury_no": _text("file_qury_no", file_qury_no, 100),
        **_statement_period(stmt_begndate, stmt_enddate),
        **_signed_totals(medfee_sumamt=medfee_sumamt, fund_pay_sumamt=fund_pay_sumamt, cash_payamt=cash_payamt),
        "fixmedins_setl_cnt": _count("fixmedins_setl_cnt", fixmedins_setl_cnt),
        "clr_type": _text("clr_type", clr_type, 30),
        "refd_setl_flag": _code("refd_setl_flag", refd_setl_flag, FLAGS),
    }
    sent = call("3202", {"data": data}, opter=opter, parse=types.read_fileinfo, business=business)
    return _result(types.FileInfo, sent)


def download_file(
    *, opter, file_qury_no: str, filename: str, business: BusinessRef | None = None
) -> types.DetailResult:
    """9102 文件下载 of a 3202 result file: its rows, read by the [assumed] layout."""
    input = assumed.download_input(
        file_qury_no=_text("file_qury_no", file_qury_no, 100), filename=_text("filename", filename, 100)
    )
    sent = call(
        "9102",
        input,
        opter=opter,
        parse=types.read_detail_result,
        read_file=assumed.read_result_file,
        business=business,
    )
    return _result(types.DetailResult, sent)


def upload_purchase(*, opter, purcinfo: dict, invoices: list[dict], business: BusinessRef | None = None) -> types.Ack:
    """3503 商品采购 (附录三), invoices in exp_content."""
    node = purchase.purcinfo(purcinfo, invoices, is_return=False)
    # A lost answer may have recorded the purchase: like a money call, it is resolved by 2601, never resent.
    sent = call("3503", {"purcinfo": node}, opter=opter, money=True, business=business)
    return _ack(sent)


def return_purchase(*, opter, purcinfo: dict, invoices: list[dict], business: BusinessRef | None = None) -> types.Ack:
    """3504 商品采购退货 (附录三): invoice taxAmount below zero."""
    node = purchase.purcinfo(purcinfo, invoices, is_return=True)
    sent = call("3504", {"purcinfo": node}, opter=opter, money=True, business=business)
    return _ack(sent)
