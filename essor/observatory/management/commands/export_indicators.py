"""`essor indicators export`: the indicators of a territory (one table or the whole portrait) to a
CSV, XLSX, Parquet or JSON file: the same numbers as the pages and the API
(essor.observatory.exports)."""

import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from essor.ess.enums import Perimeter
from essor.observatory import exports


class Command(BaseCommand):
    help = (
        "Exporte les indicateurs ESS d'un territoire (un tableau ou tout le portrait) en CSV, "
        "XLSX, Parquet ou JSON. Portrait entier : un classeur XLSX, un objet JSON, ou une archive "
        "zip d'un fichier par tableau (CSV, Parquet)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--territory",
            required=True,
            help="type:code, par exemple epci:244400404, commune:44109, qpv:QN04401M, france:FR",
        )
        parser.add_argument(
            "--format",
            choices=list(exports.FORMATS),
            help="Format du fichier (par défaut : l'extension de --out)",
        )
        parser.add_argument(
            "--perimeter", default=Perimeter.STATISTIQUE, help="statistique (défaut) ou loi2014"
        )
        parser.add_argument("--table", help="Un seul tableau (slug), sinon tout le portrait")
        parser.add_argument("--columns", help="Colonnes du tableau, dans l'ordre : a,b,c")
        parser.add_argument(
            "--sep", default=",", help="Séparateur CSV : « , » (défaut) ou « ; » (tableurs)"
        )
        parser.add_argument(
            "--labels", action="store_true", help="CSV : en-têtes en libellés plutôt qu'en clés"
        )
        parser.add_argument(
            "--out",
            required=True,
            help="Fichier écrit (« - » : sortie standard, un tableau CSV par défaut, ou JSON)",
        )

    def handle(self, *args, **options):
        kind, _, code = options["territory"].partition(":")
        if not kind or not code:
            raise CommandError(
                f"--territory attend type:code (par exemple epci:244400404), "
                f"reçu « {options['territory']} »."
            )
        out = options["out"]
        fmt = options["format"] or ("csv" if out == "-" else Path(out).suffix.lstrip(".").lower())
        try:
            exports.check_format(fmt)
            portrait = exports.load_portrait(kind, code, options["perimeter"])
        except exports.FormatError as error:
            raise CommandError(f"{error} (--format ou extension de --out)") from error
        except Http404 as error:
            raise CommandError(f"Territoire introuvable : {kind} {code}.") from error
        except (exports.PerimeterError, exports.NoImportError) as error:
            raise CommandError(str(error)) from error
        if options["columns"] and not options["table"]:
            raise CommandError("--columns ne vaut qu'avec --table.")
        self._check_out(out, fmt, options)
        export, rows = self._export(portrait, fmt, options)
        self._write(export.content, out, fmt)
        self.stderr.write(
            f"territory={kind}:{code} perimeter={portrait.perimeter} "
            f"table={options['table'] or 'portrait'} format={fmt} rows={rows} "
            f"import_run={getattr(portrait.run, 'pk', '')} out={out} bytes={len(export.content)}"
        )

    def _export(self, portrait, fmt: str, options) -> tuple[exports.Export, int]:
        csv_options = {"sep": options["sep"], "labels": options["labels"]}
        try:
            if not options["table"]:
                export = exports.export_portrait(portrait, fmt, **csv_options)
                return export, sum(len(t.rows) for t in exports.all_tables(portrait))
            table = exports.find_table(portrait, options["table"])
            if table is None:
                names = ", ".join([exports.HEADLINE_SLUG, *portrait.tables])
                raise CommandError(
                    f"Tableau inconnu « {options['table']} » : tableaux possibles {names}."
                )
            columns = exports.parse_columns(options["columns"])
            export = exports.export_table(portrait, table, fmt, columns, **csv_options)
            return export, len(table.rows)
        except (exports.FormatError, exports.ColumnError) as error:
            raise CommandError(str(error)) from error

    def _check_out(self, out: str, fmt: str, options) -> None:
        """Before any work: the file can be written and its name says what it holds."""
        archive = not options["table"] and fmt in ("csv", "parquet")
        if out == "-":
            if fmt not in ("csv", "json") or archive:
                raise CommandError(
                    "Sortie standard (--out -) : seulement un tableau CSV, ou du JSON."
                )
            return
        if archive and not out.lower().endswith(".zip"):
            raise CommandError(
                f"Tout le portrait en {fmt} est une archive zip (un fichier par tableau) : "
                f"donnez un --out en .zip, ou un seul tableau avec --table."
            )
        if not Path(out).parent.is_dir():
            raise CommandError(f"Dossier introuvable pour --out : {Path(out).parent}")

    def _write(self, content: bytes, out: str, fmt: str) -> None:
        if out == "-":
            self.stdout.write(content.decode(), ending="")
            return
        target = Path(out)
        # Written next to the target then renamed: a failed export never leaves half a file.
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(content)
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temporary, 0o666 & ~umask)  # as an ordinary new file, not mkstemp's 0600
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
