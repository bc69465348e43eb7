# Indicator cells and top employers packed into one row per territory and perimeter.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("observatory", "0002_seed_theme_naf_codes"),
        ("sirene", "0002_bulk_load_index_diet"),
    ]

    operations = [
        migrations.CreateModel(
            name="IndicatorBlock",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("perimeter", models.CharField(max_length=12)),
                ("territory_kind", models.CharField(max_length=12)),
                ("territory_code", models.CharField(max_length=12)),
                ("establishments", models.IntegerField(default=0)),
                ("employer_establishments", models.IntegerField(default=0)),
                ("estimated_employees", models.FloatField(default=0.0)),
                ("without_band", models.IntegerField(default=0)),
                ("economy_establishments", models.IntegerField(null=True)),
                ("economy_employer_establishments", models.IntegerField(null=True)),
                ("economy_estimated_employees", models.FloatField(null=True)),
                ("economy_without_band", models.IntegerField(null=True)),
                ("qpv_inside", models.IntegerField(default=0)),
                ("qpv_near", models.IntegerField(default=0)),
                ("cells", models.TextField(default="[]")),
                ("top", models.TextField(default="[]")),
                (
                    "run",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        to="sirene.importrun",
                    ),
                ),
            ],
            options={
                "verbose_name": "indicateurs d'un territoire",
                "verbose_name_plural": "indicateurs des territoires",
            },
        ),
        migrations.DeleteModel(
            name="IndicatorCell",
        ),
        migrations.DeleteModel(
            name="TopEmployer",
        ),
        migrations.AddIndex(
            model_name="indicatorblock",
            index=models.Index(
                fields=["run", "perimeter", "territory_kind", "territory_code"],
                name="observatory_block_lookup",
            ),
        ),
    ]
