from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "essor.directory"
    verbose_name = "Annuaire des acteurs de l'ESS"
