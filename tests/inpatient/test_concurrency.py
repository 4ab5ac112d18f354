"""Double clicks and two cashiers at once never pay or refund twice (PostgreSQL: row locks and unique keys)."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from apps.core.errors import ApplicationError
from apps.inpatient import discharge, selectors, services
from apps.ledger.models import Kind, MoneyMovement
from apps.sandbox.nhsa.models import Deposit as GatewayDeposit
from apps.sandbox.nhsa.models import Settlement
from tests.inpatient.conftest import collect

pytestmark = pytest.mark.postgres


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks are only meaningful on PostgreSQL")


def at_once(count: int, func) -> list:
    results, lock, start = [], threading.Lock(), threading.Barrier(count)

    def run():
        try:
            start.wait()
            try:
                result = func()
            except ApplicationError as exc:
                result = exc
            with lock:
                results.append(result)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_one_deposit_form_sent_five_times_at_once_collects_once(li_na, cashier):
    results = at_once(5, lambda: collect(li_na, "300.00", cashier, sn="YJSAME0001"))
    assert len(results) == 5
    assert MoneyMovement.objects.filter(kind=Kind.DEPOSIT).count() == 1
    assert GatewayDeposit.objects.count() == 1
    assert selectors.deposits_total_held(li_na) == Decimal("300.00")


def test_two_cashiers_refunding_one_deposit_refund_it_once(li_na, cashier):
    deposit = collect(li_na, "300.00", cashier).deposit
    at_once(4, lambda: services.deposit_refund(deposit=deposit, opter=cashier))
    assert MoneyMovement.objects.filter(kind=Kind.DEPOSIT_REFUND).count() == 1
    assert GatewayDeposit.objects.get().status == "refunded"


def test_finishing_a_partial_return_twice_at_once_collects_the_kept_amount_once(li_na, cashier):
    from tests.inpatient.conftest import fault

    deposit = collect(li_na, "500.00", cashier).deposit
    fault("C2304", "error_500")
    services.deposit_partial_return(deposit=deposit, return_amt="200.00", opter=cashier)
    from apps.integrations import recovery

    recovery.resolve_pending(party="nhsa")
    at_once(4, lambda: services.deposit_partial_finish(deposit=deposit, opter=cashier))
    assert GatewayDeposit.objects.filter(status="paid").count() == 1
    assert selectors.deposits_total_held(li_na) == Decimal("300.00")


def test_two_cashiers_settling_one_stay_settle_it_once(li_na, cashier):
    collect(li_na, "100.00", cashier)
    services.admission_discharge(admission=li_na, opter=cashier)
    results = at_once(3, lambda: discharge.discharge_settle(admission=li_na, opter=cashier))
    settled = [r for r in results if not isinstance(r, ApplicationError) and r.status == "settled"]
    assert len(settled) == 1
    assert Settlement.objects.filter(mdtrt_id=li_na.mdtrt_id).count() == 1
    assert MoneyMovement.objects.filter(kind=Kind.DEPOSIT_REFUND).count() == 1
