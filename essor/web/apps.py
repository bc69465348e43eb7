from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "essor.web"
    verbose_name = "Site public"
