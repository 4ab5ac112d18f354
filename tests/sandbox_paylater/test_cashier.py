"""The cashier and the phone: org_001/org_002 from the portal, settlement with the simulated gateway,
org_003 back to the portal, the access code, refunds of that payment and the day's file.

The portal is played by a pytest-httpserver here, so that the calls the platform makes into it can be checked
field by field against INTERFACES.md section 2.
"""

import datetime
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.conf import settings
from django.utils import timezone

from apps.sandbox.models import Fault, FaultMode
from apps.sandbox.nhsa import engine
from apps.sandbox.nhsa.models import Settlement
from apps.sandbox.paylater.models import Payment, PushedMessage
from apps.sandbox.people import person_by_certno
from tests.sandbox_paylater.conftest import ZHANG, as_json, form_token

pytestmark = pytest.mark.django_db(transaction=True)
BACK = "http://127.0.0.1:9/pay/back"
TRACE = "06f3b9aaeb644f769b1969998754c8d9"


@pytest.fixture
def bill(fake_portal, httpserver):
    """A registered visit at the gateway and the portal's answers to org_001 / org_002 / org_003 about it."""
    person = person_by_certno(ZHANG["cert_no"])
    mdtrt_id = engine.register_visit(
        person=person, dept_code="A01", dept_name="内科", atddr_no="D001", dr_name="刘医生", begntime="2026-11-26"
    )
    bill = {
        "org_trace_no": TRACE,
        "doc_trace_no": "DOC-1",
        "mdtrt_id": mdtrt_id,
        "medfee_sumamt": "120.50",
        "dept_name": "内科",
        "rxlist": [
            {"item_name": "阿莫西林胶囊", "pric": "20.250000", "cnt": "2.0000", "det_item_fee_sumamt": "40.50"},
            {"item_name": "血常规", "pric": "80.000000", "cnt": "1.0000", "det_item_fee_sumamt": "80.00"},
        ],
    }
    ok = {"ret_code": "00", "ret_msg": "成功", "result": "succ"}
    httpserver.expect_request("/api/platform/org_001", method="POST").respond_with_json(
        ok | {"psn_no": person.psn_no, "psn_name": person.name, "patient_type": "01", "balance": "0.00"}
    )
    httpserver.expect_request("/api/platform/org_002", method="POST").respond_with_json(ok | {"unsettlelist": [bill]})
    httpserver.expect_request("/api/platform/org_003", method="POST").respond_with_json(
        ok | {"ret_msg": "已确认结算", "call_sn": "CALL-1"}
    )
    return bill


def cashier_url(call, sandbox) -> str:
    reply = as_json(call("cashier_link", {"org_code": settings.ORG_CODE, "trace_no": TRACE, **ZHANG}))
    link = urlsplit(reply["data"]["linkUrl"])
    return f"{sandbox.url}{link.path}?{link.query}"


def open_and_confirm(call, sandbox):
    browser = requests.Session()
    page = browser.get(cashier_url(call, sandbox), params={"backUrl": BACK}, timeout=10)
    assert page.status_code == 200, page.text
    token = parse_qs(urlsplit(page.url).query)["queryStr"][0]
    form = {"csrfmiddlewaretoken": form_token(page.text), "queryStr": token, "backUrl": BACK}
    answer = browser.post(page.url.split("?")[0], data=form, allow_redirects=False, timeout=15)
    return browser, page, form, answer


