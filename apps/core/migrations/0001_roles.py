from django.db import migrations

ROLES = ("cashier", "doctor", "finance", "purchasing")


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)
    # Permissions are granted by apps.core.roles.sync_role_permissions after every migrate (post_migrate),
    # because most of them belong to apps whose tables do not exist yet at this point.


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(create_groups, remove_groups)]
