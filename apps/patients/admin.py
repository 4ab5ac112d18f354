from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from apps.patients.models import Patient


@admin.register(Patient)
class PatientAdmin(SimpleHistoryAdmin):
    list_display = ["masked_name", "masked_certno", "insutype", "sign_status", "sign_checked_at"]
    list_filter = ["sign_status", "insutype", "mdtrt_cert_type"]
    search_fields = ["name", "psn_no"]
    readonly_fields = ["sign_checked_at", "created_at", "updated_at"]
    fields = [
        "name",
        "certno",
        "phone",
        "mdtrt_cert_type",
        "sscard_no",
        "ec_code",
        "psn_no",
        "insutype",
        "insuplc_admdvs",
        "sign_status",
        "sign_checked_at",
        "created_at",
        "updated_at",
    ]

    @admin.display(description="姓名")
    def masked_name(self, obj):
        return obj.name_masked

    @admin.display(description="身份证号")
    def masked_certno(self, obj):
        return obj.certno_masked
