"""附录三 rule by rule: the field list is read from the guide's own tables (guide_appendix3.txt is the seed's
appendix, verbatim), and every rule is checked in the adapter, the model, the import and the sandbox gateway."""

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from apps.integrations.nhsa import purchase
from apps.sandbox.nhsa import appendix3
from apps.sandbox.nhsa.engine import Refusal
from apps.supplier_finance.models import Invoice, Purchase
from apps.supplier_finance.records import Record
from apps.supplier_finance.services import record_check

from .conftest import INVOICE, purchase_return
from .conftest import purchase as a_purchase

GUIDE = Path(__file__).with_name("guide_appendix3.txt").read_text(encoding="utf-8")
TYPES = {"字符型": "str", "数值型": "num", "日期型": "date", "日期时间型": "datetime"}


def _table(text: str) -> list[dict]:
    rows = []
    for block in text.split("\n\n"):
        cells = []
        for line in block.splitlines():  # one cell per tab line; a line without a tab continues the cell above
            text = line.lstrip("\t").strip().replace("\u3000", "")
            if line.startswith("\t") or not cells:
                cells.append(text)
            else:
                cells[-1] += " " + text
        if len(cells) >= 7 and cells[0].isdigit() and re.fullmatch(r"[A-Za-z_]+", cells[1]):
            rows.append({"code": cells[1], "name": cells[2], "type": TYPES[cells[3]], "length": cells[4],
                         "required": cells[6] == "Y", "note": " ".join(cells[7:])})  # fmt: skip
    return rows


def guide_tables() -> dict[str, tuple[list[dict], list[dict]]]:
    """infno -> (purcinfo fields, invoice fields), as the guide prints them."""
    part_3503, part_3504 = GUIDE.split("2.【3504】")
    out = {}
    for infno, part in (("3503", part_3503), ("3504", part_3504)):
        head, invoices = part.split("票据信息")
        out[infno] = (_table(head), _table(invoices))
    return out


TABLES = guide_tables()
ADAPTER = {"3503": purchase.PURCHASE_3503, "3504": purchase.RETURN_3504}


def test_the_guide_tables_were_read():
    assert [len(TABLES["3503"][0]), len(TABLES["3503"][1]), len(TABLES["3504"][0]), len(TABLES["3504"][1])] == [
        22,
        15,
        18,
        15,
    ]


def _size(field: dict):
    if field["type"] == "num":
        digits, places = field["length"].split(",")
        return int(digits), int(places)
    return int(field["length"]) if field["type"] == "str" else None


@pytest.mark.parametrize("infno", ["3503", "3504"])
def test_adapter_tables_are_the_guides(infno):
    """Same fields, same order, type, length and required flag (exp_content is built from the invoices)."""
    guide_head, guide_invoice = TABLES[infno]
    ours = {name: (kind, size, required) for name, kind, size, required in ADAPTER[infno]}
    assert [f["code"] for f in guide_head if f["code"] != "exp_content"] == list(ours)
    for field in guide_head:
        if field["code"] == "exp_content":
            assert int(field["length"]) == purchase.EXP_CONTENT_MAX
            continue
        kind, size, required = ours[field["code"]]
        assert required == field["required"], field["code"]
        if kind == "flag":  # 0/1 code fields: 字符型 3 in the guide, with the codes in 说明
            assert field["type"] == "str" and "0" in field["note"] and "1" in field["note"]
        else:
            assert (kind, size) == (field["type"], _size(field)), field["code"]
    invoice = {name: (kind, size, required) for name, kind, size, required in purchase.INVOICE}
    assert [f["code"] for f in guide_invoice] == list(invoice)
    for field in guide_invoice:
        kind, size, required = invoice[field["code"]]
        assert required == field["required"] and (kind == "flag" or (kind, size) == (field["type"], _size(field)))


def _all_fields():
    seen = {}
    for head, invoice in TABLES.values():
        for field in head:
            seen.setdefault(("purcinfo", field["code"]), field)
        for field in invoice:
            seen.setdefault(("invoice", field["code"]), field)
    return [(node, field) for (node, _), field in seen.items() if field["code"] != "exp_content"]


@pytest.mark.parametrize(("node", "field"), _all_fields(), ids=lambda v: v if isinstance(v, str) else v["code"])
def test_models_keep_the_guides_lengths_and_precisions(node, field):
    model = Purchase if node == "purcinfo" else Invoice
    column = model._meta.get_field(field["code"])
    assert column.verbose_name.replace("/", "") == field["name"].replace("/", "") or node == "invoice"
    if field["type"] == "str":
        assert column.max_length == int(field["length"])
    elif field["type"] == "num":
        assert (column.max_digits, column.decimal_places) == _size(field)


