from django.apps import AppConfig


class HospitalApiConfig(AppConfig):
    name = "apps.hospital_api"
    verbose_name = "医院接口"

    def ready(self):
        from apps.core.registry import demo_steps
        from apps.hospital_api.demo import demo_keys

        demo_steps.register(5, "hospital_api", demo_keys)
        from apps.hospital_api import schema  # noqa: F401  (registers the Api-Key scheme with drf-spectacular)
