"""Section 8 and the admission: 2401 / 2301 / 2302 / 2402, the 2303 preview with the one deposit rule, 2304 with
the pay-later flag through the spine, the deposits refunded whole afterwards, and 2305 with a reason."""

import json
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.core.errors import ApplicationError
from apps.guidance.models import OutboxMessage
from apps.inpatient import discharge, selectors, services
from apps.inpatient.models import Admission, AdmissionState, ChargeState
from apps.integrations import recovery
from apps.integrations.models import Exchange
from apps.ledger.models import BillState, Kind, MoneyMovement, Status
from apps.sandbox.models import Person
from apps.sandbox.nhsa import engine
from apps.sandbox.nhsa.models import FeeLine, Settlement, Visit
from tests.inpatient.conftest import LI, WANG, ZHANG, collect, fault


def no_account(certno: str) -> None:
    """Empty the person's personal account at the sandbox, so that the share paid after care is not zero."""
    for person in Person.objects.all():
        if person.certno == certno:
            Person.objects.filter(pk=person.pk).update(acct_balance=Decimal("0.00"))


def test_admission_keeps_ipt_no_and_mdtrt_id_and_refuses_a_second_stay(admit):
    admission = admit(ZHANG)
    assert admission.ipt_no.startswith("ZY") and admission.mdtrt_id
    visit = Visit.objects.get(mdtrt_id=admission.mdtrt_id)
    assert (visit.kind, visit.ipt_otp_no) == ("ipt", admission.ipt_no)
    assert engine.inpatient_fees(admission.mdtrt_id) == selectors.charges_total(admission) == Decimal("248.00")
    with pytest.raises(ApplicationError, match="已在院"):
        admit(ZHANG)
    assert Admission.objects.filter(patient=admission.patient).count() == 1


def test_refused_admission_keeps_nothing(admit):
    fault("2401", "error_500")
    with pytest.raises(ApplicationError):
        admit(ZHANG, items=())
    assert not Admission.objects.filter(patient__name="张伟").exists()


def test_demo_stay_registers_and_uploads_on_first_action_and_cancel_withdraws_a_line(li_na, cashier):
    assert li_na.mdtrt_id and not selectors.charges_pending(li_na).exists()
    total = selectors.charges_total(li_na)
    assert engine.inpatient_fees(li_na.mdtrt_id) == total == Decimal("405.40")
    charge = selectors.charges_of(li_na).get(medins_list_codg="JC-0003")
    services.charge_cancel(charge=charge, reason="重复记账", opter=cashier)
    charge.refresh_from_db()
    assert charge.state == ChargeState.CANCELLED
    assert selectors.charges_total(li_na) == total - Decimal("25.00") == engine.inpatient_fees(li_na.mdtrt_id)
    assert not FeeLine.objects.filter(feedetl_sn=charge.feedetl_sn).exists()


@pytest.mark.parametrize("lost", ["truncated", "timeout"])
def test_charges_whose_upload_lost_its_answer_are_withdrawn_before_the_next_try(admit, cashier, sandbox_done, lost):
    admission = admit(ZHANG, items=())
    fault("2301", lost)
    with pytest.raises(ApplicationError, match="上传医保失败"):
        services.charges_add(
            admission=admission, items=[("CW-0001", "1"), ("HL-0001", "1")], fee_ocur_time=timezone.now(), opter=cashier
        )
    sandbox_done()
    pending = list(selectors.charges_pending(admission).values_list("feedetl_sn", flat=True))
    assert len(pending) == 2 and FeeLine.objects.filter(feedetl_sn__in=pending).count() == 2  # kept, unanswered
    # Sent again as they are, the lines would be refused as already uploaded on every try: each is withdrawn
    # (2302) first, then the stay's pending charges go up.
    assert services.charges_upload(admission=admission, opter=cashier) == 2
    assert not selectors.charges_pending(admission).exists()
    assert engine.inpatient_fees(admission.mdtrt_id) == selectors.charges_total(admission)
    # Once an upload succeeded, the lost one is settled: the next day's charge goes up without withdrawals.
    withdrawals = Exchange.objects.filter(interface="2302").count()
    assert withdrawals == 2
    services.charges_add(admission=admission, items=[("CW-0001", "1")], fee_ocur_time=timezone.now(), opter=cashier)
    assert Exchange.objects.filter(interface="2302").count() == withdrawals
    assert engine.inpatient_fees(admission.mdtrt_id) == selectors.charges_total(admission)


def test_org_001_answers_the_inpatient_fields(li_na, platform):
    status, reply = platform(
        "org_001",
        {"mdtrt_cert_type": "02", "mdtrt_cert_no": LI, "org_code": "H22010200001", "cert_no": LI, "account_type": "1"},
    )
    assert reply["ret_code"] == "00", reply
    assert (reply["ipt_no"], reply["disease_area"], reply["adm_bed"]) == (li_na.ipt_no, "内科一病区", "12")
    assert reply["inpatient_total_fee"] == "405.40" and reply["inpatient_end_date"] == ""
    assert reply["inpatient_start_date"] == timezone.localtime(li_na.begntime).strftime("%Y-%m-%d")


def _discharge(admission, cashier):
    services.admission_discharge(admission=admission, opter=cashier)
    admission.refresh_from_db()
    assert admission.state == AdmissionState.DISCHARGED and admission.endtime
    return admission


