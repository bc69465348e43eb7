from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "essor.api"
    verbose_name = "API"
