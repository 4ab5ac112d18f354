# The string columns the typed reference replaced; dropped in a migration of their own, because PostgreSQL will not
# alter a table with pending trigger events from the data migration's transaction.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("integrations", "0005_exchange_business_ref")]

    operations = [
        migrations.RemoveField("exchange", "business_label"),
        migrations.RemoveField("exchange", "business_key"),
        migrations.AddIndex(
            model_name="exchange",
            index=models.Index(fields=["business_type", "business_id"], name="integrations_exchange_biz"),
        ),
    ]
