from django.contrib import admin

from apps.clinic.models import Prescription, PrescriptionLine, SettlementRule
from apps.core.admin import ReadOnlyAdminMixin


@admin.register(SettlementRule)
class SettlementRuleAdmin(admin.ModelAdmin):
    list_display = ["patient", "department", "mode", "note"]
    list_filter = ["mode"]
    autocomplete_fields = ["patient"]


class PrescriptionLineInline(admin.TabularInline):
    model = PrescriptionLine
    extra = 0
    can_delete = False
    readonly_fields = ["fee_item", "cnt", "usage", "feedetl_sn"]


@admin.register(Prescription)
class PrescriptionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "bill", "doctor", "diag_name", "mode", "closed_reason"]
    list_filter = ["mode", "closed_reason"]
    search_fields = ["bill__org_trace_no"]
    inlines = [PrescriptionLineInline]
