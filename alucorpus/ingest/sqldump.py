"""MySQL-style SQL dumps: one record per row of ``INSERT INTO t (cols) VALUES (…)``.

Crawled policy pages often arrive as a database export rather than as pages
(../shared/corpus/govcn_zhouynf_sql). A row whose ``html`` (or ``content``)
column holds a page is read by the HTML reader, so a gov.cn metadata table in it
is used as it would be in a saved page; other rows are read like a table row.
Each record's source is ``PATH#row=N``, N counting rows across the whole dump.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

from ..errors import ParseError
from ..records import Record, record_id
from . import ParseOptions, SourceText

FORMAT = "sql_dump"

_INSERT = re.compile(
    r"insert\s+(?:ignore\s+)?into\s+[`\"]?(\w+)[`\"]?\s*\(([^)]*)\)\s*values\s*",
    re.IGNORECASE,
)
_SNIFF = re.compile(
    r"\A\s*(?:(?:--|#)[^\n]*\n\s*|/\*.*?\*/;?\s*|(?:set|lock|drop|create)\b[^;]*;\s*)*insert\s",
    re.IGNORECASE | re.DOTALL,
)
_ESCAPES = {"0": "\0", "n": "\n", "r": "\r", "t": "\t", "Z": "\x1a", "b": "\b"}
_PAGE_COLUMNS = ("html", "content", "body", "page")


def sniff(path: str, text: str) -> bool:
    """A dump that starts (after comments and SET/CREATE statements) with an INSERT."""
    head = text[:65536].lstrip("\ufeff")
    match = _SNIFF.match(head)
    return match is not None and _INSERT.match(head, match.end() - len("insert ")) is not None


def parse_values(text: str, start: int) -> Iterator[tuple[list[str | None], int]]:
    """Tuples of an INSERT's VALUES list from ``start``: ``(cells, end offset)``.

    Strings are single-quoted with ``''`` or backslash escapes; NULL becomes None;
    numbers stay strings. Stops at the statement's ``;``.

    Raises:
        ParseError: on a tuple that never closes.
    """
    i, n = start, len(text)
    while i < n:
        while i < n and text[i] in " \t\r\n,":
            i += 1
        if i >= n or text[i] == ";":
            return
        if text[i] != "(":
            raise ParseError(f"expected '(' at offset {i}")
        i += 1
        cells: list[str | None] = []
        while True:
            while i < n and text[i] in " \t\r\n":
                i += 1
            if i >= n:
                raise ParseError("a VALUES tuple never closes (truncated dump?)")
            if text[i] == "'":
                value, i = _quoted(text, i + 1)
                cells.append(value)
            else:
                j = i
                while j < n and text[j] not in ",)":
                    j += 1
                raw = text[i:j].strip()
                cells.append(None if raw.upper() == "NULL" else raw)
                i = j
            while i < n and text[i] in " \t\r\n":
                i += 1
            if i < n and text[i] == ",":
                i += 1
                continue
            if i < n and text[i] == ")":
                i += 1
                break
            raise ParseError(f"unexpected character at offset {i} in a VALUES tuple")
        yield cells, i


def _quoted(text: str, i: int) -> tuple[str, int]:
    out: list[str] = []
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "\\" and i + 1 < n:
            out.append(_ESCAPES.get(text[i + 1], text[i + 1]))
            i += 2
        elif ch == "'":
            if i + 1 < n and text[i + 1] == "'":
                out.append("'")
                i += 2
            else:
                return "".join(out), i + 1
        else:
            out.append(ch)
            i += 1
    raise ParseError("a quoted string never closes (truncated dump?)")


def rows(text: str) -> Iterator[dict[str, str | None]]:
    """Every row of every INSERT statement, as column → value."""
    for match in _INSERT.finditer(text):
        columns = [c.strip().strip('`"') for c in match.group(2).split(",")]
        for cells, _end in parse_values(text, match.end()):
            if len(cells) != len(columns):
                raise ParseError(f"a row has {len(cells)} values for {len(columns)} columns")
            yield dict(zip(columns, cells, strict=True))


def parse(doc: SourceText, options: ParseOptions) -> list[Record]:
    """One record per row; rows that hold a page go through the HTML reader."""
    from . import html, table

    records: list[Record] = []
    try:
        all_rows = list(rows(doc.text))
    except ParseError as error:
        raise ParseError(f"{doc.path}: {error}") from error
    for number, row in enumerate(all_rows, start=1):
        part = f"row={number}"
        source = f"{doc.path}#{part}"
        page = next((row[c] for c in _PAGE_COLUMNS if row.get(c) and "<" in (row[c] or "")), None)
        if page:
            sub = replace(doc, path=source, text=page)
            found = html.parse(sub, options)
            url = row.get("crawl_url") or row.get("url")
            found = [
                r.with_changes(
                    id=record_id(doc.sha256, part),
                    source=source,
                    format=FORMAT,
                    url=r.url or url,
                )
                for r in found
            ]
        else:
            cells = {k: (v or "") for k, v in row.items()}
            columns = table.resolve_columns(list(cells), options.columns)
            found = [
                table.row_record(doc, number, cells, columns, list(cells)).with_changes(
                    format=FORMAT
                )
            ]
        records.extend(found)
    if not records:
        raise ParseError(f"{doc.path}: no INSERT rows found")
    return records
