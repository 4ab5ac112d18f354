from django.contrib import admin

from apps.core.admin import DateRangeFilter, ReadOnlyAdminMixin
from apps.window.models import FeeSheet


@admin.register(FeeSheet)
class FeeSheetAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Fees entered at the window or a kiosk; their money is in the ledger (the sheet's bill)."""

    list_display = ["created_at", "trace_no", "source", "bill", "created_by", "fees_cancelled_at"]
    list_filter = [("created_at", DateRangeFilter.titled("录入日期")), "source"]
    search_fields = ["trace_no"]
    raw_id_fields = ["patient", "order", "bill"]
