"""Schedule the outbox sweep (retries of undelivered AMP_HOS_001 messages) every minute. Idempotent."""

from django.db import migrations

NAME = "deliver_patient_messages"
FUNC = "apps.guidance.tasks.deliver_due_task"


def schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.update_or_create(
        name=NAME, defaults={"func": FUNC, "schedule_type": "I", "minutes": 1, "repeats": -1}
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=NAME, func=FUNC).delete()


class Migration(migrations.Migration):
    dependencies = [("guidance", "0001_initial"), ("django_q", "0018_task_success_index")]
    operations = [migrations.RunPython(schedule, unschedule)]
