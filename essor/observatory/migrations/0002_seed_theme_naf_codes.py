"""Seeds the editable NAF lists of the thematic fields from the documented default table
(essor.observatory.themes.DEFAULT_THEME_NAF). Existing rows are kept."""

from django.db import migrations

# A frozen copy: a data migration must not change when the module's default table evolves.
DEFAULT_THEME_NAF = {
    "economie_circulaire": ["38", "39", "33.1", "95.1", "95.2", "46.77Z", "47.79Z", "77.29Z"],
    "alimentation_durable": ["01", "03", "10", "46.3", "47.2", "47.11", "56.29A"],
    "habitat_durable": ["41.2", "43", "68.20A", "71.11Z"],
    "numerique_responsable": ["58.2", "62", "63.1"],
    "insertion": ["78.20Z", "88.10C"],
    "culture": ["58.11Z", "59", "60", "90", "91", "85.52Z"],
    "mobilite": ["49.3", "77.1", "45.2", "77.21Z"],
    "energie": ["35", "43.21A"],
    "finance_solidaire": ["64.19Z", "64.92Z", "64.30Z", "64.99Z", "66.19B"],
}


def seed(apps, schema_editor):
    model = apps.get_model("observatory", "ThemeNafCode")
    for theme, codes in DEFAULT_THEME_NAF.items():
        for code in codes:
            model.objects.get_or_create(
                theme=theme, naf=code, defaults={"note": "Table par défaut (essor)"}
            )


class Migration(migrations.Migration):
    dependencies = [("observatory", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
