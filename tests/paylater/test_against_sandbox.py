"""The adapter against the colleague's simulated platform over real HTTP (the live server), both codecs."""

import datetime

import pytest

from apps.core.demo import DEMO_PATIENTS
from apps.integrations import paylater
from apps.integrations.models import Exchange, Outcome

pytestmark = pytest.mark.django_db(transaction=True)

SIGNED = next(p for p in DEMO_PATIENTS if p["signed"])
UNSIGNED = next(p for p in DEMO_PATIENTS if not p["signed"])


@pytest.fixture(params=["json", "sm"])
def platform_codec(request, sandbox, settings):
    settings.PAYLATER_CODEC = request.param
    return request.param


def person(p):
    return {"user_name": p["name"], "cert_no": p["certno"]}


def test_sign_status_and_cashier_link(platform_codec, settings):
    assert paylater.sign_status(**person(SIGNED)).signed
    unsigned = paylater.sign_status(**person(UNSIGNED))
    assert not unsigned.signed and unsigned.sign_url.startswith(settings.PAYLATER_BASE_URL.rstrip("/"))
    link = paylater.cashier_link(**person(SIGNED), trace_no="T-SANDBOX-0001")
    assert link.startswith("http")
    with pytest.raises(paylater.NotSigned):
        paylater.cashier_link(**person(UNSIGNED), trace_no="T-SANDBOX-0002")
    assert Exchange.objects.filter(party="paylater", outcome=Outcome.OK).count() == 3


def test_unknown_access_code_and_refund_are_refused(platform_codec):
    with pytest.raises(paylater.UpstreamRefused):
        paylater.pay_info(access_code="no-such-code")
    with pytest.raises(paylater.UpstreamRefused) as caught:
        paylater.refund_result(amp_trace_id="A1", trace_id="T1", out_refund_no="RF-NOPE")
    assert caught.value.code == "100404"


def test_push_msg_and_check_file(platform_codec, settings):
    message = {
        "orgCode": settings.ORG_CODE,
        "patientName": SIGNED["name"],
        "idType": "01",
        "idNo": SIGNED["certno"],
        "medOrgOrd": "MSG-SANDBOX-0001",
        "pushType": "HOSPITAL_PAYMENT",
        "orderStatus": "MERCHANT_WAIT_PAY",
        "amount": "12.30",
    }
    assert paylater.push_msg(message=message).exchange_id
    assert paylater.push_msg(message=message).exchange_id  # a repeat is accepted (medOrgOrd)
    content = paylater.check_file(bill_date=datetime.date.today() - datetime.timedelta(days=1))
    assert isinstance(content, bytes) and content
