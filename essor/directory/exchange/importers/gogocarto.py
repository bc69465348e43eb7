"""A GoGoCarto export (`/api/elements.json` of a map, or a file saved from it).

Accepted shapes: a list of elements, or an object whose `data` (or `elements`) is that list. Each
element may carry: `id`, `name`, `geo` {`latitude`, `longitude`}, `address` {`streetAddress`,
`postalCode`, `addressLocality`}, `categories` (names, or objects with a `name`), `description`,
`website`, `email`, `telephone`, `status`, and custom fields at the top level or under `data`
(a `siret` custom field is used for matching). Only elements validated in their map are imported
(GoGoCarto status ≥ 1); the others are rejected with their status.

Categories become labels or themes when their name matches one (e.g. « SCOP », « Tiers-lieu »,
« Alimentation durable »); other categories are listed as warnings.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from essor.directory.exchange.enums import BatchStatus
from essor.directory.exchange.files import FileRefused, load, read_json
from essor.directory.exchange.importers.common import (
    LABELS,
    THEMES,
    Candidate,
    classify,
    counts_of,
)
from essor.lib.text import fold

# GoGoCarto element statuses (Element.php) that are not « validated ».
REFUSED_STATUSES = {
    -7: gettext_lazy("import temporaire"),
    -6: gettext_lazy("doublon"),
    -5: gettext_lazy("version en attente"),
    -4: gettext_lazy("supprimé"),
    -3: gettext_lazy("refusé par les votes"),
    -2: gettext_lazy("refusé par l'administration"),
    -1: gettext_lazy("modification en attente"),
    0: gettext_lazy("ajout en attente de validation"),
}


def elements_of(document) -> list[dict]:
    if isinstance(document, dict):
        for key in ("data", "elements"):
            if isinstance(document.get(key), list):
                document = document[key]
                break
    if not isinstance(document, list):
        raise FileRefused(
            _(
                "Ce JSON n'est pas un export GoGoCarto : une liste d'éléments est attendue (« data »)."
            )
        )
    elements = [e for e in document if isinstance(e, dict)]
    if document and not elements:
        raise FileRefused(_("Ce JSON ne contient aucun élément GoGoCarto."))
    return elements


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(_text(v) for v in value if v)
    return str(value).strip()


def _custom(element: dict, key: str) -> str:
    """A field at the top level or in the custom `data` hash, any spelling of `key`."""
    for holder in (element, element.get("data") if isinstance(element.get("data"), dict) else {}):
        for name, value in holder.items():
            if fold(name).replace(" ", "") == key:
                return _text(value)
    return ""


def _float(value) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _status(element: dict) -> int | None:
    try:
        return int(element.get("status"))
    except (TypeError, ValueError):
        return None


def candidate(element: dict, index: int) -> Candidate:
    address = element.get("address") if isinstance(element.get("address"), dict) else {}
    geo = element.get("geo") if isinstance(element.get("geo"), dict) else {}
    categories = []
    for item in element.get("categories") or element.get("categoriesFull") or []:
        name = item.get("name") if isinstance(item, dict) else item
        if name:
            categories.append(str(name))
    labels = [c for c in categories if fold(c) in LABELS]
    themes = [c for c in categories if fold(c) in THEMES]
    others = [c for c in categories if c not in labels and c not in themes]
    ref = _text(element.get("id"))
    c = Candidate(
        line=index,
        siret=_custom(element, "siret") or _custom(element, "siren"),
        name=_text(element.get("name")),
        commune_code=_custom(element, "codeinsee") or _custom(element, "codecommune"),
        commune_name=_text(address.get("addressLocality")),
        postal_code=_text(address.get("postalCode"))[:5],
        address=_text(address.get("streetAddress")),
        website=_text(element.get("website")) or _custom(element, "website"),
        public_email=_text(element.get("email")) or _custom(element, "email"),
        public_phone=_text(element.get("telephone")) or _custom(element, "telephone"),
        description=_text(element.get("description")) or _custom(element, "description"),
        labels=labels,
        themes=themes,
        lat=_float(geo.get("latitude")),
        lon=_float(geo.get("longitude")),
        source_ref=ref,
    )
    if others:
        c.warnings.append(_("Catégories sans équivalent ignorées : %s") % ", ".join(others))
    status = _status(element)
    if status is not None and status < 1:
        c.rejected = _(
            "Non validé dans la carte d'origine (statut GoGoCarto %(n)s : %(label)s)."
        ) % {
            "n": status,
            "label": REFUSED_STATUSES.get(status, _("inconnu")),
        }
    if not c.name:
        c.rejected = c.rejected or _("Élément sans nom.")
    return c


def candidates(document) -> list[Candidate]:
    return [candidate(e, n) for n, e in enumerate(elements_of(document), start=1)]


def preview(batch, document=None) -> None:
    if document is None:
        document = read_json(load(batch.stored_name))
    rows = classify(batch.organisation, candidates(document), batch.conflict_policy)
    # The element id is the « line » a moderator looks up in the source map.
    batch.preview = rows
    batch.counts = counts_of(rows)
    batch.status = BatchStatus.PREVIEWED
    batch.error = ""
    batch.save(update_fields=["preview", "counts", "status", "error"])
