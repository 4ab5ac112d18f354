from django.contrib import admin

from apps.sandbox.nhsa.models import Deposit, Message, Settlement, SignIn, StoredFile, Visit


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = [
        "received_at",
        "msgid",
        "infno",
        "opter",
        "psn_no",
        "infcode",
        "effect_kind",
        "effect_ref",
        "undone_by",
    ]
    list_filter = ["infno", "infcode", "effect_kind"]
    search_fields = ["msgid", "psn_no", "effect_ref"]


@admin.register(Settlement)
class SettlementAdmin(admin.ModelAdmin):
    list_display = [
        "setl_id",
        "infno",
        "mdtrt_id",
        "medfee_sumamt",
        "fund_pay_sumamt",
        "acct_pay",
        "psn_cash_pay",
        "status",
    ]
    list_filter = ["infno", "status", "paylater"]
    search_fields = ["setl_id", "msgid", "mdtrt_id"]


@admin.register(Deposit)
class DepositAdmin(admin.ModelAdmin):
    list_display = ["dpst_id", "mdtrt_id", "ipt_no", "dpst_sn", "dpst_amt", "status"]
    list_filter = ["status"]


@admin.register(Visit)
class VisitAdmin(admin.ModelAdmin):
    list_display = ["mdtrt_id", "kind", "med_type", "dept_name", "begntime", "cancelled"]
    list_filter = ["kind", "cancelled"]


admin.site.register(SignIn)


@admin.register(StoredFile)
class StoredFileAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "file_qury_no", "filename", "fixmedins_code", "dld_endtime"]
    list_filter = ["kind"]
    exclude = ["content"]
