"""org_001–org_004 as the platform calls them, over real HTTP with the json codec's signed headers."""

import datetime
import threading

import pytest
from django.db import connection

from apps.guidance.models import OutboxMessage
from apps.integrations.models import Exchange
from apps.ledger.models import Bill, MoneyMovement
from apps.outpatient.models import OrderState, RegistrationOrder
from tests.outpatient.conftest import settlement_payload

pytestmark = pytest.mark.django_db(transaction=True)

ZHANG = "220102198805060015"


def medium(certno=ZHANG, **extra):
    from django.conf import settings

    return {"mdtrt_cert_type": "02", "mdtrt_cert_no": certno, "org_code": settings.ORG_CODE, **extra}


def test_org_001_answers_the_patient_and_names_bad_fields(platform, new_order):
    new_order()
    status, reply = platform("org_001", medium(cert_no=ZHANG, account_type="1"))
    assert status == 200 and reply["ret_code"] == "00" and reply["result"] == "succ"
    assert reply["psn_name"] == "张伟" and reply["cert_no"] == ZHANG and reply["gend"] == "1"
    assert reply["patient_type"] == "01" and reply["brdy"] == "1988-05-06"

    status, reply = platform("org_001", medium(certno="110101199003070011", cert_no="x", account_type="1"))
    assert (status, reply["ret_code"]) == (200, "02") and "mdtrt_cert_no" in reply["ret_msg"]

    status, reply = platform("org_001", medium(cert_no=ZHANG, account_type="1") | {"org_code": "H99"})
    assert (status, reply["ret_code"]) == (200, "02") and "org_code" in reply["ret_msg"]

    status, reply = platform("org_001", medium(account_type="1"))
    assert (status, reply["ret_code"]) == (200, "02") and "cert_no" in reply["ret_msg"]


def test_org_002_registers_the_visit_once_and_lists_the_bill(platform, new_order):
    order = new_order()
    status, reply = platform("org_002", medium())
    assert reply["ret_code"] == "00", reply
    [bill] = reply["unsettlelist"]
    order.refresh_from_db()
    assert order.mdtrt_id and bill["mdtrt_id"] == order.mdtrt_id
    assert bill["org_trace_no"] == order.trace_no and bill["medfee_sumamt"] == str(order.fee)
    assert bill["rxlist"][0]["det_item_fee_sumamt"] == str(order.fee)

    platform("org_002", medium())
    assert Exchange.objects.filter(interface="2201", outcome="ok").count() == 1


def test_org_002_leaves_out_orders_that_cannot_be_paid(platform, new_order):
    new_order(state=OrderState.CANCELLED)
    new_order(state=OrderState.AWAITING_SIGNATURE)
    status, reply = platform("org_002", medium())
    assert reply["ret_code"] == "00" and reply["unsettlelist"] == []
    assert not Exchange.objects.filter(interface="2201").exists()


