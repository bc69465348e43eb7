"""`essor sirene synth`: synthetic Sirene stocks in the official formats, for demos and benchmarks."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from essor.sirene.synth import generate
from essor.sirene.synth.geography import SynthError
from essor.sirene.synth.writers import FORMATS


class Command(BaseCommand):
    help = (
        "Génère des stocks Sirene synthétiques (StockUniteLegale_utf8 + StockEtablissement_utf8, "
        "formats officiels, avec un manifeste synthetic.json) sur un périmètre : FR, code de "
        "région (region:11) ou de département (44), SIREN d'EPCI, code de commune. Les "
        "établissements sont répartis selon la population, à l'intérieur des contours des "
        "communes (le référentiel territorial doit être chargé)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--perimeter",
            required=True,
            help="FR, code de région (region:52 si ambigu), de département, SIREN d'EPCI ou "
            "code de commune",
        )
        parser.add_argument(
            "--establishments", type=int, required=True, help="nombre d'établissements"
        )
        parser.add_argument("--seed", type=int, default=1, help="graine (défaut : 1)")
        parser.add_argument("--out", required=True, help="dossier de sortie")
        parser.add_argument("--format", choices=FORMATS, default="csv", help="csv ou parquet")
        parser.add_argument("--no-progress", action="store_true", help="sans barre de progression")

    def handle(self, *args, **options):
        try:
            result = generate(
                options["perimeter"],
                options["establishments"],
                options["seed"],
                Path(options["out"]),
                fmt=options["format"],
                progress=not options["no_progress"],
            )
        except SynthError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"out={Path(options['out'])} {result.summary()}")
