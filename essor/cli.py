"""The `essor` console command: `essor <group> <verb> [options]`, dispatched to Django commands.

Each subcommand is a management command underneath (`essor sirene import` runs `import_sirene`), so
`essor manage <django command>` reaches the rest (migrate, createsuperuser, shell…).
"""

import os
import sys

# (group, verb) -> (management command, one-line help in French)
COMMANDS: dict[tuple[str, ...], tuple[str, str]] = {
    ("demo",): (
        "demo",
        "Construit la démo (référentiel, Nantes Métropole synthétique) et sert le site",
    ),
    ("serve",): ("serve", "Sert l'application (serveur WSGI waitress) sur http://127.0.0.1:8000"),
    ("referentials", "load"): (
        "load_referentials",
        "Charge communes, EPCI, départements, régions, nomenclatures",
    ),
    ("referentials", "qpv"): (
        "import_qpv",
        "Importe un GeoJSON ANCT des QPV (2015 QP… ou 2024 QN…)",
    ),
    ("sirene", "import"): (
        "import_sirene",
        "Importe les stocks Sirene (unités légales + établissements)",
    ),
    ("sirene", "synth"): (
        "synth_sirene",
        "Génère des stocks Sirene synthétiques au format officiel",
    ),
    ("sirene", "runs"): ("list_import_runs", "Liste les imports Sirene et leur bilan"),
    ("ess", "list"): ("import_ess_list", "Importe une liste de SIREN (ESS France, agréments ESUS)"),
    ("ess", "siae"): ("import_siae", "Importe une liste de SIAE au format ASP"),
    ("directory", "reindex"): (
        "reindex_directory",
        "Reconstruit l'index de recherche et de carte de l'annuaire",
    ),
    ("indicators", "compute"): (
        "compute_indicators",
        "Calcule les indicateurs de l'observatoire de l'import Sirene en ligne",
    ),
    ("indicators", "export"): (
        "export_indicators",
        "Exporte les indicateurs d'un territoire (CSV, XLSX, Parquet, JSON)",
    ),
    ("directory", "refresh"): (
        "refresh_directory_sources",
        "Relit les sources externes de l'annuaire (GoGoCarto, CSV) à modérer",
    ),
    ("directory", "dump"): (
        "dump_directory",
        "Écrit les données ouvertes de l'annuaire (CSV, GeoJSON, Parquet, LISEZMOI)",
    ),
    ("directory", "alerts"): (
        "send_directory_alerts",
        "Envoie les alertes des recherches enregistrées de l'annuaire",
    ),
    ("innovation", "grid"): (
        "load_default_grid",
        "Crée la grille CSESS 2017 par défaut si absente",
    ),
    ("calls", "reminders"): (
        "send_grant_reminders",
        "Envoie les rappels d'échéances des subventions",
    ),
}


def usage() -> str:
    lines = ["usage: essor <commande> [options]", "", "Commandes :"]
    for words, (_, text) in COMMANDS.items():
        lines.append(f"  essor {' '.join(words):<22} {text}")
    lines.append(
        f"  essor {'manage <commande>':<22} Toute commande Django (migrate, createsuperuser…)"
    )
    lines.append("")
    lines.append("`essor <commande> --help` détaille les options de chaque commande.")
    return "\n".join(lines)


def resolve(argv: list[str]) -> list[str] | None:
    """Turns `essor sirene import --x` into `manage.py import_sirene --x`; None when unknown."""
    if argv and argv[0] == "manage":
        return argv[1:]
    for size in (2, 1):
        key = tuple(argv[:size])
        if key in COMMANDS:
            return [COMMANDS[key][0], *argv[size:]]
    return None


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(usage())
        return
    django_argv = resolve(argv)
    if django_argv is None:
        print(f"essor : commande inconnue « {' '.join(argv)} »\n", file=sys.stderr)
        print(usage(), file=sys.stderr)
        sys.exit(2)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "essor.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["essor", *django_argv])


if __name__ == "__main__":
    main()
