"""/api/v1/ for the hospital's finance system (CONTRACT.md 4a): a day's summary and its discrepancies."""

import pytest
from django.utils import timezone

from apps.reconciliation import services
from tests.reconciliation.files import build, line

pytestmark = pytest.mark.django_db

FINANCE_KEY = {"HTTP_AUTHORIZATION": "Api-Key demo-finance-key-2026"}


def test_summary_and_discrepancies(client, demo, book, tmp_path):
    today = timezone.localdate().isoformat()
    book("ORD1", "12.30")
    book("ORD3", "8.00")
    path = tmp_path / "f.txt"
    path.write_bytes(
        build([line("ORD1", "12.30", when=f"{today} 09:00:00"), line("RF9", "-2.00", when=f"{today} 09:00:00")])
    )
    services.check_file_import_path(path=path)

    summary = client.get(f"/api/v1/reconciliation/{today}", **FINANCE_KEY).json()
    assert summary["imported"] and summary["lines"] == 2 and summary["matched"] == 1
    assert (summary["missing_local"], summary["missing_platform"]) == (1, 1)
    assert summary["payment_amount"] == "12.30" and summary["refund_amount"] == "-2.00"

    listing = client.get(f"/api/v1/reconciliation/{today}/discrepancies", {"direction": "refund"}, **FINANCE_KEY)
    items = listing.json()["items"]
    assert [(i["order_no"], i["category"], i["platform_amount"]) for i in items] == [("RF9", "missing_local", "-2.00")]

    assert (
        client.get(f"/api/v1/reconciliation/{today}/discrepancies", {"category": "x"}, **FINANCE_KEY).status_code == 400
    )
    assert client.get("/api/v1/reconciliation/2026-13-01", **FINANCE_KEY).status_code == 400
    assert client.get("/api/v1/reconciliation/2020-01-01/discrepancies", **FINANCE_KEY).status_code == 404
    assert not client.get("/api/v1/reconciliation/2020-01-01", **FINANCE_KEY).json()["imported"]
    assert client.get(f"/api/v1/reconciliation/{today}").status_code in (401, 403)
    kiosk = {"HTTP_AUTHORIZATION": "Api-Key demo-kiosk-key-2026"}
    assert client.get(f"/api/v1/reconciliation/{today}", **kiosk).status_code == 403
