"""Plain-text notices (Chinese or English) and English web articles.

This is the last reader in the registry: it accepts any text that is mostly
printable, then reads it only if it looks like a document (see
:func:`refuse_non_document`): Chinese prose of some length or an English article,
not a manifest, a data table, JSON data or a date. A Chinese text goes through
:func:`~alucorpus.ingest.notice.split_notice` (after
:func:`~alucorpus.ingest.notice.unflatten` when its line breaks were lost);
an English text is a title line followed by paragraphs, with web-site
boilerplate ("Comments are closed.", "Share this:") dropped.
"""

from __future__ import annotations

import collections
import csv
import io
import json
import re
import unicodedata
from pathlib import PurePath
from typing import Any

from ..analysis import CJK_IDEOGRAPHS
from ..departments import department_en, lookup_department, split_departments
from ..errors import NotADocumentError, ParseError
from ..records import Record, record_id
from . import ParseOptions, SourceText
from .fields import doc_type_of, find_citations, parse_date
from .notice import NoticeParts, detect_lang, split_notice, unflatten

__all__ = [
    "BOILERPLATE",
    "MIN_HAN",
    "MIN_WORDS",
    "detect_lang",
    "english_paragraphs",
    "json_error",
    "leading_departments",
    "notice_record",
    "parse",
    "refuse_non_document",
    "sniff",
    "text_lines",
]

# Lines that web sites wrap around an article; compared case-insensitively after
# stripping. Prefixes end with a space or colon so that a sentence that merely
# starts with the same word is kept.
BOILERPLATE: tuple[str, ...] = (
    "comments are closed.",
    "comments are closed",
    "share this:",
    "share this",
    "related posts",
    "related posts:",
    "related articles",
    "leave a reply",
    "leave a comment",
    "posted in ",
    "tagged ",
    "print this page",
    "back to top",
    "this website uses cookies",
    "we use cookies",
    "accept cookies",
    "cookie policy",
    "click to share on ",
    "like this:",
    "loading...",
    "previous post",
    "next post",
)

_FLAT_MIN = 100  # a line this long in a text of one or two lines is a flattened notice


_SQL_DUMP = re.compile(
    r"\s*(?:--[^\n]*\n\s*|/\*.*?\*/\s*)*(?:insert\s+into|create\s+table|drop\s+table|set\s+names)\b",
    re.IGNORECASE | re.DOTALL,
)


#: Line breaks and tabs: not "printable" to Python, but text.
_LAYOUT_CHARS = str.maketrans("", "", "\r\n\t")


def sniff(path: str, text: str) -> bool:
    """Accept any non-empty text whose characters are mostly printable (the fallback reader)."""
    sample = text[:4000]
    if not sample.strip():
        return False
    if _SQL_DUMP.match(sample.lstrip("\ufeff")):
        # A database dump is data for another tool, not a document: better a clear
        # "not a format alucorpus reads" than one record of SQL statements.
        return False
    if sample.translate(_LAYOUT_CHARS).isprintable():  # the common case, at C speed
        return True
    printable = sum(
        count
        for ch, count in collections.Counter(sample).items()
        if ch.isprintable() or ch in "\r\n\t"
    )
    return printable >= 0.95 * len(sample)


# --------------------------------------------------------------------------- not documents

#: The least text a document has: this many Chinese characters, or this many English words.
MIN_HAN = 20
MIN_WORDS = 15

_HAN = re.compile(f"[{CJK_IDEOGRAPHS}]")
_WORD = re.compile(r"[A-Za-z]{2,}")
_JSON_SUFFIXES = frozenset({".json", ".jsonl", ".ndjson", ".geojson"})
_TABLE_SUFFIXES = {".csv": ",", ".tsv": "\t", ".tab": "\t"}
# A file name as manifests and provenance tables write them: raw/GOV_PRC.csv, 1.html.
_FILE_NAME = re.compile(
    r"[\w./()-]+\.(?:md|csv|tsv|jsonl?|txt|html?|sql|xlsx?|xml|jsp|sqlite3?|db|pdf|docx?|zip)\b"
)
_MD_HEADING = re.compile(r"#{1,6}\s+\S")
_MD_TABLE_RULE = re.compile(r"\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)+\|?")
# What prose has and a table cell of names, codes or numbers has not.
_PROSE_MARK = re.compile(r"[。，；！？]|[a-z][.,;] [A-Za-z]")


def json_error(error: json.JSONDecodeError, line: int | None = None) -> str:
    """Where and why JSON failed to parse: ``line 3, column 5: Expecting ',' delimiter``.

    ``line`` is the line number in the file of a JSON Lines line parsed on its own.
    """
    return f"line {line or error.lineno}, column {error.colno}: {error.msg}"


