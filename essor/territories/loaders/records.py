"""Plain records of the territorial referential, independent of the source that produced them."""

from dataclasses import dataclass, field

import shapely


class ReferentialError(Exception):
    """A source file is missing, unreadable or malformed; the message is French and names it."""


@dataclass
class RegionRecord:
    code: str
    name: str
    siren: str = ""


@dataclass
class DepartementRecord:
    code: str
    name: str
    region_code: str
    siren: str = ""


@dataclass
class EpciRecord:
    siren: str
    name: str
    nature: str


@dataclass
class CommuneRecord:
    """A current commune (kind COM) or a municipal arrondissement (kind ARM, with `parent_code`)."""

    code: str
    name: str
    kind: str
    departement_code: str
    parent_code: str = ""
    epci_siren: str = ""
    siren: str = ""
    population: int | None = None
    postal_codes: list[str] = field(default_factory=list)


@dataclass
class AliasRecord:
    code: str
    name: str
    kind: str
    commune_code: str


@dataclass
class Referential:
    """Everything one source says about French territories.

    `geometries[kind][code]` holds shapely geometries (WGS84) for kind "commune" and, when the
    source provides ready-made contours, for "epci", "departement" and "region"; missing contours
    are computed as the union of member communes.
    """

    source: str
    regions: dict[str, RegionRecord] = field(default_factory=dict)
    departements: dict[str, DepartementRecord] = field(default_factory=dict)
    epcis: dict[str, EpciRecord] = field(default_factory=dict)
    communes: dict[str, CommuneRecord] = field(default_factory=dict)
    aliases: dict[str, AliasRecord] = field(default_factory=dict)
    geometries: dict[str, dict[str, shapely.Geometry]] = field(default_factory=dict)
    populations: dict[str, dict[str, int | None]] = field(default_factory=dict)

    def restrict(self, departement_codes: set[str]) -> "Referential":
        """Only these départements, their régions, their communes and aliases, and the EPCI that
        have at least one member commune there."""
        unknown = sorted(departement_codes - set(self.departements))
        if unknown:
            raise ReferentialError(
                f"Département(s) inconnu(s) dans la source : {', '.join(unknown)}"
            )
        departements = {c: d for c, d in self.departements.items() if c in departement_codes}
        region_codes = {d.region_code for d in departements.values()}
        communes = {
            c: r for c, r in self.communes.items() if r.departement_code in departement_codes
        }
        epci_sirens = {r.epci_siren for r in communes.values() if r.epci_siren}
        kept = {
            "commune": set(communes),
            "epci": epci_sirens,
            "departement": set(departements),
            "region": region_codes,
        }
        return Referential(
            source=self.source,
            regions={c: r for c, r in self.regions.items() if c in region_codes},
            departements=departements,
            epcis={s: e for s, e in self.epcis.items() if s in epci_sirens},
            communes=communes,
            aliases={c: a for c, a in self.aliases.items() if a.commune_code in communes},
            geometries={
                kind: {c: g for c, g in geoms.items() if c in kept.get(kind, ())}
                for kind, geoms in self.geometries.items()
            },
            populations={
                kind: {c: p for c, p in totals.items() if c in kept.get(kind, ())}
                for kind, totals in self.populations.items()
            },
        )

    def copy(self) -> "Referential":
        """A copy whose dicts can be changed freely (records and geometries are shared)."""
        return Referential(
            source=self.source,
            regions=dict(self.regions),
            departements=dict(self.departements),
            epcis=dict(self.epcis),
            communes=dict(self.communes),
            aliases=dict(self.aliases),
            geometries={kind: dict(geoms) for kind, geoms in self.geometries.items()},
            populations={kind: dict(totals) for kind, totals in self.populations.items()},
        )

    def counts(self) -> dict[str, int]:
        return {
            "regions": len(self.regions),
            "departements": len(self.departements),
            "epcis": len(self.epcis),
            "communes": len(self.communes),
            "aliases": len(self.aliases),
        }
