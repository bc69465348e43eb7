"""Export of a call's applications with the columns the staff choose (CSV or XLSX)."""

import csv
import io

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

COLUMNS = {
    "reference": (_("Référence"), lambda a: a.reference),
    "etat": (_("État"), lambda a: a.get_state_display()),
    "structure": (_("Structure"), lambda a: a.structure_name),
    "siret": (_("SIRET"), lambda a: a.siret),
    "projet": (_("Projet"), lambda a: a.project_title),
    "depot": (
        _("Déposé le"),
        lambda a: (
            timezone.localtime(a.submitted_at).strftime("%Y-%m-%d %H:%M:%S")
            if a.submitted_at
            else ""
        ),
    ),
    "demande": (_("Montant demandé"), lambda a: a.amount_requested),
    "propose": (_("Montant proposé"), lambda a: a.amount_proposed),
    "accorde": (_("Montant accordé"), lambda a: a.amount_granted),
    "candidat": (_("Contact"), lambda a: a.applicant.email),
    "commune": (_("Commune déclarée"), lambda a: a.declared_commune),
    "forme": (_("Forme juridique déclarée"), lambda a: a.get_declared_family_display()),
}
DEFAULT = ["reference", "etat", "structure", "siret", "projet", "demande"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def table(applications, chosen: list[str]) -> tuple[list[str], list[list]]:
    header = [str(COLUMNS[c][0]) for c in chosen]
    rows = [[COLUMNS[c][1](a) for c in chosen] for a in applications.select_related("applicant")]
    return header, rows


def _plain(value):
    return "" if value is None else value


def applications_response(call, applications, chosen: list[str], fmt: str) -> HttpResponse:
    header, rows = table(applications, chosen)
    name = f"candidatures-{call.slug}"
    if fmt == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "Candidatures"
        sheet.append(header)
        for row in rows:
            sheet.append([_plain(v) if not hasattr(v, "as_tuple") else float(v) for v in row])
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows([[_plain(v) for v in row] for row in rows])
    return response
