import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0003_deadline_outlives_case"),
        ("documents", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="caseletter",
            name="signed_name",
            field=models.CharField(default="", max_length=200),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="caseletter",
            name="signed_post_title",
            field=models.CharField(default="", max_length=120),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="caseletter",
            name="signed_phone",
            field=models.CharField(blank=True, max_length=40),
        ),
        migrations.AddField(
            model_name="caseletter",
            name="signed_email",
            field=models.EmailField(blank=True, max_length=254),
        ),
        migrations.AddField(
            model_name="translationrequest",
            name="deadline",
            field=models.OneToOneField(
                blank=True,
                help_text="Its own deadline: the policy's `translation` standard.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="translation_request",
                to="cases.deadline",
            ),
        ),
    ]
