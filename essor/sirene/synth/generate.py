"""Generation loop: chunks of legal units and their establishments, written as they are made."""

import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from django.utils import timezone
from django.utils.translation import gettext as _
from tqdm import tqdm

from essor.sirene.synth import profiles
from essor.sirene.synth.geography import SynthError, load_communes
from essor.sirene.synth.model import ess_unit_probability, make_chunk
from essor.sirene.synth.render import (
    ESTABLISHMENT_SCHEMA,
    LEGAL_UNIT_SCHEMA,
    establishments,
    legal_units,
)
from essor.sirene.synth.writers import FORMATS, StockWriter, stock_paths

GENERATOR = "essor.sirene.synth"
GENERATOR_VERSION = 1
MANIFEST_NAME = "synthetic.json"
CHUNK_UNITS = 300_000  # ≈ 400,000 establishments per chunk
MAX_ESTABLISHMENTS = 44_000_000  # one SIREN slot of at least 2 per unit below this


@dataclass
class SynthResult:
    perimeter: str
    perimeter_label: str
    format: str
    seed: int
    communes: int
    legal_units: int = 0
    establishments: int = 0
    ess_legal_units: int = 0
    ess_establishments: int = 0
    seconds: float = 0.0
    files: dict[str, str] = field(default_factory=dict)

    @property
    def ess_share(self) -> float:
        return self.ess_establishments / self.establishments if self.establishments else 0.0

    def summary(self) -> str:
        rate = self.establishments / self.seconds if self.seconds else 0.0
        return " ".join(
            [
                f"perimeter={self.perimeter}",
                f"communes={self.communes}",
                f"legal_units={self.legal_units}",
                f"establishments={self.establishments}",
                f"ess_legal_units={self.ess_legal_units}",
                f"ess_establishments={self.ess_establishments}",
                f"ess_share={self.ess_share:.3f}",
                f"format={self.format}",
                f"seconds={self.seconds:.1f}",
                f"establishments_per_s={rate:.0f}",
            ]
        )


def generate(
    perimeter: str,
    establishments_count: int,
    seed: int,
    out_dir: Path,
    *,
    fmt: str = "csv",
    progress: bool = True,
) -> SynthResult:
    if fmt not in FORMATS:
        raise SynthError(_("Format inconnu : %(fmt)s (csv ou parquet)") % {"fmt": fmt})
    if not 1 <= establishments_count <= MAX_ESTABLISHMENTS:
        raise SynthError(
            _("Le nombre d'établissements doit être compris entre 1 et %(max)d")
            % {"max": MAX_ESTABLISHMENTS}
        )
    started = time.monotonic()
    label, communes = load_communes(perimeter, seed)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    ul_path, etab_path = stock_paths(out_dir, fmt)
    result = SynthResult(perimeter, label, fmt, seed, len(communes))
    result.files = {"unites_legales": ul_path.name, "etablissements": etab_path.name}
    cap = max(50, establishments_count // 100)
    p_ess = ess_unit_probability(cap)
    siren_step = 89_999_999 // establishments_count
    bar = tqdm(
        total=establishments_count, unit=" étab.", unit_scale=True, disable=not progress,
        file=sys.stderr, desc=_("Sirene synthétique"),
    )  # fmt: skip
    with (
        StockWriter(ul_path, LEGAL_UNIT_SCHEMA, fmt) as ul_writer,
        StockWriter(etab_path, ESTABLISHMENT_SCHEMA, fmt) as etab_writer,
        bar,
    ):
        chunk_number = 0
        while result.establishments < establishments_count:
            rng = np.random.default_rng([seed, chunk_number])
            chunk = make_chunk(
                rng,
                first_unit=result.legal_units,
                units=CHUNK_UNITS,
                establishments_left=establishments_count - result.establishments,
                siren_step=siren_step,
                cap=cap,
                p_ess=p_ess,
                communes=communes,
            )
            ul_writer.write(legal_units(rng, chunk, communes))
            etab_writer.write(establishments(rng, chunk, communes))
            ess = chunk.ess
            result.legal_units += len(chunk.siren)
            result.establishments += len(chunk.siret)
            result.ess_legal_units += int(ess.sum())
            result.ess_establishments += int(chunk.sites[ess].sum())
            bar.update(len(chunk.siret))
            chunk_number += 1
    result.seconds = time.monotonic() - started
    write_manifest(out_dir, result)
    return result


def write_manifest(out_dir: Path, result: SynthResult) -> Path:
    manifest = {
        "synthetic": True,
        "generator": GENERATOR,
        "generator_version": GENERATOR_VERSION,
        "description": "Données Sirene synthétiques (fictives) générées par essor ; "
        "aucune ligne ne décrit une entreprise réelle.",
        "seed": result.seed,
        "perimeter": result.perimeter,
        "perimeter_label": result.perimeter_label,
        "format": result.format,
        "reference_date": str(profiles.REFERENCE_DATE),
        "files": result.files,
        "counts": {
            "communes": result.communes,
            "legal_units": result.legal_units,
            "establishments": result.establishments,
            "ess_legal_units": result.ess_legal_units,
            "ess_establishments": result.ess_establishments,
        },
        "created_at": timezone.now().isoformat(timespec="seconds"),
    }
    path = out_dir / MANIFEST_NAME
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path
