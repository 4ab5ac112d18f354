"""Each gateway transaction once against the sandbox over real HTTP."""

import datetime
from decimal import Decimal

import pytest

from apps.core.errors import ApplicationError
from apps.core.refs import BusinessRef
from apps.integrations.models import Exchange, Outcome
from apps.integrations.nhsa import client
from apps.integrations.transport import UpstreamRefused
from apps.sandbox.nhsa.models import Deposit, FeeLine, Settlement, Visit

from .conftest import OPTER, admit, balance, certno, charge, inpatient_bill, outpatient_bill, register

pytestmark = pytest.mark.django_db(transaction=True)


def test_1101_person_info(zhang):
    info = client.person_info(opter=OPTER, mdtrt_cert_type="02", mdtrt_cert_no=certno(zhang))
    assert info.psn_no == zhang.psn_no
    insurance = info.insurance("310")
    assert insurance.balc == Decimal("800.00") and insurance.insuplc_admdvs == zhang.insuplc_admdvs
    exchange = Exchange.objects.get(pk=info.exchange_id)
    assert exchange.outcome == Outcome.OK and exchange.interface == "1101" and exchange.msgid == info.msgid
    # Personal data is masked in the log.
    assert exchange.request_body["input"]["data"]["mdtrt_cert_no"] == "220102********0015"
    assert "220102198805060015" not in str(exchange.response_body)


def test_outpatient_flow_2201_2204_2206_2207_2208_2202(zhang):
    mdtrt_id = register(zhang)
    assert Visit.objects.get(mdtrt_id=mdtrt_id).person_id == zhang.pk
    fees = client.upload_outpatient_fees(
        opter=OPTER,
        insuplc_admdvs=zhang.insuplc_admdvs,
        feedetail=[
            {
                "feedetl_sn": f"F{n}",
                "mdtrt_id": mdtrt_id,
                "psn_no": zhang.psn_no,
                "chrg_bchno": "CB0001",
                "rxno": "RX1",
                "fee_ocur_time": "2026-04-01 09:40:00",
                "med_list_codg": "XJ01",
                "medins_list_codg": "YY01",
                "det_item_fee_sumamt": Decimal("50.00"),
                "cnt": Decimal("2"),
                "pric": Decimal("25.00"),
            }
            for n in (1, 2)
        ],
    )
    assert [line.det_item_fee_sumamt for line in fees.lines] == [Decimal("50.00")] * 2
    assert FeeLine.objects.filter(mdtrt_id=mdtrt_id).count() == 2

    bill = outpatient_bill(zhang, mdtrt_id)
    pre = client.presettle_outpatient(opter=OPTER, insuplc_admdvs=zhang.insuplc_admdvs, bill=bill)
    assert pre.setl_id == "" and pre.fund_pay_sumamt == Decimal("63.00") and not Settlement.objects.exists()

    business = BusinessRef.of(zhang)
    done = client.settle_outpatient(
        opter=OPTER, insuplc_admdvs=zhang.insuplc_admdvs, bill=outpatient_bill(zhang, mdtrt_id), business=business
    )
    # 310: deductible 10, fund 70% of 90 = 63, the rest from the personal account.
    assert (done.medfee_sumamt, done.fund_pay_sumamt, done.acct_pay, done.psn_cash_pay) == (
        Decimal("100.00"), Decimal("63.00"), Decimal("37.00"), Decimal("0.00"),
    )  # fmt: skip
    assert done.medins_setl_id == done.msgid and done.balc == Decimal("763.00") == balance(zhang)
    settlement = Settlement.objects.get(setl_id=done.setl_id)
    assert settlement.paylater and settlement.msgid == done.msgid
    exchange = Exchange.objects.get(pk=done.exchange_id)
    assert exchange.money and exchange.business == zhang
    assert '"paylater_flag":"1"' in exchange.request_body["input"]["data"]["exp_content"]

    undone = client.reverse_outpatient_settlement(
        opter=OPTER, insuplc_admdvs=zhang.insuplc_admdvs, psn_no=zhang.psn_no, setl_id=done.setl_id, mdtrt_id=mdtrt_id
    )
    assert undone.medfee_sumamt == Decimal("-100.00") and undone.acct_pay == Decimal("-37.00")
    assert balance(zhang) == Decimal("800.00")
    assert Settlement.objects.get(setl_id=done.setl_id).status == Settlement.Status.REVERSED

    client.cancel_registration(
        opter=OPTER, insuplc_admdvs=zhang.insuplc_admdvs, psn_no=zhang.psn_no, mdtrt_id=mdtrt_id, ipt_otp_no="MZ0001"
    )
    assert Visit.objects.get(mdtrt_id=mdtrt_id).cancelled


