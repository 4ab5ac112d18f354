"""附录三: 3503 商品采购 / 3504 商品采购退货 — every input field, checked before anything is sent.

Each rule is (field, kind, size, required) exactly as the guide's tables: kind "str" with a maximum length,
"num" with (digits, places), "date" yyyy-MM-dd, "datetime" yyyy-MM-dd HH:mm:ss, "flag" 0/1.
"""

import datetime
import json
from decimal import Decimal, InvalidOperation

from apps.core.errors import ApplicationError

EXP_CONTENT_MAX = 4000

PURCHASE_3503 = (
    ("med_list_codg", "str", 50, True),
    ("fixmedins_hilist_id", "str", 30, True),
    ("fixmedins_hilist_name", "str", 200, True),
    ("dynt_no", "str", 50, False),
    ("fixmedins_bchno", "str", 30, True),
    ("spler_name", "str", 200, True),
    ("spler_pmtno", "str", 50, False),
    ("manu_lotnum", "str", 30, True),
    ("prdr_name", "str", 200, True),
    ("aprvno", "str", 100, True),
    ("manu_date", "date", None, True),
    ("expy_end", "date", None, True),
    ("finl_trns_pric", "num", (16, 6), False),
    ("purc_retn_cnt", "num", (16, 4), True),
    ("purc_invo_codg", "str", 50, False),
    ("purc_invo_no", "str", 50, False),
    ("rx_flag", "str", 3, True),
    ("purc_retn_stoin_time", "datetime", None, True),
    ("purc_retn_opter_name", "str", 50, True),
    ("prod_geay_flag", "flag", None, False),
    ("memo", "str", 500, False),
)

RETURN_3504 = (
    ("med_list_codg", "str", 50, True),
    ("fixmedins_hilist_id", "str", 30, True),
    ("fixmedins_hilist_name", "str", 200, True),
    ("fixmedins_bchno", "str", 30, True),
    ("spler_name", "str", 200, True),
    ("spler_pmtno", "str", 50, False),
    ("manu_date", "date", None, True),
    ("expy_end", "date", None, True),
    ("finl_trns_pric", "num", (16, 6), False),
    ("purc_retn_cnt", "num", (16, 4), True),
    ("purc_invo_codg", "str", 50, False),
    ("purc_invo_no", "str", 50, True),
    ("rx_flag", "str", 3, True),
    ("purc_retn_stoin_time", "datetime", None, True),
    ("purc_retn_opter_name", "str", 50, True),
    ("memo", "str", 500, False),
    ("medins_prod_purc_no", "str", 50, False),
)

INVOICE = (
    ("enterpriseName", "str", 200, True),
    ("socialCode", "str", 50, True),
    ("unit", "str", 100, False),
    ("tel", "str", 20, False),
    ("bankName", "str", 100, False),
    ("bankCode", "str", 50, False),
    ("invoiceNo", "str", 50, True),
    ("invoiceDate", "date", None, True),
    ("taxAmount", "num", (16, 4), True),
    ("taxRate", "num", (16, 4), True),
    ("taxrateAmount", "num", (16, 4), True),
    ("name", "str", 200, True),
    ("purcCnt", "num", (16, 4), True),
    ("trnsPpric", "num", (16, 4), True),
    ("pay_flag", "flag", None, False),
)


class _Invalid(Exception):
    def __init__(self, where: str, message: str):
        super().__init__(f"{where}: {message}")
        self.where, self.message = where, message


def _fail(where: str, message: str):
    raise _Invalid(where, message)


