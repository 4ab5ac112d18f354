# The string columns the typed reference replaced; dropped in a migration of their own, because PostgreSQL will not
# alter a table with pending trigger events from the data migration's transaction.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("guidance", "0003_outbox_business_ref")]

    operations = [
        migrations.RemoveField("outboxmessage", "business_label"),
        migrations.RemoveField("outboxmessage", "business_key"),
        migrations.AddIndex(
            model_name="outboxmessage",
            index=models.Index(fields=["business_type", "business_id"], name="guidance_outboxmessage_biz"),
        ),
    ]
