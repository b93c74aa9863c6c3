from django.db import migrations


def create_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name="equality_lead")


class Migration(migrations.Migration):
    dependencies = [("staff", "0004_sign_in")]
    operations = [migrations.RunPython(create_group, migrations.RunPython.noop)]
