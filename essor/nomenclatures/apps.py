from django.apps import AppConfig


class NomenclaturesConfig(AppConfig):
    name = "essor.nomenclatures"
    verbose_name = "Nomenclatures"
