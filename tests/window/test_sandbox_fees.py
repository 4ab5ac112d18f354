"""The sandbox gateway's 2205 (门诊费用明细撤销) over real HTTP: a batch's details go, a second time is refused,
and "0000" (the whole visit) is refused while a settlement stands."""

import pytest

from apps.integrations.nhsa import client as nhsa
from apps.integrations.transport import UpstreamRefused
from apps.ledger import gateway
from apps.window import services

pytestmark = pytest.mark.django_db(transaction=True)


def withdraw(bill, batch):
    patient = bill.patient
    return nhsa.cancel_outpatient_fees(
        opter="system",
        insuplc_admdvs=patient.insuplc_admdvs,
        psn_no=patient.psn_no,
        mdtrt_id=bill.mdtrt_id,
        chrg_bchno=batch,
    )


def test_2205_withdraws_a_batch_once_and_never_under_a_standing_settlement(read, session_today, cashier):
    from apps.sandbox.nhsa.models import FeeLine

    reading, medium = read()
    order = services.window_register(patient=reading.patient, schedule_id=session_today.pk)
    services.window_preview(bill=order.bill, medium=medium, opter=cashier)  # uploads the fee (2204)
    batch = gateway.bill_chrg_bchno(order.bill)
    assert FeeLine.objects.filter(mdtrt_id=order.mdtrt_id, chrg_bchno=batch).count() == 1
    withdraw(order.bill, batch)
    assert not FeeLine.objects.filter(mdtrt_id=order.mdtrt_id).exists()
    with pytest.raises(UpstreamRefused, match="无可撤销"):
        withdraw(order.bill, batch)

    order.bill.refresh_from_db()
    order.bill.__class__.objects.filter(pk=order.bill.pk).update(fees_uploaded_at=None)  # uploaded again below
    order.bill.refresh_from_db()
    assert services.window_settle(bill=order.bill, medium=medium, opter=cashier).status == "settled"
    with pytest.raises(UpstreamRefused, match="先撤销结算"):
        withdraw(order.bill, "0000")
