"""Build the nomenclature files shipped with essor (essor/nomenclatures/data/) from INSEE files.

    .venv/bin/python scripts/build_nomenclatures.py \
        --naf-levels ../shared/data/nomenclature_naf_rev2/naf_rev2_5_niveaux.csv \
        --naf-labels ../shared/data/nomenclature_naf_rev2/naf_rev2_libelles_courts_insee.csv \
        --cj-dir ../shared/data/nomenclature_categories_juridiques

Inputs
- NAF rév. 2, one row per sous-classe with the codes and labels of its 5 levels (columns
  code_sous_classe, libelle_sous_classe, code_classe, …, code_section, libelle_section);
- INSEE « NAF rév. 2 – intitulés courts »: every item (code, niveau, libelle, libelle_65, …);
- INSEE « Catégories juridiques » niveaux I, II, III (categories_juridiques_niveau{1,2,3}.csv).

Outputs (UTF-8, `,`): naf_rev2.csv (code, level, label, short_label, parent, section) and
categories_juridiques.csv (code, level, label, parent). The script checks the expected counts
(NAF 21/88/272/615/732, CJ 10/39/260) and fails otherwise. Labels come from the 5-level file
(typographic apostrophes and trailing spaces of the INSEE short-label file are normalised);
short labels are INSEE's 65-character labels (sections turned from upper case to sentence case).
"""

import argparse
import csv
import sys
from pathlib import Path

NAF_LEVELS = ("section", "division", "groupe", "classe", "sous_classe")
NAF_COUNTS = {"section": 21, "division": 88, "groupe": 272, "classe": 615, "sous_classe": 732}
CJ_COUNTS = {1: 10, 2: 39, 3: 260}
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "essor" / "nomenclatures" / "data"


def clean(text: str) -> str:
    return " ".join(text.replace("\u2019", "'").split())


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def build_naf(levels_path: Path, labels_path: Path) -> list[dict[str, str]]:
    label, parent, section = {}, {}, {}
    for row in read_csv(levels_path):
        for index, level in enumerate(NAF_LEVELS):
            code = row[f"code_{level}"]
            label.setdefault(code, clean(row[f"libelle_{level}"]))
            section[code] = row["code_section"]
            parent[code] = row[f"code_{NAF_LEVELS[index - 1]}"] if index else ""
    rows = []
    for item in read_csv(labels_path):
        code, level = item["code"].strip(), item["niveau"].strip()
        if code not in label:
            raise SystemExit(f"{labels_path} : code NAF {code} absent de {levels_path}")
        short = clean(item["libelle_65"])
        if level == "section":
            short = short[:1] + short[1:].lower()
        rows.append(
            {
                "code": code,
                "level": level,
                "label": label[code],
                "short_label": short,
                "parent": parent[code],
                "section": section[code],
            }
        )
    counts = {level: sum(r["level"] == level for r in rows) for level in NAF_LEVELS}
    if counts != NAF_COUNTS or len(rows) != len(label):
        raise SystemExit(f"NAF : effectifs inattendus {counts} (attendu {NAF_COUNTS})")
    return rows


def build_cj(cj_dir: Path) -> list[dict[str, str]]:
    rows = []
    for row in read_csv(cj_dir / "categories_juridiques_niveau1.csv"):
        rows.append(
            {"code": row["code"], "level": "1", "label": clean(row["libelle"]), "parent": ""}
        )
    for row in read_csv(cj_dir / "categories_juridiques_niveau2.csv"):
        code = row["code"]
        rows.append({"code": code, "level": "2", "label": clean(row["libelle"]), "parent": code[0]})
    for row in read_csv(cj_dir / "categories_juridiques_niveau3.csv"):
        rows.append(
            {
                "code": row["code_niveau3"],
                "level": "3",
                "label": clean(row["libelle_niveau3"]),
                "parent": row["code_niveau2"],
            }
        )
    counts = {level: sum(r["level"] == str(level) for r in rows) for level in CJ_COUNTS}
    if counts != CJ_COUNTS:
        raise SystemExit(f"catégories juridiques : effectifs inattendus {counts}")
    codes = {r["code"] for r in rows}
    orphans = [r["code"] for r in rows if r["parent"] and r["parent"] not in codes]
    if orphans:
        raise SystemExit(f"catégories juridiques sans parent : {orphans}")
    return rows


def write_csv(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--naf-levels", type=Path, required=True)
    parser.add_argument("--naf-labels", type=Path, required=True)
    parser.add_argument("--cj-dir", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    naf = build_naf(args.naf_levels, args.naf_labels)
    cj = build_cj(args.cj_dir)
    args.out.mkdir(parents=True, exist_ok=True)
    write_csv(args.out / "naf_rev2.csv", naf)
    write_csv(args.out / "categories_juridiques.csv", cj)
    print(f"naf_rev2.csv rows={len(naf)} categories_juridiques.csv rows={len(cj)} out={args.out}")


if __name__ == "__main__":
    main(sys.argv[1:])
