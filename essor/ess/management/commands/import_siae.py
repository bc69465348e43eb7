"""`essor ess siae PATH_OR_URL`."""

from django.core.management.base import BaseCommand, CommandError

from essor.ess.importers import SIAE_REJECT_REASONS, ListFileError, import_siae_list


class Command(BaseCommand):
    help = (
        "Importe une liste de SIAE conventionnées au format ASP (séparateur ;, colonnes MESURE, "
        "SIRET, DENOMINATION_SOCIALE, CODE_NAF2, NATURE_JURIDIQUE…). Remplace la liste en une "
        "transaction ; un fichier refusé laisse la liste actuelle en place."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="chemin ou URL (http(s)://, file://) du CSV")
        parser.add_argument(
            "--dry-run", action="store_true", help="lit et vérifie sans rien écrire"
        )

    def handle(self, *args, **options):
        try:
            report = import_siae_list(options["source"], dry_run=options["dry_run"])
        except ListFileError as error:
            raise CommandError(str(error)) from error
        for line in report.summary_lines(SIAE_REJECT_REASONS):
            self.stdout.write(line)
        self.stdout.write("dry_run=1 : rien n'a été écrit" if options["dry_run"] else "status=ok")
