from django.core.management import call_command
from django.core.management.base import BaseCommand

from essor.directory.demo import seed_demo_directory
from essor.web import demo


class Command(BaseCommand):
    help = (
        "Construit la démo (référentiel territorial, Nantes Métropole synthétique d'environ "
        "20 000 établissements, organisation et comptes de démonstration) puis sert le site."
    )

    def add_arguments(self, parser):
        parser.add_argument("--establishments", type=int, default=20_000)
        parser.add_argument("--seed", type=int, default=44)
        parser.add_argument("--rebuild", action="store_true", help="Tout reconstruire.")
        parser.add_argument("--no-serve", action="store_true", help="Construire sans servir.")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("1/3 référentiel territorial et nomenclatures")
        demo.ensure_referential(self.stdout, options["rebuild"])
        self.stdout.write("2/3 Sirene synthétique de Nantes Métropole")
        demo.ensure_sirene(
            self.stdout, options["establishments"], options["seed"], options["rebuild"]
        )
        self.stdout.write("3/3 organisation, comptes et appel à projets de démonstration")
        organisation = demo.ensure_organisation_and_accounts()
        demo.ensure_demo_call(organisation)
        seed_demo_directory(self.stdout)
        self.stdout.write(f"Comptes (mot de passe « {demo.DEMO_PASSWORD} ») :")
        for email, full_name, _ in demo.DEMO_ACCOUNTS:
            self.stdout.write(f"  {email:<28} {full_name}")
        self.stdout.write(
            f"Territoire de démo : http://127.0.0.1:{options['port']}/territoires/epci/{demo.DEMO_EPCI_SIREN}/"
        )
        if not options["no_serve"]:
            call_command("serve", "--port", str(options["port"]))
