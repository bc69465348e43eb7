"""Synthetic Sirene stocks in the exact official formats (`essor sirene synth`).

Writes `StockUniteLegale_utf8` (35 columns, domain.md §4.2) and `StockEtablissement_utf8` (the
current 53-column header of the real April 2024 sample) as CSV or Parquet, plus `synthetic.json`
saying that the data are synthetic (generator, seed, perimeter, counts, created_at), so that the
importer and every page label them as such.

The distributions below are INVENTED BUT PLAUSIBLE: they give the importer, the maps and the
benchmarks realistic shapes and volumes; they are not statistics. All tables are in `profiles.py`.

- ESS share: legal units are ESS with the probability that makes ESS units hold ~15 % of the
  establishments (10 M establishments → ~1.5 M ESS ones).
- ESS legal forms (catégorie juridique, domain.md §3.4): associations ≈ 79 % of ESS units
  (9220; 9221/9222 a little; 9210/9230/9260 only when the head office is in Moselle, Bas-Rhin or
  Haut-Rhin, where 9260 is local law); coopératives ≈ 9 % (5458 SCOP, 5460/5560, 6316/6317
  agricultural, 5191–5196 banks); mutuelles 4 % (8210, 6411, 8290); fondations 2 % (9300);
  commercial ESS companies 6 % (5710 SAS, 5499 SARL) always flagged
  `economieSocialeSolidaireUniteLegale = O`. Statutory families carry the flag O (88 %), else
  empty or N (Sirene under-reports it, domain.md §3.3).
- Non-ESS forms: entrepreneurs individuels 55 % (1000; their identity columns hold `SYNTH`, sex M/F,
  so nobody mistakes them for people), SARL/EURL, SAS/SASU, SA, SCI (6540), public bodies (7210,
  7346, 7361, 7410). Flag N or empty.
- Activities: NAF rév. 2 sous-classes per profile (associations mostly 94.99Z, then 93.12Z,
  88.99B, 85.59A, 90.01Z…; banks 64.19Z; mutuelles 65.12Z, 86.xx; SCI 68.20B…), nomenclature
  `NAFRev2`; an establishment keeps its unit's code 9 times out of 10.
  `activitePrincipaleNAF25UniteLegale` is left empty (its value domain is not confirmed).
- Sites per unit: most have one; 2–50 with weights ∝ 1/k²; networks of 100–800 for a few banks,
  mutuelles, public bodies and large companies (capped at 1 % of the requested count). Exactly one
  head office per unit, `nicSiegeUniteLegale` = its NIC. Half of the other sites share the head
  office's commune.
- State: units ceased (C) with probability 25–40 % by family, closing all their sites; an active
  unit keeps its head office open and closes each other site with probability 0.4 (≈ 40 % F
  overall). `dateDebut` of a closed site (or ceased unit) = its closure date.
- Dates: creation ages exponential (mean 14 years) back from 2025-10-31, truncated at 1950-01-01;
  sites created after their unit; `dateDernierTraitement` between the last change (≥ 2014) and
  2025-10-31.
- Workforce bands (domain.md §4.4): active sites draw from a profile where empty and NN dominate,
  then 01–03, few ≥ 11; closed sites are empty (85 %) or NN. `anneeEffectifs` 2021–2023 whenever
  the band counts employees; `caractereEmployeur` O for bands 00+, N for NN (N or empty when
  unknown), consistent with domain.md §7.3. The unit takes the largest band of its sites; its
  `categorieEntreprise` is PME, ETI from band 32, GE from band 51 (empty when ceased).
- Partial diffusion: 2 % of units are `P`, and so are all their sites: street columns and
  Lambert coordinates `[ND]`, sigle `[ND]`, identity of natural persons `[ND]`.
- Geography: sites spread over the perimeter's communes in proportion to population (log-normal
  noise, sigma 0.25), arrondissements for Paris/Lyon/Marseille, first postal code of the
  commune, invented street names and numbers, points drawn inside the real commune polygons and
  written in Lambert-93 (EPSG:2154) or the overseas UTM projection, in metres with one decimal;
  1 % of sites are not geocoded (empty coordinates).

Identifiers are valid: SIREN and SIRET pass Luhn, SIRET = SIREN + NIC (4-digit rank + check
digit), unique, SIRENs rising through the file, 356000000 (La Poste) never used.
Deterministic: the same arguments and seed give the same bytes (CSV and Parquet).
"""

from essor.sirene.synth.generate import SynthResult, generate

__all__ = ["SynthResult", "generate"]
