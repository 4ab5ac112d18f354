from django.apps import AppConfig


class OutpatientConfig(AppConfig):
    name = "apps.outpatient"
    verbose_name = "门诊"
    url_prefix = ""

    def ready(self):
        from apps.core.registry import demo_steps, role_permissions, screens
        from apps.core.roles import CASHIER, DOCTOR, FINANCE
        from apps.integrations.router import platform_router
        from apps.ledger.kinds import bill_kinds
        from apps.outpatient import apis
        from apps.outpatient.demo import demo_clinic
        from apps.outpatient.services.billing import RegistrationBills

        bill_kinds.register(RegistrationBills())
        platform_router.register("registration/sources", apis.RegistrationSourcesView)
        platform_router.register("registration/book", apis.RegistrationBookView)
        platform_router.register("registration/cancel", apis.RegistrationCancelView)

        screens.register(
            key="outpatient.registrations",
            roles=(CASHIER, DOCTOR, FINANCE),
            title="今日线上挂号",
            url_name="outpatient:registrations",
            description={
                CASHIER: "按就诊日期查看线上挂号、支付状态与办理过程",
                DOCTOR: "本科室当日就诊的线上挂号与候诊号",
                FINANCE: "挂号订单的支付、结算与退费",
            },
            order=10,
        )
        role_permissions.grant(
            CASHIER,
            [
                "outpatient.view_registrationorder", "outpatient.change_registrationorder",
                "outpatient.view_schedule", "outpatient.view_department", "outpatient.view_doctor",
            ],
        )  # fmt: skip
        role_permissions.grant(DOCTOR, ["outpatient.view_schedule", "outpatient.view_registrationorder"])
        role_permissions.grant(FINANCE, ["outpatient.view_registrationorder"])
        demo_steps.register(10, "clinic", demo_clinic)
