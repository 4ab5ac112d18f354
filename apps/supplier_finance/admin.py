from django.contrib import admin
from django.db.models import Sum

from apps.supplier_finance.models import Batch, Invoice, Purchase


class InvoiceInline(admin.TabularInline):
    model = Invoice
    extra = 0


class TotalsMixin:
    """The changelist shows the sums of the filtered rows under the table."""

    totals: tuple[str, ...] = ()

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None:
            sums = changelist.queryset.aggregate(**{name: Sum(name) for name in self.totals})
            labels = {name: self.model._meta.get_field(name).verbose_name for name in self.totals}
            response.context_data["totals"] = [(labels[name], sums[name] or 0) for name in self.totals]
        return response


@admin.register(Purchase)
class PurchaseAdmin(TotalsMixin, admin.ModelAdmin):
    change_list_template = "supplier_finance/admin_change_list.html"
    totals = ("purc_retn_cnt",)
    list_display = ["id", "kind", "fixmedins_hilist_name", "fixmedins_bchno", "spler_name", "purc_retn_cnt",
                    "purc_retn_stoin_time", "status", "status_message", "batch"]  # fmt: skip
    list_filter = ["kind", "status", "batch__source", "purc_retn_stoin_time"]
    search_fields = ["med_list_codg", "fixmedins_hilist_id", "fixmedins_hilist_name", "fixmedins_bchno",
                     "spler_name", "purc_invo_no", "medins_prod_purc_no", "msgid", "invoices__invoiceNo"]  # fmt: skip
    date_hierarchy = "purc_retn_stoin_time"
    inlines = [InvoiceInline]
    readonly_fields = ["content_key", "status", "status_message", "attempts", "next_attempt_at", "msgid",
                       "uploaded_at", "batch"]  # fmt: skip


@admin.register(Invoice)
class InvoiceAdmin(TotalsMixin, admin.ModelAdmin):
    change_list_template = "supplier_finance/admin_change_list.html"
    totals = ("taxAmount", "taxrateAmount", "purcCnt")
    list_display = ["invoiceNo", "invoiceDate", "enterpriseName", "name", "taxAmount", "taxRate", "taxrateAmount",
                    "pay_flag", "purchase"]  # fmt: skip
    list_filter = ["pay_flag", "purchase__kind", "invoiceDate"]
    search_fields = ["invoiceNo", "enterpriseName", "socialCode", "name", "purchase__spler_name"]
    list_select_related = ["purchase"]


@admin.register(Batch)
class BatchAdmin(admin.ModelAdmin):
    list_display = ["id", "source", "file_name", "created_by", "api_key_name", "rows", "duplicates", "created_at"]
    list_filter = ["source"]
    search_fields = ["file_name", "api_key_name"]
