"""3202 against the sandbox gateway over real HTTP: where 3201 says a clearing type's totals differ, the ledger's
settlements go up by 9101, 3202 compares them with the gateway's own, and 9102's result names each settlement."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.integrations.models import Exchange
from apps.ledger.models import Channel, Kind, Status
from apps.reconciliation import services
from apps.reconciliation.models import DetailResult, GatewayDetail, GatewayDetailLine

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def person(db):
    from apps.sandbox.people import person_by_certno

    found = person_by_certno("220102198805060015")
    found.insutype = "310"
    found.save(update_fields=["insutype"])
    return found


@pytest.fixture
def gateway(person):
    """A settlement in the sandbox gateway's own records."""
    from apps.sandbox.nhsa.models import Settlement

    def make(setl_id, medfee, fund, acct, infno="2207"):
        return Settlement.objects.create(
            setl_id=setl_id, msgid=setl_id, infno=infno, person=person, mdtrt_id="MD" + setl_id,
            medfee_sumamt=Decimal(medfee), fund_pay_sumamt=Decimal(fund), acct_pay=Decimal(acct),
            psn_cash_pay=Decimal(medfee) - Decimal(fund) - Decimal(acct),
        )  # fmt: skip

    return make


@pytest.fixture
def ledger(patient):
    """A settlement in the portal's ledger."""
    from apps.ledger.services import movement_create
    from apps.ledger.settlement import SettlementResult

    def make(setl_id, medfee, fund, acct, kind=Kind.OUTPATIENT_SETTLEMENT):
        names = ("medfee_sumamt", "fund_pay_sumamt", "acct_pay")
        amounts = dict(zip(names, map(Decimal, (medfee, fund, acct)), strict=True))
        amounts["psn_cash_pay"] = amounts["medfee_sumamt"] - amounts["fund_pay_sumamt"] - amounts["acct_pay"]
        return movement_create(
            kind=kind, channel=Channel.PAYLATER_ONLINE, patient=patient, org_trace_no="T" + setl_id,
            amount=Decimal(medfee), status=Status.SUCCEEDED, occurred_at=timezone.now(),
            result=SettlementResult(setl_id=setl_id, mdtrt_id="MD" + setl_id, amounts=amounts),
        )  # fmt: skip

    return make


def check():
    return {(c.insutype, c.clr_type): c for c in services.gateway_check(day=timezone.localdate())}


def lines() -> dict:
    return {line.setl_id: line for line in GatewayDetailLine.objects.all()}


def test_totals_that_agree_need_no_detail(sandbox, gateway, ledger):
    gateway("S1", "100.00", "60.00", "10.00")
    ledger("S1", "100.00", "60.00", "10.00")
    assert check()[("310", "11")].balanced
    assert not GatewayDetail.objects.exists()
    assert not Exchange.objects.filter(interface__in=("9101", "3202", "9102")).exists()


def test_the_detail_names_each_settlement_that_differs(sandbox, gateway, ledger, login):
    gateway("S1", "100.00", "60.00", "10.00")
    gateway("S2", "50.00", "30.00", "0.00")
    gateway("S4", "20.00", "10.00", "0.00")  # the gateway's only
    gateway("S9", "80.00", "50.00", "0.00", infno="2304")
    ledger("S1", "100.00", "60.00", "10.00")
    ledger("S2", "50.00", "25.00", "0.00")  # the fund paid 30.00 by the gateway's account
    ledger("S3", "5.00", "0.00", "0.00")  # not at the gateway
    ledger("S9", "80.00", "50.00", "0.00", kind=Kind.INPATIENT_SETTLEMENT)

    checks = check()
    assert not checks[("310", "11")].balanced and checks[("310", "21")].balanced
    detail = GatewayDetail.objects.get()  # only the clearing type whose totals differ
    assert (detail.clr_type, detail.fixmedins_setl_cnt, detail.medfee_sumamt, detail.error) == (
        "11", 3, Decimal("155.00"), "",
    )  # fmt: skip
    found = lines()
    assert {setl_id: line.result for setl_id, line in found.items()} == {
        "S1": DetailResult.MATCHED, "S2": DetailResult.AMOUNT_MISMATCH,
        "S3": DetailResult.MISSING_GATEWAY, "S4": DetailResult.MISSING_LOCAL,
    }  # fmt: skip
    s2 = found["S2"]
    assert (s2.local_fund_pay_sumamt, s2.gateway_fund_pay_sumamt, s2.org_trace_no, s2.insutype) == (
        Decimal("25.00"), Decimal("30.00"), "TS2", "310",
    )  # fmt: skip
    assert "基金支付" in s2.memo
    assert found["S3"].local_medfee_sumamt == Decimal("5.00") and found["S3"].gateway_medfee_sumamt is None
    assert found["S4"].local_medfee_sumamt is None and found["S4"].gateway_medfee_sumamt == Decimal("20.00")
    calls = Exchange.objects.filter(interface__in=("9101", "3202", "9102")).order_by("id")
    assert list(calls.values_list("interface", "outcome")) == [("9101", "ok"), ("3202", "ok"), ("9102", "ok")]

    day_url = reverse("reconciliation:day", args=[f"{timezone.localdate():%Y-%m-%d}"])
    page = login("finance").get(day_url).content.decode()
    assert "医保逐笔对账" in page and "一致 1 笔，不一致 3 笔" in page
    for words in ("金额不符", "医保无此结算", "本院无此结算", "TS2", "S4"):
        assert words in page
    admin = login("admin").get(reverse("admin:reconciliation_gatewaydetail_change", args=[detail.pk]))
    assert admin.status_code == 200 and "TS2" in admin.content.decode()

    # Once the gateway has what the ledger has, 3201 agrees and the detail goes: nothing stale is shown.
    gateway("S3", "5.00", "0.00", "0.00")
    from apps.sandbox.nhsa.models import Settlement

    Settlement.objects.filter(setl_id="S4").update(status=Settlement.Status.REVERSED)
    Settlement.objects.filter(setl_id="S2").update(fund_pay_sumamt=Decimal("25.00"))
    assert check()[("310", "11")].balanced
    assert not GatewayDetail.objects.exists() and not GatewayDetailLine.objects.exists()


@pytest.mark.parametrize(("infno", "mode"), [("9101", "error_500"), ("3202", "html"), ("9102", "truncated")])
def test_a_failed_detail_is_recorded_not_raised(sandbox, gateway, ledger, infno, mode):
    from apps.sandbox.models import Fault

    gateway("S1", "100.00", "60.00", "10.00")
    ledger("S1", "100.00", "60.00", "10.00")
    ledger("S3", "5.00", "0.00", "0.00")
    Fault.objects.create(party="nhsa", interface=infno, mode=mode, remaining=1)
    assert not check()[("310", "11")].balanced
    detail = GatewayDetail.objects.get()
    assert infno in detail.error and not detail.lines.exists()

    check()  # the fault is spent: the next run finds the settlement
    detail = GatewayDetail.objects.get()
    assert detail.error == "" and lines()["S3"].result == DetailResult.MISSING_GATEWAY
