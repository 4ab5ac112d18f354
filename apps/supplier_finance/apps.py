from django.apps import AppConfig


class SupplierFinanceConfig(AppConfig):
    name = "apps.supplier_finance"
    verbose_name = "供应商融资"
    url_prefix = "supplier/"

    def ready(self):
        from apps.core.registry import demo_steps, role_permissions, screens
        from apps.core.roles import FINANCE, PURCHASING
        from apps.supplier_finance.demo import demo_purchases

        screens.register(
            key="supplier-invoices",
            roles=(PURCHASING,),
            title="采购发票上传",
            url_name="supplier_finance:index",
            description="录入或导入采购、退货记录及发票，上传医保平台并查看进度",
            order=10,
        )
        screens.register(
            key="supplier-finance",
            roles=(FINANCE,),
            title="供应商采购与发票",
            url_name="supplier_finance:finance",
            description="按供应商和月份汇总采购、退货与发票，已付/未付，导出 Excel",
            order=40,
        )
        role_permissions.grant(
            PURCHASING,
            [
                "supplier_finance.add_purchase", "supplier_finance.change_purchase", "supplier_finance.view_purchase",
                "supplier_finance.view_invoice", "supplier_finance.view_batch",
            ],
        )  # fmt: skip
        role_permissions.grant(FINANCE, ["supplier_finance.view_purchase", "supplier_finance.view_invoice"])
        demo_steps.register(50, "supplier_finance", demo_purchases)
        from apps.supplier_finance import receivers  # noqa: F401  (connects the signal receivers)