def test_li_na_discharged_with_a_top_up(li_na, cashier):
    no_account(LI)
    first = collect(li_na, "60.00", cashier).deposit
    second = collect(li_na, "40.00", cashier).deposit
    assert services.deposit_partial_return(deposit=second, return_amt="10.00", opter=cashier).ok
    admission = _discharge(li_na, cashier)
    preview = discharge.discharge_preview(admission=admission, opter=cashier)
    share = preview.split["psn_cash_pay"]
    assert share == Decimal("128.62")  # 10.00 起付线 + 30% of 395.40, no personal account left
    assert preview.plan.deposits_total == Decimal("90.00") and preview.plan.top_up == Decimal("38.62")
    assert any("补收 ¥38.62" in line for line in preview.plan.words())
    outcome = discharge.discharge_settle(admission=admission, opter=cashier)
    assert outcome.status == "settled", outcome.message
    assert [r.status for r in outcome.refunds] == ["succeeded", "succeeded"]
    admission.refresh_from_db()
    assert admission.state == AdmissionState.SETTLED and admission.bill.state == BillState.SETTLED
    settlement = Settlement.objects.get(mdtrt_id=admission.mdtrt_id)
    assert settlement.paylater and settlement.infno == "2304" and settlement.psn_cash_pay == share
    assert selectors.deposits_total_held(admission) == Decimal("0.00")
    assert {v.state for v in selectors.deposits_of(admission) if v.deposit.pk != first.pk} <= {"refunded"}
    push = json.loads(OutboxMessage.objects.get(med_org_ord=admission.bill.org_trace_no).body)
    assert (push["appType"], push["orderStatus"]) == ("02", "MERCHANT_PAID")
    # A second click: the spine refuses, nothing is settled or refunded twice.
    with pytest.raises(ApplicationError):
        discharge.discharge_settle(admission=admission, opter=cashier)
    assert Settlement.objects.filter(mdtrt_id=admission.mdtrt_id).count() == 1


def test_another_patient_discharged_with_a_refund_of_deposits(admit, cashier):
    zhang = admit(ZHANG)
    collect(zhang, "500.00", cashier)
    admission = _discharge(zhang, cashier)
    preview = discharge.discharge_preview(admission=admission, opter=cashier)
    assert preview.split["psn_cash_pay"] == Decimal("0.00")  # the personal account covers the share
    assert preview.plan.net_refund == Decimal("500.00") and not preview.plan.top_up
    outcome = discharge.discharge_settle(admission=admission, opter=cashier)
    assert outcome.status == "settled" and [r.status for r in outcome.refunds] == ["succeeded"]
    refund = MoneyMovement.objects.with_status().get(kind=Kind.DEPOSIT_REFUND)
    assert refund.amount == Decimal("-500.00") and refund.status == Status.SUCCEEDED


def test_pay_later_settlement_is_refused_for_an_unsigned_person(admit, cashier):
    wang = admit(WANG)
    admission = _discharge(wang, cashier)
    outcome = discharge.discharge_settle(admission=admission, opter=cashier)
    assert outcome.status == "refused" and "未签约" in outcome.message
    admission.refresh_from_db()
    assert admission.state == AdmissionState.DISCHARGED and admission.bill.state == BillState.OPEN


def test_settlement_timeout_waits_for_recovery_then_settles_once(li_na, cashier):
    collect(li_na, "100.00", cashier)
    admission = _discharge(li_na, cashier)
    fault("2304", "timeout")
    outcome = discharge.discharge_settle(admission=admission, opter=cashier)
    assert outcome.status == "unknown" and outcome.refunds == []
    admission.refresh_from_db()
    assert discharge.settlement_state(admission) in ("settling", "unknown")
    assert selectors.deposits_total_held(admission) == Decimal("100.00")  # nothing refunded on an unknown
    recovery.resolve_pending(party="nhsa")
    admission.refresh_from_db()
    assert admission.bill.state == BillState.OPEN
    assert discharge.discharge_settle(admission=admission, opter=cashier).status == "settled"
    assert Settlement.objects.filter(mdtrt_id=admission.mdtrt_id, status="settled").count() == 1


def test_reversal_needs_a_reason_and_reopens_the_stay(li_na, cashier):
    admission = _discharge(li_na, cashier)
    assert discharge.discharge_settle(admission=admission, opter=cashier).status == "settled"
    with pytest.raises(ApplicationError):
        discharge.settlement_reverse(admission=admission, reason=" ", opter=cashier)
    message = discharge.settlement_reverse(admission=admission, reason="结算项目有误", opter=cashier)
    assert "成功" in message
    admission.refresh_from_db()
    assert admission.state == AdmissionState.DISCHARGED and admission.bill is None
    assert Settlement.objects.get(mdtrt_id=admission.mdtrt_id).status == "reversed"
    reversal = MoneyMovement.objects.with_status().get(kind=Kind.REFUND)
    assert reversal.status == Status.SUCCEEDED and reversal.note == "结算项目有误"
    # Settled again on a new bill.
    assert discharge.discharge_settle(admission=admission, opter=cashier).status == "settled"


def test_reversal_timeout_is_resolved_by_recovery(li_na, cashier):
    admission = _discharge(li_na, cashier)
    discharge.discharge_settle(admission=admission, opter=cashier)
    fault("2305", "timeout")
    assert "未知" in discharge.settlement_reverse(admission=admission, reason="撤销重结", opter=cashier)
    assert MoneyMovement.objects.with_status().get(kind=Kind.REFUND).status == Status.UNKNOWN
    recovery.resolve_pending(party="nhsa")
    assert MoneyMovement.objects.with_status().get(kind=Kind.REFUND).status == Status.REVERSED
    admission.refresh_from_db()
    assert admission.state == AdmissionState.SETTLED  # the 2305 was undone: the settlement stands
    assert Settlement.objects.get(mdtrt_id=admission.mdtrt_id).status == "settled"
