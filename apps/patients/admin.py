from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from apps.core import pii
from apps.core.idcard import is_valid_idcard
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

    def get_search_results(self, request, queryset, search_term):
        # 身份证号 is encrypted, so a full number is found through its keyed hash, as on the cashier's screen.
        if is_valid_idcard(search_term.strip()):
            return queryset.filter(certno_hash=pii.keyed_hash(search_term.strip().upper())), False
        return super().get_search_results(request, queryset, search_term)

    @admin.display(description="姓名")
    def masked_name(self, obj):
        return obj.name_masked

    @admin.display(description="身份证号")
    def masked_certno(self, obj):
        return obj.certno_masked
