from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _load_default_grid(sender, using="default", **kwargs):
    from essor.innovation.default_grid import ensure_default_grid

    if using == "default":
        ensure_default_grid(source="command:migrate")


class InnovationConfig(AppConfig):
    name = "essor.innovation"
    verbose_name = "Innovation sociale"

    def ready(self):
        post_migrate.connect(
            _load_default_grid, sender=self, dispatch_uid="innovation_default_grid"
        )