def test_cashier_pays_once_and_writes_back(call, sandbox, bill, fake_portal):
    before = int(time.time() * 1000)
    browser, page, form, answer = open_and_confirm(call, sandbox)
    # The page showed the portal's items and the gateway's split (employee scheme, account 800.00).
    assert "阿莫西林胶囊" in page.text and "120.50" in page.text and "77.35" in page.text and "43.15" in page.text
    assert ZHANG["cert_no"] not in page.text

    assert answer.status_code == 302
    back = urlsplit(answer.headers["Location"])
    assert f"{back.scheme}://{back.netloc}{back.path}" == BACK
    query = parse_qs(back.query)
    assert query["status"] == ["1"] and len(query["access_code"][0]) == 32

    org_001, org_002 = fake_portal("org_001")[-1], fake_portal("org_002")[-1]
    assert org_001 == {
        "mdtrt_cert_type": "02", "mdtrt_cert_no": ZHANG["cert_no"], "org_code": settings.ORG_CODE,
        "cert_no": ZHANG["cert_no"], "account_type": "1",
    }  # fmt: skip
    assert org_002 == {"mdtrt_cert_type": "02", "mdtrt_cert_no": ZHANG["cert_no"], "org_code": settings.ORG_CODE}

    [org_003] = fake_portal("org_003")
    payment = Payment.objects.get()
    for name in ("mdtrt_cert_no", "mdtrt_cert_type", "org_trace_no", "amp_trace_id", "doc_trace_no", "feesum_amt",
                 "org_code", "trace_id", "used_patient_type", "setl_id", "mdtrt_id", "setl_time"):  # fmt: skip
        assert org_003.get(name) not in (None, ""), name
    assert org_003["org_trace_no"] == TRACE and org_003["doc_trace_no"] == "DOC-1"
    assert org_003["mdtrt_cert_type"] == "02" and org_003["used_patient_type"] == "01"
    assert org_003["feesum_amt"] == "120.50" and org_003["medfee_sumamt"] == "120.50"
    assert org_003["fund_pay_sumamt"] == "77.35" and org_003["acct_pay"] == "43.15"
    assert org_003["psn_cash_pay"] == "0.00" and org_003["pool_prop_selfpay"] == "0.3000"
    assert org_003["setl_id"] == payment.setl_id and org_003["mdtrt_id"] == bill["mdtrt_id"]
    assert isinstance(org_003["setl_time"], int) and before - 2000 <= org_003["setl_time"] <= time.time() * 1000
    assert payment.org_003_status == "ok"

    info = as_json(call("pay_info", {"access_code": query["access_code"][0]}))["data"]
    assert info == {
        "pay_result": "1", "org_trace_no": TRACE, "mdtrt_id": bill["mdtrt_id"], "psn_no": payment.psn_no,
        "cert_no": ZHANG["cert_no"],
    }  # fmt: skip

    # A second confirm shows the existing result and moves no money.
    again = browser.post(page.url.split("?")[0], data=form, allow_redirects=False, timeout=15)
    assert again.status_code == 200 and "该订单已支付" in again.text
    assert Payment.objects.count() == 1 and Settlement.objects.count() == 1
    assert len(fake_portal("org_003")) == 1


def test_duplicate_callback_fault_sends_org_003_twice(call, sandbox, bill, fake_portal):
    Fault.objects.create(party="paylater", interface="org_003", mode=FaultMode.DUPLICATE_CALLBACK, remaining=1)
    _, _, _, answer = open_and_confirm(call, sandbox)
    assert answer.status_code == 302
    first, second = fake_portal("org_003")
    assert first == second
    assert Settlement.objects.count() == 1


def test_org_003_failure_keeps_the_payment_and_can_be_resent(call, sandbox, httpserver, fake_portal):
    person = person_by_certno(ZHANG["cert_no"])
    mdtrt_id = engine.register_visit(
        person=person, dept_code="A01", dept_name="内科", atddr_no="D001", dr_name="刘医生", begntime="2026-11-26"
    )
    ok = {"ret_code": "00", "ret_msg": "成功", "result": "succ"}
    bill = {"org_trace_no": TRACE, "doc_trace_no": "DOC-1", "mdtrt_id": mdtrt_id, "medfee_sumamt": "30.00"}
    httpserver.expect_request("/api/platform/org_001").respond_with_json(ok)
    httpserver.expect_request("/api/platform/org_002").respond_with_json(ok | {"unsettlelist": [bill]})
    httpserver.expect_oneshot_request("/api/platform/org_003").respond_with_data("boom", status=500)
    httpserver.expect_request("/api/platform/org_003").respond_with_json(ok | {"call_sn": "CALL-2"})

    _, _, _, answer = open_and_confirm(call, sandbox)
    assert parse_qs(urlsplit(answer.headers["Location"]).query)["status"] == ["1"]  # the money moved
    payment = Payment.objects.get()
    assert payment.status == "paid" and payment.org_003_status == "failed"

    index = requests.Session()
    page = index.get(f"{sandbox.url}/sandbox/paylater/", timeout=10)
    assert "重发 org_003" in page.text
    resent = index.post(
        f"{sandbox.url}/sandbox/paylater/payments/{payment.pk}/org_003/",
        data={"csrfmiddlewaretoken": form_token(page.text)},
        timeout=15,
    )
    assert resent.status_code == 200 and "已重新回写" in resent.text
    payment.refresh_from_db()
    assert payment.org_003_status == "ok" and payment.org_003_reply["call_sn"] == "CALL-2"
    assert len(fake_portal("org_003")) == 2


def test_bill_missing_from_org_002_fails_with_status_0(call, sandbox, httpserver, fake_portal):
    ok = {"ret_code": "00", "ret_msg": "成功", "result": "succ"}
    httpserver.expect_request("/api/platform/org_001").respond_with_json(ok)
    httpserver.expect_request("/api/platform/org_002").respond_with_json(ok | {"unsettlelist": []})
    page = requests.get(cashier_url(call, sandbox), params={"backUrl": BACK}, timeout=10)
    assert "没有订单" in page.text and "status=0" in page.text
    assert not Payment.objects.exists()


