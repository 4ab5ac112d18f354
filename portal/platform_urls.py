"""The endpoints the pay-after-care platform calls (CONTRACT.md section 4), all under /api/platform/."""

from django.urls import path

from apps.outpatient import apis as outpatient

urlpatterns = [
    path("org_001", outpatient.Org001AccountView.as_view(), name="org_001"),
    path("org_002", outpatient.Org002UnsettledView.as_view(), name="org_002"),
    path("org_003", outpatient.Org003SettlementView.as_view(), name="org_003"),
    path("org_004", outpatient.Org004SettlementQueryView.as_view(), name="org_004"),
]
