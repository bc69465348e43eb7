from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate


def _innovation_is_migrated(using: str) -> bool:
    """True when every migration of this app is applied (not after `migrate innovation zero`)."""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(connections[using], ignore_no_migrations=True)
    return all(leaf in loader.applied_migrations for leaf in loader.graph.leaf_nodes("innovation"))


def _load_default_grid(sender, using="default", **kwargs):
    from essor.innovation.default_grid import ensure_default_grid

    if using == "default" and _innovation_is_migrated(using):
        ensure_default_grid(source="command:migrate")


class InnovationConfig(AppConfig):
    name = "essor.innovation"
    verbose_name = "Innovation sociale"

    def ready(self):
        post_migrate.connect(
            _load_default_grid, sender=self, dispatch_uid="innovation_default_grid"
        )
