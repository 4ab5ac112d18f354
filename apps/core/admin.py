"""The admin's shared parts: read-only money and audit records, date ranges, totals and CSV / Excel export.

The look is the portal's (templates/admin/base_site.html, static/css/admin.css).
"""

import csv
import datetime
import io

from django.contrib import admin
from django.contrib.admin.utils import display_for_field, label_for_field, lookup_field
from django.db.models import Sum
from django.http import HttpResponse
from django.utils import timezone
from django.utils.html import strip_tags

admin.site.site_header = "先医后付医院门户 管理后台"
admin.site.site_title = "先医后付门户"
admin.site.index_title = "数据管理"
# The portal's navigation bar leads here; the admin's own side bar would only take width from the lists.
admin.site.enable_nav_sidebar = False


class ReadOnlyAdminMixin:
    """Money and audit records are never edited: corrections are new rows."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DateRangeFilter(admin.FieldListFilter):
    """From / to dates (both included, local time) for a date or date-time field: `("created_at", DateRangeFilter)`."""

    template = "admin/date_range_filter.html"
    label = ""  # the field's verbose name unless a subclass names it (see `titled`)

    @classmethod
    def titled(cls, label: str) -> type["DateRangeFilter"]:
        """The filter under another name, e.g. ("schedule__date", DateRangeFilter.titled("就诊日期"))."""
        return type(cls.__name__, (cls,), {"label": label})

    def __init__(self, field, request, params, model, model_admin, field_path):
        self.lookup_start = f"{field_path}__date__gte" if _is_datetime(field) else f"{field_path}__gte"
        self.lookup_end = f"{field_path}__date__lte" if _is_datetime(field) else f"{field_path}__lte"
        super().__init__(field, request, params, model, model_admin, field_path)
        self.title = f"{self.label or field.verbose_name}（起止日期）"

    def expected_parameters(self):
        return [self.lookup_start, self.lookup_end]

    def choices(self, changelist):
        yield {
            "start_name": self.lookup_start,
            "end_name": self.lookup_end,
            "start": _one(self.used_parameters.get(self.lookup_start)),
            "end": _one(self.used_parameters.get(self.lookup_end)),
            # The list's other filters, search and ordering ride along (changelist.params has no page number).
            "others": [
                (name, value)
                for name, value in changelist.params.items()
                if name not in self.used_parameters and name not in (self.lookup_start, self.lookup_end)
            ],
            "clear": changelist.get_query_string(remove=self.expected_parameters()),
        }


def _is_datetime(field) -> bool:
    return field.get_internal_type() == "DateTimeField"


def _one(value):
    return value[-1] if isinstance(value, list) else (value or "")


class ExportTotalsMixin:
    """A list finance can take away and add up.

    `export_fields` (default: list_display) are written by the actions "导出 CSV" and "导出 Excel" for the selected
    rows ("select all" takes every row the filters match); `totals` names the money columns summed under the list
    for everything the filters match.
    """

    export_fields: list[str] | None = None
    totals: tuple[str, ...] = ()
    change_list_template = "admin/change_list_totals.html"
    actions = ["export_csv", "export_xlsx"]

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        context = getattr(response, "context_data", None)
        if context and "cl" in context and self.totals:
            sums = context["cl"].queryset.order_by().aggregate(**{name: Sum(name) for name in self.totals})
            context["totals"] = [(label_for_field(name, self.model, self), sums[name]) for name in self.totals]
        return response

    def _rows(self, queryset):
        names = [n for n in (self.export_fields or self.list_display) if n != "action_checkbox"]
        yield [strip_tags(str(label_for_field(name, self.model, self))) for name in names]
        for obj in queryset:
            row = []
            for name in names:
                field, _, value = lookup_field(name, obj, self)
                if field is None:  # a method of the admin or the model
                    row.append(strip_tags(str(value if value is not None else "")))
                elif field.choices or field.is_relation:
                    row.append(str(display_for_field(value, field, "")))
                else:
                    row.append(_cell(value))
            yield row

    def _filename(self, ext: str) -> str:
        return f"{self.model._meta.model_name}-{timezone.localtime():%Y%m%d-%H%M}.{ext}"

    @admin.action(description="导出所选为 CSV")
    def export_csv(self, request, queryset):
        out = io.StringIO()
        writer = csv.writer(out)
        for row in self._rows(queryset):
            writer.writerow(["" if v is None else v for v in row])
        # A byte-order mark, so that Excel opens the Chinese headers as UTF-8.
        response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self._filename("csv")}"'
        return response

    @admin.action(description="导出所选为 Excel")
    def export_xlsx(self, request, queryset):
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet(str(self.model._meta.verbose_name_plural))
        for row in self._rows(queryset):
            sheet.append(row)
        out = io.BytesIO()
        book.save(out)
        response = HttpResponse(
            out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="{self._filename("xlsx")}"'
        return response


def _cell(value):
    """Numbers stay numbers (money adds up in Excel); times are local and without a zone, which Excel cannot hold."""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    return value