def test_2207b_clinic_settlement_without_medium(zhang):
    mdtrt_id = register(zhang)
    bill = client.OutpatientBill(
        psn_no=zhang.psn_no, insutype="310", mdtrt_id=mdtrt_id, medfee_sumamt=Decimal("20.00"), chrg_bchno="CB2"
    )
    done = client.settle_clinic(opter=OPTER, insuplc_admdvs=zhang.insuplc_admdvs, bill=bill)
    assert done.fund_pay_sumamt == Decimal("7.00") and done.acct_pay == Decimal("13.00")
    sent = Exchange.objects.get(pk=done.exchange_id).request_body
    assert sent["infno"] == "2207B" and "mdtrt_cert_no" not in sent["input"]["data"]
    assert Settlement.objects.get(setl_id=done.setl_id).infno == "2207B"


def test_paylater_settlement_of_unsigned_person_is_refused(wang):
    mdtrt_id = register(wang)
    with pytest.raises(UpstreamRefused) as caught:
        client.settle_outpatient(opter=OPTER, insuplc_admdvs=wang.insuplc_admdvs, bill=outpatient_bill(wang, mdtrt_id))
    assert "未签约" in caught.value.upstream_message and caught.value.code == "-1"
    assert caught.value.exchange.outcome == Outcome.REFUSED
    # Without the flag it is an ordinary settlement: 390 has no account, the fund pays half.
    done = client.settle_outpatient(
        opter=OPTER, insuplc_admdvs=wang.insuplc_admdvs, bill=outpatient_bill(wang, mdtrt_id), paylater=False
    )
    assert (done.fund_pay_sumamt, done.acct_pay, done.psn_cash_pay) == (Decimal("50.00"), 0, Decimal("50.00"))


def test_inpatient_flow_2401_2301_2303_2304_2305_c2304_c2305(li):
    mdtrt_id = admit(li)
    assert Visit.objects.get(mdtrt_id=mdtrt_id).kind == Visit.Kind.INPATIENT
    charge(li, mdtrt_id)
    deposit = client.pay_deposit(
        opter=OPTER, insuplc_admdvs=li.insuplc_admdvs, psn_no=li.psn_no, mdtrt_id=mdtrt_id, ipt_no="ZY0001",
        dpst_amt=Decimal("500.00"), dpst_sn="YJ1",
    )  # fmt: skip
    assert deposit.dpst_amt == Decimal("500.00") and Deposit.objects.get(dpst_id=deposit.dpst_id).status == "paid"
    with pytest.raises(UpstreamRefused, match="部分退费"):
        client.refund_deposit(
            opter=OPTER, insuplc_admdvs=li.insuplc_admdvs, psn_no=li.psn_no, mdtrt_id=mdtrt_id,
            dpst_id=deposit.dpst_id, refd_amt=Decimal("200.00"),
        )  # fmt: skip
    refund = client.refund_deposit(
        opter=OPTER, insuplc_admdvs=li.insuplc_admdvs, psn_no=li.psn_no, mdtrt_id=mdtrt_id,
        dpst_id=deposit.dpst_id, refd_amt=Decimal("500.00"),
    )  # fmt: skip
    assert refund.refd_amt == Decimal("500.00") and Deposit.objects.get().status == "refunded"

    pre = client.presettle_inpatient(opter=OPTER, insuplc_admdvs=li.insuplc_admdvs, bill=inpatient_bill(li, mdtrt_id))
    assert pre.fund_pay_sumamt == Decimal("693.00")
    done = client.settle_inpatient(opter=OPTER, insuplc_admdvs=li.insuplc_admdvs, bill=inpatient_bill(li, mdtrt_id))
    assert done.clr_type == "21" and done.acct_pay == Decimal("307.00") and balance(li) == Decimal("493.00")
    client.reverse_inpatient_settlement(
        opter=OPTER, insuplc_admdvs=li.insuplc_admdvs, psn_no=li.psn_no, setl_id=done.setl_id, mdtrt_id=mdtrt_id
    )
    assert balance(li) == Decimal("800.00")


