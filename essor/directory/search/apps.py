from django.apps import AppConfig


class DirectorySearchConfig(AppConfig):
    name = "essor.directory.search"
    label = "directory_search"
    verbose_name = "Annuaire : recherche et carte"

    def ready(self):
        from essor.directory.search import signals

        signals.connect()
