from django.apps import AppConfig


class GuidanceConfig(AppConfig):
    name = "apps.guidance"
    verbose_name = "患者消息与导诊"
