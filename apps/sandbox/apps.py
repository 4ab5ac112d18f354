from django.apps import AppConfig


class SandboxConfig(AppConfig):
    name = "apps.sandbox"
    verbose_name = "沙箱（模拟平台与医保网关）"
