"""`essor sirene runs`: the last Sirene imports and their counts."""

from django.core.management.base import BaseCommand

from essor.sirene.models import ImportRun


class Command(BaseCommand):
    help = "Liste les derniers imports Sirene (statut, date des données, lignes lues et gardées)."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=10, help="Nombre d'imports affichés")

    def handle(self, *args, **options):
        runs = ImportRun.objects.all()[: options["limit"]]
        if not runs:
            self.stdout.write("Aucun import Sirene.")
            return
        for run in runs:
            rejected = sum(
                sum(v.values()) for v in (run.rejected or {}).values() if isinstance(v, dict)
            )
            self.stdout.write(
                f"run={run.pk} started={run.started_at:%Y-%m-%dT%H:%M} status={run.status} "
                f"current={run.is_current} synthetic={run.is_synthetic} "
                f'data_date={run.data_date or "-"} format="{run.format_version}" '
                f"ul_read={run.legal_units_read} ul_kept={run.legal_units_kept} "
                f"etab_read={run.establishments_read} etab_kept={run.establishments_kept} "
                f"rejected={rejected} unknown_communes={sum((run.unknown_communes or {}).values())}"
            )
