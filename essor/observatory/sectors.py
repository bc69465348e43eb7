"""ESS sector grouping: the ONE table that maps a NAF rév. 2 division to the sectors ESS
panoramas report (« action sociale », « santé », « enseignement »…).

No official NAF → ESS-sector table is published (domain.md §7.4: grouping UNCONFIRMED); the
groups below follow the sectors named by ESS France / Insee panoramas, by whole NAF divisions:

- action sociale: 87 (hébergement médico-social et social), 88 (action sociale sans
  hébergement) — the first ESS sector in every panorama;
- santé: 86 (activités pour la santé humaine);
- enseignement: 85;
- sport et loisirs: 93 (activités sportives, récréatives et de loisirs);
- arts et spectacles: 90 (création, arts du spectacle), 91 (bibliothèques, archives, musées);
- activités financières et d'assurance: 64, 65, 66 (banques coopératives, mutuelles
  d'assurance);
- organisations associatives: 94 (organisations patronales, syndicales, religieuses,
  politiques, « autres organisations fonctionnant par adhésion volontaire »: the many
  associations without a more precise activity code);
- commerce: 45, 46, 47 (includes the consumers' and retailers' cooperatives);
- industrie et construction: 05–33 (industries extractives et manufacturières), 35–39
  (énergie, eau, déchets), 41–43 (construction);
- services aux entreprises: 69–82 (activités spécialisées, scientifiques et techniques; services
  administratifs et de soutien, which include the travail temporaire d'insertion);
- autres: everything else — agriculture (01–03, where agricultural cooperatives are), transport,
  hébergement et restauration, information et communication, immobilier, administration
  publique, 92 (jeux de hasard), 95–99 (services personnels, ménages), and establishments whose
  activity is missing or coded in an older nomenclature (no NAF rév. 2 division).

Choices: 75 (vétérinaires) stays with services aux entreprises (section M); 84 (administration
publique) is « autres ». The grouping is by division only, so every division is in exactly one
group and the groups sum to the total.
"""

SECTORS: list[tuple[str, str]] = [
    ("action_sociale", "Action sociale"),
    ("sante", "Santé"),
    ("enseignement", "Enseignement"),
    ("sport_loisirs", "Sport et loisirs"),
    ("arts_spectacles", "Arts et spectacles"),
    ("finance_assurance", "Activités financières et d'assurance"),
    ("organisations_associatives", "Organisations associatives"),
    ("commerce", "Commerce"),
    ("industrie_construction", "Industrie et construction"),
    ("services_entreprises", "Services aux entreprises"),
    ("autres", "Autres activités"),
]
SECTOR_LABELS = dict(SECTORS)
SECTOR_ORDER = {key: index for index, (key, _) in enumerate(SECTORS)}
OTHER = "autres"


def _divisions(first: int, last: int) -> list[str]:
    return [f"{n:02d}" for n in range(first, last + 1)]


# NAF division → sector. Divisions absent here (and "") are « autres ».
DIVISION_SECTOR: dict[str, str] = {
    **{d: "action_sociale" for d in ("87", "88")},
    "86": "sante",
    "85": "enseignement",
    "93": "sport_loisirs",
    **{d: "arts_spectacles" for d in ("90", "91")},
    **{d: "finance_assurance" for d in ("64", "65", "66")},
    "94": "organisations_associatives",
    **{d: "commerce" for d in ("45", "46", "47")},
    **{d: "industrie_construction" for d in _divisions(5, 33) + _divisions(35, 39)},
    **{d: "industrie_construction" for d in ("41", "42", "43")},
    **{d: "services_entreprises" for d in _divisions(69, 82)},
}


def sector_of(division: str | None) -> str:
    return DIVISION_SECTOR.get(division or "", OTHER)
