"""[assumed] Everything about the gateway that nobody has published, in one place (INTERFACES.md 3.2).

The credit-care edition (《医疗保障信息平台定点基线版医药机构接口规范（信用就医）-V1.5.7》) defines 2207B,
C2304 and C2305 and the pay-later flag, but we do not have it. These names are our best design and await that
PDF; when it arrives, this module (and the NHSA_PAYLATER_FLAG setting) is what changes. The same goes for the
files of the detail reconciliation (9101 / 3202 / 9102, at the end): their layout is not published either.
"""

import base64
import json

from django.conf import settings

from apps.integrations.nhsa import types
from apps.integrations.transport import BadReply

# Transaction codes as the guide writes them.
CLINIC_SETTLE = "2207B"  # 诊间免密无介质结算
DEPOSIT_PAY = "C2304"  # 预交金支付
DEPOSIT_REFUND = "C2305"  # 预交金退费（只能整笔退）

# 2207B identifies the person by psn_no alone: 2207's medium fields (mdtrt_cert_type/no) are left out.
CLINIC_SETTLE_WITH_MEDIUM = False


def paylater_exp_content(extra: dict | None = None) -> str:
    """exp_content (a JSON string) carrying the pay-later flag; its key and value live in settings only."""
    return json.dumps({**(extra or {}), **settings.NHSA_PAYLATER_FLAG}, ensure_ascii=False, separators=(",", ":"))


def clinic_settle_input(data: dict) -> dict:
    """2207B's input: 2207's `data` node (with the pay-later flag in exp_content)."""
    return {"data": data}


def deposit_pay_input(*, psn_no: str, mdtrt_id: str, ipt_no: str, dpst_amt: str, dpst_sn: str) -> dict:
    return {
        "data": {"psn_no": psn_no, "mdtrt_id": mdtrt_id, "ipt_no": ipt_no, "dpst_amt": dpst_amt, "dpst_sn": dpst_sn}
    }


def read_deposit(output: dict) -> dict:
    data = types.node(output, "data", infno=DEPOSIT_PAY)
    return {
        "dpst_id": types.text(data, "dpst_id"),
        "dpst_amt": types.money(data, "dpst_amt"),
        "pay_time": types.text(data, "pay_time", required=False),
    }


def deposit_refund_input(*, psn_no: str, mdtrt_id: str, dpst_id: str, refd_amt: str) -> dict:
    # refd_amt is ours too: with it the gateway can refuse a partial refund instead of guessing the amount.
    return {"data": {"psn_no": psn_no, "mdtrt_id": mdtrt_id, "dpst_id": dpst_id, "refd_amt": refd_amt}}


def read_deposit_refund(output: dict) -> dict:
    data = types.node(output, "data", infno=DEPOSIT_REFUND)
    return {
        "dpst_id": types.text(data, "dpst_id"),
        "refd_amt": types.money(data, "refd_amt"),
        "refd_time": types.text(data, "refd_time", required=False),
    }


# How a 2601 refusal tells "there is nothing to undo" (the original never took effect) from "already undone".
# The public spec only says infcode -1 with err_msg; these phrases are what the sandbox answers.
REVERSAL_NOTHING_TO_UNDO = ("原交易不存在", "原交易未生效", "无需冲正")
REVERSAL_ALREADY_DONE = ("原交易已冲正",)


# Transactions about no person (3503/3504 purchases): their 2601 carries an empty psn_no. The public 2601 marks
# psn_no required, but a purchase has none to give.
REVERSAL_WITHOUT_PERSON = ("3503", "3504")


# How a refusal says the envelope's sign_no is no longer valid (the operator was signed out, or the gateway's
# sign-ins were reset): the public spec names no code for it, so the err_msg is read for these phrases.
SIGN_IN_REJECTED = ("sign_no", "签到")


def sign_in_rejected(err_msg: str) -> bool:
    return any(phrase in (err_msg or "") for phrase in SIGN_IN_REJECTED)


