from django.core.management.base import BaseCommand

from essor.directory.search.indexer import rebuild


class Command(BaseCommand):
    help = (
        "Reconstruit l'index de recherche de l'annuaire (établissements ESS de l'import Sirene "
        "en ligne et acteurs validés) : texte intégral, vocabulaire, carte, facettes."
    )

    def handle(self, *args, **options):
        state = rebuild(stdout=self.stdout)
        self.stdout.write(f"entries={state.entries} run={state.run_id} seconds={state.seconds}")
