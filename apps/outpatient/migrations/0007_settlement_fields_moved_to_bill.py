# The order's settlement fields moved to its bill (0006); dropped in a migration of their own, because PostgreSQL
# will not alter a table with pending trigger events from the data migration's transaction.

from django.db import migrations

from apps.core.schedules import schedule_every


class Migration(migrations.Migration):
    dependencies = [
        ("outpatient", "0006_registration_bill"),
        ("django_q", "0018_task_success_index"),
    ]

    operations = [
        migrations.RemoveField(
            model_name='historicalregistrationorder',
            name='needs_review',
        ),
        migrations.RemoveField(
            model_name='historicalregistrationorder',
            name='review_note',
        ),
        migrations.RemoveField(
            model_name='historicalregistrationorder',
            name='settlement',
        ),
        migrations.RemoveField(
            model_name='historicalregistrationorder',
            name='settlement_fingerprint',
        ),
        migrations.RemoveField(
            model_name='historicalregistrationorder',
            name='settlement_reply',
        ),
        migrations.RemoveField(
            model_name='registrationorder',
            name='needs_review',
        ),
        migrations.RemoveField(
            model_name='registrationorder',
            name='review_note',
        ),
        migrations.RemoveField(
            model_name='registrationorder',
            name='settlement',
        ),
        migrations.RemoveField(
            model_name='registrationorder',
            name='settlement_fingerprint',
        ),
        migrations.RemoveField(
            model_name='registrationorder',
            name='settlement_reply',
        ),
        # Refunded registrations whose visit is still open at the gateway are cancelled (2202) by the worker.
        schedule_every(name="cancel_refunded_visits", func="apps.outpatient.tasks.visits_cancel_due_task", minutes=5),
    ]
