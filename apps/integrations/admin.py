from django.contrib import admin

from apps.core.admin import ReadOnlyAdminMixin
from apps.integrations.models import Exchange


@admin.register(Exchange)
class ExchangeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "created_at",
        "direction",
        "party",
        "interface",
        "msgid",
        "http_status",
        "duration_ms",
        "outcome",
        "upstream_code",
        "business_type",
        "business_id",
        "resolution",
    ]
    list_filter = ["party", "direction", "interface", "outcome", "money", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["msgid", "business_id", "upstream_code"]
    date_hierarchy = "created_at"
    exclude = ["raw_body"]
