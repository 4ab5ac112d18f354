from django.apps import AppConfig


class PatientsConfig(AppConfig):
    name = "apps.patients"
    verbose_name = "患者"
