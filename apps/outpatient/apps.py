from django.apps import AppConfig


class OutpatientConfig(AppConfig):
    name = "apps.outpatient"
    verbose_name = "门诊"

    def ready(self):
        from apps.outpatient import receivers  # noqa: F401  (connects the signal receivers)
