from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "essor.accounts"
    verbose_name = "Comptes et organisations"
