from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "apps.reports"
    verbose_name = "检查检验报告"
    url_prefix = "reports/"

    def ready(self):
        from apps.core.registry import demo_steps, role_permissions, screens
        from apps.core.roles import DOCTOR
        from apps.integrations.router import platform_router
        from apps.reports import apis
        from apps.reports.demo import demo_reports

        platform_router.register("reports/list", apis.ReportListView)
        platform_router.register("reports/detail", apis.ReportDetailView)
        screens.register(
            key="reports",
            roles=(DOCTOR,),
            title="检查检验报告",
            url_name="reports:list",
            description="录入、导入并发布检查检验报告，发布后通知患者",
            order=40,
        )
        role_permissions.grant(DOCTOR, ["reports.view_report", "reports.add_report", "reports.change_report"])
        demo_steps.register(40, "reports", demo_reports)
