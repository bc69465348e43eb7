from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("directory_search", "0005_rank_index")]

    operations = [
        migrations.CreateModel(
            name="SearchEntryChange",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("entry_id", models.BigIntegerField()),
            ],
        ),
    ]
