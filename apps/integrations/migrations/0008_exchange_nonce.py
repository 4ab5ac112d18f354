# The platform's nonce moves onto its inbox row: one INSERT instead of a transaction of two. The nonces the old
# table held are not carried over: keep /api/platform/ closed for two authentication windows (2 x
# PLATFORM_AUTH_WINDOW_SECONDS) before reopening it, after which no call they guarded passes the timestamp check.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("integrations", "0007_schedule_nonces_forget")]

    operations = [
        migrations.DeleteModel(name="InboundNonce"),
        migrations.AddField(
            model_name="exchange",
            name="nonce",
            field=models.CharField(blank=True, editable=False, max_length=64, null=True, verbose_name="随机数"),
        ),
        migrations.AddConstraint(
            model_name="exchange",
            constraint=models.UniqueConstraint(
                condition=models.Q(("nonce__isnull", False)), fields=("nonce",), name="exchange_nonce_once"
            ),
        ),
    ]
