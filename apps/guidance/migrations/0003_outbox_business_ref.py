"""The business object a row belongs to becomes one typed reference (content type + id), as on every table
that points at business objects (apps.core.refs); existing rows keep what they pointed at."""

import django.db.models.deletion
from django.db import migrations, models

from apps.core.refs import business_label_to_reference


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("guidance", "0002_schedule_outbox_sweep"),
    ]

    operations = [
        migrations.RenameField("outboxmessage", "business_type", "business_label"),
        migrations.RenameField("outboxmessage", "business_id", "business_key"),
        migrations.AddField(
            model_name="outboxmessage",
            name="business_type",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="contenttypes.contenttype",
                verbose_name="业务对象类型",
            ),
        ),
        migrations.AddField(
            model_name="outboxmessage",
            name="business_id",
            field=models.PositiveBigIntegerField(blank=True, null=True, verbose_name="业务对象ID"),
        ),
        business_label_to_reference("guidance", "outboxmessage"),
    ]
