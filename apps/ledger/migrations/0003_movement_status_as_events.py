from django.db import migrations

from apps.core.schedules import schedule_every


def events_from_status(apps, schema_editor):
    """Each movement's status becomes its first event: from now on a status change is a new event row."""
    MoneyMovement = apps.get_model("ledger", "MoneyMovement")
    MovementEvent = apps.get_model("ledger", "MovementEvent")
    MovementEvent.objects.bulk_create(
        MovementEvent(movement_id=pk, status=status, detail=note[:300])
        for pk, status, note in MoneyMovement.objects.values_list("pk", "status", "note").iterator()
    )


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0002_spine_bills_events"),
        ("outpatient", "0006_registration_bill"),
        ("django_q", "0018_task_success_index"),
    ]

    operations = [
        migrations.RunPython(events_from_status, migrations.RunPython.noop),
        # Platform refunds are followed up by the ledger, whatever their bill's kind.
        schedule_every(name="follow_up_refunds", func="apps.ledger.tasks.refunds_follow_up_task", minutes=5),
    ]
