from django.apps import AppConfig


class PatientsConfig(AppConfig):
    name = "apps.patients"
    verbose_name = "患者"
    url_prefix = "patients/"

    def ready(self):
        from apps.core.registry import demo_steps, role_permissions, screens
        from apps.core.roles import CASHIER, DOCTOR, FINANCE
        from apps.integrations.router import platform_router
        from apps.patients.apis import Org001AccountView
        from apps.patients.demo import demo_patients

        platform_router.register("org_001", Org001AccountView)

        screens.register(
            key="patients.search",
            roles=(CASHIER, DOCTOR),
            title="患者查询",
            url_name="patients:search",
            description={CASHIER: "按姓名或完整身份证号查找患者，查看签约状态", DOCTOR: "查看患者签约状态"},
            order=20,
        )
        role_permissions.grant(CASHIER, ["patients.view_patient", "patients.add_patient", "patients.change_patient"])
        role_permissions.grant(DOCTOR, ["patients.view_patient"])
        role_permissions.grant(FINANCE, ["patients.view_patient"])
        demo_steps.register(20, "patients", demo_patients)
