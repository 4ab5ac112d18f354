from django.contrib import admin

from apps.core.admin import ReadOnlyAdminMixin
from apps.integrations.models import Exchange, NhsaSignIn, RecoveryClaim


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
    search_fields = ["msgid", "=business_id", "upstream_code"]
    date_hierarchy = "created_at"
    exclude = ["raw_body"]


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
