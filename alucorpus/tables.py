"""Hits and documents as table rows: pandas DataFrames and CSV / JSON Lines / Parquet files.

The rows are plain dicts built here once, so a DataFrame, a CSV file, a JSON Lines
file and a Parquet file always hold the same columns:

* one row per **document** (:func:`record_row`): its metadata, and its text on request;
* one row per **hit** (:func:`hit_row`): rank, score, the best snippet with its
  highlight offsets (``[[start, end], …]`` into ``snippet``), then the document's
  metadata when the record is at hand.

pandas and pyarrow are optional extras (``pip install 'alucorpus[tables]'`` and
``'alucorpus[parquet]'``); CSV and JSON Lines need neither. CSV files are UTF-8 with
a byte-order mark: Excel reads a CSV without one in the system's legacy code page
(GBK on a Chinese Windows) and garbles every character otherwise.

>>> corpus.search("电解铝").to_frame()[["rank", "doc_number", "snippet"]]  # doctest: +SKIP
"""

from __future__ import annotations

import csv
import importlib
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import AlucorpusError

if TYPE_CHECKING:
    from .records import Record

#: Columns of a document row, in order.
DOCUMENT_COLUMNS = (
    "id",
    "doc_number",
    "title",
    "title_en",
    "departments",
    "issued",
    "published",
    "issued_year",
    "date_source",
    "doc_type",
    "jurisdiction",
    "status",
    "lang",
    "script",
    "format",
    "paragraphs",
    "cites",
    "url",
    "source",
    "copies",
    "copy_sources",
)
#: Columns that only a hit row has, in order; they come before the document columns.
HIT_COLUMNS = ("rank", "score", "snippet_field", "snippet_paragraph", "snippet", "highlights")
#: Export formats and the extra each needs (None: the standard library is enough).
FORMATS = {"csv": None, "jsonl": None, "parquet": ("pyarrow", "parquet")}

JOIN = "、"  # how list values (departments, cites) are joined into one cell


class MissingExtraError(AlucorpusError):
    """An optional dependency is not installed; the message names the extra that brings it."""


def require(module: str, extra: str) -> Any:
    """Import an optional dependency, or raise MissingExtraError naming the extra to install.

    >>> pd = require("pandas", "tables")  # doctest: +SKIP
    """
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingExtraError(
            f"{module} is not installed; install it with: pip install 'alucorpus[{extra}]'"
        ) from None


# -- rows -----------------------------------------------------------------------------------------


def record_row(record: Record, *, text: bool = False) -> dict[str, Any]:
    """One document as a row: its metadata (lists joined with 、), and its body on request.

    ``paragraphs`` is the number of body paragraphs; with ``text=True`` a ``text``
    column holds the body and attachments, one paragraph per line.
    """
    row: dict[str, Any] = {
        "id": record.id,
        "doc_number": record.doc_number,
        "title": record.title,
        "title_en": record.title_en,
        "departments": JOIN.join(record.departments),
        "issued": record.issued,
        "published": record.published,
        "issued_year": record.issued_year,
        "date_source": record.date_source,
        "doc_type": record.doc_type,
        "jurisdiction": record.jurisdiction,
        "status": record.status,
        "lang": record.lang,
        "script": record.script,
        "format": record.format,
        "paragraphs": len(record.paragraphs),
        "cites": JOIN.join(record.cites),
        "url": record.url,
        "source": record.source,
        # A stored copy (never merged) counts itself.
        "copies": len(record.copies) or 1,
        "copy_sources": JOIN.join(c.source for c in record.copies) or record.source,
    }
    if text:
        row["text"] = record.text
    return row


def columns_of(rows: Sequence[dict[str, Any]], *, hits: bool, text: bool = False) -> list[str]:
    """The column order of document or hit rows (kept even when there are no rows)."""
    columns = [*HIT_COLUMNS, *DOCUMENT_COLUMNS] if hits else list(DOCUMENT_COLUMNS)
    if text or any("text" in row for row in rows[:1]):
        columns.append("text")
    return columns


# -- DataFrames -----------------------------------------------------------------------------------


def frame(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> Any:
    """A pandas DataFrame of rows, with the given columns in this order.

    Raises:
        MissingExtraError: pandas is not installed.
    """
    pd = require("pandas", "tables")
    return pd.DataFrame(list(rows), columns=list(columns))


# -- files ----------------------------------------------------------------------------------------


def csv_cell(value: Any) -> Any:
    """A CSV cell: lists become JSON (highlights), None becomes empty."""
    if value is None:
        return ""
    if isinstance(value, list | tuple | dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def write_rows(
    rows: Iterable[dict[str, Any]], columns: Sequence[str], path: str | Path, fmt: str
) -> int:
    """Write rows to ``path`` as "csv" (UTF-8 with BOM), "jsonl" or "parquet"; return the count.

    Raises:
        AlucorpusError: unknown format, or the file cannot be written.
        MissingExtraError: Parquet without pyarrow.
    """
    if fmt not in FORMATS:
        raise AlucorpusError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    rows = list(rows)
    target = Path(path)
    try:
        if fmt == "csv":
            # utf-8-sig writes the BOM that makes Excel read the file as UTF-8.
            with target.open("w", encoding="utf-8-sig", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(columns)
                for row in rows:
                    writer.writerow([csv_cell(row.get(c)) for c in columns])
        elif fmt == "jsonl":
            with target.open("w", encoding="utf-8") as handle:
                for row in rows:
                    record = {c: row.get(c) for c in columns}
                    handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        else:
            pa = require("pyarrow", "parquet")
            parquet = require("pyarrow.parquet", "parquet")
            table = pa.Table.from_pylist(
                [{c: row.get(c) for c in columns} for row in rows],
                schema=_arrow_schema(pa, columns),
            )
            parquet.write_table(table, str(target))
    except OSError as exc:
        raise AlucorpusError(f"{target}: cannot write ({exc.strerror or exc})") from None
    return len(rows)


def _arrow_schema(pa: Any, columns: Sequence[str]) -> Any:
    """Explicit column types, so an all-empty column is still typed (string, not null)."""
    types = {
        "rank": pa.int64(),
        "score": pa.float64(),
        "snippet_paragraph": pa.int64(),
        "paragraphs": pa.int64(),
        "issued_year": pa.int64(),
        "copies": pa.int64(),
        "highlights": pa.list_(pa.list_(pa.int64())),
    }
    return pa.schema([(c, types.get(c, pa.string())) for c in columns])


def read_csv_rows(path: str | Path) -> list[dict[str, str]]:
    """Read back a CSV written by :func:`write_rows` (every cell a string)."""
    with Path(path).open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


__all__ = [
    "DOCUMENT_COLUMNS",
    "FORMATS",
    "HIT_COLUMNS",
    "MissingExtraError",
    "columns_of",
    "csv_cell",
    "frame",
    "read_csv_rows",
    "record_row",
    "require",
    "write_rows",
]