# --- 9101 / 3202 / 9102: the detail reconciliation's files ---------------------------------------------------
# Public: 3202's input and its fileinfo{file_qury_no, filename, dld_endtime}, the result rows' field names, the
# input nodes fsUploadIn / fsDownloadIn, and that 9102 answers application/octet-stream. Not public, so ours:
# the fields inside fsUploadIn / fsDownloadIn and 9101's output, both files' layout (UTF-8 text, one settlement
# a line, fields separated by a tab in the order below, every line ended by a line feed, no header), what each
# stmt_rslt code means, and that the result has a row for every settlement the hospital listed.

# The detail file the hospital uploads: one standing settlement a line.
DETAIL_FILE_FIELDS = (
    "setl_id",
    "mdtrt_id",
    "psn_no",
    "msgid",
    "medfee_sumamt",
    "fund_pay_sumamt",
    "acct_pay",
    "psn_cash_pay",
    "refd_setl_flag",
)
# The result file 3202 leaves for 9102: the public field names, in the order they are listed.
RESULT_FILE_FIELDS = (
    "psn_no",
    "mdtrt_id",
    "setl_id",
    "msgid",
    "stmt_rslt",
    "refd_setl_flag",
    "memo",
    "medfee_sumamt",
    "fund_pay_sumamt",
    "acct_pay",
)
# stmt_rslt of a result row.
DETAIL_MATCHED = "0"  # 一致
DETAIL_AMOUNT_DIFFERS = "1"  # 双方都有，金额不符
DETAIL_HOSPITAL_ONLY = "2"  # 医药机构有，医保中心无
DETAIL_GATEWAY_ONLY = "3"  # 医保中心有，医药机构无


def detail_filename(*, day, clr_type: str, setl_optins: str) -> str:
    return f"{settings.ORG_CODE}_{day:%Y%m%d}_{clr_type}_{setl_optins}.txt"


def write_rows(fields: tuple[str, ...], rows: list[dict]) -> bytes:
    for row in rows:
        for key in fields:
            if any(mark in str(row.get(key, "")) for mark in "\t\r\n"):
                raise ValueError(f"{key}: 不能含制表符或换行")
    return "".join("\t".join(str(row.get(key, "")) for key in fields) + "\n" for row in rows).encode()


def read_rows(fields: tuple[str, ...], content: bytes) -> list[dict]:
    """Each line into a dict of text by `fields`; ValueError when the file does not have that layout."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError("文件不是 UTF-8 文本") from None
    if text and not text.endswith("\n"):
        raise ValueError("文件不完整（最后一行没有换行）")
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        values = line.split("\t")
        if len(values) != len(fields):
            raise ValueError(f"第 {number} 行应有 {len(fields)} 个字段，实有 {len(values)} 个")
        rows.append(dict(zip(fields, (value.strip() for value in values), strict=True)))
    return rows


def upload_input(*, filename: str, content: bytes) -> dict:
    """9101's input: the file's bytes as base64 text."""
    data = base64.b64encode(content).decode("ascii")
    return {"fsUploadIn": {"in": data, "filename": filename, "fixmedins_code": settings.ORG_CODE}}


def read_upload(output: dict) -> dict:
    """9101's output: the same three fields as 3202's fileinfo, flat in `output`."""
    return {
        "file_qury_no": types.text(output, "file_qury_no"),
        "filename": types.text(output, "filename"),
        "dld_endtime": types.text(output, "dld_endtime", required=False),
    }


def download_input(*, file_qury_no: str, filename: str) -> dict:
    return {"fsDownloadIn": {"file_qury_no": file_qury_no, "filename": filename, "fixmedins_code": settings.ORG_CODE}}


def read_result_file(content: bytes) -> dict:
    """9102's bytes as the `output` the exchange log keeps and types.read_detail_result reads."""
    try:
        return {"rows": read_rows(RESULT_FILE_FIELDS, content)}
    except ValueError as exc:
        raise BadReply(f"9102 对账结果文件无法识别: {exc}") from None
