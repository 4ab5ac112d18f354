from django.db import migrations

from apps.core.schedules import schedule_every


class Migration(migrations.Migration):
    dependencies = [("integrations", "0006_exchange_old_business_columns_dropped"), ("django_q", "0018_task_success_index")]

    operations = [schedule_every(name="forget_old_nonces", func="apps.integrations.tasks.nonces_forget_task", minutes=10)]
