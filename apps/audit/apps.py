import axes.apps
from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "apps.audit"
    verbose_name = "审计"

    def ready(self):
        from apps.core.registry import role_permissions
        from apps.core.roles import FINANCE

        role_permissions.grant(FINANCE, ["audit.view_auditentry"])  # finance reads the audit log


class LoginProtectionConfig(axes.apps.AppConfig):
    """django-axes under a Chinese name in the admin (axes ships no Chinese; its model names are translated in
    this app's locale). Listed in INSTALLED_APPS by its path."""

    default = False
    verbose_name = "登录防护"
