"""Schedule the outbox sweep (retries of undelivered AMP_HOS_001 messages) every minute. Idempotent."""

from django.db import migrations

from apps.core.schedules import schedule_every


class Migration(migrations.Migration):
    dependencies = [("guidance", "0001_initial"), ("django_q", "0018_task_success_index")]
    operations = [
        schedule_every(name="deliver_patient_messages", func="apps.guidance.tasks.deliver_due_task", minutes=1)
    ]
