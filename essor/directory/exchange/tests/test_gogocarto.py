"""GoGoCarto export import (from a generated fixture file) and scheduled refresh of an external
source served by a local HTTP server."""

import http.server
import json
import threading
from functools import partial

import pytest
from django.core.management import call_command

from essor.directory.enums import ModerationStatus, VersionKind, VersionStatus
from essor.directory.exchange import importers
from essor.directory.exchange.enums import BatchKind, BatchStatus, RowStatus, RunStatus
from essor.directory.exchange.files import FileRefused
from essor.directory.exchange.importers import common
from essor.directory.exchange.models import ExternalSource, SourceRun
from essor.directory.exchange.tests.conftest import head_siret
from essor.directory.models import Actor, ActorVersion


def element(id_, name, locality, postal, **extra):
    return {
        "id": id_,
        "name": name,
        "geo": {"latitude": 47.2101, "longitude": -1.5602},
        "address": {
            "streetAddress": "3 rue des Olivettes",
            "postalCode": postal,
            "addressLocality": locality,
            "addressCountry": "FR",
        },
        "categories": extra.pop("categories", []),
        "status": extra.pop("status", 1),
        **extra,
    }


def export(sirene) -> dict:
    """A GoGoCarto export as /api/elements.json answers it."""
    return {
        "licence": "https://opendatacommons.org/licenses/odbl/summary/",
        "ontology": "gogofull",
        "data": [
            element(
                "a1",
                "Atelier du réemploi",
                "Nantes",
                "44000",
                data={"siret": head_siret(sirene["atelier"])},
                website="https://atelier.exemple.fr",
            ),
            element(
                "b2",
                "Épicerie solidaire du Centre",
                "Nantes",
                "44000",
                categories=["Alimentation durable", "Tiers-lieu", {"name": "Vélo"}],
                description="Épicerie à prix choisis.",
                email="epicerie@exemple.fr",
            ),
            element("c3", "Élément supprimé", "Nantes", "44000", status=-4),
            element("d4", "Ajout en attente", "Nantes", "44000", status=0),
            element("e5", "Jardins d'Angers", "Angers", "49000"),
        ],
    }


def as_bytes(document) -> bytes:
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


def start(people, data: bytes):
    return importers.start_batch(
        people["org"], people["moderator"], kind=BatchKind.GOGOCARTO, data=data, file_name="e.json"
    )


def test_gogocarto_export_preview_and_confirm(tmp_path, sirene, people):
    path = tmp_path / "elements.json"
    path.write_bytes(as_bytes(export(sirene)))
    batch = start(people, path.read_bytes())
    assert batch.status == BatchStatus.PREVIEWED
    rows = {row["source_ref"]: row for row in batch.preview}
    assert rows["a1"]["status"] == RowStatus.MATCHED and rows["a1"]["match"] == "siret"
    assert rows["b2"]["status"] == RowStatus.NEW
    assert rows["b2"]["values"]["themes"] == ["alimentation_durable"]
    assert rows["b2"]["values"]["labels"] == ["tiers_lieu"]
    assert rows["b2"]["values"]["lat"] == 47.2101
    assert any("Vélo" in w for w in rows["b2"]["warnings"])
    assert "supprimé" in rows["c3"]["reasons"][0]
    assert "en attente" in rows["d4"]["reasons"][0]
    assert "hors du territoire" in rows["e5"]["reasons"][0]
    result = common.apply(batch, people["moderator"])
    assert result["created"] == 2
    epicerie = Actor.objects.get(name="Épicerie solidaire du Centre")
    assert epicerie.status == ModerationStatus.VALIDATED
    assert (epicerie.commune_id, epicerie.public_email) == ("44109", "epicerie@exemple.fr")
    assert epicerie.source == f"import:{batch.pk}" and epicerie.source_ref == "b2"
    atelier = Actor.objects.get(siren=sirene["atelier"].siren)
    assert atelier.website == "https://atelier.exemple.fr"


@pytest.mark.parametrize(
    "data,message",
    [
        (b"SIRET;Nom\n1;2\n", "JSON"),
        (b'{"foo": 1}', "pas un export GoGoCarto"),
        (b'{"data": [1, 2]', "JSON illisible"),
    ],
)
def test_files_that_are_not_gogocarto_exports_are_refused(people, data, message):
    before = Actor.objects.count()
    with pytest.raises(FileRefused) as error:
        start(people, data)
    assert message in " ".join(error.value.messages)
    assert Actor.objects.count() == before


