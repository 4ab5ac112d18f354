"""Typed results of the gateway's transactions, and the readers that build them from `output`.

Readers raise BadReply when the output lacks what the transaction promises; on a money call that leaves the
outcome unknown (see envelope._decoder). Money is Decimal yuan.
"""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from apps.core.money import MoneyError, parse_money
from apps.integrations.transport import BadReply

# Every amount of setlinfo (INTERFACES.md org_003 list, plus hifes_pay and balc of the national output).
SETLINFO_AMOUNTS = (
    "medfee_sumamt",
    "fund_pay_sumamt",
    "psn_part_amt",
    "psn_cash_pay",
    "acct_pay",
    "hosp_part_amt",
    "hifp_pay",
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
    "inscp_scp_amt",
    "act_pay_dedc",
    "balc",
)


@dataclass(frozen=True, kw_only=True)
class Result:
    """What every transaction returns: its msgid (2601 and medins_setl_id point back to it), the gateway's
    warning text, and the Exchange row that logged it."""

    msgid: str
    warn_msg: str
    exchange_id: int


@dataclass(frozen=True, kw_only=True)
class Ack(Result):
    """A transaction without output (2202, 2601, 3503, 3504)."""


@dataclass(frozen=True, kw_only=True)
class Insurance:
    insutype: str
    balc: Decimal
    insuplc_admdvs: str
    psn_type: str = ""
    psn_insu_stas: str = ""


@dataclass(frozen=True, kw_only=True)
class PersonInfo(Result):
    """1101."""

    psn_no: str
    psn_name: str
    psn_cert_type: str
    certno: str
    gend: str
    brdy: str
    insuinfo: list[Insurance]

    def insurance(self, insutype: str | None = None) -> Insurance | None:
        """The named scheme, or the first one the gateway listed."""
        for item in self.insuinfo:
            if insutype is None or item.insutype == insutype:
                return item
        return None


@dataclass(frozen=True, kw_only=True)
class Registration(Result):
    """2201 (outpatient) and 2401 (admission, which returns only mdtrt_id)."""

    mdtrt_id: str
    psn_no: str = ""
    ipt_otp_no: str = ""


@dataclass(frozen=True, kw_only=True)
class FeeLine:
    feedetl_sn: str
    det_item_fee_sumamt: Decimal
    cnt: Decimal | None
    pric: Decimal | None
    fulamt_ownpay_amt: Decimal
    preselfpay_amt: Decimal
    inscp_scp_amt: Decimal
    chrgitm_lv: str


@dataclass(frozen=True, kw_only=True)
class FeeUpload(Result):
    """2204 / 2301."""

    lines: list[FeeLine]


@dataclass(frozen=True, kw_only=True)
class Settlement(Result):
    """2206 / 2207 / 2207B / 2208 / 2303 / 2304 / 2305. Reversals carry negative amounts; a pre-settlement has
    no setl_id."""

    setl_id: str
    mdtrt_id: str
    psn_no: str
    setl_time: str
    medins_setl_id: str
    medfee_sumamt: Decimal
    fund_pay_sumamt: Decimal
    psn_part_amt: Decimal
    acct_pay: Decimal
    psn_cash_pay: Decimal
    hosp_part_amt: Decimal
    balc: Decimal | None
    pool_prop_selfpay: Decimal | None
    clr_optins: str
    clr_way: str
    clr_type: str
    amounts: dict[str, Decimal] = field(default_factory=dict)
    setldetail: list[dict] = field(default_factory=list)
    setlinfo: dict = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class Deposit(Result):
    """C2304 [assumed fields]."""

    dpst_id: str
    dpst_amt: Decimal
    pay_time: str


@dataclass(frozen=True, kw_only=True)
class DepositRefund(Result):
    """C2305 [assumed fields]."""

    dpst_id: str
    refd_amt: Decimal
    refd_time: str


@dataclass(frozen=True, kw_only=True)
class Statement(Result):
    """3201: stmt_rslt 0 = totals agree."""

    stmt_rslt: str
    stmt_rslt_dscr: str
    setl_optins: str = ""

    @property
    def balanced(self) -> bool:
        return self.stmt_rslt == "0"


@dataclass(frozen=True, kw_only=True)
class FileInfo(Result):
    """9101 (the uploaded file) and 3202 (the result file): where a file waits at the gateway, and until when."""

    file_qury_no: str
    filename: str
    dld_endtime: str


@dataclass(frozen=True, kw_only=True)
class DetailRow:
    """One row of 3202's result file; amounts are the gateway's (None where the row has none)."""

    psn_no: str
    mdtrt_id: str
    setl_id: str
    msgid: str
    stmt_rslt: str
    refd_setl_flag: str
    memo: str
    medfee_sumamt: Decimal | None
    fund_pay_sumamt: Decimal | None
    acct_pay: Decimal | None


@dataclass(frozen=True, kw_only=True)
class DetailResult(Result):
    """9102 of a 3202 result file."""

    rows: list[DetailRow]


# --- readers -------------------------------------------------------------------------------------------------


def node(output: dict, name: str, *, infno: str) -> dict:
    value = output.get(name)
    if not isinstance(value, dict):
        raise BadReply(f"{infno} 应答缺少 {name}")
    return value


def text(source: dict, key: str, *, required: bool = True) -> str:
    value = source.get(key)
    if value is None or value == "":
        if required:
            raise BadReply(f"应答缺少 {key}")
        return ""
    return str(value)


def money(source: dict, key: str, *, required: bool = True) -> Decimal | None:
    value = source.get(key)
    if value is None or value == "":
        if required:
            raise BadReply(f"应答缺少金额 {key}")
        return None
    try:
        return parse_money(value, field=key)
    except MoneyError as exc:
        raise BadReply(str(exc)) from None


