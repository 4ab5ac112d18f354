from django.db import migrations

from apps.core.schedules import schedule_every


class Migration(migrations.Migration):
    dependencies = [("window", "0001_initial"), ("django_q", "0018_task_success_index")]

    operations = [
        # Refunded window fees whose details are still at the gateway are withdrawn (2205) by the worker.
        schedule_every(name="withdraw_refunded_window_fees", func="apps.window.tasks.fees_withdraw_due_task", minutes=5),
    ]
