from django.db import models
from django.utils.translation import gettext_lazy as _


class CallKind(models.TextChoices):
    PROJECTS = "aap", _("Appel à projets")
    INTEREST = "ami", _("Appel à manifestation d'intérêt")
    INITIATIVES = "aai", _("Appel à initiatives")


class Stage(models.TextChoices):
    IDEA = "idee", _("Idée")
    STARTING = "amorcage", _("Amorçage")
    GROWING = "developpement", _("Développement")
    SCALING = "essaimage", _("Changement d'échelle, essaimage")


class CallStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    PUBLISHED = "published", _("Publié")
    CLOSED = "closed", _("Clos")


class FieldKind(models.TextChoices):
    TEXT = "text", _("Texte court")
    LONG_TEXT = "long_text", _("Texte long")
    NUMBER = "number", _("Nombre")
    AMOUNT = "amount", _("Montant (€)")
    CHOICE = "choice", _("Choix dans une liste")
    DATE = "date", _("Date")
    FILE = "file", _("Fichier")


class ApplicationState(models.TextChoices):
    DRAFT = "brouillon", _("Brouillon")
    SUBMITTED = "depose", _("Déposé")
    ADMISSIBLE = "recevable", _("Recevable")
    INADMISSIBLE = "irrecevable", _("Irrecevable")
    REVIEWING = "en_instruction", _("En instruction")
    REVIEWED = "avis_rendus", _("Avis rendus")
    COMMITTEE = "en_comite", _("En comité")
    ACCEPTED = "accepte", _("Accepté")
    REFUSED = "refuse", _("Refusé")
    DROPPED = "sans_suite", _("Classé sans suite")


class PaymentKind(models.TextChoices):
    ADVANCE = "advance", _("Avance")
    INSTALMENT = "instalment", _("Échéance")
    BALANCE = "balance", _("Solde")
