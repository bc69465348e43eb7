from django.apps import AppConfig


class InnovationConfig(AppConfig):
    name = "essor.innovation"
    verbose_name = "Innovation sociale"
