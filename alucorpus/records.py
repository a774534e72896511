"""The one record type that flows from ingest to index to search results.

A :class:`Record` is immutable: ingesters build it once with every field they
could parse, and nothing downstream changes it. Its JSON form
(:meth:`Record.to_dict`) is what every ``--format json``/``jsonl`` output
prints and what the store keeps.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

SCHEMA_VERSION = 1


@dataclass(frozen=True, slots=True)
class Attachment:
    """An attached document: a 附件 the notice names, or the document a 印发/转发 notice carries."""

    title: str
    paragraphs: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Copy:
    """One stored copy of a document: a file (or table row) it came in as."""

    id: str  # the copy's own record id
    source: str
    format: str
    url: str | None
    sha256: str


@dataclass(frozen=True, slots=True)
class Version:
    """One version of a law or regulation, in a document's version chain."""

    id: str  # the document id of that version
    date: str | None  # its version date (成文 or revision date), YYYY-MM-DD
    status: str  # "in_force", "superseded", "repealed" or "unknown"


#: The values of :attr:`Record.status`.
STATUSES = ("in_force", "superseded", "repealed", "unknown")


@dataclass(frozen=True, slots=True)
class Record:
    """One policy document.

    Lists are tuples so that a record can be hashed and never changes after ingest.
    Dates are ``YYYY-MM-DD`` strings or ``None``.
    """

    id: str
    source: str  # the path as the user gave it; one row of a table file is ``PATH#row=N``
    format: str  # the ingester that read it: "reconnect", "govcn_html", "markdown_law", ...
    lang: str  # "zh" or "en": the language of ``paragraphs``
    sha256: str  # of the raw bytes of the file (both files, joined, for a bilingual pair)
    title: str = ""
    title_en: str = ""
    doc_number: str | None = None  # canonical 机关代字〔YYYY〕N号, 国务院令第706号, ...
    doc_number_raw: str | None = None  # as written in the source
    departments: tuple[str, ...] = ()  # full official names, Simplified, document order
    departments_en: tuple[str, ...] = ()  # official English names, same order ("" if unknown)
    issued: str | None = None  # 成文日期
    published: str | None = None  # 发布日期
    doc_type: str | None = None  # 通知, 意见, 决定, 条例, ...
    addressee: str | None = None  # 主送机关
    paragraphs: tuple[str, ...] = ()
    paragraphs_en: tuple[str, ...] = ()
    summary_en: str = ""
    en_machine_translated: bool = False  # the source says its English side is machine-made
    attachments: tuple[Attachment, ...] = ()
    cites: tuple[str, ...] = ()  # canonical numbers of other documents cited in the text
    url: str | None = None
    script: str = "simplified"  # "traditional" when the original text is in Traditional script
    warnings: tuple[str, ...] = ()  # what the parser noticed but could not reconcile
    meta: tuple[tuple[str, str], ...] = ()  # other source fields (索引号, 主题分类, ...), in order
    # -- dates beyond 成文/发布日期 ----------------------------------------------------------------
    issued_year: int | None = None  # the year of the best date known, even without a day
    date_source: str | None = None  # where issued/issued_year came from (see alucorpus.dates)
    # -- where it applies ------------------------------------------------------------------------
    jurisdiction: str = ""  # "national", "taiwan", or the province or city (海南省, 新余市)
    # -- the document over its copies (filled by alucorpus.documents) ---------------------------
    copies: tuple[Copy, ...] = ()  # every stored copy; empty on a copy itself
    field_sources: tuple[tuple[str, str], ...] = ()  # field group -> id of the copy it came from
    status: str = "unknown"  # one of STATUSES
    versions: tuple[Version, ...] = ()  # the version chain, oldest first, this one included

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form: plain lists and dicts, keys in field order."""
        # Field by field rather than dataclasses.asdict, which deep-copies every
        # paragraph string (a tenth of an ingest's time went there).
        data: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, tuple):
                value = [asdict(v) if isinstance(v, Copy | Version) else v for v in value]
            data[f.name] = value
        data["attachments"] = [
            {"title": a.title, "paragraphs": list(a.paragraphs)} for a in self.attachments
        ]
        data["meta"] = dict(self.meta)
        data["field_sources"] = dict(self.field_sources)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Record:
        """Build a record from its JSON form; unknown keys are ignored (forward compatibility)."""
        known = {f.name for f in fields(cls)}
        values: dict[str, Any] = {k: v for k, v in data.items() if k in known}
        values["attachments"] = tuple(
            Attachment(a.get("title", ""), tuple(a.get("paragraphs", ())))
            for a in data.get("attachments", ())
        )
        values["meta"] = tuple((str(k), str(v)) for k, v in dict(data.get("meta", {})).items())
        values["copies"] = tuple(Copy(**c) for c in data.get("copies", ()))
        values["versions"] = tuple(Version(**v) for v in data.get("versions", ()))
        values["field_sources"] = tuple(
            (str(k), str(v)) for k, v in dict(data.get("field_sources", {})).items()
        )
        for name in (
            "departments",
            "departments_en",
            "paragraphs",
            "paragraphs_en",
            "cites",
            "warnings",
        ):
            if name in values:
                values[name] = tuple(values[name])
        return cls(**values)

    def with_changes(self, **changes: Any) -> Record:
        """Return a copy with some fields replaced (records themselves never change)."""
        return replace(self, **changes)

    @property
    def text(self) -> str:
        """Body text of the record and its attachments, one paragraph per line."""
        parts = list(self.paragraphs)
        for attachment in self.attachments:
            parts.append(attachment.title)
            parts.extend(attachment.paragraphs)
        return "\n".join(parts)


def record_id(sha256: str, part: str = "") -> str:
    """Stable id of a record: the same raw bytes (and row or part) give the same id.

    The id depends on content, not on the path, so the same file ingested from
    two places is one document.
    """
    return hashlib.sha256(f"{sha256}#{part}".encode()).hexdigest()[:16]


def sha256_hex(data: bytes) -> str:
    """Hex SHA-256 of raw bytes."""
    return hashlib.sha256(data).hexdigest()


__all__ = [
    "SCHEMA_VERSION",
    "STATUSES",
    "Attachment",
    "Copy",
    "Record",
    "Version",
    "record_id",
    "sha256_hex",
]
