from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "apps.core"
    verbose_name = "基础"

    def ready(self):
        from django.apps import apps
        from django.db.models.signals import post_migrate

        from apps.core.roles import sync_role_permissions

        # Apps migrated after the roles' data migration get their permissions granted too. post_migrate is sent once
        # per app, each app's permissions created by its own; granting once, after the last app's, grants them all
        # (and keeps a test database flush from granting thirty times over).
        last = [config for config in apps.get_app_configs() if config.models_module is not None][-1]

        def after_last_app(app_config, **kwargs):
            if app_config is last:
                sync_role_permissions()

        post_migrate.connect(after_last_app, dispatch_uid="core.sync_roles", weak=False)
