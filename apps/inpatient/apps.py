from django.apps import AppConfig


class InpatientConfig(AppConfig):
    name = "apps.inpatient"
    verbose_name = "住院"
    url_prefix = "inpatient/"

    def ready(self):
        from apps.core.registry import demo_steps, role_permissions, screens
        from apps.core.roles import CASHIER, FINANCE
        from apps.inpatient.accounts import inpatient_fields
        from apps.inpatient.demo import demo_inpatient
        from apps.inpatient.kinds import InpatientBills
        from apps.ledger.kinds import bill_kinds
        from apps.patients.registry import account_fields

        bill_kinds.register(InpatientBills())
        account_fields.register(inpatient_fields)
        screens.register(
            key="inpatient-deposit",
            roles=(CASHIER,),
            title="住院押金与出院结算",
            url_name="inpatient:index",
            description="入院登记、每日费用、先医后付押金收退与出院结算",
            order=30,
        )
        role_permissions.grant(CASHIER, ["inpatient.view_admission", "inpatient.view_charge", "inpatient.view_deposit"])
        role_permissions.grant(FINANCE, ["inpatient.view_admission", "inpatient.view_deposit"])
        demo_steps.register(40, "inpatient", demo_inpatient)
