from django.core.management.base import BaseCommand

from essor.directory.exchange.alerts import send_due_alerts


class Command(BaseCommand):
    help = (
        "Envoie par e-mail, pour chaque recherche enregistrée échue (quotidienne ou "
        "hebdomadaire), les acteurs nouveaux ou modifiés depuis le dernier envoi."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="ignore la fréquence")

    def handle(self, *args, force, **options):
        sent = send_due_alerts(force=force)
        for search, new, changed in sent:
            self.stdout.write(
                f"search={search.pk} to={search.user.email} new={new} changed={changed}"
            )
        self.stdout.write(f"emails={len(sent)}")
