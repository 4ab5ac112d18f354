from django.db import migrations

from apps.core.schedules import schedule_every


class Migration(migrations.Migration):
    dependencies = [("reconciliation", "0001_initial"), ("django_q", "0018_task_success_index")]

    operations = [
        # Every 15 minutes; fetch_due itself waits for RECONCILIATION_FETCH_AT and backs off after failures.
        schedule_every(name="fetch_check_file", func="apps.reconciliation.tasks.fetch_due_task", minutes=15)
    ]
