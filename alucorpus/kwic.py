"""Concordance (KWIC, key word in context): every occurrence of a term, with its context.

A term is matched through the same analyzer as search (:mod:`alucorpus.analysis`),
so 礦業 finds 矿业 and the other way round, "energy conservation" finds "Energy
Conserving", and every offset points into the original text, Traditional script
included. Two ways to match:

* ``"words"`` (the default): the term's word tokens, in order and adjacent, among
  the text's tokens. This is what a search word means, and it keeps 铝 from matching
  inside 电解铝.
* ``"chars"``: the term's normalised characters anywhere in the normalised text
  (case-insensitive). jieba segments by context, so a word can hide inside a longer
  one (稀土 inside 稀土矿); this mode finds those too.

The search index narrows the documents first (a phrase query over the body's words, or
the body words that contain the term's characters), then only those documents'
paragraphs are scanned: they are stored in the index, so the record store is not read.

>>> corpus.kwic("电解铝", width=12).lines[0].match  # doctest: +SKIP
'电解铝'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from whoosh import query as Q

from .analysis import cjk_runs, has_cjk, normalize, word_tokens
from .display import char_width, display_width, pad
from .errors import QueryError
from .search import Filter, matching_documents
from .search.queries import contains_char_query

if TYPE_CHECKING:
    from .index import Index

MATCH_MODES = ("words", "chars")
DEFAULT_WIDTH = 30  # display columns of context on each side
_MAX_TERM_CHARS = 200

# How a text segment of a record is labelled in a concordance line.
_FIELD_LABELS = {"paragraphs": "¶", "attachments": "附¶", "paragraphs_en": "en¶"}


@dataclass(frozen=True)
class KwicLine:
    """One occurrence: where it is, and the text around it.

    ``paragraph`` counts from 1 within ``field`` ("paragraphs", "attachments" —
    attachment titles and paragraphs flattened as in :attr:`Record.text` —,
    "paragraphs_en" or "summary_en"), as ``alucorpus show`` numbers paragraphs.
    ``start``/``end`` are offsets of the match in that paragraph's original text.
    """

    id: str
    doc_number: str | None
    date: str | None  # issued, else published, else the year (YYYY) when only that is known
    title: str
    field: str
    paragraph: int
    start: int
    end: int
    left: str
    match: str
    right: str

    @property
    def where(self) -> str:
        """The paragraph as a short label: ¶5, 附¶2 (attachments), en¶3, summary."""
        if self.field == "summary_en":
            return "summary"
        return f"{_FIELD_LABELS.get(self.field, self.field + '¶')}{self.paragraph}"

    def to_dict(self) -> dict[str, Any]:
        """Plain values (a DataFrame row)."""
        return {
            "id": self.id,
            "doc_number": self.doc_number,
            "date": self.date,
            "title": self.title,
            "field": self.field,
            "paragraph": self.paragraph,
            "start": self.start,
            "end": self.end,
            "left": self.left,
            "match": self.match,
            "right": self.right,
        }


@dataclass(frozen=True)
class Concordance:
    """Every occurrence of ``term``, ordered by date (undated last), document and position."""

    term: str
    match_mode: str
    width: int
    lines: tuple[KwicLine, ...]

    @property
    def documents(self) -> int:
        """How many documents have at least one occurrence."""
        return len({line.id for line in self.lines})

    def to_frame(self) -> Any:
        """A pandas DataFrame, one row per occurrence (needs the ``tables`` extra)."""
        from .tables import frame

        columns = list(KwicLine.__dataclass_fields__)
        return frame([line.to_dict() for line in self.lines], columns)

    def render(self) -> str:
        """Aligned text lines: number, date, paragraph, left context | term | right context."""
        return render_lines(self.lines, self.width)


def _clean(text: str) -> str:
    """Context on one line: every run of whitespace becomes one space."""
    return re.sub(r"\s+", " ", text)


def left_context(text: str, start: int, width: int) -> str:
    """At most ``width`` display columns of ``text`` ending at ``start``."""
    out: list[str] = []
    used = 0
    for ch in reversed(_clean(text[max(0, start - 2 * width) : start])):
        used += char_width(ch)
        if used > width:
            break
        out.append(ch)
    return "".join(reversed(out))


def right_context(text: str, end: int, width: int) -> str:
    """At most ``width`` display columns of ``text`` starting at ``end``."""
    out: list[str] = []
    used = 0
    for ch in _clean(text[end : end + 2 * width]):
        used += char_width(ch)
        if used > width:
            break
        out.append(ch)
    return "".join(out)


# -- matching -------------------------------------------------------------------------------------


def term_tokens(term: str) -> tuple[str, ...]:
    """The analyzer's word tokens of a term (what ``"words"`` mode looks for).

    >>> term_tokens("Energy Conservation")
    ('energi', 'conserv')
    """
    return tuple(t.text for t in word_tokens(term))


def _needle(term: str) -> str:
    """The normalised, lower-cased characters of a term for ``"chars"`` mode.

    Spaces between CJK characters are dropped (电解铝 产能 → 电解铝产能); other runs of
    spaces become one.
    """
    norm = normalize(term).text.lower()
    norm = re.sub(r"(?<=[^\x00-\x7f])\s+(?=[^\x00-\x7f])", "", norm.strip())
    return re.sub(r"\s+", " ", norm)


def find_occurrences(text: str, term: str, *, match: str = "words") -> list[tuple[int, int]]:
    """Spans of ``text`` (original offsets) where ``term`` occurs.

    Args:
        text: a paragraph, Simplified or Traditional.
        term: one or more words, Chinese or English.
        match: "words" (token sequence, the default) or "chars" (normalised substring).

    >>> find_occurrences("遏制電解鋁產能，電解铝行業", "电解铝")
    [(2, 5), (8, 11)]
    """
    if match == "chars":
        needle = _needle(term)
        if not needle:
            return []
        norm = normalize(text)
        hay = norm.text.lower()
        if len(hay) != len(norm.text):  # a lower-casing that changes length breaks the map
            hay = norm.text
        return [norm.span(m.start(), m.end()) for m in re.finditer(re.escape(needle), hay)]
    wanted = term_tokens(term)
    if not wanted:
        return []
    cjk = [w for w in wanted if has_cjk(w)]
    if cjk:
        # Segmenting is the expensive part: skip text that cannot contain the words.
        plain = normalize(text).text
        if any(w not in plain for w in cjk):
            return []
    tokens = word_tokens(text, cjk=bool(cjk))
    texts = [t.text for t in tokens]
    n = len(wanted)
    spans = []
    for i in range(len(texts) - n + 1):
        if texts[i] == wanted[0] and tuple(texts[i : i + n]) == wanted:
            spans.append((tokens[i].start, tokens[i + n - 1].end))
    return spans


def candidate_query(term: str, *, match: str = "words") -> Any:
    """The whoosh query for documents that may contain ``term`` (a superset of the matches).

    Raises:
        QueryError: the term is empty, too long, or has nothing searchable (stop words only).
    """
    if match not in MATCH_MODES:
        raise QueryError(f"unknown match mode {match!r}; use one of {', '.join(MATCH_MODES)}")
    if not term.strip():
        raise QueryError("empty term: give a word or a phrase")
    if len(term) > _MAX_TERM_CHARS:
        raise QueryError(f"term is too long ({len(term)} characters; the limit is 200)")
    words = term_tokens(term)
    if match == "words":
        if not words:
            raise QueryError(f"{term!r} has no searchable word (only stop words or punctuation)")
        return Q.Phrase("body", list(words)) if len(words) > 1 else Q.Term("body", words[0])
    parts = []
    for run in cjk_runs(term):
        # Every character of the run inside some body word: a superset of the documents
        # with the run, whatever jieba made of it. Its first and last characters are
        # enough for a superset; every word that contains them is expanded (no limit).
        chars = list(dict.fromkeys((run[0], run[-1])))
        parts += [contains_char_query("body", c, limit=None) for c in chars]
    parts += [Q.Term("body", t.text) for t in word_tokens(term, cjk=False)]
    if not parts:
        raise QueryError(f"{term!r} has no searchable word (only stop words or punctuation)")
    return parts[0] if len(parts) == 1 else Q.And(parts)


def _segment_lang(field: str, text: str) -> str:
    """The language of one stored text segment: English sides by field, the rest by script."""
    if field in ("paragraphs_en", "summary_en"):
        return "en"
    return "zh" if has_cjk(text) else "en"


@dataclass(frozen=True)
class DocumentMatches:
    """The occurrences of a term in one document, as :func:`scan` yields them."""

    id: str
    data: dict[str, Any]  # the index's stored data: title, doc_number, issued, segments …
    spans: tuple[tuple[str, int, str, tuple[tuple[int, int], ...]], ...]  # field, i, text, spans

    @property
    def occurrences(self) -> int:
        """Number of occurrences in the document."""
        return sum(len(s[3]) for s in self.spans)

    @property
    def date(self) -> str | None:
        """Issued date, else published date, else the year alone (never an invented day)."""
        date = self.data.get("issued") or self.data.get("published")
        year = self.data.get("issued_year")
        return date or (str(year) if year else None)


def scan(
    index: Index,
    term: str,
    *,
    match: str = "words",
    lang: str | None = None,
    restrict: Filter | None = None,
) -> Iterator[DocumentMatches]:
    """Documents with at least one occurrence of ``term``, best match first.

    Args:
        index: an open index.
        term: the term (see :func:`find_occurrences`).
        match: "words" or "chars".
        lang: only text in this language ("zh" or "en"); None for all.
        restrict: only the documents this filter lets through (None: all).
    """
    query = candidate_query(term, match=match)
    for doc_id, data in matching_documents(index, query, restrict):
        found = []
        for field, number, text in data.get("segments", ()):
            if lang and _segment_lang(field, text) != lang:
                continue
            spans = find_occurrences(text, term, match=match)
            if spans:
                found.append((field, number, text, tuple(spans)))
        if found:
            yield DocumentMatches(doc_id, data, tuple(found))


def lines_of(doc: DocumentMatches, width: int) -> list[KwicLine]:
    """Concordance lines of one document's matches."""
    lines = []
    for field, number, text, spans in doc.spans:
        for start, end in spans:
            lines.append(
                KwicLine(
                    id=doc.id,
                    doc_number=doc.data.get("doc_number"),
                    date=doc.date,
                    title=doc.data.get("title", ""),
                    field=field,
                    paragraph=number + 1,
                    start=start,
                    end=end,
                    left=left_context(text, start, width),
                    match=_clean(text[start:end]),
                    right=right_context(text, end, width),
                )
            )
    return lines


