"""The numeric model of one chunk of legal units and their establishments (numpy arrays only).

`render.py` turns it into the two files' columns. Each chunk draws from its own generator,
`default_rng([seed, chunk number])`, so a seed always gives the same stocks.
"""

from dataclasses import dataclass

import numpy as np

from essor.sirene.synth import profiles as p
from essor.sirene.synth.arrays import draw, luhn_check_digit
from essor.sirene.synth.geography import CommuneTable, draw_communes, draw_points

FAMILIES = ("association", "cooperative", "mutuelle", "fondation", "commercial_ess", "hors_ess")
FORMS = p.ESS_FORMS + p.NON_ESS_FORMS
ACTIVITY_KEYS = tuple(p.ACTIVITIES)
NAF_CODES = tuple(code for key in ACTIVITY_KEYS for code in p.ACTIVITIES[key])
_NAF_OFFSETS = np.cumsum([0] + [len(p.ACTIVITIES[k]) for k in ACTIVITY_KEYS])
_NAF_CDFS = [np.cumsum(p.normalised(p.ACTIVITIES[k])) for k in ACTIVITY_KEYS]
WORKFORCE_KEYS = tuple(p.WORKFORCE)
_BAND_CDFS = [np.cumsum(p.normalised(p.WORKFORCE[k])) for k in WORKFORCE_KEYS]
SITES_KEYS = tuple(p.SITES)
_SITES = np.array([p.SITES[k] for k in SITES_KEYS])
_SMALL_CDF = np.cumsum(p.SMALL_WEIGHTS)
FIRST_NUMERIC_BAND = p.BANDS.index("00")
NN_BAND = p.BANDS.index("NN")

# Per-form attribute arrays, indexed by position in FORMS.
FORM_FAMILY = np.array([FAMILIES.index(f.family) for f in FORMS])
FORM_ACTIVITY = np.array([ACTIVITY_KEYS.index(f.activity) for f in FORMS])
FORM_SITES = np.array([SITES_KEYS.index(f.sites) for f in FORMS])
FORM_WORKFORCE = np.array([WORKFORCE_KEYS.index(f.workforce) for f in FORMS])
FORM_CEASED = np.array([p.CEASED.get(f.family, p.CEASED["default"]) for f in FORMS])
ESS_FAMILIES = np.array([f != "hors_ess" for f in FAMILIES])
REFERENCE_DAY = int(p.REFERENCE_DATE.astype("datetime64[D]").astype(np.int64))
OLDEST_DAY = int(p.OLDEST_CREATION.astype("datetime64[D]").astype(np.int64))
FIRST_TREATMENT_DAY = int(np.datetime64("2014-01-01").astype(np.int64))


def _form_sets() -> dict[tuple[bool, bool], tuple[np.ndarray, np.ndarray]]:
    """(ESS?, Alsace-Moselle?) -> (form indices, cumulative weights)."""
    sets = {}
    for ess in (True, False):
        for am in (True, False):
            indices = [
                i
                for i, form in enumerate(FORMS)
                if (form.family != "hors_ess") == ess and form.alsace_moselle in (None, am)
            ]
            weights = np.array([FORMS[i].weight for i in indices])
            sets[ess, am] = np.array(indices), np.cumsum(weights / weights.sum())
    return sets


FORM_SETS = _form_sets()


def ess_unit_probability(cap: int) -> float:
    """Probability that a legal unit is ESS so that ESS units hold ESS_ESTABLISHMENT_SHARE of the
    establishments, given the mean number of sites of each group."""

    def mean(ess: bool) -> float:
        indices, cdf = FORM_SETS[ess, False]
        weights = np.diff(np.concatenate([[0.0], cdf]))
        sites = [p.mean_sites(FORMS[i].sites, cap) for i in indices]
        return float(np.dot(weights, sites))

    share = p.ESS_ESTABLISHMENT_SHARE
    m_ess, m_other = mean(True), mean(False)
    return share * m_other / (share * m_other + (1 - share) * m_ess)


@dataclass
class Chunk:
    # Legal units (length U)
    siren: np.ndarray
    form: np.ndarray
    family: np.ndarray
    sites: np.ndarray
    first: np.ndarray  # index of the unit's first establishment
    head_nic: np.ndarray
    head_commune: np.ndarray
    ceased: np.ndarray
    created: np.ndarray  # days since epoch
    ul_start: np.ndarray  # dateDebut
    ul_band: np.ndarray
    naf: np.ndarray  # index in NAF_CODES
    partial: np.ndarray
    # Establishments (length E)
    unit: np.ndarray  # index of the legal unit in the chunk
    nic: np.ndarray
    siret: np.ndarray
    head: np.ndarray
    commune: np.ndarray
    closed: np.ndarray
    est_created: np.ndarray
    est_start: np.ndarray
    band: np.ndarray
    est_naf: np.ndarray
    x: np.ndarray
    y: np.ndarray

    @property
    def ess(self) -> np.ndarray:
        return ESS_FAMILIES[self.family]


def draw_sites(rng: np.random.Generator, profile: np.ndarray, cap: int) -> np.ndarray:
    single, small = _SITES[profile, 0], _SITES[profile, 1]
    u = rng.random(len(profile))
    small_sites = p.SMALL_SITES[draw(rng, _SMALL_CDF, len(profile))]
    network_sites = rng.integers(p.NETWORK_SITES[0], p.NETWORK_SITES[1] + 1, len(profile))
    sites = np.where(u < single, 1, np.where(u < single + small, small_sites, network_sites))
    return np.minimum(sites, cap)


