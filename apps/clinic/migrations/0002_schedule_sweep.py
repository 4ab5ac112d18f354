from django.db import migrations

from apps.core.schedules import schedule_every


class Migration(migrations.Migration):
    dependencies = [("clinic", "0001_initial"), ("django_q", "0018_task_success_index")]

    operations = [schedule_every(name="clinic_sweep", func="apps.clinic.tasks.sweep_task", minutes=1)]
