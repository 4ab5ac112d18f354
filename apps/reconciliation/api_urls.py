from django.urls import path

from apps.reconciliation import apis

urlpatterns = [
    path("reconciliation/<str:date>", apis.DaySummaryView.as_view(), name="api_reconciliation_day"),
    path(
        "reconciliation/<str:date>/discrepancies",
        apis.DayDiscrepanciesView.as_view(),
        name="api_reconciliation_discrepancies",
    ),
]