# Refresh from a local HTTP server -----------------------------------------------------------
class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def served(tmp_path):
    root = tmp_path / "www"
    root.mkdir()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=root))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_refresh_proposes_pending_changes_once_and_logs_each_run(served, sirene, people):
    root, base = served
    document = export(sirene)
    (root / "elements.json").write_bytes(as_bytes(document))
    known = Actor.objects.create(
        slug="epicerie", name="Épicerie solidaire du Centre", status="validated", commune_id="44109"
    )
    source = ExternalSource.objects.create(
        organisation=people["org"],
        name="Carte des alternatives",
        url=f"{base}/elements.json",
        format="gogocarto",
        created_by=people["moderator"],
    )
    call_command("refresh_directory_sources")  # never run: due
    run = SourceRun.objects.get()
    assert run.status == RunStatus.SUCCEEDED, run.message
    # Nothing is validated automatically.
    atelier = Actor.objects.get(siren=sirene["atelier"].siren)
    assert atelier.website == ""
    pending = ActorVersion.objects.filter(status=VersionStatus.PENDING)
    assert {v.actor_id for v in pending} == {atelier.pk, known.pk}
    assert all(v.kind == VersionKind.MODIFICATION for v in pending)
    known.refresh_from_db()
    assert known.status == ModerationStatus.MODIFIED_PENDING
    assert known.description == ""  # proposed, not applied
    # Same content: nothing to do.
    call_command("refresh_directory_sources", "--force")
    assert SourceRun.objects.first().status == RunStatus.UNCHANGED
    # New content, same proposals still pending: not proposed twice; a new element arrives
    # as a pending actor.
    document["data"].append(element("f6", "Recyclerie de Rezé", "Rezé", "44400"))
    (root / "elements.json").write_bytes(as_bytes(document))
    call_command("refresh_directory_sources", "--force")
    assert SourceRun.objects.first().status == RunStatus.SUCCEEDED
    assert (
        ActorVersion.objects.filter(
            status=VersionStatus.PENDING, actor__in=[atelier, known]
        ).count()
        == 2
    )
    new = Actor.objects.get(name="Recyclerie de Rezé")
    assert new.status == ModerationStatus.PENDING
    assert new.versions.get().status == VersionStatus.PENDING
    # Not due again before a week.
    count = SourceRun.objects.count()
    call_command("refresh_directory_sources")
    assert SourceRun.objects.count() == count
    source.refresh_from_db()
    assert source.last_run_at is not None


@pytest.mark.parametrize(
    "name,content,options,message",
    [
        ("absent.json", None, [], "HTTP 404"),
        ("page.json", b"<html><body>Erreur</body></html>", [], "ni un CSV"),
        ("gros.json", b"[" + b" " * 5000 + b"]", ["--max-bytes", "1000"], "trop volumineuse"),
    ],
)
def test_a_failed_refresh_is_logged_and_writes_nothing(
    served, people, name, content, options, message
):
    root, base = served
    if content is not None:
        (root / name).write_bytes(content)
    ExternalSource.objects.create(
        organisation=people["org"], name="Source", url=f"{base}/{name}", format="gogocarto"
    )
    before = Actor.objects.count(), ActorVersion.objects.count()
    call_command("refresh_directory_sources", "--force", *options)
    run = SourceRun.objects.get()
    assert run.status == RunStatus.FAILED
    assert message in run.message
    assert (Actor.objects.count(), ActorVersion.objects.count()) == before


def test_an_unreachable_source_fails_cleanly(people):
    ExternalSource.objects.create(
        organisation=people["org"],
        name="Source",
        url="http://127.0.0.1:9/x.json",
        format="gogocarto",
    )
    call_command("refresh_directory_sources", "--force", "--timeout", "2")
    assert "injoignable" in SourceRun.objects.get().message


def test_refresh_of_a_csv_source_uses_its_mapping(served, sirene, people):
    from essor.directory.exchange.tests.helpers import MAPPING, csv_bytes

    root, base = served
    rows = [["", "Recyclerie de Rezé", "", "Rezé", "44400", "recyclerie.exemple.fr", "", ""]]
    (root / "membres.csv").write_bytes(csv_bytes(rows, encoding="cp1252"))
    ExternalSource.objects.create(
        organisation=people["org"],
        name="Liste du réseau",
        url=f"{base}/membres.csv",
        format="csv",
        mapping=MAPPING,
    )
    call_command("refresh_directory_sources", "--force")
    run = SourceRun.objects.get()
    assert run.status == RunStatus.SUCCEEDED, run.message
    actor = Actor.objects.get(name="Recyclerie de Rezé")
    assert actor.status == ModerationStatus.PENDING
    assert actor.website == "https://recyclerie.exemple.fr"
    assert actor.versions.get().status == VersionStatus.PENDING


def test_a_gogocarto_preview_can_switch_its_conflict_policy(client, sirene, people):
    actor = Actor.objects.create(
        slug="epicerie",
        name="Épicerie solidaire du Centre",
        status="validated",
        commune_id="44109",
        description="Ancienne description",
    )
    batch = start(people, as_bytes(export(sirene)))
    row = next(r for r in batch.preview if r["actor_id"] == actor.pk)
    assert row["status"] == RowStatus.CONFLICT and "description" not in row["values"]
    client.force_login(people["moderator"])
    client.post(f"/annuaire/imports/lot/{batch.pk}/conflits/", {"conflict_policy": "replace"})
    batch.refresh_from_db()
    row = next(r for r in batch.preview if r["actor_id"] == actor.pk)
    assert row["values"]["description"] == "Épicerie à prix choisis."
