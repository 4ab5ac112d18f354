"""Schedule the upload sweep (rows due for their first send or a retry) every minute. Idempotent."""

from django.db import migrations

from apps.core.schedules import schedule_every


class Migration(migrations.Migration):
    dependencies = [("supplier_finance", "0001_initial"), ("django_q", "0018_task_success_index")]
    operations = [
        schedule_every(name="upload_supplier_purchases", func="apps.supplier_finance.tasks.upload_due_task", minutes=1)
    ]
