from django.contrib import admin

from apps.core.admin import DateRangeFilter, ExportTotalsMixin, LargeListMixin, ReadOnlyAdminMixin
from apps.core.labels import LABELS, label
from apps.integrations.models import Exchange, NhsaSignIn, RecoveryClaim


class InterfaceFilter(admin.SimpleListFilter):
    """Interfaces by name: finance looks for 平台退款, not AMP_HOS_002."""

    title = "事项"
    parameter_name = "interface"

    def lookups(self, request, model_admin):
        # The interfaces the portal knows (not a DISTINCT over the whole log, which grows by the million).
        return [(code, label("interface", code)) for code in sorted(LABELS["interface"])]

    def queryset(self, request, queryset):
        return queryset.filter(interface=self.value()) if self.value() else queryset


@admin.register(Exchange)
class ExchangeAdmin(LargeListMixin, ExportTotalsMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "created_at",
        "direction",
        "party",
        "interface_name",
        "interface",
        "msgid",
        "duration",
        "outcome",
        "upstream_code",
        "business_type",
    ]
    export_fields = [*list_display, "http_status", "business_id", "resolution"]
    list_filter = [
        ("created_at", DateRangeFilter.today_by_default()),
        "party",
        "direction",
        InterfaceFilter,
        "outcome",
        "money",
    ]
    search_fields = ["msgid"]
    # The business object's type is shown on each row: joined, not fetched row by row (the admin's own
    # select_related() leaves out a nullable foreign key).
    list_select_related = ["business_type"]
    exclude = ["raw_body"]

    @admin.display(description="耗时（毫秒）", ordering="duration_ms")
    def duration(self, obj):
        return obj.duration_ms

    @admin.display(description="事项", ordering="interface")
    def interface_name(self, obj):
        return label("interface", obj.interface)


@admin.register(NhsaSignIn)
class NhsaSignInAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["sign_date", "opter", "sign_no", "sign_time", "created_at"]
    list_filter = ["sign_date"]
    search_fields = ["opter", "sign_no"]


@admin.register(RecoveryClaim)
class RecoveryClaimAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Unknown-outcome calls the recovery service is working on: a high attempt count needs a person."""

    list_display = ["exchange", "attempts", "claimed_until", "last_note"]
    ordering = ["-attempts"]
