"""Read side of the external lists, for the Sirene import pipeline."""

from essor.ess.enums import ListKind, SiaeKind
from essor.ess.models import ListEntry, SiaeEntry

# When one SIREN holds conventions of several kinds, the first kind in this order is reported.
SIAE_KIND_ORDER = list(SiaeKind.values)

Flags = tuple[bool, bool, str]  # (in_ess_france_list, esus, siae_kind)


def list_flags() -> dict[str, Flags]:
    """SIREN → (in ESS France list, ESUS agreement, SIAE kind or '') from the current lists.

    Only SIRENs present in at least one list appear; others have (False, False, '').
    """
    flags: dict[str, list] = {}
    entries = ListEntry.objects.filter(list_import__is_current=True).values_list("kind", "siren")
    for kind, siren in entries.iterator(chunk_size=5000):
        row = flags.setdefault(siren, [False, False, ""])
        if kind == ListKind.ESS_FRANCE:
            row[0] = True
        elif kind == ListKind.ESUS:
            row[1] = True
    siae = SiaeEntry.objects.filter(list_import__is_current=True).values_list("siren", "kind")
    for siren, kind in siae.iterator(chunk_size=5000):
        row = flags.setdefault(siren, [False, False, ""])
        if not row[2] or SIAE_KIND_ORDER.index(kind) < SIAE_KIND_ORDER.index(row[2]):
            row[2] = kind
    return {siren: (row[0], row[1], row[2]) for siren, row in flags.items()}


def list_flag_rows() -> list[tuple[str, bool, bool, str]]:
    """(siren, in_ess_france_list, esus, siae_kind) rows, sorted: ready for a DuckDB table."""
    return [(siren, *flags) for siren, flags in sorted(list_flags().items())]
