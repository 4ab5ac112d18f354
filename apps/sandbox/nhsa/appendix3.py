"""The simulated gateway's own reading of 附录三 (3503 商品采购 / 3504 商品采购退货): it refuses what the guide
would refuse. Written from the guide's tables independently of the portal's adapter, as the real gateway is.

Each column is written as the guide prints it: type 字符型 "C<length>", 数值型 "N<digits>,<places>", 日期型 "D",
日期时间型 "DT"; a trailing "*" marks 是否必填 Y.
"""

import datetime
import json
import re
from decimal import Decimal, InvalidOperation

from apps.sandbox.nhsa.engine import Refusal

_COMMON_HEAD = {
    "med_list_codg": "C50*", "fixmedins_hilist_id": "C30*", "fixmedins_hilist_name": "C200*",
}  # fmt: skip
PURCINFO = {
    "3503": _COMMON_HEAD | {
        "dynt_no": "C50", "fixmedins_bchno": "C30*", "spler_name": "C200*", "spler_pmtno": "C50",
        "manu_lotnum": "C30*", "prdr_name": "C200*", "aprvno": "C100*", "manu_date": "D*", "expy_end": "D*",
        "finl_trns_pric": "N16,6", "purc_retn_cnt": "N16,4*", "purc_invo_codg": "C50", "purc_invo_no": "C50",
        "rx_flag": "C3*", "purc_retn_stoin_time": "DT*", "purc_retn_opter_name": "C50*", "prod_geay_flag": "C3",
        "memo": "C500", "exp_content": "C4000",
    },
    "3504": _COMMON_HEAD | {
        "fixmedins_bchno": "C30*", "spler_name": "C200*", "spler_pmtno": "C50", "manu_date": "D*",
        "expy_end": "D*", "finl_trns_pric": "N16,6", "purc_retn_cnt": "N16,4*", "purc_invo_codg": "C50",
        "purc_invo_no": "C50*", "rx_flag": "C3*", "purc_retn_stoin_time": "DT*", "purc_retn_opter_name": "C50*",
        "memo": "C500", "medins_prod_purc_no": "C50", "exp_content": "C4000",
    },
}  # fmt: skip
INVOICE = {
    "enterpriseName": "C200*", "socialCode": "C50*", "unit": "C100", "tel": "C20", "bankName": "C100",
    "bankCode": "C50", "invoiceNo": "C50*", "invoiceDate": "D*", "taxAmount": "N16,4*", "taxRate": "N16,4*",
    "taxrateAmount": "N16,4*", "name": "C200*", "purcCnt": "N16,4*", "trnsPpric": "N16,4*", "pay_flag": "C3",
}  # fmt: skip
_SPEC = re.compile(r"^(C|N|DT|D)(\d+)?(?:,(\d+))?(\*)?$")
_FORMATS = {"D": "%Y-%m-%d", "DT": "%Y-%m-%d %H:%M:%S"}
_CODES = {"prod_geay_flag": ("0", "1"), "pay_flag": ("0", "1")}


def _problem(name: str, spec: str, value) -> str:
    kind, size, places, required = _SPEC.match(spec).groups()
    if value is None or value == "":
        return f"{name} 必填" if required else ""
    if kind != "N" and not isinstance(value, str):
        return f"{name} 应为字符串"
    if kind == "C" and len(value) > int(size):
        return f"{name} 长度超过 {size}"
    if kind in _FORMATS:
        try:
            datetime.datetime.strptime(value, _FORMATS[kind])
        except ValueError:
            return f"{name} 格式应为 {'yyyy-MM-dd' if kind == 'D' else 'yyyy-MM-dd HH:mm:ss'}"
    if kind == "N":
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            return f"{name} 不是数值"
        if isinstance(value, float) or not number.is_finite():
            return f"{name} 不是数值"
        whole = len(str(int(abs(number)))) if abs(number) >= 1 else 0
        if -number.normalize().as_tuple().exponent > int(places) or whole > int(size) - int(places):
            return f"{name} 精度应为 {size},{places}"
    if name in _CODES and value not in _CODES[name]:
        return f"{name} 取值应为 {'/'.join(_CODES[name])}"
    return ""


def _problems(node: dict, table: dict, where: str) -> list[str]:
    found = [f"{where}{key} 不是附录三字段" for key in node if key not in table]
    found += [f"{where}{text}" for name, spec in table.items() if (text := _problem(name, spec, node.get(name)))]
    return found


def check(infno: str, node: dict) -> None:
    """Refuse (one err_msg listing every problem) a purcinfo node 附录三 would not accept."""
    problems = _problems(node, PURCINFO[infno], "")
    try:
        content = json.loads(node.get("exp_content") or "")
    except ValueError:
        content = None
    invoices = content.get("invoices") if isinstance(content, dict) else None
    if not isinstance(invoices, list) or not invoices:
        problems.append("exp_content 应为含 invoices 列表的 JSON")
        invoices = []
    for index, invoice in enumerate(invoices):
        if not isinstance(invoice, dict):
            problems.append(f"invoices[{index}] 应为对象")
            continue
        problems += _problems(invoice, INVOICE, f"invoices[{index}].")
        amount = invoice.get("taxAmount")
        if infno == "3504" and not _problem("taxAmount", "N16,4*", amount) and Decimal(str(amount)) >= 0:
            problems.append(f"invoices[{index}].taxAmount 退货应小于0")
    if problems:
        raise Refusal("；".join(problems))
