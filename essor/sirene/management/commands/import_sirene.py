"""`essor sirene import`: loads the Sirene stock files (see essor.sirene.pipeline.run)."""

from django.core.management.base import BaseCommand

from essor.sirene.pipeline.run import run_import, summary


class Command(BaseCommand):
    help = (
        "Importe les stocks Sirene (unités légales + établissements) : garde le détail des "
        "établissements des unités légales ESS et agrège tous les établissements par commune. "
        "Atomique : en cas d'échec, les données précédentes restent en ligne."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--unites-legales", required=True, help="StockUniteLegale (chemin ou URL)"
        )
        parser.add_argument(
            "--etablissements", required=True, help="StockEtablissement (chemin ou URL)"
        )
        parser.add_argument(
            "--force", action="store_true", help="Passe outre la garde des 98 %% de lignes"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Lit, vérifie et compte, sans rien écrire"
        )
        parser.add_argument(
            "--passage-table",
            help="Table de passage COG (CSV : ancien code, code actuel) pour les codes anciens",
        )
        parser.add_argument("--no-progress", action="store_true", help="Sans barre de progression")
        parser.add_argument(
            "--no-indicators",
            action="store_true",
            help="Ne calcule pas les indicateurs de l'observatoire (à faire ensuite avec "
            "essor indicators compute)",
        )

    def handle(self, *args, **options):
        run = run_import(
            options["unites_legales"],
            options["etablissements"],
            force=options["force"],
            dry_run=options["dry_run"],
            progress=not options["no_progress"],
            stdout=self.stdout,
            passage_table=options["passage_table"],
            indicators=not options["no_indicators"],
        )
        for line in summary(run):
            self.stdout.write(line)
        if options["dry_run"]:
            self.stdout.write("dry_run=True: rien n'a été écrit")
        elif run.is_current:
            from essor.directory.search.indexer import rebuild as reindex_directory

            reindex_directory(stdout=self.stdout)
