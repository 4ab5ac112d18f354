from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "apps.core"
    verbose_name = "基础"

    def ready(self):
        from django.db.models.signals import post_migrate

        from apps.core.roles import sync_role_permissions

        # Apps migrated after the roles' data migration get their permissions granted too.
        post_migrate.connect(lambda **kw: sync_role_permissions(), dispatch_uid="core.sync_roles", weak=False)
