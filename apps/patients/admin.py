from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from apps.audit.admin import RevealPersonalDataMixin
from apps.core import pii
from apps.core.idcard import is_valid_idcard
from apps.patients.models import Patient

MASKED = ["masked_name", "masked_certno", "masked_phone", "reveal_link"]


@admin.register(Patient)
class PatientAdmin(RevealPersonalDataMixin, SimpleHistoryAdmin):
    list_display = ["masked_name", "masked_certno", "masked_phone", "insutype", "sign_status", "sign_checked_at"]
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
    reveal_fields = [("姓名", lambda p: p.name), ("身份证号", lambda p: p.certno), ("手机号", lambda p: p.phone)]

    def get_fields(self, request, obj=None):
        # Adding, staff type the person's data themselves; an existing patient's is shown masked to every
        # role, in full only through the audited reveal page.
        if obj is None:
            return self.fields
        return MASKED + [name for name in self.fields if name not in ("name", "certno", "phone")]

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields + (MASKED if obj is not None else [])

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

    @admin.display(description="手机号")
    def masked_phone(self, obj):
        return pii.mask_phone(obj.phone)

    @admin.display(description="完整信息")
    def reveal_link(self, obj):
        url = reverse("admin:patients_patient_reveal", args=[obj.pk])
        return format_html('<a href="{}">查看完整信息</a>（需相应权限，每次查看记入审计日志）', url)
