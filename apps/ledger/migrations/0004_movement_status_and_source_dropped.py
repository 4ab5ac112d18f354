# The status (now MovementEvent rows) and the string link (now the typed business reference) are dropped in a
# migration of their own: PostgreSQL will not alter a table with pending trigger events from a data migration.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("ledger", "0003_movement_status_as_events")]

    operations = [
        migrations.RemoveField(
            model_name='historicalmoneymovement',
            name='source_id',
        ),
        migrations.RemoveField(
            model_name='historicalmoneymovement',
            name='source_type',
        ),
        migrations.RemoveField(
            model_name='historicalmoneymovement',
            name='status',
        ),
        migrations.RemoveField(
            model_name='moneymovement',
            name='source_id',
        ),
        migrations.RemoveField(
            model_name='moneymovement',
            name='source_type',
        ),
        migrations.RemoveField(
            model_name='moneymovement',
            name='status',
        ),
    ]
