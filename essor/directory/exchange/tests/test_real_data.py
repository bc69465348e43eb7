"""A real member list: the SIAE and GEIQ of le marché de l'inclusion (../shared/data), read as a
network's CSV, classified for an organisation of Seine-Saint-Denis."""

import csv
import io

import pytest
from django.core.management import call_command

from essor.accounts.actions import create_organisation
from essor.accounts.enums import OrganisationKind
from essor.directory.exchange import importers
from essor.directory.exchange.enums import BatchKind, ConflictPolicy, RowStatus
from essor.directory.models import Actor
from essor.lib.identifiers import is_valid_siret
from essor.territories.models import Commune

MAPPING = {
    "siret": "siret",
    "name": "nom",
    "commune_name": "commune",
    "postal_code": "code_postal",
    "address": "adresse",
    "website": "site_web",
}


@pytest.fixture
def seine_saint_denis(db, shared_data):
    call_command(
        "load_referentials",
        "--source",
        "cog",
        "--cog",
        str(shared_data / "cog_2026_decoupage_administratif"),
        "--departements",
        "93",
        "--no-nomenclatures",
        stdout=io.StringIO(),
    )
    organisation = create_organisation(name="Réseau 93", kind=OrganisationKind.NETWORK, actor=None)
    organisation.communes.set(Commune.objects.filter(departement_id="93"))
    return organisation


def test_the_real_siae_list_is_read_and_classified(shared_data, seine_saint_denis):
    path = shared_data / "siae_geiq_geolocalisees_lemarche" / "siae_geiq_lemarche.csv"
    data = path.read_bytes()
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    before = Actor.objects.count()
    batch = importers.start_batch(
        seine_saint_denis, None, kind=BatchKind.MEMBERS, data=data, file_name=path.name
    )
    assert (batch.encoding, batch.delimiter) == ("utf-8", ",")
    assert "siret" in batch.columns and "commune" in batch.columns
    assert batch.mapping["siret"] == "siret"  # guessed from the column name
    importers.set_mapping(batch, MAPPING, ConflictPolicy.KEEP)
    batch.refresh_from_db()
    assert batch.counts["total"] == len(rows) == 3853
    preview = batch.preview
    # The file's few invalid SIRET (13, one of them 12345678901234) are rejected as such.
    invalid = {r["siret"] for r in rows if not is_valid_siret(r["siret"])}
    assert 0 < len(invalid) < 20
    refused = [r for r in preview if any("SIRET invalide" in x for x in r["reasons"])]
    assert len(refused) == sum(1 for r in rows if r["siret"] in invalid)
    in_93 = {r["siret"] for r in rows if r["departement"] == "93" and r["siret"] not in invalid}
    kept = [r for r in preview if r["status"] != RowStatus.REJECTED]
    # Rows of Seine-Saint-Denis are kept (one per SIREN), the others are outside.
    assert kept and {r["siret"] for r in kept} <= in_93
    assert len({r["siren"] for r in kept}) == len(kept)
    assert len(kept) >= 0.9 * len({s[:9] for s in in_93})
    outside = [r for r, source in zip(preview, rows, strict=True) if source["siret"] not in in_93]
    assert all(r["status"] == RowStatus.REJECTED for r in outside)
    assert Actor.objects.count() == before
