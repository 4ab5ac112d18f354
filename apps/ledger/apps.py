from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "apps.ledger"
    verbose_name = "资金记录"
    url_prefix = "ledger/"

    def ready(self):
        from apps.core.registry import role_permissions, screens
        from apps.core.roles import CASHIER, FINANCE
        from apps.integrations.router import platform_router
        from apps.ledger import apis, receivers  # noqa: F401  (receivers connects the recovery signal)

        platform_router.register("org_002", apis.Org002UnsettledView)
        platform_router.register("org_003", apis.Org003SettlementView)
        platform_router.register("org_004", apis.Org004SettlementQueryView)
        screens.register(
            key="ledger.movements",
            roles=(CASHIER, FINANCE),
            title="资金流水",
            url_name="ledger:movements",
            description={CASHIER: "结算、押金、退费的资金记录（只读）", FINANCE: "所有结算、押金、退费的唯一记录"},
            order=30,
        )
        role_permissions.grant(CASHIER, ["ledger.view_moneymovement", "ledger.view_bill"])
        role_permissions.grant(FINANCE, ["ledger.view_moneymovement", "ledger.view_bill"])
