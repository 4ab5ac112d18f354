"""The kiosk API through the real HTTP stack (live server + requests), with the demo terminal's key."""

import pytest
import requests

from apps.hospital_api.models import ApiCall
from apps.ledger.models import Kind, MoneyMovement
from tests.window.conftest import WANG, ZHANG, medium_of

pytestmark = pytest.mark.django_db(transaction=True)
KEY = {"Authorization": "Api-Key demo-kiosk-key-2026"}


@pytest.fixture
def api(sandbox, demo, settings):
    settings.UPSTREAM_READ_TIMEOUT = 15.0

    def call(method, path, body=None, headers=KEY):
        reply = requests.request(method, f"{sandbox.url}/api/v1/kiosk/{path}", json=body, headers=headers, timeout=60)
        return reply.status_code, reply.json()

    return call


def test_a_kiosk_reads_registers_settles_pays_fees_and_prints(api, session_today):
    code, person = api("POST", "person", medium_of(ZHANG, "01"))
    assert code == 200 and person["signed"] is True and person["name"] != "张伟"
    assert person["insurances"][0]["insutype_name"] == "职工基本医疗保险"

    code, sessions = api("GET", f"sessions?dept={session_today.doctor.department.code}")
    assert code == 200 and session_today.pk in [s["schedule_id"] for s in sessions]

    code, outcome = api("POST", "registrations", medium_of(ZHANG, "03") | {"schedule_id": session_today.pk})
    assert code == 200 and outcome["status"] == "settled", outcome
    receipt = outcome["receipt"]
    assert receipt["title"] == "挂号凭条" and receipt["queue_no"] >= 1 and receipt["tips"]

    code, unpaid = api("POST", "unpaid", medium_of(ZHANG))
    assert code == 200 and unpaid == []

    code, again = api("GET", f"bills/{receipt['bill_id']}/receipt")
    assert code == 200 and again["state"] == "settled" and again["fund_pay_sumamt"] == receipt["fund_pay_sumamt"]
    code, twice = api("POST", f"bills/{receipt['bill_id']}/settle", medium_of(ZHANG))
    assert code == 400 and MoneyMovement.objects.filter(kind=Kind.OUTPATIENT_SETTLEMENT).count() == 1
    assert ApiCall.objects.filter(key_name="KIOSK-01").count() == 6


def test_an_unsigned_patient_gets_the_signing_address_and_is_not_registered(api, session_today):
    code, person = api("POST", "person", medium_of(WANG))
    assert code == 200 and person["signed"] is False and person["sign_url"]
    code, refused = api("POST", "registrations", medium_of(WANG) | {"schedule_id": session_today.pk})
    assert code == 400 and "签约" in refused["message"]


@pytest.mark.parametrize(
    "body, field",
    [
        ({"mdtrt_cert_no": ZHANG}, "mdtrt_cert_type"),
        ({"mdtrt_cert_type": "09", "mdtrt_cert_no": ZHANG}, "mdtrt_cert_type"),
        ({"mdtrt_cert_type": "02", "mdtrt_cert_no": "220102198805060016"}, "mdtrt_cert_no"),
        ({"mdtrt_cert_type": "03", "mdtrt_cert_no": "J1234"}, "card_sn"),
    ],
)
def test_bad_input_gets_400_naming_the_field(api, body, field):
    code, reply = api("POST", "person", body)
    assert code == 400 and reply["message"].startswith(field) and reply["extra"]["field"] == field


def test_a_missing_or_wrong_key_is_refused(api):
    assert api("GET", "sessions", headers={})[0] in (401, 403)
    assert api("GET", "sessions", headers={"Authorization": "Api-Key nope.nope"})[0] in (401, 403)


def test_the_kiosk_api_is_documented_in_chinese(sandbox, demo):
    schema = requests.get(f"{sandbox.url}/api/schema/", headers={"Accept": "application/json"}, timeout=30).text
    for words in ("刷卡读取患者", "挂号并先医后付结算", "缴费（先医后付结算）", "凭条 / 结算单"):
        assert words in schema
