from django.apps import AppConfig


class SireneConfig(AppConfig):
    name = "essor.sirene"
    verbose_name = "Sirene"
