from django.apps import AppConfig


class GuidanceConfig(AppConfig):
    name = "apps.guidance"
    verbose_name = "患者消息与导诊"
    url_prefix = "guidance/"

    def ready(self):
        from apps.core.registry import role_permissions, screens
        from apps.core.roles import CASHIER, FINANCE

        screens.register(
            key="guidance.outbox",
            roles=(CASHIER, FINANCE),
            title="待发送患者消息",
            url_name="guidance:outbox",
            description={CASHIER: "未送达先医后付平台的消息，可手动重试", FINANCE: "未送达先医后付平台的患者消息"},
            order=40,
        )
        role_permissions.grant(CASHIER, ["guidance.view_outboxmessage"])
        role_permissions.grant(FINANCE, ["guidance.view_outboxmessage"])
