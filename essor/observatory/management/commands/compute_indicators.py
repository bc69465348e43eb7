"""`essor indicators compute`: pre-computes the observatory's indicators of the current import."""

from django.core.management.base import BaseCommand

from essor.observatory.compute import compute_indicators


class Command(BaseCommand):
    help = (
        "Calcule les indicateurs de l'observatoire (tous territoires, deux périmètres) à partir "
        "de l'import Sirene en ligne. Fait automatiquement à la fin de essor sirene import ; à "
        "relancer après une modification des champs thématiques (codes NAF, étiquettes)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-progress", action="store_true", help="sans barre de progression")

    def handle(self, *args, **options):
        indicators = compute_indicators(progress=not options["no_progress"], stdout=self.stdout)
        durations = " ".join(f"{k}={v}s" for k, v in indicators.step_durations.items())
        self.stdout.write(f"durations {durations}")
