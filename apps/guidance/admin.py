from django.contrib import admin

from apps.core.admin import DateRangeFilter, LargeListMixin, ReadOnlyAdminMixin
from apps.core.labels import label
from apps.guidance.models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(LargeListMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "created_at",
        "med_org_ord",
        "push_type",
        "order_status_label",
        "state",
        "attempts",
        "next_attempt_at",
        "last_error",
    ]
    list_filter = [("created_at", DateRangeFilter.today_by_default()), "push_type", "state"]
    search_fields = ["med_org_ord"]
    exclude = ["body"]

    @admin.display(description="订单状态", ordering="order_status")
    def order_status_label(self, obj):
        return label("order_status", obj.order_status)
