"""Schedule the expiry of unpaid online registrations every minute. Idempotent."""

from django.db import migrations

NAME = "expire_registration_orders"
FUNC = "apps.outpatient.tasks.expire_orders_task"


def schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.update_or_create(
        name=NAME, defaults={"func": FUNC, "schedule_type": "I", "minutes": 1, "repeats": -1}
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=NAME, func=FUNC).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("outpatient", "0002_historicalregistrationorder_registrationorder"),
        ("django_q", "0018_task_success_index"),
    ]
    operations = [migrations.RunPython(schedule, unschedule)]
