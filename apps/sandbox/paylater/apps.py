from django.apps import AppConfig


class SandboxPaylaterConfig(AppConfig):
    name = "apps.sandbox.paylater"
    label = "sandbox_paylater"
    verbose_name = "沙箱：先医后付平台"
