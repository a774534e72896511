"""Documents, not copies: which stored records are one document, and that document's fields.

The same document reaches a corpus many times: a gov.cn page as two SQL dumps, an HTML
fragment and a JSON Lines row; a State Council text as a CSV row, its machine-translated
JSON Lines twin and a LawRefBook file. Each file (or table row) is stored as it came, a
*copy*; the search index, totals, facets, trends and the citation graph hold the
*document* made from its copies.

Copies are one document when they share an identity key (:func:`identity_keys`):

* the same canonical 发文字号 and title (and, for the law databases whose date is a
  version date, the same date: two versions of one law keep their number);
* the same URL;
* the same normalised body text, for documents without a number.

Keys join copies transitively, so a group can never hold two versions of one law:
when it would (two copies from a law database with different dates), it is split by
version date (:func:`group_ids`). The document's fields then come from the best copy
for each (:func:`merge_copies`), and ``field_sources`` says which.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from .analysis import normalize_text, to_simplified
from .records import Copy, Record

#: Formats whose date is a version date: two copies with different dates are two
#: versions of one law, never one document (LawRefBook keeps each revision as a file,
#: Taiwan's database dates each text by its last amendment).
VERSIONED_FORMATS = frozenset({"markdown_law", "tw_moj"})

#: Which copy's metadata (number, issuers, dates, addressee) to believe, best first:
#: the gov.cn metadata table, the SQL dump that holds the same page, ReConnect's
#: header fields, the law databases, then pages, plain text and flattened table rows.
METADATA_RANK: Mapping[str, int] = {
    "govcn_html": 0,
    "sql_dump": 1,
    "reconnect": 2,
    "tw_moj": 3,
    "markdown_law": 4,
    "html": 5,
    "plaintext": 6,
    "table": 7,
}

#: Which date to believe, best first (values of Record.date_source, see alucorpus.dates).
DATE_SOURCE_RANK: Mapping[str | None, int] = {
    "metadata": 0,
    "document": 1,
    "page": 2,
    "table_year": 3,
    "number": 4,
    None: 5,
}

#: A body shorter than this (in characters, after normalising) is no identity: empty
#: and near-empty bodies of different documents would otherwise be "the same text".
MIN_TEXT_KEY_CHARS = 200

_NOT_WORD = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class Identity:
    """What grouping needs of a copy: its keys and, for a law database, its version date."""

    keys: tuple[str, ...]
    version: str | None = None  # the date of a copy from VERSIONED_FORMATS
    date: str | None = None  # its issued date (places a non-database copy in a version)

    def to_json(self) -> list[object]:
        """Compact JSON form, kept beside each stored copy."""
        return [list(self.keys), self.version, self.date]

    @classmethod
    def from_json(cls, value: Sequence[object]) -> Identity:
        """Inverse of :meth:`to_json`."""
        keys, version, date = value
        assert isinstance(keys, list)
        return cls(tuple(str(k) for k in keys), _str_or_none(version), _str_or_none(date))


def _str_or_none(value: object) -> str | None:
    return None if value is None else str(value)


def comparable_title(title: str) -> str:
    """A title as identity compares it: Simplified, without spaces or punctuation.

    >>> comparable_title("國務院關於《礦產資源法》的通知 ")
    '国务院关于矿产资源法的通知'
    """
    return _NOT_WORD.sub("", to_simplified(normalize_text(title)))


def comparable_url(url: str) -> str:
    """A URL as identity compares it: no scheme, lower-case host, no fragment or trailing /.

    >>> comparable_url("HTTP://WWW.gov.cn/zhengce/content/2008-03/28/content_2689.htm#top")
    'www.gov.cn/zhengce/content/2008-03/28/content_2689.htm'
    """
    url = url.strip().split("#", 1)[0]
    url = re.sub(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", "", url)
    host, _, path = url.partition("/")
    return (host.lower() + ("/" + path if path else "")).rstrip("/")


def body_fingerprint(record: Record) -> str | None:
    """Hash of the normalised body text, or None when it is too short to identify anything."""
    text = _NOT_WORD.sub("", to_simplified(normalize_text(record.text)))
    if len(text) < MIN_TEXT_KEY_CHARS:
        return None
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def identity_of(record: Record) -> Identity:
    """The identity keys of one copy (see the module docstring)."""
    keys: list[str] = []
    title = comparable_title(record.title)
    versioned = record.format in VERSIONED_FORMATS
    if record.doc_number and title:
        base = f"n:{record.doc_number}|{title}"
        if record.issued:
            keys.append(f"{base}|{record.issued}")
        if not versioned or not record.issued:
            # A database version only meets copies of its own date; anything else
            # also meets copies that carry no date, or a wrong one.
            keys.append(base)
    if record.url:
        keys.append("u:" + comparable_url(record.url))
    if not record.doc_number:
        fingerprint = body_fingerprint(record)
        if fingerprint:
            keys.append("t:" + fingerprint)
    return Identity(
        tuple(keys),
        version=record.issued if versioned else None,
        date=record.issued,
    )


def group_ids(identities: Mapping[str, Identity]) -> list[list[str]]:
    """Copy ids grouped into documents, each group sorted, groups in order of their first id.

    Copies sharing a key are one document (transitively). A group that would hold
    two versions of one law is split: each database version keeps the copies that
    carry its date, and the remaining copies form a document of their own.
    """
    groups = _union_by_keys(identities)
    out: list[list[str]] = []
    for members in groups:
        versions = {identities[m].version for m in members} - {None}
        if len(versions) <= 1:
            out.append(members)
            continue
        by_version: dict[str, list[str]] = {v: [] for v in versions if v is not None}
        rest: dict[str, Identity] = {}
        for member in members:
            identity = identities[member]
            date = identity.version or identity.date
            if date is not None and date in by_version:
                by_version[date].append(member)
            else:
                rest[member] = identity
        out.extend(by_version.values())
        # Dropping the database versions may leave the rest unconnected: group it again.
        out.extend(_union_by_keys(rest))
    for group in out:
        group.sort()
    out.sort(key=lambda g: g[0])
    return out


def _union_by_keys(identities: Mapping[str, Identity]) -> list[list[str]]:
    parent: dict[str, str] = {i: i for i in identities}

    def find(item: str) -> str:
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    first_with_key: dict[str, str] = {}
    for copy_id in sorted(identities):
        for key in identities[copy_id].keys:
            other = first_with_key.setdefault(key, copy_id)
            if other != copy_id:
                a, b = find(other), find(copy_id)
                if a != b:
                    parent[max(a, b)] = min(a, b)
    groups: dict[str, list[str]] = {}
    for copy_id in sorted(identities):
        groups.setdefault(find(copy_id), []).append(copy_id)
    return list(groups.values())


def group_copies(records: Iterable[Record]) -> list[list[Record]]:
    """Stored copies grouped into documents (see :func:`group_ids`)."""
    by_id = {r.id: r for r in records}
    return [
        [by_id[i] for i in group]
        for group in group_ids({i: identity_of(r) for i, r in by_id.items()})
    ]


# -- one document from its copies ------------------------------------------------------------------


def _metadata_rank(record: Record) -> tuple[int, str]:
    return (METADATA_RANK.get(record.format, len(METADATA_RANK)), record.id)


def _english_chars(record: Record) -> int:
    return len(record.title_en) + len(record.summary_en) + sum(map(len, record.paragraphs_en))


def _first(ranked: Sequence[Record], name: str) -> tuple[object, str] | None:
    """The first copy (in rank order) with a value for field ``name``: (value, copy id)."""
    for record in ranked:
        value = getattr(record, name)
        if value:
            return value, record.id
    return None


def document_id(member_ids: Iterable[str]) -> str:
    """A document's id: the smallest of its copies' ids (any copy's id finds it)."""
    return min(member_ids)


def merge_copies(copies: Sequence[Record]) -> Record:
    """One document from its copies, each field from the best copy for it.

    * metadata (title, number, issuers, type, addressee, URL, jurisdiction): the copy
      with the best :data:`METADATA_RANK` that has the field;
    * dates (issued, published, issued_year, date_source): all from one copy, the one
      whose date is best sourced (:data:`DATE_SOURCE_RANK`), then by metadata rank;
    * body (paragraphs, attachments, citations): the fullest body (within 10 % of the
      longest, the copy with the best metadata rank: it keeps its paragraphs);
    * English (title, paragraphs, summary): an official translation over a machine
      translation, then the most English text.

    ``field_sources`` maps each of those fields to the id of the copy it came from.
    """
    if not copies:
        raise ValueError("a document needs at least one copy")
    ranked = sorted(copies, key=_metadata_rank)
    primary = ranked[0]
    sources: dict[str, str] = {}
    changes: dict[str, object] = {}

    for name in (
        "title",
        "doc_number",
        "departments",
        "doc_type",
        "addressee",
        "url",
        "jurisdiction",
    ):
        found = _first(ranked, name)
        if found is not None:
            changes[name], sources[name] = found
    if "doc_number" in changes:
        changes["doc_number_raw"] = next(
            r.doc_number_raw for r in ranked if r.id == sources["doc_number"]
        )
    if "departments" in changes:
        changes["departments_en"] = next(
            r.departments_en for r in ranked if r.id == sources["departments"]
        )

    dated = min(ranked, key=lambda r: (DATE_SOURCE_RANK.get(r.date_source, 5), _metadata_rank(r)))
    changes.update(
        issued=dated.issued,
        published=dated.published,
        issued_year=dated.issued_year,
        date_source=dated.date_source,
    )
    sources["dates"] = dated.id

    # The fullest body, but a structured copy (paragraphs, articles) over a flattened
    # row a few characters longer: within 10 % of the longest, the best-ranked copy.
    longest = max(len(r.text) for r in ranked)
    body = next(r for r in ranked if len(r.text) >= 0.9 * longest)
    changes.update(
        lang=body.lang,
        paragraphs=body.paragraphs,
        attachments=body.attachments,
        cites=body.cites,
        script=body.script,
    )
    sources["body"] = body.id

    with_english = [r for r in ranked if _english_chars(r)]
    if with_english:
        english = min(with_english, key=lambda r: (r.en_machine_translated, -_english_chars(r)))
        changes.update(
            title_en=english.title_en or next((r.title_en for r in ranked if r.title_en), ""),
            paragraphs_en=english.paragraphs_en,
            summary_en=english.summary_en,
            en_machine_translated=english.en_machine_translated,
        )
        sources["english"] = english.id

    meta: dict[str, str] = {}
    warnings: dict[str, None] = {}
    for record in (primary, body, *ranked):
        for key, value in record.meta:
            meta.setdefault(key, value)
    for record in (primary, body):
        warnings.update(dict.fromkeys(record.warnings))

    return primary.with_changes(
        id=document_id(r.id for r in copies),
        meta=tuple(meta.items()),
        warnings=tuple(warnings),
        copies=tuple(
            Copy(id=r.id, source=r.source, format=r.format, url=r.url, sha256=r.sha256)
            for r in ranked
        ),
        field_sources=tuple(sources.items()),
        **changes,
    )


__all__ = [
    "DATE_SOURCE_RANK",
    "METADATA_RANK",
    "VERSIONED_FORMATS",
    "Identity",
    "body_fingerprint",
    "comparable_title",
    "comparable_url",
    "document_id",
    "group_copies",
    "group_ids",
    "identity_of",
    "merge_copies",
]
