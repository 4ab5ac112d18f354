"""/api/v1/ for the warehouse system (CONTRACT.md 4a): the key scheme, the same checks as the screens, status
reads, the call log and the OpenAPI schema."""

import json
from decimal import Decimal

import pytest

from apps.hospital_api.demo import demo_keys
from apps.hospital_api.models import ApiCall, ApiKey, Scope
from apps.supplier_finance.models import Purchase, Status

from .conftest import purchase, purchase_return

pytestmark = pytest.mark.django_db
WAREHOUSE = "demo-warehouse-key-2026"
KIOSK = "demo-kiosk-key-2026"


@pytest.fixture
def keys(db):
    demo_keys()
    return ApiKey.objects.get(name="WMS-01")


def body(*records):
    return {"rows": [{"kind": r.kind, "purcinfo": r.purcinfo, "invoices": r.invoices} for r in records]}


def post(client, payload, key=WAREHOUSE):
    headers = {"HTTP_AUTHORIZATION": f"Api-Key {key}"} if key else {}
    text = payload if isinstance(payload, str) else json.dumps(payload)
    return client.post("/api/v1/purchases", text, content_type="application/json", **headers)


def test_keys_decide_who_may_call(client, keys):
    assert post(client, body(purchase(1)), key=None).status_code == 401
    assert post(client, body(purchase(1)), key="not-a-key").status_code == 401
    assert post(client, body(purchase(1)), key=KIOSK).status_code == 403  # a terminal, not the warehouse
    keys.revoked = True
    keys.save()
    assert post(client, body(purchase(1))).status_code == 403
    assert not Purchase.objects.exists()
    calls = list(ApiCall.objects.order_by("id").values_list("key_name", "status"))
    assert calls == [("", 401), ("", 401), ("KIOSK-01", 403), ("WMS-01", 403)]


def test_a_generated_key_works_and_is_logged_with_its_name(client, db):
    row, raw = ApiKey.objects.create_key(name="WMS-夜间", scope=Scope.WAREHOUSE)
    response = post(client, body(purchase(1)), key=raw)
    assert response.status_code == 201
    assert ApiCall.objects.get().key_name == "WMS-夜间" and ApiCall.objects.get().key == row


def test_rows_are_checked_like_everywhere_else_and_nothing_is_queued_if_one_is_wrong(client, keys):
    bad = purchase_return(2)
    bad.invoices[0]["taxAmount"] = "3"
    response = post(client, body(purchase(1), bad, purchase(3, manu_date="01/01/2026")))
    assert response.status_code == 400
    data = response.json()
    assert data["message"] == "rows[1].invoices[0].taxAmount: 退货发票金额应小于0"
    assert {(e["row"], e["field"]) for e in data["extra"]["errors"]} == {
        (1, "invoices[0].taxAmount"),
        (2, "purcinfo.manu_date"),
    }
    assert not Purchase.objects.exists()
    shape = post(client, {"rows": [{"kind": "3505", "purcinfo": {}, "invoices": []}]})
    assert shape.status_code == 400 and shape.json()["message"].startswith("rows[0].kind: ")


def test_posting_the_same_rows_again_queues_nothing_and_status_can_be_read(client, keys):
    payload = body(purchase(1), purchase_return(2))
    # A JSON number with a fraction is read as Decimal, never through float.
    payload = json.dumps(payload).replace('"purc_retn_cnt": "100"', '"purc_retn_cnt": 100.1234', 1)
    first = post(client, payload)
    assert first.status_code == 201
    data = first.json()
    assert (data["rows"], data["queued"], data["duplicates"]) == (2, 2, 0)
    assert [item["status_label"] for item in data["items"]] == ["待上传", "待上传"]
    again = post(client, payload)
    assert again.status_code == 200 and again.json()["queued"] == 0 and again.json()["duplicates"] == 2
    assert again.json()["batch_id"] is None
    assert [i["id"] for i in again.json()["items"]] == [i["id"] for i in data["items"]]
    assert Purchase.objects.count() == 2
    assert Purchase.objects.get(pk=data["items"][0]["id"]).purc_retn_cnt == Decimal("100.1234")

    first_id = data["items"][0]["id"]
    Purchase.objects.filter(pk=first_id).update(status=Status.FAILED, status_message="目录编码不存在")
    auth = {"HTTP_AUTHORIZATION": f"Api-Key {WAREHOUSE}"}
    one = client.get(f"/api/v1/purchases/{first_id}", **auth).json()
    assert one["status"] == "failed" and one["status_message"] == "目录编码不存在"
    batch = client.get(f"/api/v1/purchase-batches/{data['batch_id']}", **auth).json()
    assert batch["total"] == 2 and batch["finished"] is False and len(batch["items"]) == 2
    assert client.get("/api/v1/purchases/999999", **auth).status_code == 404
    assert client.get(f"/api/v1/purchases/{first_id}").status_code == 401


def test_every_endpoint_is_in_the_schema_in_chinese(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    for path in ("/api/v1/purchases", "/api/v1/purchases/{id}", "/api/v1/purchase-batches/{id}"):
        operations = schema["paths"][path]
        for operation in operations.values():
            assert operation["summary"] and any("\u4e00" <= ch <= "\u9fff" for ch in operation["summary"])
            assert operation["security"] == [{"ApiKey": []}]
    assert schema["components"]["securitySchemes"]["ApiKey"]["name"] == "Authorization"