def _record(infno: str) -> Record:
    return a_purchase() if infno == "3503" else purchase_return()


def _cases():
    """For every field of both tables: (infno, node, code, bad value or None for "left out", rule)."""
    for infno, (head, invoice) in TABLES.items():
        for node, fields in (("purcinfo", head), ("invoice", invoice)):
            for field in fields:
                code = field["code"]
                if code == "exp_content":
                    continue
                if field["required"]:
                    yield infno, node, code, None, "必填"
                if field["type"] == "str" and re.search(r"0.*1", field["note"]):  # a 0/1 code, listed in 说明
                    yield infno, node, code, "2", "0 或 1"
                elif field["type"] == "str":
                    yield infno, node, code, "长" * (int(field["length"]) + 1), "超长"
                elif field["type"] == "num":
                    digits, places = _size(field)
                    yield infno, node, code, "1." + "1" * (places + 1), f"最多 {places} 位小数"
                    yield infno, node, code, "9" * (digits - places + 1), f"超出 {digits} 位数字"
                    yield infno, node, code, "十二", "不是数值"
                elif field["type"] == "date":
                    yield infno, node, code, "2026/01/01", "yyyy-MM-dd"
                elif field["type"] == "datetime":
                    yield infno, node, code, "2026-01-01T10:00", "yyyy-MM-dd HH:mm:ss"


def _break(infno, node, code, value) -> Record:
    record = _record(infno)
    target = record.purcinfo if node == "purcinfo" else record.invoices[0]
    target.pop(code, None)
    if value is not None:
        target[code] = value
    return record


@pytest.mark.parametrize(("infno", "node", "code", "value", "rule"), list(_cases()))
def test_every_rule_of_the_guide_is_enforced(infno, node, code, value, rule):
    record = _break(infno, node, code, value)
    _, _, problems = record_check(record)
    where = f"purcinfo.{code}" if node == "purcinfo" else f"invoices[0].{code}"
    assert any(field == where and rule in message for field, message in problems), problems
    # The simulated gateway refuses the same thing (it receives the node as the adapter would send it).
    node_sent = dict(record.purcinfo)
    invoices = record.invoices
    node_sent["exp_content"] = json.dumps({"invoices": invoices}, ensure_ascii=False)
    with pytest.raises(Refusal, match=re.escape(code)):
        appendix3.check(infno, node_sent)


def test_valid_records_pass_both_readings():
    for record in (a_purchase(), purchase_return()):
        values, invoices, problems = record_check(record)
        assert problems == [] and isinstance(values["purc_retn_cnt"], Decimal)
        node = purchase.purcinfo(record.purcinfo, record.invoices, is_return=record.kind == "3504")
        appendix3.check(record.kind, node)
        assert json.loads(node["exp_content"])["invoices"][0]["invoiceNo"] == INVOICE["invoiceNo"]


def test_returns_need_negative_invoice_amounts_and_purchases_reject_return_only_fields():
    _, _, problems = record_check(_with_invoice(purchase_return(), "5"))
    assert ("invoices[0].taxAmount", "退货发票金额应小于0") in problems
    _, _, problems = record_check(a_purchase(medins_prod_purc_no="P1"))
    assert ("purcinfo.medins_prod_purc_no", "附录三没有这个字段") in problems
    _, _, problems = record_check(purchase_return(aprvno="国药准字"))
    assert ("purcinfo.aprvno", "附录三没有这个字段") in problems


def _with_invoice(record: Record, amount: str) -> Record:
    record.invoices[0]["taxAmount"] = amount
    return record


def test_exp_content_is_limited_to_4000_characters_once_serialised():
    record = a_purchase()
    record.invoices = [INVOICE | {"name": "药" * 200, "invoiceNo": str(n)} for n in range(12)]
    _, _, problems = record_check(record)
    assert problems and problems[0][0] == "purcinfo.exp_content" and "4000" in problems[0][1]


def test_every_problem_of_a_record_is_reported_at_once():
    record = a_purchase(spler_name="", manu_date="2026-13-01", purc_retn_cnt="1.12345")
    record.invoices[0].pop("socialCode")
    _, _, problems = record_check(record)
    assert {field for field, _ in problems} == {
        "purcinfo.spler_name",
        "purcinfo.manu_date",
        "purcinfo.purc_retn_cnt",
        "invoices[0].socialCode",
    }
