import axes.apps
from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AuditConfig(AppConfig):
    name = "apps.audit"
    verbose_name = "审计"

    def ready(self):
        post_migrate.connect(_grant_finance, sender=self)


def _grant_finance(sender, **kwargs):
    # Finance reads the audit log. Granted here because the permission exists only after this app's migration;
    # [lead] once apps.core.roles lists "audit.view_auditentry" for finance this handler can go.
    from django.contrib.auth.models import Group, Permission

    from apps.core.roles import FINANCE

    group, _ = Group.objects.get_or_create(name=FINANCE)
    group.permissions.add(*Permission.objects.filter(content_type__app_label="audit", codename="view_auditentry"))


class LoginProtectionConfig(axes.apps.AppConfig):
    """django-axes under a Chinese name in the admin (axes ships no Chinese; its model names are translated in
    this app's locale). Listed in INSTALLED_APPS by its path."""

    default = False
    verbose_name = "登录防护"
