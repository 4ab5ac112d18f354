from django.apps import AppConfig


class SandboxNhsaConfig(AppConfig):
    name = "apps.sandbox.nhsa"
    label = "sandbox_nhsa"
    verbose_name = "沙箱：医保信息平台"
