from django.apps import AppConfig


class DirectoryExchangeConfig(AppConfig):
    name = "essor.directory.exchange"
    label = "directory_exchange"
    verbose_name = "Annuaire : imports, exports, API et alertes"
