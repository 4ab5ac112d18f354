from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from apps.core.admin import ReadOnlyAdminMixin
from apps.ledger.models import MoneyMovement


@admin.register(MoneyMovement)
class MoneyMovementAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = [
        "created_at",
        "kind",
        "channel",
        "status",
        "org_trace_no",
        "amount",
        "fund_pay_sumamt",
        "psn_cash_pay",
        "acct_pay",
        "setl_id",
    ]
    list_filter = ["kind", "channel", "status", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["org_trace_no", "setl_id", "mdtrt_id", "amp_trace_id", "trace_id"]
    date_hierarchy = "created_at"
