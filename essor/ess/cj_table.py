"""INSEE catégories juridiques niveau III → ESS family: the table essor qualifies legal units with.

Sources
- Codes and labels: INSEE, « Catégories juridiques », version of 1 September 2022 (260 niveau III
  codes, Licence Ouverte; ../shared/data/nomenclature_categories_juridiques/, PROVENANCE.md there).
  A test checks that this table holds exactly the codes and labels of that file.
- Families: the derived, indicative mapping of docs/domain.md §3.4 (itself built from the INSEE
  labels and loi n° 2014-856 art. 1er II), completed for every code. It is NOT the official INSEE
  perimeter, whose exact CJ list is unpublished; see `essor.ess.rules` for the open questions
  and what essor decided for each.

Families (`EssFamily` values)
- association, cooperative, mutuelle, fondation: the four statutory families (art. 1er II 1°).
- commercial: a commercial-company form (SNC, SCS, SCA, SARL, SA, SAS, SE and their variants
  that are not cooperative, plus 3120 société commerciale étrangère immatriculée au RCS); such a
  unit is an ESS company only when a qualification source says so (art. 1er II 2°).
- hors_ess: everything else (entrepreneurs individuels, groupements sans personnalité morale,
  public-law persons, sociétés civiles that are not cooperative, social-security bodies, unions…).

Format of `TABLE`: one code a line, « code family label », grouped under a « # niveau II » comment.
Edit a family here and every consumer (Python rules, DuckDB SQL, admin) follows.
"""