def test_2601_undoes_a_registration(zhang):
    mdtrt_id = register(zhang)
    original = Exchange.objects.get(interface="2201")
    ack = client.reverse_message(
        opter=OPTER, insuplc_admdvs=zhang.insuplc_admdvs, psn_no=zhang.psn_no, omsgid=original.msgid, oinfno="2201"
    )
    assert ack.msgid != original.msgid and Visit.objects.get(mdtrt_id=mdtrt_id).cancelled
    with pytest.raises(UpstreamRefused, match="已冲正"):
        client.reverse_message(
            opter=OPTER, insuplc_admdvs=zhang.insuplc_admdvs, psn_no=zhang.psn_no, omsgid=original.msgid, oinfno="2201"
        )


def test_3201_totals(zhang):
    mdtrt_id = register(zhang)
    client.settle_outpatient(opter=OPTER, insuplc_admdvs=zhang.insuplc_admdvs, bill=outpatient_bill(zhang, mdtrt_id))
    today = datetime.date.today()
    common = dict(opter=OPTER, insutype="310", clr_type="11", setl_optins="220102", stmt_begndate=today,
                  stmt_enddate=today, fund_pay_sumamt=Decimal("63.00"), acct_pay=Decimal("37.00"))  # fmt: skip
    agreed = client.reconcile_totals(**common, medfee_sumamt=Decimal("100.00"), fixmedins_setl_cnt=1)
    assert agreed.balanced
    differs = client.reconcile_totals(**common, medfee_sumamt=Decimal("90.00"), fixmedins_setl_cnt=1)
    assert not differs.balanced and differs.stmt_rslt == "1"


