from django.db import migrations

ROLES = [
    "officer",
    "administrator",
    "line_manager",
    "performance_analyst",
    "data_protection_officer",
    "system_administrator",
]


def create_role_groups(apps, schema_editor):
    group = apps.get_model("auth", "Group")
    for name in ROLES:
        group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("staff", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(create_role_groups, migrations.RunPython.noop)]