def test_org_002_twice_at_once_registers_one_visit(platform, new_order):
    order = new_order()
    replies = []
    threads = [threading.Thread(target=lambda: replies.append(platform("org_002", medium()))) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    order.refresh_from_db()
    assert [r[1]["ret_code"] for r in replies] == ["00", "00"]
    assert {r[1]["unsettlelist"][0]["mdtrt_id"] for r in replies} == {order.mdtrt_id}
    assert Exchange.objects.filter(interface="2201").count() == 1


def test_org_002_after_a_lost_2201_answer_leaves_one_visit_at_the_gateway(platform, new_order, sandbox_done):
    from apps.integrations.recovery import REVERSED, resolve_pending
    from apps.sandbox.models import Fault
    from apps.sandbox.nhsa.models import Visit

    order = new_order()
    Fault.objects.create(party="nhsa", interface="2201", mode="timeout", remaining=1)
    status, reply = platform("org_002", medium())
    assert reply["ret_code"] != "00" and "医保就诊登记" in reply["ret_msg"]
    sandbox_done()
    [lost] = Exchange.objects.filter(interface="2201")
    assert lost.outcome == "unknown" and lost.money
    assert Visit.objects.filter(cancelled=False).count() == 1, "the gateway did register that visit"

    status, reply = platform("org_002", medium())  # the platform tries again: a new 2201, a new visit
    assert reply["ret_code"] == "00"
    order.refresh_from_db()
    assert reply["unsettlelist"][0]["mdtrt_id"] == order.mdtrt_id

    [resolution] = resolve_pending()
    assert (resolution.exchange_id, resolution.final, resolution.took_effect) == (lost.pk, REVERSED, True)
    assert list(Visit.objects.filter(cancelled=False).values_list("mdtrt_id", flat=True)) == [order.mdtrt_id]


def test_org_003_books_once_and_answers_repeats_with_the_first_reply(platform, new_order):
    order = new_order()
    status, first = platform("org_003", settlement_payload(order))
    assert (status, first["ret_code"], first["result"]) == (200, "00", "succ") and first["call_sn"]
    status, again = platform("org_003", settlement_payload(order))
    assert again == first
    movement = MoneyMovement.objects.get()
    assert movement.org_trace_no == order.trace_no and movement.amount == order.fee
    assert movement.setl_id == "S" + order.trace_no[-20:] and movement.call_sn == first["call_sn"]
    # The day the platform settled (setl_time), which the daily reconciliation files it under.
    assert movement.occurred_at == datetime.datetime.fromtimestamp(1795000000, tz=datetime.UTC)
    assert movement.history.count() == 1
    order.refresh_from_db()
    assert order.state == OrderState.PAID and Bill.objects.get(pk=order.bill_id).settlement == movement
    assert sorted(OutboxMessage.objects.values_list("push_type", "order_status")) == [
        ("HOSPITAL_APPOINTMENT", ""),
        ("HOSPITAL_PAYMENT", "MERCHANT_PAID"),
    ]


@pytest.mark.parametrize(
    "change",
    [
        {"psn_cash_pay": "1.00", "feesum_amt": "1.00"},
        # Another settlement of the same bill, even with the same amounts, is not a repeat of the first.
        {"setl_id": "S-ANOTHER"},
        {"mdtrt_id": "M-ANOTHER"},
        {"trace_id": "T-ANOTHER"},
        {"amp_trace_id": "AMP-ANOTHER"},
    ],
    ids=lambda change: "+".join(change),
)
def test_org_003_conflicting_repeat_is_refused_and_flagged(platform, new_order, change):
    order = new_order()
    platform("org_003", settlement_payload(order))
    status, reply = platform("org_003", settlement_payload(order, **change))
    assert (status, reply["ret_code"], reply["result"]) == (200, "02", "fail")
    order.refresh_from_db()
    bill = Bill.objects.get(pk=order.bill_id)
    assert bill.needs_review and "不一致" in bill.review_note
    assert MoneyMovement.objects.get().amount == order.fee


@pytest.mark.parametrize(
    "change, field",
    [
        ({"org_trace_no": "REG-NOT-OURS"}, "org_trace_no"),
        ({"feesum_amt": "12.345"}, "feesum_amt"),
        ({"feesum_amt": "abc"}, "feesum_amt"),
        ({"amp_trace_id": None}, "amp_trace_id"),
        ({"mdtrt_cert_no": "220104199203150029"}, "mdtrt_cert_no"),
    ],
)
def test_org_003_refusals_write_nothing(platform, new_order, change, field):
    order = new_order()
    payload = {k: v for k, v in (settlement_payload(order) | change).items() if v is not None}
    status, reply = platform("org_003", payload)
    assert (status, reply["ret_code"]) == (200, "02") and field in reply["ret_msg"]
    assert not MoneyMovement.objects.exists() and not OutboxMessage.objects.exists()
    order.refresh_from_db()
    assert order.state == OrderState.AWAITING_PAYMENT
    assert Exchange.objects.filter(direction="in", interface="org_003", outcome="refused").count() == 1


def test_org_003_accepts_amounts_as_numbers(platform, new_order):
    order = new_order()
    status, reply = platform("org_003", settlement_payload(order, feesum_amt=float(order.fee), acct_pay=0))
    assert reply["ret_code"] == "00", reply
    assert MoneyMovement.objects.get().amount == order.fee


def test_org_004_before_and_after_settlement(platform, new_order):
    order = new_order()
    status, reply = platform("org_004", {"mdtrt_cert_type": "02", "mdtrt_cert_no": ZHANG})
    assert (reply["ret_code"], reply["result"]) == ("00", "fail")
    _, booked = platform("org_003", settlement_payload(order))
    status, reply = platform(
        "org_004", {"mdtrt_cert_type": "02", "mdtrt_cert_no": ZHANG, "org_trace_no": order.trace_no}
    )
    assert (reply["ret_code"], reply["result"], reply["call_sn"]) == ("00", "succ", booked["call_sn"])


@pytest.mark.postgres
def test_org_003_ten_at_once_book_one_settlement(platform, new_order):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are only meaningful on PostgreSQL")
    order = new_order()
    payload = settlement_payload(order)
    replies, lock = [], threading.Lock()

    def send():
        result = platform("org_003", payload)
        with lock:
            replies.append(result)

    threads = [threading.Thread(target=send) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(replies) == 10 and all(r[1]["ret_code"] == "00" for r in replies)
    assert len({r[1]["call_sn"] for r in replies}) == 1
    assert MoneyMovement.objects.count() == 1
    assert OutboxMessage.objects.count() == 2
    assert RegistrationOrder.objects.get().state == OrderState.PAID


def test_one_request_replayed_eight_times_at_once_is_accepted_once(platform, new_order):
    import secrets
    import time
    from concurrent.futures import ThreadPoolExecutor

    order = new_order()
    query = {"mdtrt_cert_type": "02", "mdtrt_cert_no": ZHANG, "org_trace_no": order.trace_no}
    signed = {"timestamp": str(int(time.time() * 1000)), "nonce": secrets.token_hex(12)}
    with ThreadPoolExecutor(8) as pool:
        statuses = sorted(pool.map(lambda _: platform("org_004", query, **signed)[0], range(8)))
    assert statuses == [200] + [401] * 7
    assert Exchange.objects.filter(nonce=signed["nonce"]).count() == 1
    assert Exchange.objects.filter(interface="org_004", outcome="ok").count() == 1
