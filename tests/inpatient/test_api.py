"""The HIS endpoints under /api/v1/inpatient/ with the kiosk key (Authorization: Api-Key …)."""

import pytest
from django.test import Client

from apps.inpatient.models import Deposit
from apps.ledger.models import Kind, MoneyMovement

KEY = {"HTTP_AUTHORIZATION": "Api-Key demo-kiosk-key-2026"}


@pytest.fixture
def api():
    return Client()


def test_without_a_key_nothing_is_answered(api, li_na):
    assert api.get(f"/api/v1/inpatient/admissions/{li_na.ipt_no}").status_code in (401, 403)


def test_state_deposits_collect_refund_presettle_and_settle(api, li_na):
    base = f"/api/v1/inpatient/admissions/{li_na.ipt_no}"
    state = api.get(base, **KEY).json()
    assert (state["state"], state["inpatient_total_fee"], state["deposits_held"]) == ("admitted", "405.40", "0.00")
    body = {"dpst_amt": "300.00", "dpst_sn": "HIS0001"}
    first = api.post(f"{base}/deposits/collect", body, content_type="application/json", **KEY)
    assert first.status_code == 201 and first.json()["deposit"]["state"] == "held"
    again = api.post(f"{base}/deposits/collect", body, content_type="application/json", **KEY)
    assert again.status_code == 200 and again.json()["deposit"]["dpst_sn"] == "HIS0001"
    assert MoneyMovement.objects.filter(kind=Kind.DEPOSIT).count() == 1
    partial = api.post(
        "/api/v1/inpatient/deposits/HIS0001/refund", {"refd_amt": "100.00"}, content_type="application/json", **KEY
    )
    assert partial.status_code == 400 and partial.json()["extra"]["partial"] is True
    assert "不支持部分退费" in partial.json()["message"]
    api.post(
        f"{base}/deposits/collect", {"dpst_amt": "50.00", "dpst_sn": "HIS0002"}, content_type="application/json", **KEY
    )
    whole = api.post("/api/v1/inpatient/deposits/HIS0002/refund", {}, content_type="application/json", **KEY)
    assert whole.json()["status"] == "succeeded"
    listed = api.get(f"{base}/deposits", **KEY).json()
    assert [(d["dpst_sn"], d["state"]) for d in listed] == [("HIS0001", "held"), ("HIS0002", "refunded")]
    assert api.post(f"{base}/presettle", **KEY).status_code == 400  # not discharged yet
    from apps.inpatient import services

    services.admission_discharge(admission=li_na, opter="system")
    preview = api.post(f"{base}/presettle", **KEY).json()
    assert preview["medfee_sumamt"] == "405.40" and preview["deposits_held"] == "300.00" and preview["words"]
    settled = api.post(f"{base}/settle", **KEY).json()
    assert settled["status"] == "settled" and [r["status"] for r in settled["refunds"]] == ["succeeded"]
    assert api.post(f"{base}/settle", **KEY).status_code == 400
    assert Deposit.objects.count() == 2
