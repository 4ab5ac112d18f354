"""[assumed] Everything about the gateway that nobody has published, in one place (INTERFACES.md 3.2).

The credit-care edition (《医疗保障信息平台定点基线版医药机构接口规范（信用就医）-V1.5.7》) defines 2207B,
C2304 and C2305 and the pay-later flag, but we do not have it. These names are our best design and await that
PDF; when it arrives, this module (and the NHSA_PAYLATER_FLAG setting) is what changes.
"""

import json

from django.conf import settings

from apps.integrations.nhsa import types

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
