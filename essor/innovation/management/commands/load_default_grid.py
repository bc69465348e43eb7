from django.core.management.base import BaseCommand

from essor.innovation.default_grid import ensure_default_grid


class Command(BaseCommand):
    help = (
        "Crée et publie la grille par défaut « Caractérisation de l'innovation sociale "
        "(orientations CSESS 2017) » si elle n'existe pas encore (sans effet sinon)."
    )

    def handle(self, *args, **options):
        version = ensure_default_grid(source="command:load_default_grid")
        criteria = sum(c.criteria.count() for c in version.categories.all())
        self.stdout.write(
            f"grid={version.grid.slug} version={version.number} "
            f"categories={version.categories.count()} criteria={criteria} "
            f"questions={version.questions.count()}"
        )
