from django.apps import AppConfig


class OutpatientConfig(AppConfig):
    name = "apps.outpatient"
    verbose_name = "门诊"