def _value(where: str, value, kind: str, size):
    """The wire form of one checked value (numbers become Decimal, dates stay as written)."""
    if kind == "num":
        if isinstance(value, (bool, float)):
            _fail(where, "数值请用 Decimal、整数或字符串，不接受浮点数")
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            _fail(where, f"不是数值: {value!r}")
        if not number.is_finite():
            _fail(where, "不是有限数值")
        digits, places = size
        if number.normalize().as_tuple().exponent < -places:
            _fail(where, f"最多 {places} 位小数")
        if len(number.quantize(Decimal(1).scaleb(-places)).as_tuple().digits) > digits:
            _fail(where, f"超出 {digits} 位数字")
        return number
    if not isinstance(value, str):
        _fail(where, "应为字符串")
    if kind == "str":
        if len(value) > size:
            _fail(where, f"超长（最多 {size} 个字符，实际 {len(value)}）")
    elif kind == "date":
        try:
            datetime.datetime.strptime(value, "%Y-%m-%d")
        except ValueError:
            _fail(where, f"日期格式应为 yyyy-MM-dd: {value!r}")
    elif kind == "datetime":
        try:
            datetime.datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
        except ValueError:
            _fail(where, f"时间格式应为 yyyy-MM-dd HH:mm:ss: {value!r}")
    elif kind == "flag" and value not in ("0", "1"):
        _fail(where, "只能是 0 或 1")
    return value


def _record(where: str, data, rules, errors: list) -> dict:
    """The checked values of one node; every problem is appended to `errors` as (field, message)."""
    if not isinstance(data, dict):
        errors.append((where, "应为对象"))
        return {}
    known = {name for name, *_ in rules}
    errors.extend((f"{where}.{key}", "附录三没有这个字段") for key in data if key not in known)
    out = {}
    for name, kind, size, required in rules:
        value = data.get(name)
        if value is None or value == "":
            if required:
                errors.append((f"{where}.{name}", "必填"))
            continue
        try:
            out[name] = _value(f"{where}.{name}", value, kind, size)
        except _Invalid as exc:
            errors.append((exc.where, exc.message))
    return out


def check(data: dict, invoices: list, *, is_return: bool) -> tuple[dict | None, list[tuple[str, str]]]:
    """(the `purcinfo` node with exp_content = {"invoices": [...]}, []) or (None, every (field, message))."""
    errors: list[tuple[str, str]] = []
    if isinstance(data, dict) and "exp_content" in data:
        errors.append(("purcinfo.exp_content", "由 invoices 生成，请勿直接传入"))
        data = {key: value for key, value in data.items() if key != "exp_content"}
    record = _record("purcinfo", data, RETURN_3504 if is_return else PURCHASE_3503, errors)
    if "manu_date" in record and "expy_end" in record and record["expy_end"] < record["manu_date"]:
        errors.append(("purcinfo.expy_end", "有效期止早于生产日期"))
    checked = []
    if not isinstance(invoices, list) or not invoices:
        errors.append(("invoices", "至少一张发票"))
    else:
        for index, item in enumerate(invoices):
            where = f"invoices[{index}]"
            invoice = _record(where, item, INVOICE, errors)
            if is_return and "taxAmount" in invoice and invoice["taxAmount"] >= 0:
                errors.append((f"{where}.taxAmount", "退货发票金额应小于0"))
            checked.append(invoice)
    if errors:
        return None, errors
    exp_content = json.dumps({"invoices": checked}, ensure_ascii=False, separators=(",", ":"), default=str)
    if len(exp_content) > EXP_CONTENT_MAX:
        return None, [("purcinfo.exp_content", f"超长（最多 {EXP_CONTENT_MAX} 个字符，实际 {len(exp_content)}）")]
    wire = {key: str(value) if isinstance(value, Decimal) else value for key, value in record.items()}
    return wire | {"exp_content": exp_content}, []


def purcinfo(data: dict, invoices: list, *, is_return: bool) -> dict:
    """The checked `purcinfo` node, or ApplicationError naming the first wrong field."""
    node, errors = check(data, invoices, is_return=is_return)
    if errors:
        field, message = errors[0]
        raise ApplicationError(f"{field}: {message}", {"field": field, "errors": errors})
    return node
