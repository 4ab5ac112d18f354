from django.contrib import admin, messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path

from apps.catalogue.models import Diagnosis, FeeItem
from apps.catalogue.services import catalogue_import_csv, catalogue_template_csv
from apps.core.errors import ApplicationError


@admin.register(FeeItem)
class FeeItemAdmin(admin.ModelAdmin):
    list_display = ["medins_list_codg", "item_name", "spec", "item_emp", "pric", "category", "med_list_codg", "active"]
    list_filter = ["category", "active"]
    search_fields = ["medins_list_codg", "med_list_codg", "item_name"]
    change_list_template = "admin/catalogue/feeitem/change_list.html"

    def get_urls(self):
        own = [
            path("import/", self.admin_site.admin_view(self.import_view), name="catalogue_feeitem_import"),
            path("template/", self.admin_site.admin_view(self.template_view), name="catalogue_feeitem_template"),
        ]
        return own + super().get_urls()

    def import_view(self, request):
        if not self.has_change_permission(request) or not self.has_add_permission(request):
            return redirect("admin:catalogue_feeitem_changelist")
        if request.method == "POST" and request.FILES.get("file"):
            upload = request.FILES["file"]
            try:
                if upload.size > 5 * 1024 * 1024:
                    raise ApplicationError("文件不能超过 5 MB")
                result = catalogue_import_csv(upload.read())
            except ApplicationError as exc:
                for error in (exc.extra or {}).get("errors", [str(exc)])[:50]:
                    messages.error(request, error)
            else:
                messages.success(request, f"已导入 {result['rows']} 个项目，其中新增 {result['added']} 个")
                return redirect("admin:catalogue_feeitem_changelist")
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "title": "从 CSV 导入收费项目"}
        return render(request, "admin/catalogue/feeitem/import.html", context)

    def template_view(self, request):
        response = HttpResponse(catalogue_template_csv(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="fee-items-template.csv"'
        return response


@admin.register(Diagnosis)
class DiagnosisAdmin(admin.ModelAdmin):
    list_display = ["diag_code", "diag_name"]
    search_fields = ["diag_code", "diag_name"]
