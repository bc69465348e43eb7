from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Sert l'application avec le serveur WSGI waitress (production-style, multi-thread)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args, host: str, port: int, threads: int, **options):
        from waitress import serve

        from essor.wsgi import application

        self.stdout.write(f"essor est servi sur http://{host}:{port}/ (Ctrl+C pour arrêter)")
        serve(application, host=host, port=port, threads=threads, ident="essor")
