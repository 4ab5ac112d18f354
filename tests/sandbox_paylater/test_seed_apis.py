"""附录五 / 附录一 / 附录四 and the json codec's authentication, over real HTTP."""

import datetime
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.utils import timezone

from apps.sandbox.models import Person
from apps.sandbox.paylater import clock
from apps.sandbox.paylater.models import AccessCode, Payment, SeenNonce
from apps.sandbox.people import person_by_certno
from tests.sandbox_paylater.conftest import WANG, ZHANG, as_json

pytestmark = pytest.mark.django_db(transaction=True)


def org(**fields):
    return {"org_code": settings.ORG_CODE, **fields}


def test_sign_status_signed_person(call):
    reply = as_json(call("sign_status", org(**ZHANG)))
    assert reply["code"] == "000000" and reply["msg"] == "成功"
    assert reply["data"]["signStatus"] == 1
    assert "signUrl" not in reply["data"]


def test_sign_status_unsigned_person_gets_a_sign_url(call, sandbox):
    reply = as_json(call("sign_status", org(**WANG)))
    assert reply["code"] == "000000"
    assert reply["data"]["signStatus"] == 0
    url = urlsplit(reply["data"]["signUrl"])
    assert f"{url.scheme}://{url.netloc}" == sandbox.url and url.path == "/sandbox/paylater/sign/"
    assert len(parse_qs(url.query)["querySign"][0]) >= 32
    assert "220104" not in url.query  # the token is opaque: no identity in the address


def test_sign_status_unknown_person_becomes_unsigned(call):
    reply = as_json(call("sign_status", org(user_name="赵敏", cert_no="110101199003070011")))
    assert reply["data"]["signStatus"] == 0
    assert person_by_certno("110101199003070011", create=False).signed is False


def test_sign_status_refuses_a_name_that_does_not_match(call):
    reply = as_json(call("sign_status", org(user_name="李四", cert_no=ZHANG["cert_no"])))
    assert reply["code"] == "999999"
    assert "user_name" in reply["msg"] and "cert_no" in reply["msg"]
    assert not Person.objects.filter(name="李四").exists()


@pytest.mark.parametrize(
    ("payload", "named"),
    [
        ({"user_name": "张伟", "cert_no": "220102198805060015"}, "org_code"),
        ({"org_code": "H22010200001", "cert_no": "220102198805060015"}, "user_name"),
        ({"org_code": "H22010200001", "user_name": "张伟", "cert_no": "220102198805060016"}, "cert_no"),
        ({"org_code": "X" * 31, "user_name": "张伟", "cert_no": "220102198805060015"}, "org_code"),
        ({"org_code": "H22010200001", "user_name": 12, "cert_no": "220102198805060015"}, "user_name"),
    ],
)
def test_sign_status_names_the_bad_field(call, payload, named):
    reply = as_json(call("sign_status", payload))
    assert reply["code"] == "999999" and named in reply["msg"]


def test_cashier_link_for_a_signed_person(call, sandbox):
    reply = as_json(call("cashier_link", org(trace_no="T20261126000001", **ZHANG)))
    assert reply["code"] == "000000"
    url = urlsplit(reply["data"]["linkUrl"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{sandbox.url}/sandbox/paylater/cashier/"
    query = parse_qs(url.query)
    assert query["source"] == ["h5-wx"] and query["queryStr"][0]


def test_cashier_link_unsigned_answers_000100_exactly(call):
    reply = as_json(call("cashier_link", org(trace_no="T20261126000002", **WANG)))
    assert reply == {"msg": "用户未签约", "code": "000100", "data": None}


def test_cashier_link_without_trace_no_is_refused(call):
    reply = as_json(call("cashier_link", org(**ZHANG)))
    assert reply["code"] == "999999" and "trace_no" in reply["msg"]


def _payment(**overrides) -> Payment:
    person = person_by_certno(ZHANG["cert_no"])
    fields = {
        "org_code": settings.ORG_CODE,
        "org_trace_no": "06f3b9aaeb644f769b1969998754c8d9",
        "person": person,
        "status": "paid",
        "mdtrt_id": "220000202310080930230100037954",
        "psn_no": person.psn_no,
        "setl_id": "S1",
        "amp_trace_id": "AMP1",
        "trace_id": "TRC1",
        "pay_chnl_ord_sn": "BNK1",
        "pay_ord_id": "POD1",
        "medfee_sumamt": Decimal("120.00"),
        "paid_at": timezone.now(),
    }
    return Payment.objects.create(**fields | overrides)


def test_pay_info_answers_the_guide_shape(call):
    payment = _payment()
    AccessCode.objects.create(code="a" * 32, payment=payment, issued_at=clock.now())
    reply = as_json(call("pay_info", {"access_code": "a" * 32}))
    assert reply == {
        "code": "000000",
        "msg": "成功",
        "data": {
            "pay_result": "1",
            "org_trace_no": "06f3b9aaeb644f769b1969998754c8d9",
            "mdtrt_id": "220000202310080930230100037954",
            "psn_no": payment.psn_no,
            "cert_no": ZHANG["cert_no"],
        },
    }


def test_access_code_expires_after_ten_minutes(call, monkeypatch):
    issued = timezone.now()
    AccessCode.objects.create(code="b" * 32, payment=_payment(), issued_at=issued)
    monkeypatch.setattr(clock, "now", lambda: issued + datetime.timedelta(minutes=9, seconds=59))
    assert as_json(call("pay_info", {"access_code": "b" * 32}))["code"] == "000000"
    monkeypatch.setattr(clock, "now", lambda: issued + datetime.timedelta(minutes=10))
    reply = as_json(call("pay_info", {"access_code": "b" * 32}))
    assert reply["code"] == "999999" and "过期" in reply["msg"]


def test_pay_info_unknown_code(call):
    reply = as_json(call("pay_info", {"access_code": "c" * 32}))
    assert reply["code"] == "999999" and "access_code" in reply["msg"]


def test_wrong_signature_is_refused_and_changes_nothing(call):
    response = call("sign_status", org(user_name="钱多", cert_no="110101199003070038"), secret="not-the-secret")
    assert response.status_code == 401
    assert as_json(response)["code"] == "999999"
    assert person_by_certno("110101199003070038", create=False) is None


def test_replayed_nonce_is_refused(call):
    assert call("sign_status", org(**ZHANG), nonce="nonce-0001-replay").status_code == 200
    response = call("sign_status", org(**ZHANG), nonce="nonce-0001-replay")
    assert response.status_code == 401 and "X-Nonce" in as_json(response)["msg"]


def test_stale_timestamp_is_refused(call):
    stale = str(int((timezone.now() - datetime.timedelta(seconds=301)).timestamp() * 1000))
    response = call("sign_status", org(**ZHANG), timestamp=stale)
    assert response.status_code == 401 and "X-Timestamp" in as_json(response)["msg"]
    assert not SeenNonce.objects.exists()


def test_body_that_is_not_an_object_is_400(call):
    response = call("sign_status", None, raw=b"[1, 2]")
    assert response.status_code == 400 and as_json(response)["code"] == "999999"
