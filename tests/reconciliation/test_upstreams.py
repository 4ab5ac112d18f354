"""Against the sandbox over real HTTP: fetch_check_file with one planted discrepancy of each kind, the morning
schedule's retries, and the gateway's side (3201 per insurance type and clearing type, detail where it differs)."""

import datetime
import io
import json
import uuid
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from apps.ledger.models import Kind
from apps.reconciliation import services
from apps.reconciliation.models import Category, CheckFile, Discrepancy, FetchAttempt, GatewayCheck

pytestmark = pytest.mark.django_db(transaction=True)


def at(hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time(hour)))


@pytest.fixture
def person(db):
    from apps.sandbox.people import person_by_certno

    return person_by_certno("220102198805060015")


def sandbox_paid(person, order_no, amount, hour=9):
    from apps.sandbox.paylater.models import Payment, PaymentStatus

    ids = {name: uuid.uuid4().hex for name in ("amp_trace_id", "trace_id", "pay_chnl_ord_sn", "pay_ord_id")}
    return Payment.objects.create(
        org_code=settings.ORG_CODE, org_trace_no=order_no, person=person, status=PaymentStatus.PAID,
        mdtrt_id="MD" + order_no, psn_no=person.psn_no, medfee_sumamt=Decimal(amount), paid_at=at(hour), **ids,
    )  # fmt: skip


def fetch(*args) -> dict:
    out = io.StringIO()
    call_command("fetch_check_file", *args, stdout=out)
    return json.loads(out.getvalue().strip().splitlines()[-1])


def test_fetch_with_one_planted_discrepancy_of_each_kind(sandbox, person, book):
    from apps.sandbox.paylater.services import check_file_plant

    for order_no, amount in (("ORDA", "10.00"), ("ORDB", "20.00"), ("ORDC", "30.00"), ("ORDD", "40.00")):
        sandbox_paid(person, order_no, amount)
        book(order_no, amount, when=at(9))
    check_file_plant(org_code=settings.ORG_CODE, bill_date=timezone.localdate())
    summary = fetch("--date", timezone.localdate().isoformat())
    assert summary == {
        "date": timezone.localdate().isoformat(), "lines": 4, "matched": 1, "missing_local": 1,
        "missing_platform": 1, "amount_mismatch": 1, "status_mismatch": 1,
    }  # fmt: skip
    assert dict(Discrepancy.objects.values_list("category", "order_no")) == {
        Category.MISSING_PLATFORM: "ORDA", Category.AMOUNT_MISMATCH: "ORDB", Category.STATUS_MISMATCH: "ORDC",
        Category.MISSING_LOCAL: f"PLANTED{timezone.localdate():%Y%m%d}",
    }  # fmt: skip
    assert fetch("--date", timezone.localdate().isoformat()) == summary  # the same file again: nothing changes
    assert Discrepancy.objects.count() == 4
    assert CheckFile.objects.count() == 1
    assert FetchAttempt.objects.order_by("-id").values_list("message", flat=True).first() == "与已导入的文件相同"


def test_the_morning_job_waits_for_its_time_and_backs_off(sandbox, settings):
    from apps.sandbox.models import Fault

    settings.RECONCILIATION_FETCH_AT = "23:59"
    assert services.fetch_due() == "未到下载时间" or timezone.localtime().time() >= datetime.time(23, 59)
    settings.RECONCILIATION_FETCH_AT = "00:00"
    Fault.objects.create(party="paylater", interface="check_file", mode="error_500", remaining=None)
    assert "下载对账文件失败" in services.fetch_due()
    assert services.fetch_due() == "等待重试"  # 10 minutes after the first failure, then 20, 40 …
    Fault.objects.all().delete()
    FetchAttempt.objects.update(attempted_at=timezone.now() - datetime.timedelta(minutes=11))
    assert services.fetch_due().startswith("已导入")
    assert services.fetch_due() == "已导入"
    with pytest.raises(CommandError, match="--date 应为"):
        fetch("--date", "yesterday")


def test_gateway_totals_per_insurance_and_clearing_type(sandbox, person, patient):
    from apps.ledger.models import Channel, Status
    from apps.ledger.services import movement_create, movement_finish, movement_reverse
    from apps.ledger.settlement import SettlementResult
    from apps.sandbox.nhsa.models import Settlement

    def gateway(setl_id, medfee, fund, acct, infno="2207"):
        Settlement.objects.create(
            setl_id=setl_id, msgid=setl_id, infno=infno, person=person, mdtrt_id="MD" + setl_id,
            medfee_sumamt=Decimal(medfee), fund_pay_sumamt=Decimal(fund), acct_pay=Decimal(acct),
            psn_cash_pay=Decimal(medfee) - Decimal(fund) - Decimal(acct),
        )  # fmt: skip

    def ledger(setl_id, medfee, fund, acct, kind=Kind.OUTPATIENT_SETTLEMENT):
        names = ("medfee_sumamt", "fund_pay_sumamt", "acct_pay")
        result = SettlementResult(
            setl_id=setl_id,
            mdtrt_id="MD" + setl_id,
            amounts=dict(zip(names, map(Decimal, (medfee, fund, acct)), strict=True)),
        )
        return movement_create(
            kind=kind, channel=Channel.PAYLATER_ONLINE, patient=patient, org_trace_no="T" + setl_id,
            amount=Decimal(medfee), status=Status.SUCCEEDED, occurred_at=timezone.now(), result=result,
        )  # fmt: skip

    person.insutype = "310"
    person.save(update_fields=["insutype"])
    gateway("S1", "100.00", "60.00", "10.00")
    gateway("S2", "50.00", "30.00", "0.00")
    gateway("S9", "80.00", "50.00", "0.00", infno="2304")
    ledger("S1", "100.00", "60.00", "10.00")
    ledger("S2", "50.00", "30.00", "0.00")
    refunded = ledger("S3", "5.00", "0.00", "0.00")  # refunded the same day: out of both sides' totals
    refund = movement_reverse(movement=refunded, kind=Kind.REFUND, org_trace_no="RFS3")
    movement_finish(movement=refund, took_effect=True, detail="测试")
    ledger("S9", "80.00", "50.00", "0.00", kind=Kind.INPATIENT_SETTLEMENT)
    ledger("S10", "7.00", "0.00", "0.00", kind=Kind.INPATIENT_SETTLEMENT)  # the gateway has no such settlement

    checks = {(c.insutype, c.clr_type): c for c in services.gateway_check(day=timezone.localdate())}
    outpatient, inpatient = checks[("310", "11")], checks[("310", "21")]
    assert set(checks) == {("310", "11"), ("310", "21")}
    assert (outpatient.fixmedins_setl_cnt, outpatient.medfee_sumamt, outpatient.acct_pay) == (
        2, Decimal("150.00"), Decimal("10.00"),
    )  # fmt: skip
    assert outpatient.balanced and outpatient.detail == []
    assert not inpatient.balanced and inpatient.fixmedins_setl_cnt == 2
    assert [row["setl_id"] for row in inpatient.detail] == ["S9", "S10"]

    gateway("S10", "7.00", "0.00", "0.00", infno="2304")
    services.gateway_check(day=timezone.localdate())
    assert GatewayCheck.objects.get(clr_type="21").balanced and GatewayCheck.objects.count() == 2
