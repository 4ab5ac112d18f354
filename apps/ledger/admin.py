from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from apps.core.admin import DateRangeFilter, ExportTotalsMixin, LargeListMixin, ReadOnlyAdminMixin
from apps.ledger.kinds import bill_kinds
from apps.ledger.models import Bill, BillItem, MoneyMovement, MovementEvent, Status


class MovementEventInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = MovementEvent
    extra = 0
    fields = ["created_at", "status", "detail"]
    readonly_fields = fields


class StatusFilter(admin.SimpleListFilter):
    title = "状态"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return Status.choices

    def queryset(self, request, queryset):
        return queryset.filter(status=self.value()) if self.value() else queryset


class BillKindFilter(admin.SimpleListFilter):
    """Bill kinds by the names their sections registered (the field itself has no choices)."""

    title = "账单类型"
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return bill_kinds.choices()

    def queryset(self, request, queryset):
        return queryset.filter(kind=self.value()) if self.value() else queryset


@admin.register(MoneyMovement)
class MoneyMovementAdmin(LargeListMixin, ExportTotalsMixin, ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = [
        "created_at",
        "kind",
        "channel",
        "status_label",
        "org_trace_no",
        "amount",
        "fund_pay_sumamt",
        "acct_pay",
        "psn_cash_pay",
    ]
    export_fields = [*list_display, "hosp_part_amt", "setl_id", "mdtrt_id", "trace_id", "note"]
    totals = ("amount", "fund_pay_sumamt", "acct_pay", "psn_cash_pay")
    list_filter = [("created_at", DateRangeFilter.today_by_default()), "kind", "channel", StatusFilter]
    search_fields = ["org_trace_no", "setl_id", "mdtrt_id"]
    inlines = [MovementEventInline]

    def get_queryset(self, request):
        return super().get_queryset(request).with_status()

    @admin.display(description="状态", ordering="status")
    def status_label(self, obj):
        return obj.get_status_display()


class BillItemInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = BillItem
    extra = 0


@admin.register(Bill)
class BillAdmin(LargeListMixin, ExportTotalsMixin, ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["created_at", "kind_label", "org_trace_no", "state", "total", "settled_at", "needs_review"]
    totals = ("total",)
    list_filter = [("created_at", DateRangeFilter.today_by_default()), BillKindFilter, "state", "needs_review"]
    search_fields = ["org_trace_no", "mdtrt_id"]
    inlines = [BillItemInline]

    @admin.display(description="账单类型", ordering="kind")
    def kind_label(self, obj):
        return dict(bill_kinds.choices()).get(obj.kind, obj.kind)
