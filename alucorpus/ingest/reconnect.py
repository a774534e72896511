"""ReConnect China text export: title, machine-translated English title, fields, summary, original.

Layout (one item per line, blank lines between)::

    工业和信息化部等十部门关于印发《…》的通知
    English title (machine-translated)
    The Ministry of Industry …
    Published
    2025-03-27
    Type / Subtype / Level / Length / Department (name line, value line)
    Summary
    (1)  English summary paragraph …
    Original
    (1)  工信部联原〔2025〕62号
    (2)  …

The Original paragraphs are the notice itself; they go through
:func:`~alucorpus.ingest.notice.split_notice`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..departments import department_en, split_departments
from ..errors import ParseError
from ..records import Record, record_id
from . import ParseOptions, SourceText
from .fields import clean_title, doc_type_of, find_citations, parse_date
from .notice import split_notice
from .plaintext import text_lines

__all__ = ["ReconnectExport", "length_warning", "parse", "read_export", "sniff"]

_EN_TITLE = re.compile(r"^English title(?:\s*\((?P<note>[^)]*)\))?$", re.IGNORECASE)
_NUMBERED = re.compile(r"^\((\d+)\)\s+(.*)$")
_LENGTH = re.compile(r"(\d[\d,]*)\s+characters?,\s*(\d[\d,]*)\s+paragraphs?", re.IGNORECASE)
_SECTIONS = ("Summary", "Original")


@dataclass(frozen=True)
class ReconnectExport:
    """The sections of an export, before any notice parsing."""

    title: str
    title_en: str
    machine_translated: bool
    fields: tuple[tuple[str, str], ...]  # (name, value) in file order
    summary: tuple[str, ...]
    original: tuple[str, ...]
    warnings: tuple[str, ...] = ()


def sniff(path: str, text: str) -> bool:
    """An export has an "English title" label and both Summary and Original sections."""
    lines = {line.strip() for line in text[:20000].splitlines()}
    has_label = any(_EN_TITLE.match(line) for line in lines)
    return has_label and "Original" in lines and ("Summary" in lines or "Published" in lines)


def _numbered(lines: list[str], section: str, joiner: str) -> tuple[list[str], list[str]]:
    """Paragraphs of a "(N)  text" section, and warnings about its numbering."""
    paragraphs: list[str] = []
    warnings: list[str] = []
    last = 0
    for line in lines:
        match = _NUMBERED.match(line)
        if match is None:
            if not paragraphs:
                warnings.append(f"{section}: text before paragraph (1): {line[:40]!r}")
                paragraphs.append(line)
            else:
                # A paragraph that wrapped onto another line.
                paragraphs[-1] = paragraphs[-1] + joiner + line
            continue
        number = int(match.group(1))
        if number != last + 1:
            warnings.append(f"{section}: paragraph ({number}) follows ({last})")
        last = number
        paragraphs.append(match.group(2).strip())
    return paragraphs, warnings


def read_export(text: str) -> ReconnectExport:
    """Split an export into title, English title, fields, summary and original paragraphs.

    Raises:
        ParseError: when the title line or the Original section is missing.
    """
    lines = text_lines(text)
    if not lines:
        raise ParseError("empty ReConnect export")
    title = lines[0]
    index = 1
    title_en = ""
    machine = False
    if index < len(lines):
        label = _EN_TITLE.match(lines[index])
        if label is not None:
            machine = "machine" in (label.group("note") or "").lower()
            title_en = lines[index + 1] if index + 1 < len(lines) else ""
            index += 2
    fields: list[tuple[str, str]] = []
    while index + 1 < len(lines) and lines[index] not in _SECTIONS:
        fields.append((lines[index], lines[index + 1]))
        index += 2
    if index < len(lines) and lines[index] not in _SECTIONS:
        raise ParseError(f"field {lines[index]!r} has no value")
    sections: dict[str, list[str]] = {name: [] for name in _SECTIONS}
    current: str | None = None
    for line in lines[index:]:
        if line in _SECTIONS:
            current = line
            continue
        if current is not None:
            sections[current].append(line)
    if "Original" not in lines[index:]:
        raise ParseError("no Original section")
    summary, warn_summary = _numbered(sections["Summary"], "Summary", " ")
    original, warn_original = _numbered(sections["Original"], "Original", "")
    return ReconnectExport(
        title=title,
        title_en=title_en,
        machine_translated=machine,
        fields=tuple(fields),
        summary=tuple(summary),
        original=tuple(original),
        warnings=tuple(warn_summary + warn_original),
    )


def length_warning(declared: str, original: tuple[str, ...]) -> str | None:
    """Compare "Length: N characters, M paragraphs" with the Original section.

    ReConnect counts the characters of the Original paragraphs without whitespace
    and without the "(N)" markers (219 for the seed export); None when both agree.
    """
    match = _LENGTH.search(declared)
    if match is None:
        return f"Length field not understood: {declared!r}"
    chars = int(match.group(1).replace(",", ""))
    paras = int(match.group(2).replace(",", ""))
    parsed_chars = sum(len(re.sub(r"\s+", "", p)) for p in original)
    problems = []
    if paras != len(original):
        problems.append(f"declared {paras} paragraphs, parsed {len(original)}")
    if chars != parsed_chars:
        problems.append(f"declared {chars} characters, parsed {parsed_chars}")
    return "Length: " + "; ".join(problems) if problems else None


def parse(doc: SourceText, options: ParseOptions) -> list[Record]:
    """Read one ReConnect export as one record."""
    try:
        export = read_export(doc.text.replace("\ufeff", ""))
    except ParseError as error:
        raise ParseError(f"{doc.path}: {error}") from error
    fields = dict(export.fields)
    warnings = [*doc.warnings, *export.warnings]
    title = clean_title(export.title)
    parts = split_notice(list(export.original), title_hint=title)

    listed = split_departments(fields.get("Department", ""))
    departments = list(parts.signatories) or listed
    if parts.signatories and listed and list(parts.signatories) != listed:
        warnings.append(
            "Department field and signature block differ: "
            f"{' '.join(listed)} / {' '.join(parts.signatories)}"
        )

    published = None
    if fields.get("Published"):
        try:
            published = parse_date(fields["Published"])
        except ParseError:
            warnings.append(f"Published date not understood: {fields['Published']!r}")
    if "Length" in fields:
        problem = length_warning(fields["Length"], export.original)
        if problem:
            warnings.append(problem)

    full_text = "\n".join(export.original)
    cites = find_citations(full_text, parts.doc_number)
    meta = tuple(
        (name, value) for name, value in export.fields if name not in ("Published", "Department")
    )
    return [
        Record(
            id=record_id(doc.sha256),
            source=doc.path,
            format="reconnect",
            lang="zh",
            sha256=doc.sha256,
            title=title,
            title_en=export.title_en,
            doc_number=parts.doc_number,
            doc_number_raw=parts.doc_number_raw,
            departments=tuple(departments),
            departments_en=tuple(department_en(name) for name in departments),
            issued=parts.signed,
            published=published,
            doc_type=doc_type_of(title),
            addressee=parts.addressee,
            paragraphs=parts.body,
            summary_en="\n".join(export.summary),
            en_machine_translated=export.machine_translated,
            attachments=parts.attachments,
            cites=tuple(cites),
            warnings=tuple(dict.fromkeys(warnings)),
            meta=meta,
        )
    ]