def test_3202_detail_through_9101_and_9102(zhang):
    from apps.core.money import format_money
    from apps.integrations.nhsa import assumed

    mdtrt_id = register(zhang)
    bill = outpatient_bill(zhang, mdtrt_id)
    settled = client.settle_outpatient(opter=OPTER, insuplc_admdvs=zhang.insuplc_admdvs, bill=bill)
    amounts = {key: getattr(settled, key) for key in ("medfee_sumamt", "fund_pay_sumamt", "acct_pay", "psn_cash_pay")}
    ours = {"setl_id": settled.setl_id, "mdtrt_id": mdtrt_id, "psn_no": zhang.psn_no, "msgid": settled.msgid,
            "refd_setl_flag": "0", **{key: format_money(value) for key, value in amounts.items()}}  # fmt: skip
    unknown = ours | {"setl_id": "NOSUCH", "medfee_sumamt": "9.00", "fund_pay_sumamt": "0.00", "acct_pay": "0.00",
                      "psn_cash_pay": "9.00"}  # fmt: skip
    content = assumed.write_rows(assumed.DETAIL_FILE_FIELDS, [ours, unknown])
    uploaded = client.upload_file(opter=OPTER, filename="detail.txt", content=content)
    today = datetime.date.today()
    nine = Decimal("9.00")
    common = dict(opter=OPTER, setl_optins="220102", file_qury_no=uploaded.file_qury_no, clr_type="11",
                  stmt_begndate=today, stmt_enddate=today, medfee_sumamt=amounts["medfee_sumamt"] + nine,
                  fund_pay_sumamt=amounts["fund_pay_sumamt"], cash_payamt=amounts["psn_cash_pay"] + nine)  # fmt: skip
    info = client.reconcile_detail(**common, fixmedins_setl_cnt=2)
    assert Exchange.objects.get(pk=info.exchange_id).interface == "3202"
    result = client.download_file(opter=OPTER, file_qury_no=info.file_qury_no, filename=info.filename)
    rows = {row.setl_id: row for row in result.rows}
    assert {key: row.stmt_rslt for key, row in rows.items()} == {
        settled.setl_id: assumed.DETAIL_MATCHED, "NOSUCH": assumed.DETAIL_HOSPITAL_ONLY,
    }  # fmt: skip
    assert rows[settled.setl_id].fund_pay_sumamt == settled.fund_pay_sumamt
    assert Exchange.objects.get(pk=result.exchange_id).outcome == Outcome.OK

    # The gateway refuses totals that are not the file's, and a file it does not have.
    with pytest.raises(UpstreamRefused, match="fixmedins_setl_cnt"):
        client.reconcile_detail(**common, fixmedins_setl_cnt=3)
    with pytest.raises(UpstreamRefused, match="不存在"):
        client.download_file(opter=OPTER, file_qury_no=uploaded.file_qury_no, filename="detail.txt")
    # Inputs are checked before anything is sent.
    with pytest.raises(ApplicationError, match="stmt_enddate"):
        client.reconcile_detail(**common | {"stmt_begndate": today + datetime.timedelta(days=1)}, fixmedins_setl_cnt=2)
    with pytest.raises(ApplicationError, match="fixmedins_setl_cnt"):
        client.reconcile_detail(**common, fixmedins_setl_cnt=-1)
    with pytest.raises(ApplicationError, match="content"):
        client.upload_file(opter=OPTER, filename="empty.txt", content=b"")


PURCHASE = {
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
    "finl_trns_pric": Decimal("1.234567"),
    "purc_retn_cnt": Decimal("100"),
    "rx_flag": "1",
    "purc_retn_stoin_time": "2026-04-01 10:00:00",
    "purc_retn_opter_name": "采购员",
}
INVOICE = {
    "enterpriseName": "吉林医药有限公司",
    "socialCode": "91220101MA00000000",
    "invoiceNo": "12345678",
    "invoiceDate": "2026-03-30",
    "taxAmount": Decimal("123.4567"),
    "taxRate": Decimal("0.13"),
    "taxrateAmount": Decimal("16.0494"),
    "name": "阿莫西林胶囊",
    "purcCnt": Decimal("100"),
    "trnsPpric": Decimal("1.2346"),
}


def test_3503_and_3504(gw):
    ack = client.upload_purchase(opter=OPTER, purcinfo=PURCHASE, invoices=[INVOICE])
    sent = Exchange.objects.get(pk=ack.exchange_id).request_body["input"]["purcinfo"]
    assert sent["finl_trns_pric"] == "1.234567" and '"invoiceNo":"12345678"' in sent["exp_content"]
    returned = {k: v for k, v in PURCHASE.items() if k not in ("manu_lotnum", "prdr_name", "aprvno")}
    client.return_purchase(
        opter=OPTER, purcinfo=returned | {"purc_invo_no": "12345678"}, invoices=[INVOICE | {"taxAmount": Decimal("-1")}]
    )
    assert Exchange.objects.filter(interface__in=["3503", "3504"], outcome=Outcome.OK).count() == 2


