from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "apps.integrations"
    verbose_name = "接口交换"

    def ready(self):
        from apps.core.registry import role_permissions, screens
        from apps.core.roles import FINANCE

        screens.register(
            key="integrations.exchanges",
            roles=(FINANCE,),
            title="接口交换日志",
            url_name="admin:integrations_exchange_changelist",
            description="与平台、医保网关的每一次交换",
            order=20,
        )
        role_permissions.grant(FINANCE, ["integrations.view_exchange"])
