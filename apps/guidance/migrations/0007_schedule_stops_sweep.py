"""Schedule the sweep that makes guidance stops a settled bill is missing, every five minutes. Idempotent."""

from django.db import migrations

from apps.core.schedules import schedule_every


class Migration(migrations.Migration):
    dependencies = [("guidance", "0006_queuecounter_guidancestop"), ("django_q", "0018_task_success_index")]
    operations = [
        schedule_every(name="guidance_stops_missing", func="apps.guidance.tasks.stops_missing_task", minutes=5)
    ]