def test_phone_confirms_a_pending_bill(call, sandbox, bill, fake_portal):
    push = {
        "orgCode": settings.ORG_CODE, "patientName": ZHANG["user_name"], "idType": "01", "idNo": ZHANG["cert_no"],
        "medOrgOrd": "MSG-9", "pushType": "HOSPITAL_PAYMENT", "orderStatus": "MERCHANT_WAIT_PAY", "amount": "120.50",
        "deptName": "内科", "drName": "刘医生", "waitingNum": "12", "orgTraceNo": TRACE,
    }  # fmt: skip
    assert as_json(call("push_msg", push))["success"] is True
    person = person_by_certno(ZHANG["cert_no"])
    phone = requests.Session()
    page = phone.get(f"{sandbox.url}/sandbox/paylater/phone/", params={"person": person.pk}, timeout=10)
    assert "支付单" in page.text and "待支付" in page.text and "确认支付" in page.text and "12" in page.text
    done = phone.post(
        f"{sandbox.url}/sandbox/paylater/phone/pay/",
        data={"csrfmiddlewaretoken": form_token(page.text), "message": PushedMessage.objects.get().pk},
        timeout=15,
    )
    assert done.status_code == 200 and "支付成功" in done.text
    assert Payment.objects.get().org_trace_no == TRACE and len(fake_portal("org_003")) == 1
    page = phone.get(f"{sandbox.url}/sandbox/paylater/phone/", params={"person": person.pk}, timeout=10)
    assert "确认支付" not in page.text


def test_refund_is_full_only_idempotent_and_in_the_check_file(call, sandbox, bill, fake_portal):
    open_and_confirm(call, sandbox)
    payment = Payment.objects.get()
    person = person_by_certno(ZHANG["cert_no"])
    assert person.acct_balance == Decimal("756.85")
    ask = {
        "ampTraceId": payment.amp_trace_id, "traceId": payment.trace_id, "orgTraceNo": TRACE,
        "orgCode": settings.ORG_CODE, "refundReason": "患者要求", "refundType": "02", "outRefundNo": "R-1",
        "orgRefundSn": "ORS-1",
    }  # fmt: skip

    partial = as_json(call("refund", ask | {"refundType": "01"}))
    assert partial["success"] is False and "refundType" in partial["respMsg"]

    first = as_json(call("refund", ask))
    assert first["success"] is True and first["param"]["tradeStatus"] == "SUCCESS"
    assert as_json(call("refund", ask)) == first  # a repeat answers the first answer
    other = as_json(call("refund", ask | {"outRefundNo": "R-2"}))
    assert other["success"] is False and "已全额退款" in other["respMsg"]
    person.refresh_from_db()
    assert person.acct_balance == Decimal("800.00")
    assert Settlement.objects.get().status == Settlement.Status.REVERSED

    result = as_json(call("refund_result", {"orgCode": settings.ORG_CODE, "outRefundNo": "R-1"}))["param"]
    for name in ("refundTraceId", "ampRefundId", "payChnlRefundSn", "traceId", "payChnlOrdSn", "payOrdId"):
        assert result[name] == first["param"][name]
    assert result["tradeStatus"] == "SUCCESS" and result["traceId"] == payment.trace_id
    missing = as_json(call("refund_result", {"orgCode": settings.ORG_CODE, "outRefundNo": "R-404"}))
    assert missing["success"] is False and missing["respCode"] == "100404"

    today = timezone.localdate().isoformat()
    text = call(
        "check_file", {"orgCode": settings.ORG_CODE, "orgSecret": settings.PAYLATER_ORG_SECRET, "billDate": today}
    ).content.decode()
    header, paid, refunded = text.splitlines()
    assert paid.split(",")[0] == TRACE and paid.split(",")[5] == "120.50"
    assert refunded.split(",")[0] == "R-1" and refunded.split(",")[5] == "-120.50"
    assert datetime.datetime.strptime(paid.split(",")[2], "%Y-%m-%d %H:%M:%S")


def test_two_confirms_at_once_settle_once(call, sandbox, bill, fake_portal):
    url = cashier_url(call, sandbox)
    forms = []
    for _ in range(2):
        browser = requests.Session()
        page = browser.get(url, params={"backUrl": BACK}, timeout=10)
        token = parse_qs(urlsplit(page.url).query)["queryStr"][0]
        forms.append((browser, page.url.split("?")[0], {"csrfmiddlewaretoken": form_token(page.text),
                                                          "queryStr": token, "backUrl": BACK}))  # fmt: skip
    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(lambda f: f[0].post(f[1], data=f[2], allow_redirects=False, timeout=20), forms))
    assert sorted(a.status_code for a in answers) == [200, 302]  # one paid, the other shown the payment
    assert Payment.objects.count() == 1 and Settlement.objects.count() == 1
    assert len(fake_portal("org_003")) == 1
