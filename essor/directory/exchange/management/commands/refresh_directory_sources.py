from django.core.management.base import BaseCommand

from essor.directory.exchange.enums import RunStatus
from essor.directory.exchange.refresh import MAX_BYTES, TIMEOUT_SECONDS, refresh_due


class Command(BaseCommand):
    help = (
        "Relit les sources externes de l'annuaire dont la fréquence est échue (GoGoCarto JSON ou "
        "CSV par URL) et propose leurs changements en attente de modération."
    )

    def add_arguments(self, parser):
        parser.add_argument("--source", type=int, default=None, help="identifiant d'une source")
        parser.add_argument("--force", action="store_true", help="ignore la fréquence")
        parser.add_argument("--timeout", type=float, default=TIMEOUT_SECONDS, help="secondes")
        parser.add_argument("--max-bytes", type=int, default=MAX_BYTES, help="taille maximale")

    def handle(self, *args, source, force, timeout, max_bytes, **options):
        runs = refresh_due(force=force, source_id=source, timeout=timeout, max_bytes=max_bytes)
        failed = 0
        for run in runs:
            failed += run.status == RunStatus.FAILED
            self.stdout.write(
                f"source={run.source_id} status={run.status} size={run.size} "
                f"counts={run.counts} message={run.message}"
            )
        self.stdout.write(f"sources={len(runs)} failed={failed}")
