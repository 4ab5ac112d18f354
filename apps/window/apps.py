from django.apps import AppConfig


class WindowConfig(AppConfig):
    name = "apps.window"
    verbose_name = "窗口挂号结算"
    url_prefix = "window/"

    def ready(self):
        from apps.core.registry import role_permissions, screens
        from apps.core.roles import CASHIER
        from apps.ledger.kinds import bill_kinds
        from apps.window.kinds import WindowFeeBills, WindowRegistrationBills

        bill_kinds.register(WindowRegistrationBills())
        bill_kinds.register(WindowFeeBills())
        screens.register(
            key="window-settlement",
            roles=(CASHIER,),
            title="窗口挂号结算",
            url_name="window:desk",
            description={CASHIER: "刷医保码、身份证或社保卡，挂号、缴费并先医后付结算，打印凭条，办理退费"},
            order=5,
        )
        role_permissions.grant(CASHIER, ["window.view_feesheet"])
