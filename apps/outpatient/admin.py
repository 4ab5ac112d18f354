from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from apps.core.admin import DateRangeFilter, ExportTotalsMixin, LargeListMixin, ReadOnlyAdminMixin
from apps.outpatient.models import Department, Doctor, RegistrationOrder, Schedule


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "caty", "location"]
    search_fields = ["code", "name"]


@admin.register(Doctor)
class DoctorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "department", "level_name", "user"]
    list_filter = ["department"]
    search_fields = ["code", "name"]


@admin.register(Schedule)
class ScheduleAdmin(admin.ModelAdmin):
    list_display = ["date", "period", "doctor", "capacity", "booked", "fee"]
    list_filter = ["date", "period", "doctor__department"]
    date_hierarchy = "date"


@admin.register(RegistrationOrder)
class RegistrationOrderAdmin(LargeListMixin, ExportTotalsMixin, ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """Online registrations for finance: by visit day (today unless asked) or booking day, with the fees added up."""

    list_display = ["created_at", "visit_day", "department", "doctor", "queue_no", "fee", "state", "paid_at"]
    export_fields = [*list_display, "trace_no", "mdtrt_id"]
    totals = ("fee",)
    list_filter = [
        ("schedule__date", DateRangeFilter.titled("就诊日期").today_by_default()),
        ("created_at", DateRangeFilter.titled("下单日期")),
        "state",
        "schedule__doctor__department",
    ]
    search_fields = ["trace_no", "mdtrt_id"]
    list_select_related = ["schedule__doctor__department"]
    exclude = ["token"]  # the patient's key to the order page

    @admin.display(description="就诊日期", ordering="schedule__date")
    def visit_day(self, obj):
        return f"{obj.schedule.date:%Y-%m-%d} {obj.schedule.get_period_display()}"

    @admin.display(description="科室", ordering="schedule__doctor__department__name")
    def department(self, obj):
        return obj.schedule.doctor.department.name

    @admin.display(description="医生", ordering="schedule__doctor__name")
    def doctor(self, obj):
        return obj.schedule.doctor.name
