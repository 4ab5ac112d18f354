"""AMP_HOS_001 (pushMsg) and the reconciliation file, over real HTTP."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import timezone

from apps.sandbox.paylater.models import Payment, PushedMessage, Refund
from apps.sandbox.people import person_by_certno
from tests.sandbox_paylater.conftest import ZHANG, as_json

pytestmark = pytest.mark.django_db(transaction=True)


def pending_bill(**overrides):
    return {
        "orgCode": settings.ORG_CODE,
        "patientName": ZHANG["user_name"],
        "idType": "01",
        "idNo": ZHANG["cert_no"],
        "medOrgOrd": "MSG-0001",
        "pushType": "HOSPITAL_PAYMENT",
        "orderStatus": "MERCHANT_WAIT_PAY",
        "appType": "01",
        "amount": "120.50",
        "deptName": "内科",
        "drName": "刘医生",
        "orgTraceNo": "T-0001",
        "createTime": "2026-11-26 09:30:00",
    } | overrides


def test_push_stores_once_for_a_repeat(call):
    first = as_json(call("push_msg", pending_bill()))
    assert first == {"success": True, "respCode": "000000", "respMsg": "成功", "param": {}}
    second = as_json(call("push_msg", pending_bill()))
    assert second["success"] is True and second["param"] == {"duplicate": True}
    assert PushedMessage.objects.count() == 1
    message = PushedMessage.objects.get()
    assert message.person.certno == ZHANG["cert_no"]
    assert "idNo" not in message.body and "patientName" not in message.body  # identity lives on the person only
    # The same order's next state is a new message.
    assert as_json(call("push_msg", pending_bill(orderStatus="MERCHANT_PAID")))["param"] == {}
    assert PushedMessage.objects.count() == 2


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"medOrgOrd": None}, "medOrgOrd"),
        ({"orderStatus": None}, "orderStatus"),
        ({"orderStatus": "PAID"}, "orderStatus"),
        ({"pushType": "HOSPITAL_SPAM"}, "pushType"),
        ({"amount": "120.5"}, "amount"),
        ({"amount": None}, "amount"),
        ({"appType": "09"}, "appType"),
        ({"createTime": "2026/11/26 09:30"}, "createTime"),
        ({"idNo": "220102198805060016"}, "idNo"),
        ({"patientName": "王芳"}, "patientName"),
    ],
)
def test_push_refuses_bad_fields_and_stores_nothing(call, change, named):
    payload = {k: v for k, v in (pending_bill() | change).items() if v is not None}
    reply = as_json(call("push_msg", payload))
    assert reply["success"] is False and reply["respCode"] == "999999"
    assert named in reply["respMsg"]
    assert not PushedMessage.objects.exists()


def test_check_file(call):
    person = person_by_certno(ZHANG["cert_no"])
    day = datetime.date(2026, 11, 25)
    at = timezone.make_aware(datetime.datetime(2026, 11, 25, 10, 0, 0))
    ids = iter(range(100))

    def paid(trace, amount, when):
        n = next(ids)
        return Payment.objects.create(
            org_code=settings.ORG_CODE, org_trace_no=trace, person=person, status="paid", mdtrt_id="M", psn_no="P",
            amp_trace_id=f"A{n}", trace_id=f"T{n}", pay_chnl_ord_sn=f"BNK{n}", pay_ord_id=f"O{n}",
            medfee_sumamt=Decimal(amount), paid_at=when,
        )  # fmt: skip

    first = paid("T-1", "120.50", at)
    paid("T-2", "30.00", at + datetime.timedelta(hours=1))
    paid("T-other-day", "9.99", at + datetime.timedelta(days=1))
    Refund.objects.create(
        org_code=settings.ORG_CODE, out_refund_no="R-1", payment=first, amount=Decimal("120.50"),
        trade_status="SUCCESS", refund_trace_id="x1", amp_refund_id="x2", pay_chnl_refund_sn="BRF1",
        bank_refund_serial="BSN1", refunded_at=at + datetime.timedelta(hours=2),
    )  # fmt: skip
    response = call(
        "check_file", {"orgCode": settings.ORG_CODE, "orgSecret": settings.PAYLATER_ORG_SECRET,
                       "billDate": day.isoformat(), "billType": "ALL"}
    )  # fmt: skip
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode("utf-8").splitlines()
    assert lines == [
        "订单号,银行订单号,交易时间,交易状态,交易描述,交易金额,银行退费流水号,优惠退款费用",
        "T-1,BNK0,2026-11-25 10:00:00,SUCCESS,支付成功,120.50,,0.00",
        "T-2,BNK1,2026-11-25 11:00:00,SUCCESS,支付成功,30.00,,0.00",
        "R-1,BRF1,2026-11-25 12:00:00,SUCCESS,退款成功,-120.50,BSN1,0.00",
    ]
    assert all(len(line.split(",")) == 8 for line in lines)


@pytest.mark.parametrize(
    ("change", "named"),
    [({"orgSecret": "guess"}, "orgSecret"), ({"billDate": "20261125"}, "billDate"), ({"billType": "PAY"}, "billType")],
)
def test_check_file_refusals(call, change, named):
    payload = {"orgCode": settings.ORG_CODE, "orgSecret": settings.PAYLATER_ORG_SECRET, "billDate": "2026-11-25"}
    reply = as_json(call("check_file", payload | change))
    assert reply["success"] is False and named in reply["respMsg"]
