"""A network's member list (CSV or XLSX): columns mapped to actor fields, rows classified by
`common.classify` into a preview, then confirmed.

The SIRET column must be mapped (rows may leave it empty and match on name + commune); the
commune is an INSEE code or a name with a postal code. The last mapping an organisation used is
offered again for the columns the new file shares with it.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from essor.directory.exchange.enums import BatchKind, BatchStatus
from essor.directory.exchange.files import FileRefused, Table, load, read_table
from essor.directory.exchange.importers.common import Candidate, classify, counts_of
from essor.lib.text import fold

# Target field → label shown in the mapping form.
TARGETS = {
    "siret": gettext_lazy("SIRET (ou SIREN)"),
    "name": gettext_lazy("Nom de la structure"),
    "commune_code": gettext_lazy("Commune : code Insee"),
    "commune_name": gettext_lazy("Commune : nom"),
    "postal_code": gettext_lazy("Code postal"),
    "address": gettext_lazy("Adresse (numéro et voie)"),
    "website": gettext_lazy("Site web"),
    "public_email": gettext_lazy("E-mail public"),
    "public_phone": gettext_lazy("Téléphone public"),
    "description": gettext_lazy("Description"),
    "labels": gettext_lazy("Labels et statuts (séparés par ;)"),
    "themes": gettext_lazy("Thèmes (séparés par ;)"),
}
# Usual column names of member lists, folded, for a first guess.
GUESSES = {
    "siret": ["siret", "n siret", "numero siret", "siren", "siret siren"],
    "name": ["nom", "raison sociale", "denomination", "structure", "nom de la structure", "name"],
    "commune_code": ["code insee", "code commune", "insee", "cog"],
    "commune_name": ["commune", "ville", "localite", "city"],
    "postal_code": ["code postal", "cp", "postal code"],
    "address": ["adresse", "adresse postale", "rue"],
    "website": ["site", "site web", "site internet", "url", "website"],
    "public_email": ["email", "e mail", "mail", "courriel", "adresse e mail"],
    "public_phone": ["telephone", "tel", "phone"],
    "description": ["description", "presentation", "activite"],
    "labels": ["labels", "label", "agrements", "statuts"],
    "themes": ["themes", "theme", "thematiques", "secteur"],
}


def guess_mapping(columns: list[str], previous: dict | None = None) -> dict[str, str]:
    """{target: column}: the previous mapping where its columns exist, else usual names."""
    mapping = {}
    for target, column in (previous or {}).items():
        if target in TARGETS and column in columns:
            mapping[target] = column
    folded = {fold(c): c for c in columns}
    for target, names in GUESSES.items():
        if target in mapping:
            continue
        for name in names:
            if name in folded and folded[name] not in mapping.values():
                mapping[target] = folded[name]
                break
    return mapping


def last_mapping(organisation) -> dict:
    from essor.directory.exchange.models import ImportBatch

    batch = (
        ImportBatch.objects.filter(organisation=organisation, kind=BatchKind.MEMBERS)
        .exclude(mapping={})
        .order_by("-created_at", "-id")
        .first()
    )
    return batch.mapping if batch else {}


def check_mapping(mapping: dict, columns: list[str]) -> None:
    if not mapping.get("siret"):
        raise FileRefused(
            _(
                "Aucune colonne SIRET choisie : indiquez la colonne qui porte le SIRET (elle peut "
                "être vide pour certaines lignes, qui seront rapprochées par nom et commune)."
            )
        )
    unknown = [c for c in mapping.values() if c and c not in columns]
    if unknown:
        raise FileRefused(_("Colonnes absentes du fichier : %s") % ", ".join(unknown))
    if not mapping.get("name"):
        raise FileRefused(_("Choisissez la colonne du nom de la structure."))


def candidates(table: Table, mapping: dict) -> list[Candidate]:
    position = {column: index for index, column in enumerate(table.columns)}
    result = []
    for line, cells in table.rows:
        values = {}
        for target, column in mapping.items():
            if column and target in TARGETS:
                index = position[column]
                values[target] = cells[index] if index < len(cells) else ""
        result.append(Candidate(line=line, **values))
    return result


def preview(batch, table: Table | None = None) -> None:
    """Reads the stored file with the batch's mapping and stores the preview on the batch."""
    if table is None:
        table = read_table(load(batch.stored_name))
    check_mapping(batch.mapping, table.columns)
    rows = classify(batch.organisation, candidates(table, batch.mapping), batch.conflict_policy)
    batch.preview = rows
    batch.counts = counts_of(rows)
    batch.status = BatchStatus.PREVIEWED
    batch.error = ""
    batch.save(update_fields=["preview", "counts", "status", "error"])
