"""The business object a row belongs to becomes one typed reference (content type + id), as on every table
that points at business objects (apps.core.refs); existing rows keep what they pointed at."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models.functions import Cast


def to_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Model = apps.get_model("guidance", "outboxmessage")
    labels = Model.objects.exclude(business_label="").values_list("business_label", flat=True).distinct()
    for label in list(labels):
        app_label, _, model = label.partition(".")
        content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
        Model.objects.filter(business_label=label).exclude(business_key="").update(
            business_type=content_type, business_id=Cast("business_key", models.BigIntegerField())
        )


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
        migrations.RunPython(to_content_types, migrations.RunPython.noop),
    ]
