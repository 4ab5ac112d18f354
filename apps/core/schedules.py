"""Periodic jobs of the django-q2 worker are created by migrations; this builds their one migration operation."""

from django.db import migrations


def schedule_every(*, name: str, func: str, minutes: int) -> migrations.RunPython:
    """An idempotent migration operation that (un)schedules `func` every `minutes` minutes under `name`."""

    def schedule(apps, schema_editor):
        apps.get_model("django_q", "Schedule").objects.update_or_create(
            name=name, defaults={"func": func, "schedule_type": "I", "minutes": minutes, "repeats": -1}
        )

    def unschedule(apps, schema_editor):
        apps.get_model("django_q", "Schedule").objects.filter(name=name, func=func).delete()

    return migrations.RunPython(schedule, unschedule)
