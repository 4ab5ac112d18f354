from django.apps import AppConfig


class ReconciliationConfig(AppConfig):
    name = "apps.reconciliation"
    verbose_name = "每日对账"
    url_prefix = "reconciliation/"

    def ready(self):
        from apps.core.registry import role_permissions, screens
        from apps.core.roles import FINANCE

        screens.register(
            key="reconciliation",
            roles=(FINANCE,),
            title="每日对账",
            url_name="reconciliation:index",
            description="平台对账文件的下载、导入与匹配，差异说明与导出，医保对总账",
            order=10,
        )
        role_permissions.grant(
            FINANCE,
            [
                "reconciliation.view_checkfile", "reconciliation.add_checkfile", "reconciliation.view_discrepancy",
                "reconciliation.view_discrepancynote", "reconciliation.add_discrepancynote",
                "reconciliation.view_gatewaycheck",
            ],
        )  # fmt: skip
