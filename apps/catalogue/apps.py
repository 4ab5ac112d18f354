from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "apps.catalogue"
    verbose_name = "收费项目与诊断目录"

    def ready(self):
        from apps.catalogue.demo import demo_catalogue
        from apps.core.registry import demo_steps, role_permissions
        from apps.core.roles import CASHIER, DOCTOR, FINANCE

        # Every role that bills or reads bills looks items up; only the admin (superuser) edits prices.
        for role in (CASHIER, DOCTOR, FINANCE):
            role_permissions.grant(role, ["catalogue.view_feeitem", "catalogue.view_diagnosis"])
        demo_steps.register(5, "catalogue", demo_catalogue)
