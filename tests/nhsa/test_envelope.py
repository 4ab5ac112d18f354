"""The envelope: msgid, x-tif-* signature, msgid reuse, sign-in caching, infcode as number or string."""

import hashlib
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from werkzeug import Response

from apps.integrations.models import Exchange, NhsaSignIn, Outcome
from apps.integrations.nhsa import client, envelope
from apps.integrations.transport import UpstreamRefused, UpstreamUnavailable
from apps.sandbox.nhsa.models import Message

from .conftest import OPTER, certno

pytestmark = pytest.mark.django_db(transaction=True)
FIXTURES = Path(envelope.__file__).parent / "fixtures"


def _info(person, opter=OPTER):
    return client.person_info(opter=opter, mdtrt_cert_type="02", mdtrt_cert_no=certno(person))


def test_msgid_shape_and_org_code_rule(db, settings):
    msgid = envelope.new_msgid()
    assert re.fullmatch(r"H22010200001\d{18}", msgid)
    assert envelope.new_msgid() != msgid
    settings.ORG_CODE = "H2201"
    assert envelope.new_msgid().startswith("H22010000000")
    settings.ORG_CODE = "H22010200001XYZ"
    assert envelope.new_msgid()[:12] == "H22010200001"


def test_signature_header_is_the_documented_sha256(settings):
    headers = envelope.tif_headers()
    ts, nonce = headers["x-tif-timestamp"], headers["x-tif-nonce"]
    expected = hashlib.sha256(f"{ts}{settings.NHSA_SECRET}{nonce}{ts}".encode()).hexdigest()
    assert headers["x-tif-signature"] == expected and headers["x-tif-paasid"] == settings.NHSA_PAASID


def test_envelope_fields(zhang, settings):
    info = _info(zhang)
    sent = Exchange.objects.get(pk=info.exchange_id)
    body = sent.request_body
    assert body["infno"] == "1101" and body["msgid"] == sent.msgid == info.msgid
    assert body["mdtrtarea_admvs"] == settings.ADMDVS and body["fixmedins_code"] == settings.ORG_CODE
    assert (body["opter"], body["opter_name"], body["opter_type"]) == ("cashier", "收费员", "1")
    assert body["sign_no"] == NhsaSignIn.objects.get(opter="cashier").sign_no
    assert "x-tif-signature" not in sent.request_headers and sent.request_headers["x-tif-paasid"]
    assert sent.url.endswith("/sandbox/nhsa/fsi/api/rsfComIfsService/callService")


def test_wrong_secret_is_refused(zhang, monkeypatch):
    real = envelope.tif_headers

    def forged():
        headers = real()
        ts, nonce = headers["x-tif-timestamp"], headers["x-tif-nonce"]
        headers["x-tif-signature"] = hashlib.sha256(f"{ts}wrong-secret{nonce}{ts}".encode()).hexdigest()
        return headers

    monkeypatch.setattr(envelope, "tif_headers", forged)
    with pytest.raises(UpstreamRefused) as caught:
        _info(zhang)
    assert "签名" in caught.value.upstream_message and caught.value.exchange.interface == "9001"
    assert not Message.objects.exists() and not NhsaSignIn.objects.exists()


def test_reused_msgid_is_refused(zhang, monkeypatch):
    first = _info(zhang)
    monkeypatch.setattr(envelope, "new_msgid", lambda: first.msgid)
    with pytest.raises(UpstreamRefused, match="报文ID重复") as caught:
        _info(zhang)
    assert caught.value.exchange.outcome == Outcome.REFUSED
    assert Message.objects.filter(msgid=first.msgid).count() == 1


def test_sign_no_cached_per_operator_per_day(zhang):
    _info(zhang)
    _info(zhang)
    assert Exchange.objects.filter(interface="9001").count() == 1
    sign_nos = {e.request_body["sign_no"] for e in Exchange.objects.filter(interface="1101")}
    assert len(sign_nos) == 1
    _info(zhang, opter=("cashier2", "收费员乙"))
    assert Exchange.objects.filter(interface="9001").count() == 2
    assert NhsaSignIn.objects.count() == 2