@pytest.mark.parametrize(
    ("purcinfo", "invoices", "field"),
    [
        ({k: v for k, v in PURCHASE.items() if k != "aprvno"}, [INVOICE], "purcinfo.aprvno"),
        (PURCHASE | {"spler_name": "长" * 201}, [INVOICE], "purcinfo.spler_name"),
        (PURCHASE | {"manu_date": "2026/01/01"}, [INVOICE], "purcinfo.manu_date"),
        (PURCHASE | {"purc_retn_stoin_time": "2026-04-01"}, [INVOICE], "purcinfo.purc_retn_stoin_time"),
        (PURCHASE | {"finl_trns_pric": Decimal("1.1234567")}, [INVOICE], "purcinfo.finl_trns_pric"),
        (PURCHASE | {"purc_retn_cnt": 1.5}, [INVOICE], "purcinfo.purc_retn_cnt"),
        (PURCHASE | {"prod_geay_flag": "2"}, [INVOICE], "purcinfo.prod_geay_flag"),
        (PURCHASE | {"unknown": "x"}, [INVOICE], "purcinfo.unknown"),
        (PURCHASE, [], "invoices"),
        (PURCHASE, [INVOICE | {"invoiceDate": "20260330"}], "invoices[0].invoiceDate"),
        (PURCHASE, [{k: v for k, v in INVOICE.items() if k != "socialCode"}], "invoices[0].socialCode"),
        (PURCHASE, [INVOICE | {"memo": "x" * 200}] * 1, "invoices[0].memo"),
        (PURCHASE, [INVOICE | {"name": "药" * 200}] * 12, "purcinfo.exp_content"),
    ],
)
@pytest.mark.django_db  # refused before anything is sent: no gateway needed
def test_3503_checks_every_field_before_sending(purcinfo, invoices, field):
    with pytest.raises(ApplicationError) as caught:
        client.upload_purchase(opter=OPTER, purcinfo=purcinfo, invoices=invoices)
    assert caught.value.extra["field"] == field and field in caught.value.message
    assert not Exchange.objects.filter(interface="3503").exists()


@pytest.mark.django_db
def test_3504_requires_negative_invoice_amounts():
    returned = {k: v for k, v in PURCHASE.items() if k not in ("manu_lotnum", "prdr_name", "aprvno")}
    with pytest.raises(ApplicationError, match=r"invoices\[0\].taxAmount"):
        client.return_purchase(opter=OPTER, purcinfo=returned | {"purc_invo_no": "1"}, invoices=[INVOICE])
    with pytest.raises(ApplicationError, match="purcinfo.purc_invo_no"):
        client.return_purchase(opter=OPTER, purcinfo=returned, invoices=[INVOICE | {"taxAmount": Decimal("-1")}])
    assert not Exchange.objects.filter(interface="3504").exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"medfee_sumamt": 100.0}, "medfee_sumamt"),
        ({"medfee_sumamt": Decimal("-1.00")}, "medfee_sumamt"),
        ({"medfee_sumamt": Decimal("1.001")}, "medfee_sumamt"),
        ({"psn_no": ""}, "psn_no"),
        ({"mdtrt_cert_type": "09"}, "mdtrt_cert_type"),
        ({"acct_used_flag": "Y"}, "acct_used_flag"),
        ({"fulamt_ownpay_amt": Decimal("-5.00")}, "fulamt_ownpay_amt"),
    ],
)
@pytest.mark.django_db
def test_bad_settlement_input_is_refused_before_sending(change, field):
    fields = dict(psn_no="22000000000000000015", insutype="310", mdtrt_id="M1", medfee_sumamt=Decimal("10.00"),
                  mdtrt_cert_no="x", chrg_bchno="C1")  # fmt: skip
    bill = client.OutpatientBill(**(fields | change))
    with pytest.raises(ApplicationError) as caught:
        client.settle_outpatient(opter=OPTER, insuplc_admdvs="220102", bill=bill)
    assert caught.value.extra["field"] == field
    assert not Exchange.objects.filter(interface="2207").exists()
