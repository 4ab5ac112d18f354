from django.apps import AppConfig


class GuidanceConfig(AppConfig):
    name = "apps.guidance"
    verbose_name = "患者消息与导诊"
    url_prefix = "guidance/"

    def ready(self):
        from apps.core.registry import role_permissions, screens
        from apps.core.roles import CASHIER, DOCTOR, FINANCE
        from apps.guidance import apis, receivers  # noqa: F401  (receivers: guidance for every settled bill)
        from apps.integrations.router import platform_router

        platform_router.register("org_006", apis.Org006GuidanceView)
        screens.register(
            key="guidance.outbox",
            roles=(CASHIER, FINANCE),
            title="待发送患者消息",
            url_name="guidance:outbox",
            description={CASHIER: "未送达先医后付平台的消息，可手动重试", FINANCE: "未送达先医后付平台的患者消息"},
            order=40,
        )
        screens.register(
            key="guidance.desk",
            roles=(CASHIER, DOCTOR),
            title="取药与检查进度",
            url_name="guidance:desk",
            description="药房发药、检查检验完成后标记进度，患者手机随即收到导诊消息",
            order=45,
        )
        role_permissions.grant(CASHIER, ["guidance.view_outboxmessage", "guidance.view_guidancestop"])
        role_permissions.grant(DOCTOR, ["guidance.view_guidancestop"])
        role_permissions.grant(FINANCE, ["guidance.view_outboxmessage"])
