"""Table files with one document per row: CSV, TSV (BOM, CRLF) and JSON Lines.

Columns are recognised by common names (case-insensitive; see :data:`COLUMN_NAMES`)
and can be named explicitly through ``ParseOptions.columns``. A Chinese row body
goes through :func:`~alucorpus.ingest.notice.unflatten` (when its line breaks
were lost) and :func:`~alucorpus.ingest.notice.split_notice`.

The GCCMPD export names its columns ``Policy_raw``/``Policy_Content_raw``
(Chinese) and ``Policy``/``Policy_Content`` (machine-translated English); where
a ``*_raw`` column exists, the plain column is the English side.

Dates: the date under the row text's signature is ``issued`` (``date_source``
"document"); a 成文日期 column fills ``issued`` when the text has none, any other full
date column ``published`` ("metadata"). A date column that holds only a year (GOV_PRC's
``Year``, ``1980`` or ``1980.0``) gives no date: its year is kept in meta ``year``,
which :mod:`alucorpus.dates` makes the record's ``issued_year`` ("table_year") when
nothing better dates it.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
from collections.abc import Iterator
from typing import Any

from ..dates import DOCUMENT, METADATA
from ..departments import department_en, split_departments
from ..errors import ParseError
from ..records import Record
from . import ParseOptions, SourceText
from .fields import canonical_doc_number, clean_title, parse_date
from .notice import detect_lang, split_notice, unflatten
from .plaintext import notice_record, text_lines

__all__ = ["COLUMN_NAMES", "parse", "read_rows", "resolve_columns", "sniff"]

# Field → recognised column names, in order of preference (compared lower-case).
COLUMN_NAMES: dict[str, tuple[str, ...]] = {
    "title": ("title", "标题", "policy_raw", "policy", "name", "名称"),
    "content": ("content", "正文", "policy_content_raw", "policy_content", "text", "body"),
    "url": ("url", "链接", "网址", "crawl_url"),
    "date": ("date", "日期", "成文日期", "发布日期", "release_time", "year", "年份"),
    "doc_number": ("发文字号", "文号", "doc_number", "release_number"),
    "departments": ("发文机关", "department", "departments", "release_office"),
    "title_en": ("title_en",),
    "content_en": ("content_en",),
}
# Date columns that hold the 成文日期 (used as ``issued`` when the text has no date);
# every other full date column is a publication date.
_ISSUED_COLUMNS = frozenset({"成文日期"})
_YEAR = re.compile(r"^\s*(\d{4})(?:\.0+)?\s*$")


def _header_cells(text: str) -> tuple[list[str], str] | None:
    """The header row's cells and the delimiter (tab or comma), or None."""
    first = text.lstrip("\ufeff").split("\n", 1)[0].rstrip("\r")
    if not first.strip():
        return None
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    try:
        cells = next(csv.reader([first], delimiter=delimiter))
    except (csv.Error, StopIteration):
        return None
    return [c.strip() for c in cells], delimiter


def _json_lines(text: str, limit: int | None = None) -> Iterator[tuple[int, dict[str, Any]]]:
    """(row number, object) for each non-empty line; ParseError when a line is not an object."""
    row = 0
    for line_number, line in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        if not line.strip():
            continue
        row += 1
        if limit is not None and row > limit:
            return
        try:
            value = json.loads(line)
        except json.JSONDecodeError as error:
            raise ParseError(f"line {line_number}: not JSON ({error.msg})") from error
        if not isinstance(value, dict):
            raise ParseError(f"line {line_number}: not a JSON object")
        yield row, value


def _is_jsonl(text: str) -> bool:
    try:
        rows = list(_json_lines(text, limit=5))
    except ParseError:
        return False
    return bool(rows)


def _recognised(cells: list[str]) -> set[str]:
    lowered = {c.lower() for c in cells}
    return {
        name for field in ("title", "content") for name in COLUMN_NAMES[field] if name in lowered
    }


def sniff(path: str, text: str) -> bool:
    """A JSON Lines file, or a CSV/TSV whose header names a title or content column."""
    head = text[:200000]
    if head.lstrip("\ufeff").lstrip().startswith("{"):
        return _is_jsonl(head)
    found = _header_cells(head)
    if found is None:
        return False
    cells, delimiter = found
    if len(cells) < 2 or not _recognised(cells) or any(len(c) > 64 for c in cells):
        return False
    return _rows_fit_header(head, delimiter, len(cells))


def _rows_fit_header(head: str, delimiter: str, width: int, rows: int = 5) -> bool:
    """The first few complete records have as many cells as the header.

    This keeps SQL dumps and prose with commas in the first line from passing as CSV.
    """
    lines = head.lstrip("\ufeff").splitlines(keepends=True)
    if len(head) >= 200000:
        lines = lines[:-1]  # the last line may be cut mid-record
    try:
        records = list(itertools.islice(csv.reader(lines, delimiter=delimiter), rows + 1))
    except csv.Error:
        return False
    data = [r for r in records[1:] if r]
    return all(len(r) == width for r in data)


def resolve_columns(header: list[str], overrides: dict[str, str] | None = None) -> dict[str, str]:
    """Map record fields to the table's column names.

    Raises:
        ParseError: when an override names a column the table does not have.
    """
    by_lower = {name.lower(): name for name in header}
    columns: dict[str, str] = {}
    if "policy_raw" in by_lower and "policy" in by_lower:
        columns["title"] = by_lower["policy_raw"]
        columns["title_en"] = by_lower["policy"]
    if "policy_content_raw" in by_lower and "policy_content" in by_lower:
        columns["content"] = by_lower["policy_content_raw"]
        columns["content_en"] = by_lower["policy_content"]
    used = set(columns.values())
    for field, names in COLUMN_NAMES.items():
        if field in columns:
            continue
        for name in names:
            if name in by_lower and by_lower[name] not in used:
                columns[field] = by_lower[name]
                used.add(by_lower[name])
                break
    for field, name in (overrides or {}).items():
        if field not in COLUMN_NAMES:
            raise ParseError(f"unknown field {field!r} in column options")
        if name not in header:
            raise ParseError(f"no column {name!r} (columns: {', '.join(header)})")
        columns[field] = name
    return columns


