from django.apps import AppConfig


class ObservatoryConfig(AppConfig):
    name = "essor.observatory"
    verbose_name = "Observatoire"