def draw_naf(rng: np.random.Generator, activity: np.ndarray) -> np.ndarray:
    naf = np.empty(len(activity), dtype=np.int64)
    for key, cdf in enumerate(_NAF_CDFS):
        mask = activity == key
        naf[mask] = _NAF_OFFSETS[key] + draw(rng, cdf, int(mask.sum()))
    return naf


def between(rng: np.random.Generator, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    return low + np.floor(rng.random(len(low)) * (high - low + 1)).astype(np.int64)


def make_chunk(
    rng: np.random.Generator,
    *,
    first_unit: int,
    units: int,
    establishments_left: int,
    siren_step: int,
    cap: int,
    p_ess: float,
    communes: CommuneTable,
) -> Chunk:
    ess = rng.random(units) < p_ess
    head_commune = draw_communes(rng, communes, units)
    am = np.isin(communes.departements[head_commune], p.ALSACE_MOSELLE)
    form = np.empty(units, dtype=np.int64)
    for (set_ess, set_am), (indices, cdf) in FORM_SETS.items():
        mask = (ess == set_ess) & (am == set_am)
        form[mask] = indices[draw(rng, cdf, int(mask.sum()))]
    sites = draw_sites(rng, FORM_SITES[form], cap)
    total = np.cumsum(sites)
    if total[-1] >= establishments_left:  # last chunk: stop at the requested count
        units = int(np.searchsorted(total, establishments_left)) + 1
        sites = sites[:units].copy()
        sites[-1] -= total[units - 1] - establishments_left
        form, head_commune = form[:units], head_commune[:units]
    family = FORM_FAMILY[form]

    # Identifiers: SIRENs rise with the unit number (like the real file), one slot of
    # `siren_step` bases per unit; 356000000 (La Poste, not Luhn) is skipped.
    slot = 10_000_000 + (first_unit + np.arange(units, dtype=np.int64)) * siren_step
    base = slot + rng.integers(0, max(siren_step - 1, 1), units)
    base += base == 35_600_000
    siren = base * 10 + luhn_check_digit(base, 8)

    count = int(sites.sum())
    first = np.concatenate([[0], np.cumsum(sites)[:-1]])
    unit = np.repeat(np.arange(units), sites)
    rank = np.arange(count) - first[unit]
    head_rank = np.floor(rng.random(units) * sites).astype(np.int64)
    head = rank == head_rank[unit]
    payload = siren[unit] * 10_000 + rank + 1
    nic = (rank + 1) * 10 + luhn_check_digit(payload, 13)
    siret = siren[unit] * 100_000 + nic
    head_nic = nic[first + head_rank]

    # Where: the head office in the unit's commune, other sites there or anywhere else.
    commune = draw_communes(rng, communes, count)
    local = (rng.random(count) < p.SAME_COMMUNE_AS_HEAD_OFFICE) & (sites[unit] < 100)
    commune = np.where(head | local, head_commune[unit], commune)
    x, y = draw_points(rng, communes, commune)

    # When: creation skewed recent; ceased units close every site, active ones keep their head.
    age = np.minimum(rng.exponential(p.MEAN_AGE_YEARS * 365.25, units), REFERENCE_DAY - OLDEST_DAY)
    created = (REFERENCE_DAY - age).astype(np.int64)
    ceased = rng.random(units) < FORM_CEASED[form]
    end = np.where(ceased, between(rng, created, np.full(units, REFERENCE_DAY)), REFERENCE_DAY)
    changed = rng.random(units) < 0.5
    ul_start = np.where(ceased, end, np.where(changed, between(rng, created, end), created))
    est_created = np.where(head, created[unit], between(rng, created[unit], end[unit]))
    closed = ceased[unit] | (~head & (rng.random(count) < p.CLOSED_SECONDARY))
    closing = np.where(head, end[unit], between(rng, est_created, end[unit]))
    moved = rng.random(count) < 0.4
    est_start = np.where(
        closed, closing, np.where(moved, between(rng, est_created, end[unit]), est_created)
    )

    # Workforce: drawn per active site from the form's profile; the unit takes its largest band.
    band = np.where(rng.random(count) < 0.85, 0, NN_BAND)
    profile = FORM_WORKFORCE[form][unit]
    for key, cdf in enumerate(_BAND_CDFS):
        mask = (profile == key) & ~closed
        band[mask] = draw(rng, cdf, int(mask.sum()))
    ul_band = np.maximum.reduceat(band, first)

    naf = draw_naf(rng, FORM_ACTIVITY[form])
    other_naf = draw_naf(rng, FORM_ACTIVITY[form][unit])
    est_naf = np.where(rng.random(count) < 0.9, naf[unit], other_naf)
    partial = rng.random(units) < p.PARTIAL_DIFFUSION
    return Chunk(
        siren=siren, form=form, family=family, sites=sites, first=first, head_nic=head_nic,
        head_commune=head_commune, ceased=ceased, created=created, ul_start=ul_start,
        ul_band=ul_band, naf=naf, partial=partial, unit=unit, nic=nic, siret=siret, head=head,
        commune=commune, closed=closed, est_created=est_created, est_start=est_start, band=band,
        est_naf=est_naf, x=x, y=y,
    )  # fmt: skip
