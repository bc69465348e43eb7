"""Writes on grids and assessments: check, write, audit — one function each.

A draft version (not published) can be edited; publishing freezes it. To change a published grid,
`new_version_from` copies it into a new draft. Assessments are only made on published versions.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from essor.accounts import audit
from essor.innovation.models import (
    Assessment,
    Category,
    Criterion,
    Grid,
    GridVersion,
    QuickQuestion,
    Score,
)

QUICK_ANSWERS = ("oui", "en_partie", "non")
CATEGORY_FIELDS = ["title", "description", "position"]
CRITERION_FIELDS = ["label", "guidance", "scale", "weight", "required", "position"]
QUESTION_FIELDS = ["text", "position"]


def _check_draft(version: GridVersion) -> None:
    if version.is_frozen:
        raise ValidationError(_("version publiée : créez une nouvelle version"))


def validate_scale(scale) -> None:
    """A scale is a non-empty list of {"value": int ≥ 0, "label": str}, strictly increasing."""
    if not isinstance(scale, list) or not scale:
        raise ValidationError(_("L'échelle doit compter au moins un niveau."))
    values = []
    for level in scale:
        value = level.get("value") if isinstance(level, dict) else None
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ValidationError(_("Chaque niveau doit avoir une valeur entière positive."))
        if not str(level.get("label", "")).strip():
            raise ValidationError(_("Chaque niveau de l'échelle doit avoir un libellé."))
        values.append(value)
    if values != sorted(set(values)):
        raise ValidationError(_("Les niveaux de l'échelle doivent être croissants et distincts."))


def _next_position(queryset) -> int:
    last = queryset.order_by("-position").values_list("position", flat=True).first()
    return 0 if last is None else last + 1


def _update(instance, fields: list[str], values: dict, *, action: str, actor, source: str):
    unknown = set(values) - set(fields)
    if unknown:
        raise ValidationError(_("Champs non modifiables : %s") % ", ".join(sorted(unknown)))
    before = audit.snapshot(instance, list(values))
    for name, value in values.items():
        setattr(instance, name, value)
    instance.full_clean()
    instance.save(update_fields=list(values))
    changes = audit.diff(before, audit.snapshot(instance, list(values)))
    audit.record(actor, action, instance, changes=changes, source=source)
    return instance


@transaction.atomic
def create_grid(
    *,
    name: str,
    slug: str,
    description: str = "",
    organisation=None,
    is_default: bool = False,
    actor,
    source: str = "web",
) -> Grid:
    """Creates a grid and its first, empty, draft version (number 1)."""
    if Grid.objects.filter(slug=slug).exists():
        raise ValidationError(_("Une grille « %s » existe déjà.") % slug)
    grid = Grid.objects.create(
        name=name,
        slug=slug,
        description=description,
        organisation=organisation,
        is_default=is_default,
    )
    GridVersion.objects.create(grid=grid, number=1)
    audit.record(
        actor,
        "innovation.grid.created",
        grid,
        organisation=organisation,
        changes={"name": [None, name], "slug": [None, slug], "is_default": [None, is_default]},
        source=source,
    )
    return grid


@transaction.atomic
def add_category(
    version: GridVersion, *, title: str, description: str = "", actor, source: str = "web"
) -> Category:
    _check_draft(version)
    category = Category.objects.create(
        version=version,
        title=title,
        description=description,
        position=_next_position(version.categories.all()),
    )
    changes = {"version": [None, version.pk], "title": [None, title]}
    audit.record(actor, "innovation.category.added", category, changes=changes, source=source)
    return category


@transaction.atomic
def update_category(category: Category, *, actor, source: str = "web", **values) -> Category:
    _check_draft(category.version)
    return _update(
        category,
        CATEGORY_FIELDS,
        values,
        action="innovation.category.updated",
        actor=actor,
        source=source,
    )


@transaction.atomic
def add_criterion(
    category: Category,
    *,
    label: str,
    scale: list[dict],
    guidance: str = "",
    weight: Decimal | int | str = 1,
    required: bool = False,
    actor,
    source: str = "web",
) -> Criterion:
    _check_draft(category.version)
    validate_scale(scale)
    if Decimal(str(weight)) <= 0:
        raise ValidationError(_("Le poids d'un critère doit être strictement positif."))
    criterion = Criterion.objects.create(
        category=category,
        label=label,
        guidance=guidance,
        scale=scale,
        weight=Decimal(str(weight)),
        required=required,
        position=_next_position(category.criteria.all()),
    )
    changes = {
        "category": [None, category.pk],
        "label": [None, label],
        "weight": [None, str(criterion.weight)],
        "required": [None, required],
    }
    audit.record(actor, "innovation.criterion.added", criterion, changes=changes, source=source)
    return criterion


@transaction.atomic
def update_criterion(criterion: Criterion, *, actor, source: str = "web", **values) -> Criterion:
    _check_draft(criterion.category.version)
    if "scale" in values:
        validate_scale(values["scale"])
    if "weight" in values:
        values["weight"] = Decimal(str(values["weight"]))
        if values["weight"] <= 0:
            raise ValidationError(_("Le poids d'un critère doit être strictement positif."))
    return _update(
        criterion,
        CRITERION_FIELDS,
        values,
        action="innovation.criterion.updated",
        actor=actor,
        source=source,
    )


@transaction.atomic
def remove_criterion(criterion: Criterion, *, actor, source: str = "web") -> None:
    _check_draft(criterion.category.version)
    changes = {"label": [criterion.label, None]}
    audit.record(actor, "innovation.criterion.removed", criterion, changes=changes, source=source)
    criterion.delete()


@transaction.atomic
def add_question(version: GridVersion, *, text: str, actor, source: str = "web") -> QuickQuestion:
    _check_draft(version)
    question = QuickQuestion.objects.create(
        version=version, text=text, position=_next_position(version.questions.all())
    )
    changes = {"version": [None, version.pk], "text": [None, text]}
    audit.record(actor, "innovation.question.added", question, changes=changes, source=source)
    return question


@transaction.atomic
def update_question(
    question: QuickQuestion, *, actor, source: str = "web", **values
) -> QuickQuestion:
    _check_draft(question.version)
    return _update(
        question,
        QUESTION_FIELDS,
        values,
        action="innovation.question.updated",
        actor=actor,
        source=source,
    )


@transaction.atomic
def publish_version(version: GridVersion, *, actor, source: str = "web") -> GridVersion:
    """Freezes a draft version; it needs at least one criterion."""
    version = GridVersion.objects.select_for_update().get(pk=version.pk)
    _check_draft(version)
    if not Criterion.objects.filter(category__version=version).exists():
        raise ValidationError(_("Une version sans critère ne peut pas être publiée."))
    version.published_at = timezone.now()
    version.save(update_fields=["published_at"])
    changes = {"published_at": [None, version.published_at.isoformat()]}
    audit.record(
        actor,
        "innovation.version.published",
        version,
        organisation=version.grid.organisation,
        changes=changes,
        source=source,
    )
    return version


@transaction.atomic
def new_version_from(
    version: GridVersion, *, actor=None, notes: str = "", source: str = "web"
) -> GridVersion:
    """A new draft version of the same grid holding a copy of every category, criterion and quick
    question of `version`. Its number follows the grid's highest number."""
    grid = Grid.objects.select_for_update().get(pk=version.grid_id)
    number = (grid.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    copy = GridVersion.objects.create(grid=grid, number=number, notes=notes)
    for category in version.categories.prefetch_related("criteria"):
        new_category = Category.objects.create(
            version=copy,
            title=category.title,
            description=category.description,
            position=category.position,
        )
        Criterion.objects.bulk_create(
            Criterion(
                category=new_category,
                label=c.label,
                guidance=c.guidance,
                scale=c.scale,
                weight=c.weight,
                required=c.required,
                position=c.position,
            )
            for c in category.criteria.all()
        )
    QuickQuestion.objects.bulk_create(
        QuickQuestion(version=copy, text=q.text, position=q.position)
        for q in version.questions.all()
    )
    changes = {"copied_from": [None, version.pk], "number": [None, number]}
    audit.record(
        actor,
        "innovation.version.created",
        copy,
        organisation=grid.organisation,
        changes=changes,
        source=source,
    )
    return copy


def _clean_scores(version: GridVersion, scores: dict) -> dict[int, tuple[int, str]]:
    criteria = {c.pk: c for c in Criterion.objects.filter(category__version=version)}
    errors: dict[str, list[str]] = {}
    cleaned: dict[int, tuple[int, str]] = {}
    for key, given in scores.items():
        value, comment = given if isinstance(given, (tuple, list)) else (given, "")
        criterion = criteria.get(int(key)) if str(key).isdigit() else None
        if criterion is None:
            errors.setdefault("__all__", []).append(
                _("Le critère n° %s n'appartient pas à cette version de la grille.") % key
            )
            continue
        if value is None or value == "":
            continue
        allowed = [level["value"] for level in criterion.scale]
        if not isinstance(value, int) or isinstance(value, bool) or value not in allowed:
            errors[f"criterion_{criterion.pk}"] = [
                _("Note « %(value)s » hors de l'échelle (%(allowed)s).")
                % {"value": value, "allowed": ", ".join(str(v) for v in allowed)}
            ]
            continue
        cleaned[criterion.pk] = (value, comment or "")
    for criterion in criteria.values():
        if criterion.required and criterion.pk not in cleaned:
            errors.setdefault(f"criterion_{criterion.pk}", []).append(
                _("Ce critère est obligatoire : choisissez un niveau.")
            )
    if errors:
        raise ValidationError(errors)
    return cleaned


def _clean_quick_answers(version: GridVersion, answers: dict) -> dict[str, str]:
    ids = {str(pk) for pk in version.questions.values_list("pk", flat=True)}
    cleaned = {}
    for key, answer in answers.items():
        if str(key) not in ids or answer not in QUICK_ANSWERS:
            raise ValidationError(_("Réponse invalide à une question rapide."))
        cleaned[str(key)] = answer
    return cleaned


@transaction.atomic
def save_assessment(
    version: GridVersion,
    scores: dict,
    *,
    author,
    subject_type: str,
    subject_id: str,
    comment: str = "",
    quick_answers: dict | None = None,
    source: str = "web",
) -> Assessment:
    """Validates `scores` ({criterion_id: (value, comment)}, value None = not scored) against each
    criterion's scale and the required criteria, then writes the assessment.

    With an author, saving again for the same version and subject updates that author's assessment
    (scores not given are removed); without an author (anonymous self-diagnosis) a new assessment is
    created each time. Errors are a ValidationError keyed `criterion_<id>`.
    """
    if not version.is_frozen:
        raise ValidationError(_("Cette version de la grille n'est pas publiée."))
    cleaned = _clean_scores(version, scores)
    answers = _clean_quick_answers(version, quick_answers or {})
    author = author if getattr(author, "pk", None) else None
    fields = {"comment": comment, "quick_answers": answers}
    created = True
    if author is None:
        assessment = Assessment.objects.create(
            version=version, subject_type=subject_type, subject_id=str(subject_id), **fields
        )
    else:
        # The unique constraint makes this safe when the same author saves twice at once.
        assessment, created = Assessment.objects.select_for_update().get_or_create(
            version=version,
            author=author,
            subject_type=subject_type,
            subject_id=str(subject_id),
            defaults=fields,
        )
    before = {}
    if created:
        action = "innovation.assessment.created"
    else:
        before = {str(s.criterion_id): s.value for s in assessment.scores.all()}
        assessment.comment = comment
        assessment.quick_answers = answers
        assessment.save(update_fields=["comment", "quick_answers", "updated_at"])
        assessment.scores.all().delete()
        action = "innovation.assessment.updated"
    Score.objects.bulk_create(
        Score(assessment=assessment, criterion_id=pk, value=value, comment=text)
        for pk, (value, text) in cleaned.items()
    )
    after = {str(pk): value for pk, (value, _text) in cleaned.items()}
    changes = {"scores": [before or None, after]} if before != after else {}
    if answers:
        changes["quick_answers"] = [None, answers]
    audit.record(author, action, assessment, changes=changes, source=source)
    return assessment
