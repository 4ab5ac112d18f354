"""Demo purchases for the screens: two suppliers' purchases (one invoice paid, one not) and a return, queued for
upload to the sandbox gateway. Run again, the same rows are recognised by their content and nothing changes."""

from apps.supplier_finance.models import Source
from apps.supplier_finance.records import Record
from apps.supplier_finance.services import purchases_submit

# supplier, social code, catalogue codes and name, approval number, count, price, invoice no, amount, tax, paid
ROWS = [
    ("吉林医药有限公司", "91220101MA0000001X", "XJ0101", "YP001", "阿莫西林胶囊", "国药准字H22020001",
     "100", "1.25", "20261101", "125.0000", "16.2500", "1"),
    ("长春康达医药有限公司", "91220102MA0000002Y", "XJ0102", "YP002", "布洛芬缓释胶囊", "国药准字H22020002",
     "50", "3.8", "20261102", "190.0000", "24.7000", "0"),
]  # fmt: skip


def demo_purchases() -> int:
    records = []
    for n, (supplier, code, med, hilist, name, aprvno, count, price, number, amount, tax, paid) in enumerate(ROWS, 1):
        info = {
            "med_list_codg": med, "fixmedins_hilist_id": hilist, "fixmedins_hilist_name": name,
            "fixmedins_bchno": f"DEMO{n:04d}", "spler_name": supplier, "manu_lotnum": f"L2026{n:02d}",
            "prdr_name": "吉林示范制药厂", "aprvno": aprvno, "manu_date": "2026-06-01", "expy_end": "2028-05-31",
            "finl_trns_pric": price, "purc_retn_cnt": count, "rx_flag": "1",
            "purc_retn_stoin_time": f"2026-11-0{n + 2} 09:30:00", "purc_retn_opter_name": "采购员",
        }  # fmt: skip
        invoice = {
            "enterpriseName": supplier, "socialCode": code, "invoiceNo": number, "invoiceDate": "2026-11-02",
            "taxAmount": amount, "taxRate": "0.13", "taxrateAmount": tax, "name": name, "purcCnt": count,
            "trnsPpric": price, "pay_flag": paid,
        }  # fmt: skip
        records.append(Record("3503", info, [invoice]))
    first = records[0]
    returned = {k: v for k, v in first.purcinfo.items() if k not in ("manu_lotnum", "prdr_name", "aprvno")}
    returned |= {"fixmedins_bchno": "DEMOR001", "purc_retn_cnt": "10", "purc_invo_no": "20261101",
                 "purc_retn_stoin_time": "2026-11-10 15:00:00", "medins_prod_purc_no": "DEMO0001"}  # fmt: skip
    credit = {"invoiceNo": "20261111", "taxAmount": "-12.5000", "taxrateAmount": "-1.6250", "purcCnt": "10",
              "pay_flag": "0"}  # fmt: skip
    records.append(Record("3504", returned, [first.invoices[0] | credit]))
    return len(purchases_submit(records, source=Source.ENTRY).queued)
