"""Plain-text notices (Chinese or English) and English web articles.

This is the last reader in the registry: it accepts any text that is mostly
printable. A Chinese text goes through :func:`~alucorpus.ingest.notice.split_notice`
(after :func:`~alucorpus.ingest.notice.unflatten` when its line breaks were lost);
an English text is a title line followed by paragraphs, with web-site
boilerplate ("Comments are closed.", "Share this:") dropped.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from ..departments import department_en, lookup_department, split_departments
from ..errors import ParseError
from ..records import Record, record_id
from . import ParseOptions, SourceText
from .fields import doc_type_of, find_citations
from .notice import NoticeParts, detect_lang, split_notice, unflatten

__all__ = [
    "BOILERPLATE",
    "detect_lang",
    "english_paragraphs",
    "leading_departments",
    "notice_record",
    "parse",
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


def sniff(path: str, text: str) -> bool:
    """Accept any non-empty text whose characters are mostly printable (the fallback reader)."""
    sample = text[:4000]
    if not sample.strip():
        return False
    if _SQL_DUMP.match(sample.lstrip("\ufeff")):
        # A database dump is data for another tool, not a document: better a clear
        # "not a format alucorpus reads" than one record of SQL statements.
        return False
    printable = sum(1 for ch in sample if ch.isprintable() or ch in "\r\n\t")
    return printable >= 0.95 * len(sample)


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
