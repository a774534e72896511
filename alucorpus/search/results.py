"""What a search returns, as plain values: hits, snippets, translations, results.

Nothing here holds a whoosh object: results outlive the searcher that made them.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from ..records import Copy, Record
from ..tables import DOCUMENT_COLUMNS, JOIN, record_row

# -- results as plain values ----------------------------------------------------------------------


@dataclass(frozen=True)
class Snippet:
    """A highlighted passage: ``highlights`` are (start, end) offsets into ``text``.

    ``field`` and ``paragraph`` name the passage in the record: "paragraphs",
    "paragraphs_en", "summary_en", "attachments" (flattened: each attachment's title,
    then its paragraphs) or "title".
    """

    field: str
    paragraph: int
    text: str
    highlights: tuple[tuple[int, int], ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "field": self.field,
            "paragraph": self.paragraph,
            "text": self.text,
            "highlights": [list(h) for h in self.highlights],
        }


@dataclass(frozen=True)
class Hit:
    """One matching document, in plain values (``copies``: the files it came in as)."""

    id: str
    score: float
    title: str
    source: str
    doc_number: str | None
    departments: tuple[str, ...]
    issued: str | None
    snippets: tuple[Snippet, ...]
    matched_terms: tuple[str, ...]
    issued_year: int | None = None  # the year even when no day is known
    date_source: str | None = None
    jurisdiction: str = ""
    status: str = "unknown"
    copies: tuple[Copy, ...] = ()  # every stored copy of the document, best first

    def to_dict(self, *, explain: bool = False) -> dict[str, Any]:
        """JSON form (the ``hits`` items of ``--format json``).

        ``explain`` adds ``matched_terms``: the query words and translations found in it.
        """
        data: dict[str, Any] = {
            "id": self.id,
            "source": self.source,
            "title": self.title,
            "score": round(self.score, 4),
            "doc_number": self.doc_number,
            "departments": list(self.departments),
            "issued": self.issued,
            "issued_year": self.issued_year,
            "date_source": self.date_source,
            "jurisdiction": self.jurisdiction,
            "status": self.status,
            "copies": [
                {
                    "id": c.id,
                    "source": c.source,
                    "format": c.format,
                    "url": c.url,
                    "sha256": c.sha256,
                }
                for c in self.copies
            ],
            "snippets": [s.to_dict() for s in self.snippets],
        }
        if explain:
            data["matched_terms"] = list(self.matched_terms)
        return data


@dataclass(frozen=True)
class Translation:
    """One translation of a source term: the text, its weight and where it came from.

    ``source`` is "glossary", "user" (a user glossary), "cedict" (CC-CEDICT) or "synonym"
    (a Chinese glossary term with the same English as the Chinese term: Lexicon.zh_synonyms).
    """

    text: str
    weight: float
    source: str

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"text": self.text, "weight": round(self.weight, 4), "source": self.source}


@dataclass(frozen=True)
class TermTranslation:
    """A source term or phrase of the query (``lang`` "en" or "zh") and its translations.

    ``translations`` is empty for a term the lexicon does not know: it is searched
    as typed.
    """

    term: str
    lang: str
    translations: tuple[Translation, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "term": self.term,
            "lang": self.lang,
            "translations": [t.to_dict() for t in self.translations],
        }


@dataclass(frozen=True)
class SearchResults:
    """A page of hits, the total, and facets over the whole result set.

    ``explanation`` says how the query was carried into the other language: each
    source term with its translations and weights (empty when nothing was translated).
    Each hit's ``matched_terms`` says which query words and translations it contains.

    ``total`` counts every matching document: with a best match (plain words, the
    default), every document that has at least one of its terms. ``total_all_terms``
    counts those that have every term (None when there is no best match of several
    terms); ``function_words`` are the query's words that were left out (如何, the).
    """

    query: str
    total: int
    hits: tuple[Hit, ...]
    facets: dict[str, dict[str, int]]
    explanation: tuple[TermTranslation, ...] = ()
    total_all_terms: int | None = None
    function_words: tuple[str, ...] = ()

    def total_line(self) -> str:
        """What ``total`` counts, in words.

        "10 documents match '稀土 出口配额': 1 contains every term, 9 more contain some".
        """
        one = self.total == 1
        head = (
            f"{self.total} document{'' if one else 's'} match{'es' if one else ''} {self.query!r}"
        )
        if self.total_all_terms is None or not self.total:
            return head
        some = self.total - self.total_all_terms
        if not some:
            return head + (": it contains" if self.total == 1 else ": all contain") + " every term"
        verb = "contains" if self.total_all_terms == 1 else "contain"
        rest = "contains" if some == 1 else "contain"
        return f"{head}: {self.total_all_terms} {verb} every term, {some} more {rest} some"

    def to_dict(self, *, explain: bool = False) -> dict[str, Any]:
        """JSON form: ``{"query", "total", "hits", "facets"}``.

        ``explain`` adds ``"explanation"`` (see :class:`TermTranslation`) and each
        hit's ``"matched_terms"``.
        """
        data: dict[str, Any] = {
            "query": self.query,
            "total": self.total,
            "total_all_terms": self.total_all_terms,
            "function_words": list(self.function_words),
            "hits": [h.to_dict(explain=explain) for h in self.hits],
            "facets": {name: dict(counts) for name, counts in self.facets.items()},
        }
        if explain:
            data["explanation"] = [t.to_dict() for t in self.explanation]
        return data

    def to_frame(self, *, offset: int = 0) -> Any:
        """A pandas DataFrame, one row per hit: rank, score, snippet and highlights, metadata.

        Needs the ``tables`` extra (pandas); see :mod:`alucorpus.tables` for the columns.
        """
        from ..tables import columns_of, frame

        rows = self.rows(offset=offset)
        return frame(rows, columns_of(rows, hits=True))

    def to_csv(self, *, offset: int = 0) -> str:
        """The hits as CSV text, with the columns and cells of ``export QUERY``."""
        from ..tables import columns_of, csv_cell

        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=columns_of([], hits=True))
        writer.writeheader()
        for row in self.rows(offset=offset):
            writer.writerow({k: csv_cell(v) for k, v in row.items()})
        return out.getvalue()

    def rows(
        self, records: dict[str, Record] | None = None, *, offset: int = 0, text: bool = False
    ) -> list[dict[str, Any]]:
        """The hits as table rows (ranks start after ``offset``), joined with their records.

        The one projection of a hit into columns: ``search --format csv``,
        ``export QUERY`` and :meth:`to_frame` all use it (see :func:`hit_row`).
        """
        records = records or {}
        return [
            hit_row(hit, rank, records.get(hit.id), text=text)
            for rank, hit in enumerate(self.hits, offset + 1)
        ]


def hit_row(
    hit: Hit, rank: int, record: Record | None = None, *, text: bool = False
) -> dict[str, Any]:
    """One search hit as a row: rank, score, best snippet and highlights, then metadata.

    Without ``record`` the document columns are those a hit carries (id, doc_number,
    title, departments, dates, jurisdiction, status, source, copies); the others are None.
    """
    snippet = hit.snippets[0] if hit.snippets else None
    row: dict[str, Any] = {
        "rank": rank,
        "score": round(hit.score, 4),
        "snippet_field": snippet.field if snippet else None,
        "snippet_paragraph": snippet.paragraph if snippet else None,
        "snippet": snippet.text if snippet else None,
        "highlights": [list(span) for span in snippet.highlights] if snippet else [],
    }
    if record is not None:
        row.update(record_row(record, text=text))
        return row
    row.update(dict.fromkeys(DOCUMENT_COLUMNS))
    row.update(
        id=hit.id,
        doc_number=hit.doc_number,
        title=hit.title,
        departments=JOIN.join(hit.departments),
        issued=hit.issued,
        issued_year=hit.issued_year,
        date_source=hit.date_source,
        jurisdiction=hit.jurisdiction or None,
        status=hit.status,
        source=hit.source,
        copies=len(hit.copies) or 1,
        copy_sources=JOIN.join(c.source for c in hit.copies) or hit.source,
    )
    if text:
        row["text"] = None
    return row


def result_rows(
    results: SearchResults,
    records: dict[str, Record] | None = None,
    *,
    offset: int = 0,
    text: bool = False,
) -> list[dict[str, Any]]:
    """Rows of a page of hits (ranks start after ``offset``), joined with their records."""
    records = records or {}
    return [
        hit_row(hit, rank, records.get(hit.id), text=text)
        for rank, hit in enumerate(results.hits, offset + 1)
    ]