def refuse_non_document(path: str, text: str) -> None:
    """Raise unless a text the plain-text reader was given looks like a document.

    Every file no other reader takes reaches this reader, so it is where files that
    are not documents stop: a Markdown manifest of files, a table of names, JSON data
    of a shape no reader knows, a file holding a date. Their text would become a
    record with an official-looking title, number or date taken from whatever it says.

    >>> refuse_non_document("UpdateDate.txt", "20241011")
    Traceback (most recent call last):
    ...
    alucorpus.errors.NotADocumentError: UpdateDate.txt: not a document (a date, 20241011, not prose)

    Raises:
        NotADocumentError: the text is not a document (the message says what it is).
        ParseError: the text is JSON or a table file (by its name) that does not parse.
    """
    body = text.lstrip("\ufeff")
    reason = _json_data(path, body) or _manifest(body) or _table(path, body) or _too_short(body)
    if reason is not None:
        raise NotADocumentError(f"{path}: not a document ({reason})")


def _json_data(path: str, text: str) -> str | None:
    """What JSON data is, for JSON no reader took; ParseError when it does not parse."""
    head = text.lstrip()
    if not head.startswith(("{", "[")):
        return None
    named = PurePath(path).suffix.lower() in _JSON_SUFFIXES
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        if head.startswith("[") and not named:
            return None  # "[2011] …": prose that opens with a bracket
        lines = [(n, line) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
        if len(lines) > 1 and _parses(lines[0][1]):
            for number, line in lines:
                try:
                    json.loads(line)
                except json.JSONDecodeError as line_error:
                    where = json_error(line_error, number)
                    raise ParseError(f"{path}: not valid JSON Lines ({where})") from None
            return "JSON Lines whose lines are not all objects"
        raise ParseError(f"{path}: not valid JSON ({json_error(error)})") from None
    return f"JSON of an unknown shape: {_json_shape(value)}"


def _parses(text: str) -> bool:
    try:
        json.loads(text)
    except json.JSONDecodeError:
        return False
    return True


def _json_shape(value: object) -> str:
    if isinstance(value, dict):
        keys = [str(key) for key in value]
        shown = ", ".join(keys[:5]) + (", …" if len(keys) > 5 else "")
        return f"an object with keys {shown}" if keys else "an empty object"
    if isinstance(value, list):
        return f"a list of {len(value)} items"
    return f"a single value, {json.dumps(value, ensure_ascii=False)[:40]}"


def _manifest(text: str) -> str | None:
    """A Markdown listing of files: headings, and tables that make much of the text."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    headings = sum(1 for line in lines if _MD_HEADING.match(line))
    rows = sum(1 for line in lines if line.startswith("|"))
    files = set(_FILE_NAME.findall(text))
    if not headings or not any(_MD_TABLE_RULE.fullmatch(line) for line in lines):
        return None
    if rows * 3 < len(lines) or len(files) < 3:
        return None
    return f"a Markdown manifest: headings and tables about {len(files)} files, not prose"


def _table(path: str, text: str) -> str | None:
    """What a delimited table is; ParseError for a file named as a table that does not parse.

    A table is found by content only when tab-separated: commas are everywhere in
    English prose, tabs are not. A ``.csv``/``.tsv`` file is a table by its name.
    """
    first = text.split("\n", 1)[0]
    named = _TABLE_SUFFIXES.get(PurePath(path).suffix.lower())
    delimiter = named or ("\t" if "\t" in first else None)
    if delimiter is None or delimiter not in first:
        return None
    kind = "tab-separated" if delimiter == "\t" else "comma-separated"
    what = "TSV" if delimiter == "\t" else "CSV"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[tuple[int, list[str]]] = []
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                rows.append((reader.line_num, row))
    except csv.Error as error:
        if named:
            where = f"line {reader.line_num}: {error}"
            raise ParseError(f"{path}: not valid {what} ({where})") from None
        return None
    if not rows:
        return None
    header = [cell.strip() for cell in rows[0][1]]
    ragged = next(((n, row) for n, row in rows[1:] if len(row) != len(header)), None)
    if ragged is not None:
        if named:
            number, row = ragged
            raise ParseError(
                f"{path}: not valid {what} (line {number} has {len(row)} cells, "
                f"the header {len(header)})"
            )
        return None
    cells = [cell for _, row in rows for cell in row if cell.strip()]
    if not named and (len(rows) < 2 or sum(map(_is_prose, cells)) * 10 > len(cells)):
        return None  # prose that happens to use tabs
    if _names_files(header, [row[0] for _, row in rows[1:]]):
        return f"a {kind} table of file names, not prose"
    shown = ", ".join(header[:5]) + (", …" if len(header) > 5 else "")
    return f"a {kind} table ({len(header)} columns: {shown}), not prose"


def _is_prose(cell: str) -> bool:
    return _PROSE_MARK.search(cell) is not None


def _names_files(header: list[str], first_column: list[str]) -> bool:
    """The table lists files: its header says so, or its first column is file names."""
    if any(word in cell.lower() for cell in header for word in ("path", "file")):
        return True
    named = sum(1 for cell in first_column if _FILE_NAME.fullmatch(cell.strip()))
    return bool(first_column) and named * 2 >= len(first_column)


def _too_short(text: str) -> str | None:
    """Too little text for a document: a date, a number, a label."""
    body = text.strip()
    if len(_HAN.findall(body)) >= MIN_HAN or len(_WORD.findall(body)) >= MIN_WORDS:
        return None
    shown = " ".join(body.split())
    shown = shown if len(shown) <= 40 else shown[:39] + "…"
    try:
        parse_date(body)
    except ParseError:
        return f"too short for a document: {shown!r}"
    return f"a date, {shown}, not prose"


def text_lines(text: str) -> list[str]:
    """Non-empty stripped lines (CRLF, CR and LF alike; U+3000 indents removed)."""
    return [line.strip(" \t\u3000\ufeff") for line in re.split(r"\r\n|\r|\n", text) if line.strip()]


def _is_boilerplate(line: str) -> bool:
    lowered = unicodedata.normalize("NFKC", line).strip().lower()
    return any(
        lowered == item.strip() or (item.endswith((" ", ":")) and lowered.startswith(item))
        for item in BOILERPLATE
    )


def english_paragraphs(text: str) -> tuple[str, list[str]]:
    """Title (the first line) and paragraphs of an English article, boilerplate dropped."""
    lines = [line for line in text_lines(text) if not _is_boilerplate(line)]
    if not lines:
        return "", []
    return lines[0], lines[1:]


def leading_departments(title: str) -> list[str]:
    """Issuers named at the start of a title: "国务院关于…" → [国务院].

    "工业和信息化部等十部门关于…" gives only the lead issuer, 工业和信息化部:
    the others are not named.
    """
    match = re.match(
        r"^(.{2,80}?)(?:等[一二三四五六七八九十\d]+(?:个)?部门)?(?:关于|印发|转发|批转)", title
    )
    if match is None:
        return []
    head = re.sub(r"等[一二三四五六七八九十\d]+(?:个)?部门$", "", match.group(1))
    names = split_departments(head)
    if names and all(lookup_department(name) is not None for name in names):
        return names
    found = lookup_department(head)
    return [found.name] if found is not None else []


def _zh_paragraphs(text: str) -> list[str]:
    """Paragraphs of a Chinese text, restoring breaks when the text was flattened."""
    lines = text_lines(text)
    if len(lines) <= 2 and max((len(line) for line in lines), default=0) >= _FLAT_MIN:
        return unflatten(" ".join(lines))
    return lines


def notice_record(
    doc: SourceText,
    parts: NoticeParts,
    *,
    format_name: str,
    part: str = "",
    source: str | None = None,
    full_text: str = "",
    warnings: tuple[str, ...] = (),
    **extra: Any,
) -> Record:
    """Build a Chinese :class:`Record` from the parts of a notice (shared by the table reader)."""
    departments = list(parts.signatories) or leading_departments(parts.title)
    notes = list(warnings)
    if not parts.body and not parts.attachments:
        notes.append("no body text")
    try:
        cites = find_citations(full_text, parts.doc_number) if full_text else []
    except ParseError as error:
        cites = []
        notes.append(f"citations: {error}")
    fields: dict[str, Any] = {
        "id": record_id(doc.sha256, part),
        "source": source or doc.path,
        "format": format_name,
        "lang": "zh",
        "sha256": doc.sha256,
        "title": parts.title,
        "doc_number": parts.doc_number,
        "doc_number_raw": parts.doc_number_raw,
        "departments": tuple(departments),
        "departments_en": tuple(department_en(name) for name in departments),
        "issued": parts.signed,
        "doc_type": doc_type_of(parts.title) if parts.title else None,
        "addressee": parts.addressee,
        "paragraphs": parts.body,
        "attachments": parts.attachments,
        "cites": tuple(cites),
        "warnings": tuple(dict.fromkeys((*doc.warnings, *notes))),
    }
    fields.update(extra)
    return Record(**fields)


def parse(doc: SourceText, options: ParseOptions) -> list[Record]:
    """Read one plain-text file as one record."""
    text = doc.text.replace("\ufeff", "")
    if not text.strip():
        raise ParseError(f"{doc.path}: empty text")
    refuse_non_document(doc.path, text)
    if detect_lang(text) == "en":
        title, paragraphs = english_paragraphs(text)
        return [
            Record(
                id=record_id(doc.sha256),
                source=doc.path,
                format="plaintext",
                lang="en",
                sha256=doc.sha256,
                title=title,
                title_en=title,
                paragraphs=tuple(paragraphs),
                warnings=doc.warnings,
            )
        ]
    parts = split_notice(_zh_paragraphs(text))
    return [notice_record(doc, parts, format_name="plaintext", full_text=text)]
