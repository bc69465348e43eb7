"""Generated member lists for the import tests."""

import io

from essor.directory import actions
from essor.directory.exchange.tests.conftest import head_siret
from essor.directory.tests import factories as f

HEADER = [
    "SIRET",
    "Raison sociale",
    "Code Insee",
    "Commune",
    "Code postal",
    "Site web",
    "Courriel",
    "Labels",
]


def scenario(sirene, people):
    """Actors already in the directory, and the rows of a member list covering every case:
    {expected status: row}."""
    moderator = people["moderator"]
    known = f.validated_actor(moderator, name="Atelier vélo solidaire", commune="44109")
    run = sirene["run"]
    cafe = f.legal_unit(run, "CAFE COOP", "44109", lat=47.22, lon=-1.56)
    cafe_siret = head_siret(cafe)
    actor = actions.actor_for_siren(cafe.siren, by=moderator)
    version = actions.propose_change(
        actor, {"name": "Café coop", "website": "https://cafe.exemple.fr"}, by=moderator
    )
    actions.approve_version(version, by=moderator)
    rows = {
        "matched_siret": [
            head_siret(sirene["atelier"]),
            "Atelier du réemploi",
            "44109",
            "",
            "",
            "reemploi.exemple.fr",
            "contact@reemploi.exemple.fr",
            "SCOP | inconnu",
        ],
        "matched_name": [
            "",
            "ATELIER VELO SOLIDAIRE",
            "",
            "Nantes",
            "44000",
            "https://velo.exemple.fr",
            "",
            "",
        ],
        "new": [
            "",
            "La Ressourcerie nouvelle",
            "",
            "Rezé",
            "44400",
            "",
            "bonjour@ressourcerie.exemple.fr",
            "Tiers-lieu",
        ],
        "conflict": [
            cafe_siret,
            "Café coop",
            "44109",
            "",
            "",
            "https://autre.exemple.fr",
            "",
            "ESUS",
        ],
        "invalid_siret": ["12345678901234", "Mauvais numéro", "44109", "", "", "", "", ""],
        "unknown_commune": ["", "Structure fantôme", "99999", "", "", "", "", ""],
        "outside": [head_siret(sirene["angers"]), "Jardins d'Angers", "", "", "", "", "", ""],
    }
    return {"known": known, "cafe_siret": cafe_siret, "rows": rows}


def csv_bytes(rows, *, header=HEADER, encoding="utf-8", delimiter=";") -> bytes:
    lines = [delimiter.join(header)] + [delimiter.join(r) for r in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def xlsx_bytes(rows, *, header=HEADER) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        # A spreadsheet types SIRET as a number.
        sheet.append([int(row[0]) if row[0].isdigit() else row[0], *row[1:]])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


MAPPING = {
    "siret": "SIRET",
    "name": "Raison sociale",
    "commune_code": "Code Insee",
    "commune_name": "Commune",
    "postal_code": "Code postal",
    "website": "Site web",
    "public_email": "Courriel",
    "labels": "Labels",
}