def number(source: dict, key: str) -> Decimal | None:
    """Quantities, unit prices and ratios: any finite decimal."""
    value = source.get(key)
    if value is None or value == "" or isinstance(value, (bool, float)):
        return None
    try:
        result = Decimal(str(value).strip())
    except InvalidOperation:
        raise BadReply(f"{key} 不是数值: {value!r}") from None
    return result if result.is_finite() else None


def read_person(output: dict) -> dict:
    base = node(output, "baseinfo", infno="1101")
    raw = output.get("insuinfo") or []
    if not isinstance(raw, list):
        raise BadReply("1101 应答的 insuinfo 不是列表")
    insuinfo = [
        Insurance(
            insutype=text(item, "insutype"),
            balc=money(item, "balc", required=False) or Decimal("0.00"),
            insuplc_admdvs=text(item, "insuplc_admdvs"),
            psn_type=text(item, "psn_type", required=False),
            psn_insu_stas=text(item, "psn_insu_stas", required=False),
        )
        for item in raw
        if isinstance(item, dict)
    ]
    return {
        "psn_no": text(base, "psn_no"),
        "psn_name": text(base, "psn_name", required=False),
        "psn_cert_type": text(base, "psn_cert_type", required=False),
        "certno": text(base, "certno", required=False),
        "gend": text(base, "gend", required=False),
        "brdy": text(base, "brdy", required=False),
        "insuinfo": insuinfo,
    }


def read_registration(output: dict) -> dict:
    data = node(output, "data", infno="2201")
    return {"mdtrt_id": text(data, "mdtrt_id"), "psn_no": text(data, "psn_no"), "ipt_otp_no": text(data, "ipt_otp_no")}


def read_admission(output: dict) -> dict:
    return {"mdtrt_id": text(node(output, "result", infno="2401"), "mdtrt_id")}


def read_fee_upload(output: dict) -> dict:
    raw = output.get("result") or []
    if not isinstance(raw, list):
        raise BadReply("费用明细上传应答的 result 不是列表")
    zero = Decimal("0.00")
    return {
        "lines": [
            FeeLine(
                feedetl_sn=text(item, "feedetl_sn"),
                det_item_fee_sumamt=money(item, "det_item_fee_sumamt"),
                cnt=number(item, "cnt"),
                pric=number(item, "pric"),
                fulamt_ownpay_amt=money(item, "fulamt_ownpay_amt", required=False) or zero,
                preselfpay_amt=money(item, "preselfpay_amt", required=False) or zero,
                inscp_scp_amt=money(item, "inscp_scp_amt", required=False) or zero,
                chrgitm_lv=text(item, "chrgitm_lv", required=False),
            )
            for item in raw
        ]
    }


def settlement_reader(*, infno: str, with_setl_id: bool = True):
    def read(output: dict) -> dict:
        info = node(output, "setlinfo", infno=infno)
        amounts = {key: money(info, key, required=False) for key in SETLINFO_AMOUNTS}
        amounts = {key: value for key, value in amounts.items() if value is not None}
        details = output.get("setldetail") or []
        return {
            "setl_id": text(info, "setl_id", required=with_setl_id),
            "mdtrt_id": text(info, "mdtrt_id"),
            "psn_no": text(info, "psn_no"),
            "setl_time": text(info, "setl_time", required=False),
            "medins_setl_id": text(info, "medins_setl_id", required=False),
            "medfee_sumamt": money(info, "medfee_sumamt"),
            "fund_pay_sumamt": money(info, "fund_pay_sumamt"),
            "psn_part_amt": money(info, "psn_part_amt"),
            "acct_pay": money(info, "acct_pay"),
            "psn_cash_pay": money(info, "psn_cash_pay"),
            "hosp_part_amt": amounts.get("hosp_part_amt", Decimal("0.00")),
            "balc": amounts.get("balc"),
            "pool_prop_selfpay": number(info, "pool_prop_selfpay"),
            "clr_optins": text(info, "clr_optins", required=False),
            "clr_way": text(info, "clr_way", required=False),
            "clr_type": text(info, "clr_type", required=False),
            "amounts": amounts,
            "setldetail": [item for item in details if isinstance(item, dict)] if isinstance(details, list) else [],
            "setlinfo": info,
        }

    return read


def read_statement(output: dict) -> dict:
    info = node(output, "stmtinfo", infno="3201")
    return {
        "stmt_rslt": text(info, "stmt_rslt"),
        "stmt_rslt_dscr": text(info, "stmt_rslt_dscr", required=False),
        "setl_optins": text(info, "setl_optins", required=False),
    }


def read_fileinfo(output: dict) -> dict:
    info = node(output, "fileinfo", infno="3202")
    return {
        "file_qury_no": text(info, "file_qury_no"),
        "filename": text(info, "filename"),
        "dld_endtime": text(info, "dld_endtime", required=False),
    }


def read_detail_result(output: dict) -> dict:
    raw = output.get("rows")
    if not isinstance(raw, list):
        raise BadReply("9102 应答缺少对账结果")
    return {
        "rows": [
            DetailRow(
                psn_no=text(row, "psn_no", required=False),
                mdtrt_id=text(row, "mdtrt_id", required=False),
                setl_id=text(row, "setl_id"),
                msgid=text(row, "msgid", required=False),
                stmt_rslt=text(row, "stmt_rslt"),
                refd_setl_flag=text(row, "refd_setl_flag", required=False),
                memo=text(row, "memo", required=False),
                medfee_sumamt=money(row, "medfee_sumamt", required=False),
                fund_pay_sumamt=money(row, "fund_pay_sumamt", required=False),
                acct_pay=money(row, "acct_pay", required=False),
            )
            for row in raw
        ]
    }
