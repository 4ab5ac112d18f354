"""The admin's shared parts: read-only money and audit records, date ranges, totals and CSV / Excel export.

The look is the portal's (templates/admin/base_site.html, static/css/admin.css).
"""

import csv
import datetime
import io

from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import display_for_field, label_for_field, lookup_field
from django.contrib.admin.views.main import ERROR_FLAG, IS_POPUP_VAR, ORDER_VAR, PAGE_VAR, SEARCH_VAR, TO_FIELD_VAR
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.utils import timezone
from django.utils.html import format_html, strip_tags
from django.utils.translation import gettext as _

from apps.core.dates import on_days
from apps.core.daytotals import queryset_totals
from apps.core.fields import EncryptedTextField
from apps.core.paging import LargeListPaginator

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
    """From / to dates (both included, local time) for a date or date-time field: `("created_at", DateRangeFilter)`.

    A date-time column is filtered as a range of moments, which its index serves. `today_by_default()` is the
    variant for tables that grow by the million (the exchange log, the ledger): today unless a filter or a search is
    asked for; its "全部日期" link opens every date."""

    template = "admin/date_range_filter.html"
    label = ""  # the field's verbose name unless a subclass names it (see `titled`)
    today_unless_asked = False

    @classmethod
    def titled(cls, label: str) -> type["DateRangeFilter"]:
        """The filter under another name, e.g. ("schedule__date", DateRangeFilter.titled("就诊日期"))."""
        return type(cls.__name__, (cls,), {"label": label})

    @classmethod
    def today_by_default(cls) -> type["DateRangeFilter"]:
        return type(cls.__name__, (cls,), {"today_unless_asked": True})

    def __init__(self, field, request, params, model, model_admin, field_path):
        self.is_datetime = _is_datetime(field)
        self.lookup_start = f"{field_path}__date__gte" if self.is_datetime else f"{field_path}__gte"
        self.lookup_end = f"{field_path}__date__lte" if self.is_datetime else f"{field_path}__lte"
        super().__init__(field, request, params, model, model_admin, field_path)
        self.title = f"{self.label or field.verbose_name}（起止日期）"
        if self.today_unless_asked and not _asked(request):
            today = timezone.localdate().isoformat()
            self.used_parameters = {self.lookup_start: [today], self.lookup_end: [today]}

    def expected_parameters(self):
        return [self.lookup_start, self.lookup_end]

    def queryset(self, request, queryset):
        try:
            start, end = (_date(self.used_parameters.get(name)) for name in self.expected_parameters())
        except ValueError as exc:
            raise IncorrectLookupParameters(exc) from exc
        if self.is_datetime:
            return queryset.filter(on_days(self.field_path, start, end))
        if start:
            queryset = queryset.filter(**{self.lookup_start: start})
        return queryset.filter(**{self.lookup_end: end}) if end else queryset

    def choices(self, changelist):
        start, end = _one(self.used_parameters.get(self.lookup_start)), _one(self.used_parameters.get(self.lookup_end))
        if self.today_unless_asked:  # empty dates, as opposed to none given, ask for every date
            clear = ("全部日期", changelist.get_query_string({self.lookup_start: "", self.lookup_end: ""}))
        else:
            clear = ("清除", changelist.get_query_string(remove=self.expected_parameters()))
        yield {
            "start_name": self.lookup_start,
            "end_name": self.lookup_end,
            "start": start,
            "end": end,
            # The list's other filters, search and ordering ride along (changelist.params has no page number).
            "others": [
                (name, value)
                for name, value in changelist.params.items()
                if name not in self.used_parameters and name not in (self.lookup_start, self.lookup_end)
            ],
            "clear_label": clear[0],
            "clear": clear[1],
        }


class LargeListMixin:
    """A list over a table that grows by the million: one count (of what the filters match, exact up to ten thousand
    rows: see apps.core.paging), not a second one of the whole table; the search finds a whole number (an order
    number, a 结算ID, a msgid) in `search_fields`, each indexed, where a substring search would read every row."""

    show_full_result_count = False
    list_per_page = 50
    paginator = LargeListPaginator

    def action_checkbox(self, obj):
        # The admin's own draws each row's checkbox through a form widget's template (~0.3 ms a row, a quarter of
        # a page of fifty); the same <input>, written directly.
        label = format_html(_("Select this object for an action - {}"), str(obj))
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            ACTION_CHECKBOX_NAME,
            obj.pk,
            label,
        )

    def get_queryset(self, request):
        # Encrypted columns (a message body, an exact request) are never listed: not decrypted row by row.
        encrypted = [f.name for f in self.model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        return super().get_queryset(request).defer(*encrypted)

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        condition = Q(pk__in=[])  # no field can hold the term: nothing found
        for name in self.search_fields:
            try:
                value = self.model._meta.get_field(name).to_python(term)
            except ValidationError:
                continue
            condition |= Q(**{name: value})
        return queryset.filter(condition), False


def _is_datetime(field) -> bool:
    return field.get_internal_type() == "DateTimeField"


def _one(value):
    return value[-1] if isinstance(value, list) else (value or "")


def _asked(request) -> bool:
    """Whether the list was asked for anything but its first page in some order: a filter, a search."""
    quiet = {ORDER_VAR, PAGE_VAR, ERROR_FLAG, IS_POPUP_VAR, TO_FIELD_VAR}
    return any(name not in quiet and (name != SEARCH_VAR or value) for name, value in request.GET.items())


def _date(value) -> datetime.date | None:
    text = _one(value).strip()
    return datetime.date.fromisoformat(text) if text else None


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
            sums = queryset_totals(context["cl"].queryset, self.totals)
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
