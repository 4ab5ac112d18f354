import copy
import csv
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook

from apps.supplier_finance import importing
from apps.supplier_finance.records import Record

PURCINFO = {
    "med_list_codg": "XJ01",
    "fixmedins_hilist_id": "YY01",
    "fixmedins_hilist_name": "阿莫西林胶囊",
    "fixmedins_bchno": "PC0001",
    "spler_name": "吉林医药有限公司",
    "manu_lotnum": "L2026",
    "prdr_name": "某制药厂",
    "aprvno": "国药准字H00000000",
    "manu_date": "2026-01-01",
    "expy_end": "2028-01-01",
    "finl_trns_pric": "1.234567",
    "purc_retn_cnt": "100",
    "rx_flag": "1",
    "purc_retn_stoin_time": "2026-04-01 10:00:00",
    "purc_retn_opter_name": "采购员",
}
INVOICE = {
    "enterpriseName": "吉林医药有限公司",
    "socialCode": "91220101MA00000000",
    "invoiceNo": "12345678",
    "invoiceDate": "2026-03-30",
    "taxAmount": "123.4567",
    "taxRate": "0.13",
    "taxrateAmount": "16.0494",
    "name": "阿莫西林胶囊",
    "purcCnt": "100",
    "trnsPpric": "1.2346",
    "pay_flag": "0",
}
RETURN_ONLY_ABSENT = ("dynt_no", "manu_lotnum", "prdr_name", "aprvno", "prod_geay_flag")


def purchase(n: int = 1, **changes) -> Record:
    """A valid 3503; `n` makes its batch number (and so its content) unique."""
    return Record("3503", PURCINFO | {"fixmedins_bchno": f"PC{n:04d}"} | changes, [dict(INVOICE)])


def purchase_return(n: int = 1, **changes) -> Record:
    info = {k: v for k, v in PURCINFO.items() if k not in RETURN_ONLY_ABSENT}
    info |= {"fixmedins_bchno": f"RT{n:04d}", "purc_invo_no": "12345678", "medins_prod_purc_no": f"P{n}"}
    return Record("3504", info | changes, [INVOICE | {"taxAmount": "-12.5", "pay_flag": "1"}])


def to_lines(records: list[Record]) -> list[list[str]]:
    """Records in the template's layout: header, then one line per record plus one per further invoice."""
    lines = [[importing.header_text(name) for name in importing.COLUMNS]]
    for record in records:
        for position, invoice in enumerate(record.invoices or [{}]):
            cells = {"kind": "采购" if record.kind == "3503" else "退货", **record.purcinfo} if position == 0 else {}
            cells |= invoice
            lines.append([str(cells.get(name, "")) for name in importing.COLUMNS])
    return lines


def csv_bytes(lines, encoding="utf-8-sig") -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(lines)
    return out.getvalue().encode(encoding)


def xlsx_bytes(lines) -> bytes:
    book = Workbook()
    for line in lines:
        book.active.append(line)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def records():
    return copy.deepcopy([purchase(1), purchase(2), purchase_return(3)])


def dec(text) -> Decimal:
    return Decimal(str(text))
