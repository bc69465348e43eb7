from pathlib import Path

from django.core.management.base import BaseCommand

from essor.directory.exchange import records
from essor.directory.exchange.exports import write_dump
from essor.directory.exchange.views import dump_dir


class Command(BaseCommand):
    help = (
        "Écrit le jeu de données ouvertes de l'annuaire (CSV, GeoJSON, LISEZMOI.md avec le "
        "dictionnaire des données, Parquet en option) ; par défaut dans le dossier servi par la "
        "page « Données ouvertes »."
    )

    def add_arguments(self, parser):
        parser.add_argument("--out", type=Path, default=None, help="dossier de sortie")
        parser.add_argument("--parquet", action="store_true", help="écrit aussi un fichier Parquet")

    def handle(self, *args, out, parquet, **options):
        out = out or dump_dir()
        found = records.find({})
        sizes = write_dump(found, out, parquet=parquet)
        for name, size in sizes.items():
            self.stdout.write(f"{out / name} {size} octets")
        self.stdout.write(f"actors={len(found)}")
