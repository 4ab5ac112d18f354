"""The browser's return from the platform's cashier: only 附录四 (and org_003) may say "paid"."""

import datetime
import secrets
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.outpatient.models import OrderState

pytestmark = pytest.mark.django_db(transaction=True)


def platform_paid(order, *, issued_minutes_ago=0, pay_result_for=None):
    """Arrange the simulated platform's side: `order` was paid there and an access code was issued."""
    from apps.sandbox.paylater.models import AccessCode, Payment, PaymentStatus
    from apps.sandbox.people import person_by_certno

    person = person_by_certno(order.patient.certno, name=order.patient.name)
    payment = Payment.objects.create(
        org_code="H",
        org_trace_no=(pay_result_for or order).trace_no,
        person=person,
        status=PaymentStatus.PAID,
        mdtrt_id="M1",
        psn_no=person.psn_no,
        amp_trace_id=secrets.token_hex(8),
        trace_id=secrets.token_hex(8),
        pay_chnl_ord_sn=secrets.token_hex(8),
        pay_ord_id=secrets.token_hex(8),
        medfee_sumamt=Decimal(order.fee),
        paid_at=timezone.now(),
    )
    code = secrets.token_hex(16)
    AccessCode.objects.create(
        code=code, payment=payment, issued_at=timezone.now() - datetime.timedelta(minutes=issued_minutes_ago)
    )
    return code


def come_back(client, order, query):
    response = client.get(f"/r/{order.token}/return?{query}")
    assert response.status_code == 302 and response["Location"] == f"/r/{order.token}/"
    assert response["Referrer-Policy"] == "no-referrer"
    page = client.get(response["Location"])
    order.refresh_from_db()
    return page.content.decode()


def test_a_confirmed_code_marks_the_order_paid_and_the_address_is_clean(client, sandbox, new_order):
    order = new_order()
    code = platform_paid(order)
    page = come_back(client, order, f"status=1&access_code={code}")
    assert order.state == OrderState.PAID
    assert "支付成功" in page and code not in page


@pytest.mark.parametrize("query", ["status=1", "status=1&access_code=", "status=1&access_code=forged0000000000"])
def test_status_one_alone_never_marks_paid(client, sandbox, new_order, query):
    order = new_order()
    page = come_back(client, order, query)
    assert order.state == OrderState.AWAITING_PAYMENT
    assert "支付成功" not in page


def test_an_expired_code_changes_nothing(client, sandbox, new_order):
    order = new_order()
    code = platform_paid(order, issued_minutes_ago=11)
    page = come_back(client, order, f"status=1&access_code={code}")
    assert order.state == OrderState.AWAITING_PAYMENT
    assert "10分钟" in page


def test_another_orders_code_changes_nothing(client, sandbox, new_order):
    mine = new_order()
    theirs = new_order(name="王芳", certno="220104199203150029")
    code = platform_paid(theirs)
    page = come_back(client, mine, f"status=1&access_code={code}")
    assert mine.state == OrderState.AWAITING_PAYMENT
    assert "不属于本订单" in page
    theirs.refresh_from_db()
    assert theirs.state == OrderState.AWAITING_PAYMENT


def test_a_replayed_return_is_harmless(client, sandbox, new_order):
    from apps.guidance.models import OutboxMessage

    order = new_order()
    code = platform_paid(order)
    come_back(client, order, f"status=1&access_code={code}")
    page = come_back(client, order, f"status=1&access_code={code}")
    assert order.state == OrderState.PAID and "支付成功" in page
    assert OutboxMessage.objects.count() == 2


def test_the_access_code_is_not_kept_in_the_exchange_log(client, sandbox, new_order):
    from apps.integrations.models import Exchange

    order = new_order()
    code = platform_paid(order)
    come_back(client, order, f"status=1&access_code={code}")
    [query] = Exchange.objects.filter(interface="pay_info")
    assert code not in repr(query.request_body) and code not in repr(query.response_body)


def test_org_003_after_the_return_gives_the_queued_messages_the_platforms_ids(client, platform, new_order):
    import json

    from apps.guidance.models import OutboxMessage
    from tests.outpatient.conftest import settlement_payload

    order = new_order()
    come_back(client, order, f"status=1&access_code={platform_paid(order)}")
    assert order.state == OrderState.PAID
    paid = OutboxMessage.objects.get(order_status="MERCHANT_PAID")
    assert not json.loads(paid.body).get("ampTraceId")

    payload = settlement_payload(order)
    assert platform("org_003", payload)[1]["ret_code"] == "00"
    paid.refresh_from_db()
    assert json.loads(paid.body)["ampTraceId"] == payload["amp_trace_id"]
    assert OutboxMessage.objects.count() == 2


def test_a_return_after_a_refund_says_so_and_changes_nothing(client, sandbox, new_order):
    order = new_order()
    code = platform_paid(order)
    come_back(client, order, f"status=1&access_code={code}")
    type(order).objects.filter(pk=order.pk).update(state=OrderState.REFUNDED)
    page = come_back(client, order, f"status=1&access_code={code}")
    assert order.state == OrderState.REFUNDED and "已退费" in page


def test_a_patient_no_longer_signed_is_sent_to_sign_again_and_the_order_waits(client, sandbox, new_order):
    from apps.sandbox.people import person_by_certno

    order = new_order()  # awaiting payment, as when the patient was sent to the cashier
    person = person_by_certno(order.patient.certno, name=order.patient.name)
    type(person).objects.filter(pk=person.pk).update(signed=False)
    response = client.post(f"/r/{order.token}/go")
    assert response.status_code == 302 and "/sandbox/paylater/sign/" in response["Location"]
    order.refresh_from_db()
    assert order.state == OrderState.AWAITING_PAYMENT
