"""Entries newest first: cases_search reads back from the newest entry when the words
searched for are common (an index on when the piece was written)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="searchentry",
            index=models.Index(fields=["at"], name="search_entry_at"),
        ),
    ]
