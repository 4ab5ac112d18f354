"""Schedule the unknown-outcome recovery in the django-q2 worker (every 5 minutes). Idempotent."""

from django.db import migrations

from apps.core.schedules import schedule_every


class Migration(migrations.Migration):
    dependencies = [
        ("integrations", "0002_nhsa_signin_msgid_recovery"),
        ("django_q", "0018_task_success_index"),
    ]

    operations = [
        schedule_every(name="resolve_pending", func="apps.integrations.tasks.resolve_pending_task", minutes=5)
    ]