TABLE = """
# 00 Organisme de placement collectif en valeurs mobilières sans personnalité morale
0000 hors_ess    Organisme de placement collectif en valeurs mobilières sans personnalité morale
# 10 Entrepreneur individuel
1000 hors_ess    Entrepreneur individuel
# 21 Indivision
2110 hors_ess    Indivision entre personnes physiques
2120 hors_ess    Indivision avec personne morale
# 22 Société créée de fait
2210 hors_ess    Société créée de fait entre personnes physiques
2220 hors_ess    Société créée de fait avec personne morale
# 23 Société en participation
2310 hors_ess    Société en participation entre personnes physiques
2320 hors_ess    Société en participation avec personne morale
2385 hors_ess    Société en participation de professions libérales
# 24 Fiducie
2400 hors_ess    Fiducie
# 27 Paroisse hors zone concordataire
2700 hors_ess    Paroisse hors zone concordataire
# 28 Assujetti unique à la TVA
2800 hors_ess    Assujetti unique à la TVA
# 29 Autre groupement de droit privé non doté de la personnalité morale
2900 hors_ess    Autre groupement de droit privé non doté de la personnalité morale
# 31 Personne morale de droit étranger, immatriculée au RCS (registre du commerce et des sociétés)
3110 hors_ess    Représentation ou agence commerciale d'état ou organisme public étranger immatriculé au RCS
3120 commercial  Société commerciale étrangère immatriculée au RCS
# 32 Personne morale de droit étranger, non immatriculée au RCS
3205 hors_ess    Organisation internationale
3210 hors_ess    État, collectivité ou établissement public étranger
3220 hors_ess    Société étrangère non immatriculée au RCS
3290 hors_ess    Autre personne morale de droit étranger
# 41 Etablissement public ou régie à caractère industriel ou commercial
4110 hors_ess    Établissement public national à caractère industriel ou commercial doté d'un comptable public
4120 hors_ess    Établissement public national à caractère industriel ou commercial non doté d'un comptable public
4130 hors_ess    Exploitant public
4140 hors_ess    Établissement public local à caractère industriel ou commercial
4150 hors_ess    Régie d'une collectivité locale à caractère industriel ou commercial
4160 hors_ess    Institution Banque de France
# 51 Société coopérative commerciale particulière
5191 cooperative Société de caution mutuelle
5192 cooperative Société coopérative de banque populaire
5193 cooperative Caisse de crédit maritime mutuel
5194 cooperative Caisse (fédérale) de crédit mutuel
5195 cooperative Association coopérative inscrite (droit local Alsace Moselle)
5196 cooperative Caisse d'épargne et de prévoyance à forme coopérative
# 52 Société en nom collectif
5202 commercial  Société en nom collectif
5203 cooperative Société en nom collectif coopérative
# 53 Société en commandite
5306 commercial  Société en commandite simple
5307 cooperative Société en commandite simple coopérative
5308 commercial  Société en commandite par actions
5309 cooperative Société en commandite par actions coopérative
5310 commercial  Société en libre partenariat (SLP)
5370 commercial  Société de Participations Financières de Profession Libérale Société en commandite par actions (SPFPL SCA)
5385 commercial  Société d'exercice libéral en commandite par actions
# 54 Société à responsabilité limitée (SARL)
5410 commercial  SARL nationale
5415 commercial  SARL d'économie mixte
5422 commercial  SARL immobilière pour le commerce et l'industrie (SICOMI)
5426 commercial  SARL immobilière de gestion
5430 commercial  SARL d'aménagement foncier et d'équipement rural (SAFER)
5431 commercial  SARL mixte d'intérêt agricole (SMIA)
5432 commercial  SARL d'intérêt collectif agricole (SICA)
5442 commercial  SARL d'attribution
5443 cooperative SARL coopérative de construction
5451 cooperative SARL coopérative de consommation
5453 cooperative SARL coopérative artisanale
5454 cooperative SARL coopérative d'intérêt maritime
5455 cooperative SARL coopérative de transport
5458 cooperative SARL coopérative de production (SCOP)
5459 cooperative SARL union de sociétés coopératives
5460 cooperative Autre SARL coopérative
5470 commercial  Société de Participations Financières de Profession Libérale Société à responsabilité limitée (SPFPL SARL)
5485 commercial  Société d'exercice libéral à responsabilité limitée
5499 commercial  Société à responsabilité limitée (sans autre indication)
# 55 Société anonyme à conseil d'administration
5505 commercial  SA à participation ouvrière à conseil d'administration
5510 commercial  SA nationale à conseil d'administration
5515 commercial  SA d'économie mixte à conseil d'administration
5520 commercial  Fonds à forme sociétale à conseil d'administration
5522 commercial  SA immobilière pour le commerce et l'industrie (SICOMI) à conseil d'administration
5525 commercial  SA immobilière d'investissement à conseil d'administration
5530 commercial  SA d'aménagement foncier et d'équipement rural (SAFER) à conseil d'administration
5531 commercial  Société anonyme mixte d'intérêt agricole (SMIA) à conseil d'administration
5532 commercial  SA d'intérêt collectif agricole (SICA) à conseil d'administration
5542 commercial  SA d'attribution à conseil d'administration
5543 cooperative SA coopérative de construction à conseil d'administration
5546 commercial  SA de HLM à conseil d'administration
5547 cooperative SA coopérative de production de HLM à conseil d'administration
5548 commercial  SA de crédit immobilier à conseil d'administration
5551 cooperative SA coopérative de consommation à conseil d'administration
5552 cooperative SA coopérative de commerçants-détaillants à conseil d'administration
5553 cooperative SA coopérative artisanale à conseil d'administration
5554 cooperative SA coopérative (d'intérêt) maritime à conseil d'administration
5555 cooperative SA coopérative de transport à conseil d'administration
5558 cooperative SA coopérative de production (SCOP) à conseil d'administration
5559 cooperative SA union de sociétés coopératives à conseil d'administration
5560 cooperative Autre SA coopérative à conseil d'administration
5570 commercial  Société de Participations Financières de Profession Libérale Société anonyme à conseil d'administration (SPFPL SA à conseil d'administration)
5585 commercial  Société d'exercice libéral à forme anonyme à conseil d'administration
5599 commercial  SA à conseil d'administration (s.a.i.)
# 56 Société anonyme à directoire
5605 commercial  SA à participation ouvrière à directoire
5610 commercial  SA nationale à directoire
5615 commercial  SA d'économie mixte à directoire
5620 commercial  Fonds à forme sociétale à directoire
5622 commercial  SA immobilière pour le commerce et l'industrie (SICOMI) à directoire
5625 commercial  SA immobilière d'investissement à directoire
5630 commercial  Safer anonyme à directoire
5631 commercial  SA mixte d'intérêt agricole (SMIA)
5632 commercial  SA d'intérêt collectif agricole (SICA)
5642 commercial  SA d'attribution à directoire
5643 cooperative SA coopérative de construction à directoire
5646 commercial  SA de HLM à directoire
5647 cooperative Société coopérative de production de HLM anonyme à directoire
5648 commercial  SA de crédit immobilier à directoire
5651 cooperative SA coopérative de consommation à directoire
5652 cooperative SA coopérative de commerçants-détaillants à directoire
5653 cooperative SA coopérative artisanale à directoire
5654 cooperative SA coopérative d'intérêt maritime à directoire
5655 cooperative SA coopérative de transport à directoire
5658 cooperative SA coopérative de production (SCOP) à directoire
5659 cooperative SA union de sociétés coopératives à directoire
5660 cooperative Autre SA coopérative à directoire
5670 commercial  Société de Participations Financières de Profession Libérale Société anonyme à Directoire (SPFPL SA à directoire)
5685 commercial  Société d'exercice libéral à forme anonyme à directoire
5699 commercial  SA à directoire (s.a.i.)
# 57 Société par actions simplifiée
5710 commercial  SAS, société par actions simplifiée
5770 commercial  Société de Participations Financières de Profession Libérale Société par actions simplifiée (SPFPL SAS)
5785 commercial  Société d'exercice libéral par action simplifiée
# 58 Société européenne
5800 commercial  Société européenne
# 61 Caisse d'épargne et de prévoyance
6100 cooperative Caisse d'Épargne et de Prévoyance
# 62 Groupement d'intérêt économique
6210 hors_ess    Groupement européen d'intérêt économique (GEIE)
6220 hors_ess    Groupement d'intérêt économique (GIE)
# 63 Société coopérative agricole
6316 cooperative Coopérative d'utilisation de matériel agricole en commun (CUMA)
6317 cooperative Société coopérative agricole
6318 cooperative Union de sociétés coopératives agricoles
# 64 Société d'assurance mutuelle
6411 mutuelle    Société d'assurance à forme mutuelle
# 65 Société civile
6511 hors_ess    Sociétés Interprofessionnelles de Soins Ambulatoires
6521 hors_ess    Société civile de placement collectif immobilier (SCPI)
6532 hors_ess    Société civile d'intérêt collectif agricole (SICA)
6533 hors_ess    Groupement agricole d'exploitation en commun (GAEC)
6534 hors_ess    Groupement foncier agricole
6535 hors_ess    Groupement agricole foncier
6536 hors_ess    Groupement forestier
6537 hors_ess    Groupement pastoral
6538 hors_ess    Groupement foncier et rural
6539 hors_ess    Société civile foncière
6540 hors_ess    Société civile immobilière
6541 hors_ess    Société civile immobilière de construction-vente
6542 hors_ess    Société civile d'attribution
6543 cooperative Société civile coopérative de construction
6544 hors_ess    Société civile immobilière d' accession progressive à la propriété
6551 cooperative Société civile coopérative de consommation
6554 cooperative Société civile coopérative d'intérêt maritime
6558 cooperative Société civile coopérative entre médecins
6560 cooperative Autre société civile coopérative
6561 hors_ess    SCP d'avocats
6562 hors_ess    SCP d'avocats aux conseils
6563 hors_ess    SCP d'avoués d'appel
6564 hors_ess    SCP d'huissiers
6565 hors_ess    SCP de notaires
6566 hors_ess    SCP de commissaires-priseurs
6567 hors_ess    SCP de greffiers de tribunal de commerce
6568 hors_ess    SCP de conseils juridiques
6569 hors_ess    SCP de commissaires aux comptes
6571 hors_ess    SCP de médecins
6572 hors_ess    SCP de dentistes
6573 hors_ess    SCP d'infirmiers
6574 hors_ess    SCP de masseurs-kinésithérapeutes
6575 hors_ess    SCP de directeurs de laboratoire d'analyse médicale
6576 hors_ess    SCP de vétérinaires
6577 hors_ess    SCP de géomètres experts
6578 hors_ess    SCP d'architectes
6585 hors_ess    Autre société civile professionnelle
6589 hors_ess    Société civile de moyens
6595 cooperative Caisse locale de crédit mutuel
6596 cooperative Caisse de crédit agricole mutuel
6597 hors_ess    Société civile d'exploitation agricole
6598 hors_ess    Exploitation agricole à responsabilité limitée
6599 hors_ess    Autre société civile
# 69 Autre personne morale de droit privé inscrite au registre du commerce et des sociétés
6901 hors_ess    Autre personne de droit privé inscrite au registre du commerce et des sociétés
# 71 Administration de l'état
7111 hors_ess    Autorité constitutionnelle
7112 hors_ess    Autorité administrative ou publique indépendante
7113 hors_ess    Ministère
7120 hors_ess    Service central d'un ministère
7150 hors_ess    Service du ministère de la Défense
7160 hors_ess    Service déconcentré à compétence nationale d'un ministère (hors Défense)
7171 hors_ess    Service déconcentré de l'État à compétence (inter) régionale
7172 hors_ess    Service déconcentré de l'État à compétence (inter) départementale
7179 hors_ess    (Autre) Service déconcentré de l'État à compétence territoriale
7190 hors_ess    Ecole nationale non dotée de la personnalité morale
# 72 Collectivité territoriale
7210 hors_ess    Commune et commune nouvelle
7220 hors_ess    Département
7225 hors_ess    Collectivité et territoire d'Outre Mer
7229 hors_ess    (Autre) Collectivité territoriale
7230 hors_ess    Région
# 73 Etablissement public administratif
7312 hors_ess    Commune associée et commune déléguée
7313 hors_ess    Section de commune
7314 hors_ess    Ensemble urbain
7321 hors_ess    Association syndicale autorisée
7322 hors_ess    Association foncière urbaine
7323 hors_ess    Association foncière de remembrement
7331 hors_ess    Établissement public local d'enseignement
7340 hors_ess    Pôle métropolitain
7341 hors_ess    Secteur de commune
7342 hors_ess    District urbain
7343 hors_ess    Communauté urbaine
7344 hors_ess    Métropole
7345 hors_ess    Syndicat intercommunal à vocation multiple (SIVOM)
7346 hors_ess    Communauté de communes
7347 hors_ess    Communauté de villes
7348 hors_ess    Communauté d'agglomération
7349 hors_ess    Autre établissement public local de coopération non spécialisé ou entente
7351 hors_ess    Institution interdépartementale ou entente
7352 hors_ess    Institution interrégionale ou entente
7353 hors_ess    Syndicat intercommunal à vocation unique (SIVU)
7354 hors_ess    Syndicat mixte fermé
7355 hors_ess    Syndicat mixte ouvert
7356 hors_ess    Commission syndicale pour la gestion des biens indivis des communes
7357 hors_ess    Pôle d'équilibre territorial et rural (PETR)
7361 hors_ess    Centre communal d'action sociale
7362 hors_ess    Caisse des écoles
7363 hors_ess    Caisse de crédit municipal
7364 hors_ess    Établissement d'hospitalisation
7365 hors_ess    Syndicat inter hospitalier
7366 hors_ess    Établissement public local social et médico-social
7367 hors_ess    Centre Intercommunal d'action sociale (CIAS)
7371 hors_ess    Office public d'habitation à loyer modéré (OPHLM)
7372 hors_ess    Service départemental d'incendie et de secours (SDIS)
7373 hors_ess    Établissement public local culturel
7378 hors_ess    Régie d'une collectivité locale à caractère administratif
7379 hors_ess    (Autre) Établissement public administratif local
7381 hors_ess    Organisme consulaire
7382 hors_ess    Établissement public national ayant fonction d'administration centrale
7383 hors_ess    Établissement public national à caractère scientifique culturel et professionnel
7384 hors_ess    Autre établissement public national d'enseignement
7385 hors_ess    Autre établissement public national administratif à compétence territoriale limitée
7389 hors_ess    Établissement public national à caractère administratif
# 74 Autre personne morale de droit public administratif
7410 hors_ess    Groupement d'intérêt public (GIP)
7430 hors_ess    Établissement public des cultes d'Alsace-Lorraine
7450 hors_ess    Etablissement public administratif, cercle et foyer dans les armées
7470 hors_ess    Groupement de coopération sanitaire à gestion publique
7490 hors_ess    Autre personne morale de droit administratif
# 81 Organisme gérant un régime de protection sociale à adhésion obligatoire
8110 hors_ess    Régime général de la Sécurité Sociale
8120 hors_ess    Régime spécial de Sécurité Sociale
8130 hors_ess    Institution de retraite complémentaire
8140 hors_ess    Mutualité sociale agricole
8150 hors_ess    Régime maladie des non-salariés non agricoles
8160 hors_ess    Régime vieillesse ne dépendant pas du régime général de la Sécurité Sociale
8170 hors_ess    Régime d'assurance chômage
8190 hors_ess    Autre régime de prévoyance sociale
# 82 Organisme mutualiste
8210 mutuelle    Mutuelle
8250 mutuelle    Assurance mutuelle agricole
8290 mutuelle    Autre organisme mutualiste
# 83 Comité d'entreprise
8310 hors_ess    Comité social économique d’entreprise
8311 hors_ess    Comité social économique d'établissement
# 84 Organisme professionnel
8410 hors_ess    Syndicat de salariés
8420 hors_ess    Syndicat patronal
8450 hors_ess    Ordre professionnel ou assimilé
8470 hors_ess    Centre technique industriel ou comité professionnel du développement économique
8490 hors_ess    Autre organisme professionnel
# 85 Organisme de retraite à adhésion non obligatoire
8510 hors_ess    Institution de prévoyance
8520 hors_ess    Institution de retraite supplémentaire
# 91 Syndicat de propriétaires
9110 hors_ess    Syndicat de copropriété
9150 hors_ess    Association syndicale libre
# 92 Association loi 1901 ou assimilé
9210 association Association non déclarée
9220 association Association déclarée
9221 association Association déclarée d'insertion par l'économique
9222 association Association intermédiaire
9223 association Groupement d'employeurs
9224 hors_ess    Association d'avocats à responsabilité professionnelle individuelle
9230 association Association déclarée, reconnue d'utilité publique
9240 hors_ess    Congrégation
9260 association Association de droit local (Bas-Rhin, Haut-Rhin et Moselle)
# 93 Fondation
9300 fondation   Fondation
# 99 Autre personne morale de droit privé
9900 hors_ess    Autre personne morale de droit privé
9970 hors_ess    Groupement de coopération sanitaire à gestion privée
"""


def parse_table(text: str = TABLE) -> list[tuple[str, str, str]]:
    """(code, family, label) for every code line of the table, in INSEE order."""
    rows = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        code, family, label = line.split(maxsplit=2)
        rows.append((code, family, label))
    return rows
