"""Schedule the unknown-outcome recovery in the django-q2 worker (every 5 minutes). Idempotent."""

from django.db import migrations

NAME = "resolve_pending"
FUNC = "apps.integrations.tasks.resolve_pending_task"


def schedule(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.update_or_create(
        name=NAME, defaults={"func": FUNC, "schedule_type": "I", "minutes": 5, "repeats": -1}
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=NAME, func=FUNC).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("integrations", "0002_nhsa_signin_msgid_recovery"),
        ("django_q", "0018_task_success_index"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
