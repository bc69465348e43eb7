"""`essor referentials qpv`: imports the QPV contours of an ANCT GeoJSON file."""

import collections
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from essor.territories.loaders import files
from essor.territories.loaders.qpv import read_qpvs, save_qpvs
from essor.territories.loaders.records import ReferentialError
from essor.territories.models import ReferentialLoad


class DryRun(Exception):
    """Raised inside the transaction to roll back a --dry-run."""


class Command(BaseCommand):
    help = (
        "Importe les quartiers prioritaires (QPV) d'un fichier GeoJSON de l'ANCT, donné par "
        "chemin ou URL : code, nom, génération (QP… 2015, QN… 2024), contour et communes. "
        "Relancer la commande met les quartiers à jour sans doublon."
    )

    def add_arguments(self, parser):
        parser.add_argument("location", metavar="CHEMIN_OU_URL")
        parser.add_argument("--generation", type=int, choices=[2015, 2024])
        parser.add_argument("--dry-run", action="store_true", help="Lit et compte, n'écrit rien")

    def handle(self, *args, **options):
        started = time.monotonic()
        location = options["location"]
        try:
            with files.local_path(location) as path:
                if path.is_dir():
                    raise ReferentialError(f"{path} est un dossier : attendu un fichier GeoJSON.")
                records = read_qpvs(path, files.read_features(path), options["generation"])
            counts = self.write(records, location, options["dry_run"], started)
        except ReferentialError as exc:
            raise CommandError(str(exc)) from exc
        generations = collections.Counter(r.generation for r in records)
        self.stdout.write(
            f"source={location} "
            + " ".join(f"generation_{g}={n}" for g, n in sorted(generations.items()))
        )
        self.stdout.write(" ".join(f"{k}={v}" for k, v in counts.items()))
        self.stdout.write(
            f"dry_run={'yes' if options['dry_run'] else 'no'} "
            f"duration_s={time.monotonic() - started:.1f}"
        )

    def write(self, records, location: str, dry_run: bool, started: float) -> dict:
        try:
            with transaction.atomic():
                counts = save_qpvs(records, location)
                if dry_run:
                    raise DryRun
                ReferentialLoad.objects.create(
                    kind="qpv",
                    source=location[:500],
                    counts=counts,
                    finished_at=timezone.now(),
                    duration_s=round(time.monotonic() - started, 2),
                )
        except DryRun:
            pass
        return counts
