from django.contrib import admin

from apps.outpatient.models import Department, Doctor, Schedule


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "caty", "location"]
    search_fields = ["code", "name"]


@admin.register(Doctor)
class DoctorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "department", "level_name"]
    list_filter = ["department"]
    search_fields = ["code", "name"]


@admin.register(Schedule)
class ScheduleAdmin(admin.ModelAdmin):
    list_display = ["date", "period", "doctor", "capacity", "booked", "fee"]
    list_filter = ["date", "period", "doctor__department"]
    date_hierarchy = "date"