def test_a_rejected_sign_no_signs_in_again_and_sends_once_more(zhang):
    NhsaSignIn.objects.create(opter="cashier", sign_date=envelope.timezone.localdate(), sign_no="REVOKED")
    info = _info(zhang)
    assert info.psn_no == zhang.psn_no
    trail = [(e.interface, e.outcome, (e.request_body or {}).get("sign_no")) for e in Exchange.objects.order_by("id")]
    fresh = NhsaSignIn.objects.get(opter="cashier").sign_no
    assert trail == [("1101", Outcome.REFUSED, "REVOKED"), ("9001", Outcome.OK, ""), ("1101", Outcome.OK, fresh)]


def test_a_refusal_for_another_reason_is_not_retried(zhang):
    with pytest.raises(UpstreamRefused):
        client.person_info(opter=OPTER, mdtrt_cert_type="02", mdtrt_cert_no="110101199003070011")
    assert [e.interface for e in Exchange.objects.order_by("id")] == ["9001", "1101"]


def test_infcode_number_on_success_string_on_refusal(zhang):
    _info(zhang)
    ok = Exchange.objects.get(interface="1101")
    assert ok.response_body["infcode"] == 0 and ok.upstream_code == "0"
    with pytest.raises(UpstreamRefused):
        client.cancel_registration(
            opter=OPTER, insuplc_admdvs=zhang.insuplc_admdvs, psn_no=zhang.psn_no, mdtrt_id="X", ipt_otp_no="1"
        )
    refused = Exchange.objects.get(interface="2202")
    assert refused.response_body["infcode"] == "-1" and refused.upstream_code == "-1"


def _stand_in(httpserver, settings, replies: dict):
    """A stand-in gateway answering the guide-style fixtures by infno."""

    def handler(request):
        infno = json.loads(request.data)["infno"]
        return Response(replies[infno], content_type="application/json")

    httpserver.expect_request("/fsi/api/rsfComIfsService/callService", method="POST").respond_with_handler(handler)
    settings.NHSA_BASE_URL = httpserver.url_for("/")


def test_guide_samples_string_infcode_and_numeric_amounts(db, httpserver, settings):
    replies = {n: (FIXTURES / f"{n}_reply.json").read_text() for n in ("9001", "1101", "2207")}
    _stand_in(httpserver, settings, replies)
    info = client.person_info(opter=OPTER, mdtrt_cert_type="02", mdtrt_cert_no="220102198805060015")
    assert info.psn_no == "22000000000000000015" and info.insuinfo[0].balc == Decimal("800.00")
    request = json.loads((FIXTURES / "2207_request.json").read_text())["input"]["data"]
    bill = client.OutpatientBill(
        psn_no=request["psn_no"], insutype="310", mdtrt_id=request["mdtrt_id"], medfee_sumamt=Decimal("100.00"),
        mdtrt_cert_no=request["mdtrt_cert_no"], chrg_bchno=request["chrg_bchno"],
    )  # fmt: skip
    done = client.settle_outpatient(opter=OPTER, insuplc_admdvs="220102", bill=bill)
    assert done.warn_msg == "个人账户余额不足时由现金支付"
    assert (done.fund_pay_sumamt, done.acct_pay, done.balc) == (Decimal("63.00"), Decimal("37.00"), Decimal("763.00"))
    assert done.pool_prop_selfpay == Decimal("0.3000") and len(done.setldetail) == 2
    sent = Exchange.objects.get(interface="2207").request_body["input"]["data"]
    assert {k: sent[k] for k in request} == request | {"mdtrt_cert_no": "220102********0015"}


def test_refusal_sample_and_unreadable_non_money_reply(db, httpserver, settings):
    replies = {
        "9001": (FIXTURES / "9001_reply.json").read_text(),
        "2202": (FIXTURES / "refusal_reply.json").read_text(),
        "1101": '{"infcode": "zero"}',
    }
    _stand_in(httpserver, settings, replies)
    with pytest.raises(UpstreamRefused) as caught:
        client.cancel_registration(opter=OPTER, insuplc_admdvs="220102", psn_no="1", mdtrt_id="2", ipt_otp_no="3")
    assert caught.value.code == "-1" and "不存在" in caught.value.upstream_message
    with pytest.raises(UpstreamUnavailable):
        client.person_info(opter=OPTER, mdtrt_cert_type="02", mdtrt_cert_no="220102198805060015")
    assert Exchange.objects.get(interface="1101").outcome == Outcome.FAILED
