from django.contrib import admin

from apps.sandbox.models import Fault, Person


@admin.register(Fault)
class FaultAdmin(admin.ModelAdmin):
    list_display = ["party", "interface", "mode", "delay_seconds", "remaining", "created_at"]
    list_filter = ["party", "mode"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["__str__", "psn_no", "insutype", "signed", "acct_balance"]
    list_filter = ["signed", "insutype"]
    search_fields = ["psn_no"]
