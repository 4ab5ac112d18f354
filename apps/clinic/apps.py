from django.apps import AppConfig


class ClinicConfig(AppConfig):
    name = "apps.clinic"
    verbose_name = "诊间结算"
    url_prefix = "clinic/"

    def ready(self):
        from apps.clinic.kinds import PrescriptionBills
        from apps.core.registry import role_permissions, screens
        from apps.core.roles import DOCTOR
        from apps.ledger.kinds import bill_kinds

        bill_kinds.register(PrescriptionBills())
        screens.register(
            key="clinic-settlement",
            roles=(DOCTOR,),
            title="诊间结算",
            url_name="clinic:queue",
            description="今日候诊、诊断开方；已签约患者免密结算，其余推送手机确认支付",
            order=5,
        )
        role_permissions.grant(DOCTOR, ["clinic.view_prescription", "clinic.view_settlementrule"])
