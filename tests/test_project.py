"""Project-wide checks: migrations match the models, the console command dispatches."""

import subprocess
import sys

import pytest
from django.core.management import call_command

from essor.cli import resolve


@pytest.mark.django_db
def test_models_and_migrations_agree():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.parametrize(
    "argv, expected",
    [
        (["sirene", "import", "--force"], ["import_sirene", "--force"]),
        (["referentials", "qpv", "f.geojson"], ["import_qpv", "f.geojson"]),
        (["demo", "--no-serve"], ["demo", "--no-serve"]),
        (["manage", "migrate"], ["migrate"]),
        (["nimportequoi"], None),
    ],
)
def test_cli_translates_subcommands(argv, expected):
    assert resolve(argv) == expected


def test_cli_help_and_unknown_command():
    help_run = subprocess.run(
        [sys.executable, "-m", "essor.cli", "--help"], capture_output=True, text=True
    )
    assert "essor sirene import" in help_run.stdout
    unknown = subprocess.run(
        [sys.executable, "-m", "essor.cli", "bof"], capture_output=True, text=True
    )
    assert unknown.returncode == 2
    assert "commande inconnue" in unknown.stderr
