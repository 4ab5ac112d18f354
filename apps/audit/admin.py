from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path

from apps.audit.models import Action, AuditEntry
from apps.audit.services import audit_record
from apps.core.admin import ReadOnlyAdminMixin

REVEAL_PERMISSION = "audit.reveal_personal_data"


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["at", "username", "action", "business_type", "business_id", "target_repr", "detail"]
    list_filter = ["action", ("at", admin.DateFieldListFilter)]
    search_fields = ["username", "=business_id"]
    date_hierarchy = "at"


class RevealPersonalDataMixin:
    """For a ModelAdmin that shows personal data masked: a 查看完整信息 page for holders of REVEAL_PERMISSION,
    each visit written to the audit log. `reveal_fields`: (label, callable(obj) -> the full value)."""

    reveal_fields: list[tuple[str, object]] = []

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_reveal"
        reveal = path("<path:object_id>/reveal/", self.admin_site.admin_view(self.reveal_view), name=name)
        return [reveal, *super().get_urls()]

    def reveal_view(self, request, object_id):
        if not request.user.has_perm(REVEAL_PERMISSION):
            raise PermissionDenied("您没有查看完整个人信息的权限")
        obj = get_object_or_404(self.get_queryset(request), pk=object_id)
        if request.method != "POST":  # a visit is recorded only when asked for on purpose, not by a prefetch
            return TemplateResponse(request, "audit/reveal.html", self._context(request, obj, values=None))
        audit_record(user=request.user, action=Action.REVEAL, obj=obj, detail="管理后台查看完整个人信息")
        values = [(label, getter(obj)) for label, getter in self.reveal_fields]
        return TemplateResponse(request, "audit/reveal.html", self._context(request, obj, values=values))

    def _context(self, request, obj, *, values):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "title": f"查看完整信息：{obj}",
            "values": values,
        }