def read_rows(text: str) -> tuple[list[str], list[dict[str, str]]]:
    """Header and rows (cell values as strings, "" for missing or null) of a table file."""
    body = text.lstrip("\ufeff")
    if body.lstrip().startswith("{"):
        rows: list[dict[str, str]] = []
        header: list[str] = []
        for _, obj in _json_lines(body):
            for key in obj:
                if key not in header:
                    header.append(key)
            rows.append({k: "" if v is None else str(v) for k, v in obj.items()})
        return header, rows
    found = _header_cells(body)
    if found is None:
        raise ParseError("no header row")
    _, delimiter = found
    try:
        reader = csv.reader(io.StringIO(body, newline=""), delimiter=delimiter)
        table = [row for row in reader if any(cell.strip() for cell in row)]
    except csv.Error as error:
        raise ParseError(f"malformed table: {error}") from error
    header = [c.strip() for c in table[0]]
    rows = [
        {name: (row[i] if i < len(row) else "") for i, name in enumerate(header)}
        for row in table[1:]
    ]
    return header, rows


def _date_value(column: str, value: str) -> tuple[str | None, str | None, tuple[str, str] | None]:
    """(issued, published, meta item) from a date column; a bare year is only a meta item."""
    year = _YEAR.match(value)
    if year is not None:
        return None, None, ("year", year.group(1))
    iso = parse_date(value)
    if column in _ISSUED_COLUMNS:
        return iso, None, None
    return None, iso, None


def row_record(
    doc: SourceText, number: int, row: dict[str, str], columns: dict[str, str], header: list[str]
) -> Record:
    """One row → one record; every problem becomes a warning, not an error."""

    def cell(field: str) -> str:
        return row.get(columns[field], "").strip() if field in columns else ""

    warnings: list[str] = []
    title = clean_title(cell("title")) if cell("title") else ""
    content = cell("content")
    extra: dict[str, Any] = {"url": cell("url") or None}

    lang = detect_lang(content or title) if (content or title) else "zh"
    if lang == "zh":
        lines = text_lines(content)
        paragraphs = unflatten(content, title_hint=title or None) if len(lines) == 1 else lines
        parts = split_notice(paragraphs, title_hint=title or None)
    else:
        parts = split_notice([], title_hint=title or None)
        extra.update(lang="en", paragraphs=tuple(text_lines(content)), title_en=title)

    doc_number, doc_number_raw = parts.doc_number, parts.doc_number_raw
    if cell("doc_number"):
        try:
            listed = canonical_doc_number(cell("doc_number"))
        except ParseError:
            listed = None
            warnings.append(f"doc number column not understood: {cell('doc_number')!r}")
        if listed and doc_number and listed != doc_number:
            warnings.append(f"doc number column {listed} differs from text {doc_number}")
        if listed and not doc_number:
            doc_number, doc_number_raw = listed, cell("doc_number")
    extra.update(doc_number=doc_number, doc_number_raw=doc_number_raw)

    if cell("departments") and not parts.signatories:
        names = split_departments(cell("departments"))
        extra.update(
            departments=tuple(names), departments_en=tuple(department_en(n) for n in names)
        )

    meta: list[tuple[str, str]] = []
    extra["date_source"] = DOCUMENT if parts.signed else None  # the date under the signature
    if cell("date"):
        try:
            issued, published, item = _date_value(columns["date"], cell("date"))
        except ParseError:
            issued, published, item = None, None, None
            warnings.append(f"date column not understood: {cell('date')!r}")
        if item is not None:
            meta.append(item)
        if issued and not parts.signed:
            extra["issued"] = issued
        if published:
            extra["published"] = published
        if (issued or published) and not parts.signed:
            extra["date_source"] = METADATA  # a 成文日期 or 发布日期 column

    if cell("title_en") or cell("content_en"):
        extra["title_en"] = cell("title_en")
        extra["paragraphs_en"] = tuple(text_lines(cell("content_en")))
        # Only the GCCMPD layout is known to carry machine translation in these columns.
        extra["en_machine_translated"] = columns.get("title_en", "").lower() == "policy"
    used = set(columns.values())
    meta.extend((name, row[name]) for name in header if name not in used and row.get(name))
    extra["meta"] = tuple(meta)

    return notice_record(
        doc,
        parts,
        format_name="table",
        part=f"row={number}",
        source=f"{doc.path}#row={number}",
        full_text=content,
        warnings=tuple(warnings),
        **extra,
    )


def parse(doc: SourceText, options: ParseOptions) -> list[Record]:
    """Read a table file: one record per data row (row numbers are 1-based, header excluded)."""
    try:
        header, rows = read_rows(doc.text)
        columns = resolve_columns(header, options.columns)
    except ParseError as error:
        raise ParseError(f"{doc.path}: {error}") from error
    if "title" not in columns and "content" not in columns:
        raise ParseError(
            f"{doc.path}: no title or content column among {', '.join(header)}; "
            "name them with the column options (title=…, content=…)"
        )
    return [row_record(doc, n, row, columns, header) for n, row in enumerate(rows, start=1)]
