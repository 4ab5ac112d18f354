"""Two cashiers pressing 结算 at once, or one pressing twice: one settlement, on PostgreSQL, through the service
and through HTTP."""

import threading

import pytest
import requests
from django.db import connection

from apps.core.demo import DEMO_PASSWORD
from apps.core.errors import ApplicationError
from apps.ledger.models import Kind, MoneyMovement
from apps.window import services
from tests.window.conftest import ZHANG, medium_of

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _skip_unless_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent claims are only meaningful on PostgreSQL")


def _at_once(count, func):
    results, lock = [], threading.Lock()

    def run():
        try:
            outcome = func()
        except ApplicationError as exc:
            outcome = exc.message
        finally:
            connection.close()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_eight_settlements_of_one_bill_at_once_settle_it_once(read, session_today, cashier, settings):
    _skip_unless_postgres()
    settings.UPSTREAM_READ_TIMEOUT = 15.0
    reading, medium = read()
    order = services.window_register(patient=reading.patient, schedule_id=session_today.pk)
    results = _at_once(8, lambda: services.window_settle(bill=order.bill, medium=medium, opter=cashier))
    settled = [r for r in results if getattr(r, "status", "") == "settled"]
    assert len(settled) == 1, results
    assert all("已在结算或已结算" in r or "已结算" in r for r in results if isinstance(r, str)), results
    assert (
        MoneyMovement.objects.filter(kind=Kind.OUTPATIENT_SETTLEMENT, org_trace_no=order.bill.org_trace_no).count() == 1
    )


def test_two_cashiers_pressing_settle_through_http_settle_once(sandbox, session_today, settings):
    _skip_unless_postgres()
    settings.UPSTREAM_READ_TIMEOUT = 15.0
    base = sandbox.url
    sessions = []
    for _ in range(2):  # two browsers of the cashier, each with the patient's card read
        http = requests.Session()
        http.get(f"{base}/accounts/login/")
        http.post(
            f"{base}/accounts/login/",
            data={"username": "cashier", "password": DEMO_PASSWORD, "csrfmiddlewaretoken": http.cookies["csrftoken"]},
        )
        token = http.cookies["csrftoken"]
        reply = http.post(f"{base}/window/", data={**medium_of(ZHANG), "csrfmiddlewaretoken": token})
        assert reply.status_code == 200 and "当前患者" in reply.text
        sessions.append((http, token))
    first, token = sessions[0]
    reply = first.post(f"{base}/window/register", data={"schedule": session_today.pk, "csrfmiddlewaretoken": token})
    bill_id = int(reply.url.rstrip("/").split("/")[-1])
    barrier = threading.Barrier(2)

    def press(index):
        http, token = sessions[index]
        barrier.wait()
        return http.post(f"{base}/window/bills/{bill_id}/settle", data={"csrfmiddlewaretoken": token}).status_code

    codes, threads = [], [threading.Thread(target=lambda i=i: codes.append(press(i))) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert codes == [200, 200]
    assert MoneyMovement.objects.filter(kind=Kind.OUTPATIENT_SETTLEMENT).count() == 1