_FIELD_ORDER = {"paragraphs": 0, "attachments": 1, "paragraphs_en": 2, "summary_en": 3}


def concordance(
    index: Index,
    term: str,
    *,
    width: int = DEFAULT_WIDTH,
    match: str = "words",
    lang: str | None = None,
    restrict: Filter | None = None,
) -> Concordance:
    """Every occurrence of ``term`` in the index's documents, with ``width`` columns of context.

    Raises:
        QueryError: an empty or unsearchable term, an unknown match mode, a bad width.
    """
    if width < 1:
        raise QueryError("the context width must be at least 1 column")
    lines: list[KwicLine] = []
    for doc in scan(index, term, match=match, lang=lang, restrict=restrict):
        lines.extend(lines_of(doc, width))
    lines.sort(
        key=lambda ln: (
            ln.date is None,
            ln.date or "",
            ln.doc_number or "",
            ln.id,
            _FIELD_ORDER.get(ln.field, 9),
            ln.paragraph,
            ln.start,
        )
    )
    return Concordance(term=term, match_mode=match, width=width, lines=tuple(lines))


def render_lines(lines: Iterable[KwicLine], width: int) -> str:
    """Concordance lines aligned by display width (CJK characters take two columns)."""
    lines = list(lines)
    if not lines:
        return ""
    heads = [(ln.doc_number or ln.id[:8], ln.date or "----------", ln.where) for ln in lines]
    widths = [max(display_width(h[i]) for h in heads) for i in range(3)]
    out = []
    for ln, head in zip(lines, heads, strict=True):
        prefix = "  ".join(pad(part, w) for part, w in zip(head, widths, strict=True))
        out.append(
            f"{prefix}  {pad(ln.left, width, right=True)} | {ln.match} | {ln.right}".rstrip()
        )
    return "\n".join(out) + "\n"


__all__ = [
    "DEFAULT_WIDTH",
    "MATCH_MODES",
    "Concordance",
    "DocumentMatches",
    "KwicLine",
    "candidate_query",
    "concordance",
    "display_width",
    "find_occurrences",
    "left_context",
    "lines_of",
    "pad",
    "render_lines",
    "right_context",
    "scan",
    "term_tokens",
]
