from django.apps import AppConfig


class EssConfig(AppConfig):
    name = "essor.ess"
    verbose_name = "Qualification ESS"
