"""Test data for the directory, built through the actions as a user would (Sirene rows are
written directly, as the import pipeline does)."""

import itertools
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile

from essor.calls.tests.factories import luhn_complete, organisation, siret, user  # noqa: F401
from essor.directory import actions
from essor.ess.enums import EssFamily
from essor.sirene.models import Establishment, ImportRun, LegalUnit

_seq = itertools.count(1)


def sirene_run(**fields) -> ImportRun:
    return ImportRun.objects.create(is_current=True, status="succeeded", **fields)


def legal_unit(
    run,
    name: str,
    commune: str,
    *,
    lat=None,
    lon=None,
    diffusion="O",
    naf="88.99B",
    address="1 RUE DE LA PAIX",
    epci="244400404",
    establishments=1,
) -> LegalUnit:
    number = next(_seq) + 500
    siren = luhn_complete(f"{number + 80000000:08d}")
    unit = LegalUnit.objects.create(
        run=run,
        siren=siren,
        diffusion=diffusion,
        name=name,
        legal_category="9220",
        naf=naf,
        state="A",
        family=EssFamily.ASSOCIATION,
        in_statistique=True,
        in_loi2014=True,
    )
    for index in range(establishments):
        nic = f"{index + 1:04d}"
        Establishment.objects.create(
            run=run,
            legal_unit=unit,
            siret=luhn_complete(siren + nic),
            siren=siren,
            diffusion=diffusion,
            name=name,
            address=address,
            postal_code="44000",
            source_commune_code=commune,
            commune_code=commune,
            epci_siren=epci,
            naf=naf,
            naf_division=naf[:2],
            state="A",
            is_head_office=index == 0,
            lat=None if lat is None else lat + index * 0.001,
            lon=None if lon is None else lon + index * 0.001,
        )
    return unit


def values(**overrides) -> dict:
    data = {
        "name": "Atelier vélo solidaire",
        "kind": "organisation",
        "life_stage": "en_projet",
        "description": "Réparation de vélos par et pour les habitants.",
        "commune": "44109",
        "themes": ["mobilite"],
        "labels": [],
    }
    data.update(overrides)
    return data


def validated_actor(moderator=None, **overrides):
    """A new actor (a project without SIRET) proposed by `author@…` and validated."""
    version = actions.propose_actor(values(**overrides), author_email="auteur@exemple.fr")
    actions.approve_version(version, by=moderator)
    version.actor.refresh_from_db()
    return version.actor


def png(size: int = 0) -> bytes:
    """A valid 1×1 PNG, padded with a text chunk to `size` bytes when asked."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
    pixels = chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
    data = b"\x89PNG\r\n\x1a\n" + header + pixels
    if size > len(data):
        data += chunk(b"tEXt", b"c\x00" + b"x" * (size - len(data) - 14))
    return data + chunk(b"IEND", b"")


def upload(data: bytes, name: str = "logo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/png")
