from essor.sirene.models import ImportRun


def data_status(request):
    """The current Sirene import, so every page can say its source, date and whether it is synthetic."""
    return {"current_import": ImportRun.objects.filter(is_current=True).first()}
