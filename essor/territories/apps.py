from django.apps import AppConfig


class TerritoriesConfig(AppConfig):
    name = "essor.territories"
    verbose_name = "Territoires"
