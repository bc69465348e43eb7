"""Uploaded files and the SCDL export."""

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404

from essor.accounts.models import Organisation
from essor.calls import perms, scdl, uploads
from essor.calls.models import Application, ApplicationDocument
from essor.calls.views.common import require, signed_in


@signed_in
def document(request, pk: int):
    """Serves a file to the applicant, the assigned reviewers and the call's staff; 404 to others."""
    visible = Application.objects.visible_to(request.user)
    doc = get_object_or_404(ApplicationDocument, pk=pk, application__in=visible)
    require(perms.can_view_document(request.user, doc))
    path = uploads.path_of(doc.stored_name)
    if not path.is_file():
        raise Http404
    response = FileResponse(
        path.open("rb"),
        content_type=doc.content_type,
        as_attachment=True,
        filename=doc.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def scdl_csv(request, organisation_slug: str):
    organisation = get_object_or_404(Organisation, slug=organisation_slug)
    require(perms.can_export_scdl(request.user, organisation))
    try:
        text = scdl.to_csv(scdl.rows(organisation))
    except ValidationError as error:
        return HttpResponse(
            "\n".join(error.messages), status=409, content_type="text/plain; charset=utf-8"
        )
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    filename = f"subventions-{organisation.slug}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
