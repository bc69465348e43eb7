"""Member-list imports: preview classification (CSV and XLSX), whole-file errors that write
nothing, confirmation that writes exactly the preview, audit and permissions."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from essor.accounts.models import AuditEntry
from essor.directory.enums import ModerationStatus, VersionStatus
from essor.directory.exchange import importers
from essor.directory.exchange.enums import BatchKind, BatchStatus, ConflictPolicy, RowStatus
from essor.directory.exchange.files import FileRefused, decode, read_table
from essor.directory.exchange.importers import common
from essor.directory.exchange.models import ImportBatch
from essor.directory.exchange.tests.helpers import MAPPING, csv_bytes, scenario, xlsx_bytes
from essor.directory.models import Actor, ActorVersion
from essor.lib.identifiers import is_valid_siret


def written_counts() -> tuple[int, int, int]:
    return Actor.objects.count(), ActorVersion.objects.count(), AuditEntry.objects.count()


def preview_for(people, data: bytes, name="membres.csv", policy=ConflictPolicy.KEEP):
    batch = importers.start_batch(
        people["org"], people["moderator"], kind=BatchKind.MEMBERS, data=data, file_name=name
    )
    importers.set_mapping(batch, MAPPING, policy)
    batch.refresh_from_db()
    return batch


def by_name(batch) -> dict:
    return {row["name"].casefold(): row for row in batch.preview}


@pytest.fixture
def case(sirene, people):
    return scenario(sirene, people)


def _check_classification(batch, case):
    rows = dict(zip(case["rows"], batch.preview, strict=True))
    assert rows["matched_siret"]["status"] == RowStatus.MATCHED
    assert rows["matched_siret"]["match"] == "siret"
    assert rows["matched_siret"]["actor_id"] is None  # a Sirene legal unit without actor row
    assert rows["matched_siret"]["values"]["website"] == "https://reemploi.exemple.fr"
    assert any("inconnu" in w for w in rows["matched_siret"]["warnings"])
    assert rows["matched_name"]["status"] == RowStatus.MATCHED
    assert rows["matched_name"]["match"] == "name_commune"
    assert rows["matched_name"]["actor_id"] == case["known"].pk
    assert rows["matched_name"]["values"] == {
        "website": "https://velo.exemple.fr",
        "postal_code": "44000",
    }
    assert rows["new"]["status"] == RowStatus.NEW
    assert rows["new"]["commune"] == "44143"
    assert rows["conflict"]["status"] == RowStatus.CONFLICT
    assert rows["conflict"]["conflicts"]["website"] == [
        "https://cafe.exemple.fr",
        "https://autre.exemple.fr",
    ]
    assert "website" not in rows["conflict"]["values"]  # keep the current value
    assert rows["conflict"]["values"] == {"labels": ["esus"]}
    assert rows["invalid_siret"]["status"] == RowStatus.REJECTED
    assert "SIRET invalide" in rows["invalid_siret"]["reasons"][0]
    assert rows["unknown_commune"]["status"] == RowStatus.REJECTED
    assert "Commune inconnue" in rows["unknown_commune"]["reasons"][0]
    assert rows["outside"]["status"] == RowStatus.REJECTED
    assert "hors du territoire" in rows["outside"]["reasons"][0]
    assert batch.counts == {
        "matched": 2,
        "new": 1,
        "conflict": 1,
        "rejected": 3,
        "total": 7,
        "to_write": 4,
    }


def test_the_invalid_siret_of_the_scenario_fails_luhn():
    assert not is_valid_siret("12345678901234")


def test_csv_preview_classifies_every_case_and_writes_nothing(case, people):
    before = Actor.objects.count(), ActorVersion.objects.count()
    batch = preview_for(people, csv_bytes(case["rows"].values()))
    assert batch.status == BatchStatus.PREVIEWED
    assert batch.encoding == "utf-8" and batch.delimiter == ";"
    _check_classification(batch, case)
    assert (Actor.objects.count(), ActorVersion.objects.count()) == before


def test_xlsx_preview_classifies_the_same_rows(case, people):
    batch = preview_for(people, xlsx_bytes(case["rows"].values()), name="membres.xlsx")
    assert batch.file_format == "xlsx"
    _check_classification(batch, case)


def test_windows_1252_and_bom_files_are_read(case, people):
    rows = list(case["rows"].values())
    batch = preview_for(people, csv_bytes(rows, encoding="cp1252", delimiter=","))
    assert (batch.encoding, batch.delimiter) == ("cp1252", ",")
    assert batch.preview[2]["commune_name"] == "Rezé"
    batch = preview_for(people, b"\xef\xbb\xbf" + csv_bytes(rows, delimiter="\t"))
    assert (batch.encoding, batch.delimiter) == ("utf-8-sig", "\t")
    assert batch.preview[0]["status"] == RowStatus.MATCHED


def test_replace_policy_writes_the_file_value_of_a_conflict(case, people):
    batch = preview_for(people, csv_bytes(case["rows"].values()), policy=ConflictPolicy.REPLACE)
    conflict = batch.preview[3]
    assert conflict["values"]["website"] == "https://autre.exemple.fr"


def test_confirm_writes_exactly_the_preview_validated_and_audited(case, people):
    batch = preview_for(people, csv_bytes(case["rows"].values()))
    result = common.apply(batch, people["moderator"])
    assert result == {"created": 2, "changed": 2, "skipped": [], "done": True}
    batch.refresh_from_db()
    assert batch.status == BatchStatus.CONFIRMED
    for row in batch.preview:
        if row["status"] == RowStatus.REJECTED:
            continue
        actor = Actor.objects.exclude(status=ModerationStatus.REMOVED).get(
            **({"pk": row["actor_id"]} if row["actor_id"] else {"name": row["values"]["name"]})
        )
        assert actor.status == ModerationStatus.VALIDATED
        for name, value in row["values"].items():
            current = actor.commune_id if name == "commune" else getattr(actor, name)
            assert current == value, (row["name"], name)
    # The conflict kept its current website.
    cafe = Actor.objects.get(siret=case["cafe_siret"])
    assert cafe.website == "https://cafe.exemple.fr"
    # Rejected rows wrote nothing.
    assert not Actor.objects.filter(name__in=["Mauvais numéro", "Structure fantôme"]).exists()
    assert not Actor.objects.filter(commune_id="49007").exists()
    # Every write is a validated version by the moderator, audited with the batch as source.
    new = Actor.objects.get(name="La Ressourcerie nouvelle")
    version = new.versions.get()
    assert version.status == VersionStatus.VALIDATED
    assert version.moderated_by == people["moderator"]
    assert new.source == f"import:{batch.pk}"
    sources = set(
        AuditEntry.objects.filter(target_type="directory.actor", target_id=str(new.pk)).values_list(
            "source", flat=True
        )
    )
    assert sources == {f"import:{batch.pk}"}
    assert AuditEntry.objects.filter(
        action="directory.import.confirmed", source=f"import:{batch.pk}"
    ).exists()
    # A second confirmation is refused.
    with pytest.raises(ValidationError):
        common.apply(batch, people["moderator"])


def test_a_row_changed_since_the_preview_is_skipped(case, people):
    batch = preview_for(people, csv_bytes(case["rows"].values()))
    Actor.objects.filter(pk=case["known"].pk).update(website="https://entre-temps.exemple.fr")
    result = common.apply(batch, people["moderator"])
    assert [s["line"] for s in result["skipped"]] == [batch.preview[1]["line"]]
    assert Actor.objects.get(pk=case["known"].pk).website == "https://entre-temps.exemple.fr"


def test_the_last_mapping_of_the_organisation_is_offered_again(case, people):
    preview_for(people, csv_bytes(case["rows"].values()))
    header = ["N° SIRET", "Raison sociale", "Code Insee", "Autre"]
    again = importers.start_batch(
        people["org"],
        people["moderator"],
        kind=BatchKind.MEMBERS,
        data=csv_bytes([["", "X", "44109", ""]], header=header),
        file_name="b.csv",
    )
    assert again.mapping["name"] == "Raison sociale"  # remembered
    assert again.mapping["siret"] == "N° SIRET"  # guessed from its usual name
    assert again.mapping["commune_code"] == "Code Insee"


# Whole-file errors --------------------------------------------------------------------------
def upload(client, people, data: bytes, name: str, kind="members"):
    client.force_login(people["moderator"])
    url = reverse("directory_exchange:import_new", args=[people["org"].slug])
    return client.post(url, {"kind": kind, "file": SimpleUploadedFile(name, data)}, follow=True)


@pytest.mark.parametrize(
    "data,name,message",
    [
        (b"SIRET;Nom\r\n\x81\x8d\x8f;x\r\n", "membres.csv", "Encodage illisible"),
        (b"%PDF-1.4\n1 0 obj << >> endobj\n", "membres.csv", "ni un CSV ni un classeur XLSX"),
        (b"\x00\x01\x02binaire", "membres.csv", "ni un CSV ni un classeur XLSX"),
        (b"", "vide.csv", "vide"),
    ],
)
def test_malformed_files_are_refused_with_a_clear_message_and_nothing_written(
    client, people, data, name, message
):
    before = written_counts(), ImportBatch.objects.count()
    response = upload(client, people, data, name)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert (written_counts(), ImportBatch.objects.count()) == before


def test_a_file_over_the_size_limit_is_refused(client, people, settings):
    before = written_counts()
    data = b"SIRET;Nom\r\n" + b"1;x\r\n" * (2 * 1024 * 1024 + 10)
    response = upload(client, people, data, "gros.csv")
    assert "taille maximale" in response.content.decode()
    assert written_counts() == before


def test_undecodable_bytes_name_their_line():
    with pytest.raises(FileRefused) as error:
        decode(b"SIRET;Nom\n123;ok\n\x81;x\n")
    assert "ligne 3" in error.value.messages[0]


def test_a_single_column_text_is_not_a_csv():
    with pytest.raises(FileRefused):
        read_table(b"juste du texte\nsur deux lignes sans separateur\n")


def test_a_mapping_without_siret_column_is_a_whole_file_error(client, case, people):
    data = csv_bytes(case["rows"].values())
    response = upload(client, people, data, "membres.csv")
    batch = ImportBatch.objects.get()
    assert response.redirect_chain[-1][0].endswith(
        reverse("directory_exchange:import_mapping", args=[batch.pk])
    )
    before = written_counts()
    form = {**MAPPING, "siret": "", "conflict_policy": "keep"}
    response = client.post(
        reverse("directory_exchange:import_mapping", args=[batch.pk]), form, follow=True
    )
    assert "Aucune colonne SIRET" in response.content.decode()
    batch.refresh_from_db()
    assert batch.status == BatchStatus.UPLOADED and batch.preview == []
    assert written_counts() == before


def test_the_pages_from_upload_to_confirmation(client, case, people):
    response = upload(client, people, csv_bytes(case["rows"].values()), "membres.csv")
    assert "Correspondance des colonnes" in response.content.decode()
    batch = ImportBatch.objects.get()
    response = client.post(
        reverse("directory_exchange:import_mapping", args=[batch.pk]),
        {**MAPPING, "conflict_policy": "keep"},
        follow=True,
    )
    page = response.content.decode()
    assert "Aperçu de l'import" in page and "SIRET invalide" in page
    before = Actor.objects.count()
    response = client.post(
        reverse("directory_exchange:import_confirm", args=[batch.pk]), follow=True
    )
    assert "Import confirmé" in response.content.decode()
    assert Actor.objects.count() == before + 2


# Permissions --------------------------------------------------------------------------------
def test_anonymous_people_cannot_import(client, people):
    for url in (
        reverse("directory_exchange:imports_home"),
        reverse("directory_exchange:import_new", args=[people["org"].slug]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "connexion" in response["Location"]
    response = client.post(
        reverse("directory_exchange:import_new", args=[people["org"].slug]),
        {"kind": "members", "file": SimpleUploadedFile("a.csv", b"SIRET;Nom\n;x\n")},
    )
    assert response.status_code == 302
    assert ImportBatch.objects.count() == 0


@pytest.mark.parametrize("who", ["other_moderator", "agent", "member"])
def test_only_moderators_and_admins_of_the_organisation_may_import(client, case, people, who):
    batch = preview_for(people, csv_bytes(case["rows"].values()))
    client.force_login(people[who])
    assert (
        client.get(reverse("directory_exchange:import_new", args=[people["org"].slug])).status_code
        == 404
    )
    assert (
        client.get(reverse("directory_exchange:import_preview", args=[batch.pk])).status_code == 404
    )
    before = written_counts()
    response = client.post(reverse("directory_exchange:import_confirm", args=[batch.pk]))
    assert response.status_code == 404
    assert written_counts() == before


def test_a_moderator_of_another_territory_cannot_bring_actors_into_this_one(case, people):
    """Imported for its own organisation, the Nantes rows are outside its territory."""
    batch = importers.start_batch(
        people["other_org"],
        people["other_moderator"],
        kind=BatchKind.MEMBERS,
        data=csv_bytes(case["rows"].values()),
        file_name="membres.csv",
    )
    importers.set_mapping(batch, MAPPING, ConflictPolicy.KEEP)
    batch.refresh_from_db()
    statuses = {row["name"]: row["status"] for row in batch.preview}
    assert statuses["Jardins d'Angers"] == RowStatus.MATCHED
    assert all(
        status == RowStatus.REJECTED
        for name, status in statuses.items()
        if name != "Jardins d'Angers"
    )


def test_admins_may_import(client, people):
    client.force_login(people["admin"])
    assert client.get(reverse("directory_exchange:imports_home")).status_code == 200


def test_stored_upload_is_removed_once_confirmed_or_abandoned(
    client, case, people, django_capture_on_commit_callbacks
):
    from essor.directory.exchange.files import storage_dir

    batch = preview_for(people, csv_bytes(case["rows"].values()))
    assert (storage_dir() / batch.stored_name).exists()
    with django_capture_on_commit_callbacks(execute=True):
        common.apply(batch, people["moderator"])
    assert not (storage_dir() / batch.stored_name).exists()
    other = preview_for(people, csv_bytes(case["rows"].values()))
    client.force_login(people["moderator"])
    response = client.post(
        reverse("directory_exchange:import_cancel", args=[other.pk]), follow=True
    )
    assert "Import abandonné" in response.content.decode()
    other.refresh_from_db()
    assert other.status == BatchStatus.CANCELLED
    assert not (storage_dir() / other.stored_name).exists()


def test_a_long_confirmation_goes_by_chunks_and_resumes(client, case, people, monkeypatch):
    from essor.directory.exchange import views

    monkeypatch.setattr(common, "CHUNK_ROWS", 2)
    monkeypatch.setattr(views, "CONFIRM_BUDGET_SECONDS", 0)
    batch = preview_for(people, csv_bytes(case["rows"].values()))
    client.force_login(people["moderator"])
    url = reverse("directory_exchange:import_confirm", args=[batch.pk])
    page = client.post(url, follow=True).content.decode()
    assert "Écriture en cours" in page and "Poursuivre l" in page
    batch.refresh_from_db()
    assert (batch.status, batch.applied) == (BatchStatus.CONFIRMING, 2)
    # Neither abandoned nor re-previewed once writing has begun.
    client.post(reverse("directory_exchange:import_cancel", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == BatchStatus.CONFIRMING
    for _ in range(5):
        client.post(url)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.CONFIRMED and batch.applied == 7
    assert (batch.result["created"], batch.result["changed"]) == (2, 2)
    assert Actor.objects.filter(name="La Ressourcerie nouvelle").count() == 1
