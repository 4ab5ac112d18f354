from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from apps.reports.models import InspectionDetail, Report


class InspectionDetailInline(admin.TabularInline):
    model = InspectionDetail
    extra = 0


@admin.register(Report)
class ReportAdmin(SimpleHistoryAdmin):
    list_display = ["rpotcNo", "rptDate", "examTest", "rpotcTypeCode", "examRpotcName", "state", "published_at"]
    list_filter = ["examTest", "rpotcTypeCode", "state", ("rptDate", admin.DateFieldListFilter)]
    search_fields = ["rpotcNo", "examRpotcName", "examItemName"]
    date_hierarchy = "rptDate"
    raw_id_fields = ["patient"]
    readonly_fields = ["state", "published_at"]
    inlines = [InspectionDetailInline]
