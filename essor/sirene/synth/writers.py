"""Streaming writers of the stock files: one chunk at a time, bounded memory.

CSV: comma-separated, UTF-8, `\\n`, an unquoted header, no quoting (the generated values never
hold a comma or a double quote), empty for null, as INSEE writes its stock files.
Parquet: every column a string, one row group per chunk, zstd compression (level 1).
"""

from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

FORMATS = ("csv", "parquet")


class StockWriter:
    def __init__(self, path: Path, schema: pa.Schema, fmt: str):
        self.path = path
        self.format = fmt
        if fmt == "csv":
            self._file = open(path, "wb")  # noqa: SIM115 - closed in close()
            self._file.write((",".join(schema.names) + "\n").encode())
            options = pacsv.WriteOptions(include_header=False, quoting_style="none")
            self._writer = pacsv.CSVWriter(self._file, schema, write_options=options)
        elif fmt == "parquet":
            self._file = None
            self._writer = pq.ParquetWriter(path, schema, compression="zstd", compression_level=1)
        else:
            raise ValueError(fmt)

    def write(self, table: pa.Table) -> None:
        self._writer.write_table(table)

    def close(self) -> None:
        self._writer.close()
        if self._file is not None:
            self._file.close()

    def __enter__(self) -> "StockWriter":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def stock_paths(out_dir: Path, fmt: str) -> tuple[Path, Path]:
    """(legal units, establishments) file paths, named as on data.gouv.fr."""
    return (
        out_dir / f"StockUniteLegale_utf8.{fmt}",
        out_dir / f"StockEtablissement_utf8.{fmt}",
    )
