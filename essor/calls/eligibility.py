"""Eligibility of an application to its call, checked before submission.

Legal-form family and commune come from the current Sirene import when the structure is in it
(ESS legal units only), else from what the applicant declared. Returns French reasons; empty = ok.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from essor.calls.enums import FieldKind, Stage
from essor.calls.models import Application
from essor.ess.enums import EssFamily
from essor.lib.identifiers import is_valid_siret


@dataclass(frozen=True)
class Structure:
    name: str = ""
    family: str = ""
    commune: str = ""
    source: str = "declared"


def structure_from_sirene(siret: str) -> Structure | None:
    """What the current Sirene import knows about the establishment `siret`, or None."""
    from essor.sirene.models import Establishment, LegalUnit

    unit = LegalUnit.objects.current().filter(siren=siret[:9]).first()
    if unit is None:
        return None
    establishment = Establishment.objects.current().filter(siret=siret).first()
    return Structure(
        name=unit.name or unit.usual_name or unit.sigle,
        family=unit.family,
        commune=establishment.commune_code if establishment else "",
        source="sirene",
    )


def effective_structure(application: Application) -> Structure:
    known = structure_from_sirene(application.siret)
    declared = Structure(
        name=application.structure_name,
        family=application.declared_family,
        commune=application.declared_commune,
    )
    if known is None:
        return declared
    return Structure(
        name=known.name or declared.name,
        family=known.family or declared.family,
        commune=known.commune or declared.commune,
        source="sirene",
    )


def allowed_communes(call) -> set[str]:
    codes = set(call.communes.values_list("code", flat=True))
    return codes or set(call.organisation.communes.values_list("code", flat=True))


def _label(choices, value: str) -> str:
    return str(dict(choices).get(value, value))


def _missing_answers(application: Application) -> list[str]:
    problems = []
    documents = list(application.documents.all())
    for field in application.call.fields.all():
        if not field.required:
            continue
        if field.kind == FieldKind.FILE:
            present = any(d.field_id == field.pk for d in documents)
        else:
            present = str(application.answers.get(field.key, "")).strip() != ""
        if not present:
            problems.append(_("Champ obligatoire non rempli : « %s ».") % field.label)
    labels = {d.label for d in documents}
    for label in application.call.required_documents:
        if label not in labels:
            problems.append(_("Pièce obligatoire manquante : « %s ».") % label)
    return problems


def eligibility_problems(application: Application) -> list[str]:
    call = application.call
    problems = []
    if not is_valid_siret(application.siret):
        problems.append(_("Le SIRET de la structure n'est pas valide."))
    if not application.project_title.strip():
        problems.append(_("Indiquez l'intitulé du projet."))
    if application.amount_requested is None:
        problems.append(_("Indiquez le montant demandé."))
    structure = effective_structure(application)
    if call.eligible_families:
        if not structure.family:
            problems.append(_("Indiquez la forme juridique de la structure."))
        elif structure.family not in call.eligible_families:
            problems.append(
                _("La forme juridique « %s » n'est pas admise par cet appel.")
                % _label(EssFamily.choices, structure.family)
            )
    communes = allowed_communes(call)
    if communes:
        if not structure.commune:
            problems.append(_("Indiquez la commune du siège de la structure."))
        elif structure.commune not in communes:
            problems.append(_("La structure n'est pas située sur le territoire de l'appel."))
    if call.eligible_stages and application.stage not in call.eligible_stages:
        problems.append(
            _("Le stade du projet doit être : %s.")
            % ", ".join(_label(Stage.choices, s) for s in call.eligible_stages)
        )
    if call.max_employees is not None:
        if application.employees is None:
            problems.append(_("Indiquez l'effectif salarié de la structure."))
        elif application.employees > call.max_employees:
            problems.append(
                _("L'effectif salarié dépasse le maximum de l'appel (%d).") % call.max_employees
            )
    return problems + _missing_answers(application)
