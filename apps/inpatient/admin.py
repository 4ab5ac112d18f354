from django.contrib import admin

from apps.core.admin import ReadOnlyAdminMixin
from apps.inpatient.models import Admission, Charge, Deposit


@admin.register(Admission)
class AdmissionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("ipt_no", "patient", "state", "disease_area", "adm_bed", "adm_dept_name", "begntime", "endtime")
    list_filter = ("state", "disease_area")
    search_fields = ("ipt_no", "mdtrt_id")


@admin.register(Charge)
class ChargeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("feedetl_sn", "admission", "item_name", "cnt", "det_item_fee_sumamt", "fee_ocur_time", "state")
    list_filter = ("state", "category")
    search_fields = ("feedetl_sn", "admission__ipt_no")


@admin.register(Deposit)
class DepositAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("dpst_sn", "admission", "dpst_amt", "dpst_id", "created_at", "opter_name")
    search_fields = ("dpst_sn", "dpst_id", "admission__ipt_no")
