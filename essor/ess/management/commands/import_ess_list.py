"""`essor ess list --kind ess_france|esus PATH_OR_URL`."""

from django.core.management.base import BaseCommand, CommandError

from essor.ess.enums import ListKind
from essor.ess.importers import LIST_REJECT_REASONS, ListFileError, import_ess_list


class Command(BaseCommand):
    help = (
        "Importe une liste de SIREN (liste ESS France des entreprises de l'ESS, agréments ESUS) "
        "depuis un CSV (séparateur , ou ;, colonne SIREN). Remplace la liste du même type en une "
        "transaction ; un fichier refusé laisse la liste actuelle en place."
    )

    def add_arguments(self, parser):
        parser.add_argument("--kind", required=True, choices=ListKind.values, help="type de liste")
        parser.add_argument("source", help="chemin ou URL (http(s)://, file://) du CSV")
        parser.add_argument(
            "--dry-run", action="store_true", help="lit et vérifie sans rien écrire"
        )

    def handle(self, *args, **options):
        try:
            report = import_ess_list(options["kind"], options["source"], dry_run=options["dry_run"])
        except ListFileError as error:
            raise CommandError(str(error)) from error
        for line in report.summary_lines(LIST_REJECT_REASONS):
            self.stdout.write(line)
        self.stdout.write("dry_run=1 : rien n'a été écrit" if options["dry_run"] else "status=ok")
