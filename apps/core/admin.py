from django.contrib import admin

admin.site.site_header = "先医后付医院门户 管理后台"
admin.site.site_title = "先医后付门户"
admin.site.index_title = "数据管理"


class ReadOnlyAdminMixin:
    """Money and audit records are never edited: corrections are new rows."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
