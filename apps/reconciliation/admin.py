"""Reconciliation in the admin (CONTRACT.md section 3): read-only; finance explains discrepancies on its screens."""

from django.contrib import admin

from apps.core.admin import DateRangeFilter, ExportTotalsMixin, ReadOnlyAdminMixin
from apps.reconciliation.models import (
    CheckFile,
    Discrepancy,
    DiscrepancyNote,
    FetchAttempt,
    GatewayCheck,
    GatewayDetail,
    GatewayDetailLine,
)


@admin.register(CheckFile)
class CheckFileAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["bill_date", "state", "source", "size", "received_at", "imported_at", "progress"]
    list_filter = ["state", "source", ("bill_date", DateRangeFilter)]
    search_fields = ["sha256", "source_detail"]
    readonly_fields = [f.name for f in CheckFile._meta.fields]


class NoteInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = DiscrepancyNote
    extra = 0
    fields = ["created_at", "author", "text"]
    readonly_fields = fields


@admin.register(Discrepancy)
class DiscrepancyAdmin(ReadOnlyAdminMixin, ExportTotalsMixin, admin.ModelAdmin):
    list_display = [
        "bill_date", "category", "direction", "order_no", "platform_amount", "local_amount", "platform_status",
        "local_status", "explained",
    ]  # fmt: skip
    list_filter = ["category", "direction", "explained", ("bill_date", DateRangeFilter)]
    search_fields = ["order_no"]
    raw_id_fields = ["file", "line", "movement"]
    inlines = [NoteInline]
    totals = ("platform_amount", "local_amount")


@admin.register(GatewayCheck)
class GatewayCheckAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["bill_date", "insutype", "clr_type", "setl_optins", "fixmedins_setl_cnt", "medfee_sumamt",
                    "stmt_rslt", "stmt_rslt_dscr", "error"]  # fmt: skip
    list_filter = [("bill_date", DateRangeFilter)]


class DetailLineInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = GatewayDetailLine
    extra = 0
    fields = ["result", "setl_id", "org_trace_no", "insutype", "local_medfee_sumamt", "gateway_medfee_sumamt",
              "local_fund_pay_sumamt", "gateway_fund_pay_sumamt", "local_acct_pay", "gateway_acct_pay",
              "memo"]  # fmt: skip
    readonly_fields = fields


@admin.register(GatewayDetail)
class GatewayDetailAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["bill_date", "clr_type", "setl_optins", "fixmedins_setl_cnt", "medfee_sumamt", "error"]
    list_filter = [("bill_date", DateRangeFilter)]
    inlines = [DetailLineInline]


@admin.register(FetchAttempt)
class FetchAttemptAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["bill_date", "attempted_at", "ok", "message"]
    list_filter = ["ok", ("bill_date", DateRangeFilter)]
