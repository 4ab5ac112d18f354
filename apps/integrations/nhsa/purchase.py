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


def _fail(where: str, message: str):
    raise ApplicationError(f"{where}: {message}", {"field": where})


def _value(where: str, value, kind: str, size):
    """The wire form of one checked value (numbers become strings, dates stay as written)."""
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


def _record(where: str, data, rules) -> dict:
    if not isinstance(data, dict):
        _fail(where, "应为对象")
    known = {name for name, *_ in rules}
    for key in data:
        if key not in known:
            _fail(f"{where}.{key}", "附录三没有这个字段")
    out = {}
    for name, kind, size, required in rules:
        value = data.get(name)
        if value is None or value == "":
            if required:
                _fail(f"{where}.{name}", "必填")
            continue
        out[name] = _value(f"{where}.{name}", value, kind, size)
    return out


def purcinfo(data: dict, invoices: list, *, is_return: bool) -> dict:
    """The checked `purcinfo` node with exp_content = {"invoices": [...]}, or ApplicationError naming the field."""
    if "exp_content" in (data or {}):
        _fail("purcinfo.exp_content", "由 invoices 生成，请勿直接传入")
    record = _record("purcinfo", data, RETURN_3504 if is_return else PURCHASE_3503)
    if record["expy_end"] < record["manu_date"]:
        _fail("purcinfo.expy_end", "有效期止早于生产日期")
    if not isinstance(invoices, list) or not invoices:
        _fail("invoices", "至少一张发票")
    checked = [_record(f"invoices[{index}]", item, INVOICE) for index, item in enumerate(invoices)]
    for index, item in enumerate(checked):
        if is_return and item["taxAmount"] >= 0:
            _fail(f"invoices[{index}].taxAmount", "退货发票金额应小于0")
    exp_content = json.dumps({"invoices": checked}, ensure_ascii=False, separators=(",", ":"), default=str)
    if len(exp_content) > EXP_CONTENT_MAX:
        _fail("purcinfo.exp_content", f"超长（最多 {EXP_CONTENT_MAX} 个字符，实际 {len(exp_content)}）")
    wire = {key: str(value) if isinstance(value, Decimal) else value for key, value in record.items()}
    return wire | {"exp_content": exp_content}
