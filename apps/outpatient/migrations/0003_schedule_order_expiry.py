"""Schedule the expiry of unpaid online registrations every minute. Idempotent."""

from django.db import migrations

from apps.core.schedules import schedule_every


class Migration(migrations.Migration):
    dependencies = [
        ("outpatient", "0002_historicalregistrationorder_registrationorder"),
        ("django_q", "0018_task_success_index"),
    ]
    operations = [
        schedule_every(name="expire_registration_orders", func="apps.outpatient.tasks.expire_orders_task", minutes=1)
    ]
