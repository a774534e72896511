"""Query parsing, query building and hits as plain values.

Query syntax (documented in the README):

- words: ``电解铝 产能置换``, ``aluminium smelter``. Every word must match (AND).
- ``"quoted phrases"`` (also “…”): the words in this order, next to each other.
- ``AND``, ``OR``, ``NOT`` (upper case), ``-word`` for NOT, and parentheses.
- field prefixes: ``title:``, ``body:``, ``dept:``, ``number:``, ``year:2018``,
  ``year:2018..2020``, ``type:通知``, ``lang:en``.

How a word (a run of text between spaces) matches, for recall on Chinese text that
jieba may segment differently in a query and in a document: the word is analysed
into tokens; the document must contain every token (in the title, English title or
body — each token may come from any of them; a token also matches inside a longer
body word, through the body's sub-words), *or* must have the word's characters
contiguously in its title (a phrase over the title's character-bigram field), *or*
have it as (part of) its document number; a lone character matches inside title
bigrams and the most frequent body words that contain it. So each source word keeps
AND semantics while its segmentations are OR-grouped. Title matches weigh most, the
safety nets least.

:func:`build_query` is the single place a query string becomes a whoosh query.

Cross-language search (``translation="structured"``, the default of :func:`search`):
each plain query word is in English (Latin letters) or Chinese (CJK), or ``lang``
says which. English words are matched against the lexicon longest phrase first
("electrolytic aluminium" → 电解铝, not 电解 + 铝); each source term or phrase becomes
one :class:`SynonymGroup` of itself and its translations, weighted by source
(glossary 1.0, CC-CEDICT at most 0.3 shared among its senses), scored by its best
alternative, so a term with many senses cannot flood the query. The groups are
OR-ed and coordinated (:class:`Coordinated`: the sum times the share of groups
matched), Chinese translations count as much in the title's bigrams as in its words,
and two neighbouring terms whose translations form a compound in a title (商标 + 法
→ 商标法) add a constant bonus (:func:`_compound_queries`). Chinese translations are
analysed like documents (jieba words, or contiguous bigrams); Chinese words are
translated into English the same way. ``SearchResults.explanation`` and
``Hit.matched_terms`` say what was translated and what matched.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import logging
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from whoosh import query as Q
from whoosh.matching import mcore
from whoosh.matching.wrappers import WrappingMatcher

from . import docsets
from .analysis import (
    bigram_tokens,
    cjk_runs,
    doc_number_query_tokens,
    has_cjk,
    latin_tokens,
    normalize,
    normalize_text,
    normalized_text,
    word_tokens,
)
from .errors import QueryError
from .index import Index, bigram_run_query, lone_char_query
from .lexicon import Lexicon, Sense, en_words

log = logging.getLogger(__name__)

MAX_QUERY_CHARS = 1000
MAX_SNIPPETS = 3
SNIPPET_CHARS = 160  # longer paragraphs are cut to a window around the first highlight
SNIPPET_LEAD = 30  # characters kept before the first highlight

# Field weights: a title match is worth more than a body match; the safety nets
# (title bigrams, body sub-words, characters inside body words) only lift what the
# words missed.
_WORD_FIELDS = {"title": 3.0, "title_en": 2.0, "body": 1.0}
_TITLE_WORD_FIELDS = {"title": 1.0, "title_en": 1.0}
_BIGRAM_FIELDS = {"title_bigram": 1.0}
# A query word found only inside a longer body word (电解铝 in 电解铝厂), relative to
# the body's weight; and a lone character found only inside body words.
_SUB_WORD_WEIGHT = 0.4
_BODY_CHAR_WEIGHT = 0.4
_TITLE_BIGRAM_FIELDS = {"title_bigram": 1.0}
_DOC_NUMBER_BOOST = 4.0
# Chinese translations of an English query: a title match counts as much through
# bigrams as through words, because jieba often keeps a title's compound whole
# (商标法, 关税法) so that the translation 商标 matches the title only as bigrams.
_TRANSLATED_WORD_FIELDS = _WORD_FIELDS
_TRANSLATED_BIGRAM_FIELDS = {"title_bigram": 3.0}

FIELD_PREFIXES = ("title", "body", "dept", "department", "number", "no", "year", "type", "lang")
SORTS = ("relevance", "issued")


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
    """One matching record, in plain values."""

    id: str
    score: float
    title: str
    source: str
    doc_number: str | None
    departments: tuple[str, ...]
    issued: str | None
    snippets: tuple[Snippet, ...]
    matched_terms: tuple[str, ...]

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
            "snippets": [s.to_dict() for s in self.snippets],
        }
        if explain:
            data["matched_terms"] = list(self.matched_terms)
        return data


@dataclass(frozen=True)
class Translation:
    """One translation of a source term: the text, its weight and where it came from.

    ``source`` is "glossary", "user" (a user glossary) or "cedict" (CC-CEDICT).
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
    """

    query: str
    total: int
    hits: tuple[Hit, ...]
    facets: dict[str, dict[str, int]]
    explanation: tuple[TermTranslation, ...] = ()

    def to_dict(self, *, explain: bool = False) -> dict[str, Any]:
        """JSON form: ``{"query", "total", "hits", "facets"}``.

        ``explain`` adds ``"explanation"`` (see :class:`TermTranslation`) and each
        hit's ``"matched_terms"``.
        """
        data: dict[str, Any] = {
            "query": self.query,
            "total": self.total,
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
        from .tables import results_frame

        return results_frame(self, offset=offset)


# -- lexing and parsing ---------------------------------------------------------------------------

_QUOTES = {'"': '"', "“": "”", "「": "」"}  # Chinese quotes are phrase quotes too
_FIELD_RE = re.compile(r"^([A-Za-z_]+):(.*)$", re.DOTALL)
_OPERATORS = ("AND", "OR", "NOT")


@dataclass(frozen=True)
class _Tok:
    kind: str  # "(", ")", "AND", "OR", "NOT", "TERM"
    pos: int
    text: str = ""
    field: str | None = None
    quoted: bool = False


def _lex(query: str) -> list[_Tok]:
    """Split a query into operators, parentheses and terms; raise QueryError when malformed."""
    toks: list[_Tok] = []
    i, n, depth = 0, len(query), 0
    while i < n:
        ch = query[i]
        if ch.isspace():
            i += 1
            continue
        if ch == "(":
            toks.append(_Tok("(", i))
            depth += 1
            i += 1
            continue
        if ch == ")":
            if depth == 0:
                raise QueryError(f"unbalanced parenthesis: ')' at character {i + 1} has no '('")
            toks.append(_Tok(")", i))
            depth -= 1
            i += 1
            continue
        negate = False
        start = i
        if ch == "-" and i + 1 < n and not query[i + 1].isspace() and query[i + 1] != "-":
            negate = True
            i += 1
        name: str | None = None
        match = re.match(r"[A-Za-z_]+:", query[i:])
        if match and i + match.end() < n and not query[i + match.end()].isspace():
            name = match.group()[:-1].lower()
            if name not in FIELD_PREFIXES:
                raise QueryError(
                    f"unknown field '{name}:' at character {i + 1};"
                    f" known fields: {', '.join(FIELD_PREFIXES)}"
                )
            i += match.end()
        elif match:
            raise QueryError(f"field prefix '{match.group()}' at character {i + 1} has no value")
        if i < n and query[i] in _QUOTES:
            close = query.find(_QUOTES[query[i]], i + 1)
            if close < 0:
                raise QueryError(
                    f"unbalanced quote: the quote at character {i + 1} is never closed"
                )
            text, quoted, i = query[i + 1 : close], True, close + 1
        else:
            j = i
            # A word ends at a space, a quote, or a ')' closing an open group; a '('
            # inside a word is text (工信部联原(2025)62号).
            inner = 0
            while j < n and not query[j].isspace() and query[j] not in _QUOTES:
                if query[j] == "(":
                    inner += 1
                elif query[j] == ")":
                    if inner == 0 and depth > 0:
                        break
                    inner = max(0, inner - 1)
                j += 1
            text, quoted, i = query[i:j], False, j
        if not quoted and name is None and not negate and text in _OPERATORS:
            toks.append(_Tok(text, start))
            continue
        if negate:
            toks.append(_Tok("NOT", start))
        toks.append(_Tok("TERM", start, text, name, quoted))
    if depth:
        raise QueryError("unbalanced parenthesis: a '(' is never closed")
    return toks


class _Parser:
    """Recursive descent parser.

    or := and (OR and)*;  and := unary (AND? unary)*;  unary := NOT unary | atom.
    """

    def __init__(self, toks: list[_Tok]) -> None:
        self.toks = toks
        self.i = 0

    def peek(self) -> _Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def parse(self) -> tuple[Any, ...]:
        node = self.parse_or()
        tok = self.peek()
        if tok is not None:  # only a stray ')' can stop parse_or early, and _lex rejects those
            raise QueryError(f"unexpected '{tok.text or tok.kind}' at character {tok.pos + 1}")
        return node

    def parse_or(self) -> tuple[Any, ...]:
        items = [self.parse_and()]
        while (tok := self.peek()) is not None and tok.kind == "OR":
            self.i += 1
            items.append(self.parse_and())
        return items[0] if len(items) == 1 else ("or", items)

    def parse_and(self) -> tuple[Any, ...]:
        items = [self.parse_unary()]
        while (tok := self.peek()) is not None and tok.kind not in ("OR", ")"):
            if tok.kind == "AND":
                self.i += 1
            items.append(self.parse_unary())
        return items[0] if len(items) == 1 else ("and", items)

    def parse_unary(self) -> tuple[Any, ...]:
        tok = self.peek()
        if tok is None:
            raise QueryError("the query ends with an operator; put a word after AND, OR or NOT")
        if tok.kind == "NOT":
            self.i += 1
            return ("not", self.parse_unary())
        if tok.kind in ("AND", "OR"):
            raise QueryError(f"'{tok.kind}' at character {tok.pos + 1} needs a word on both sides")
        if tok.kind == ")":
            raise QueryError(
                f"empty parentheses or missing word before ')' at character {tok.pos + 1}"
            )
        self.i += 1
        if tok.kind == "(":
            node = self.parse_or()
            closing = self.peek()
            if closing is None or closing.kind != ")":
                raise QueryError("unbalanced parenthesis: a '(' is never closed")
            self.i += 1
            return node
        return ("term", tok.field, tok.text, tok.quoted)


def parse_query(query: str) -> tuple[Any, ...]:
    """Parse a query into a small tree.

    Nodes: ("and"|"or", [...]), ("not", x), ("term", field, text, quoted).

    Raises:
        QueryError: empty, too long, or malformed (unbalanced quotes or parentheses,
            lone operators, unknown field prefixes).
    """
    if len(query) > MAX_QUERY_CHARS:
        raise QueryError(
            f"query is too long ({len(query)} characters; the limit is {MAX_QUERY_CHARS})"
        )
    if not query.strip():
        raise QueryError("empty query: give at least one word")
    toks = _lex(query)
    if not toks:
        raise QueryError("empty query: give at least one word")
    return _Parser(toks).parse()


# -- building whoosh queries ----------------------------------------------------------------------


@dataclass(frozen=True)
class Needle:
    """A query word or translation, and the index tokens that show it matched a document.

    It matched when all its ``words`` matched in a word field, or every bigram of one
    of its ``bigram_groups`` matched in a bigram field (a one-character group matches
    any bigram that contains the character).
    """

    text: str
    words: tuple[str, ...]
    bigram_groups: tuple[tuple[str, ...], ...]

    def matched(self, words: set[str], bigrams: set[str]) -> bool:
        """Whether the matched index tokens of a hit show this needle."""
        if self.words and all(w in words for w in self.words):
            return True
        if not self.bigram_groups:
            return False
        for group in self.bigram_groups:
            if len(group) == 1 and len(group[0]) == 1:
                # A lone character: inside a title bigram or inside a matched word.
                char = group[0]
                if not any(char in b for b in bigrams) and not any(char in w for w in words):
                    return False
            elif not all(g in bigrams for g in group):
                return False
        return True


@dataclass
class QueryPlan:
    """A whoosh query, the terms to highlight (those not under NOT), and the translations."""

    query: Any
    word_terms: set[str] = field(default_factory=set)
    bigram_terms: set[str] = field(default_factory=set)
    chars: set[str] = field(default_factory=set)  # lone CJK characters (prefix/suffix matches)
    needles: list[Needle] = field(default_factory=list)
    explanation: list[TermTranslation] = field(default_factory=list)
    # Highlight terms that only translations brought: they rank snippets after the
    # words as typed (a Chinese query shows its Chinese paragraph first).
    translated_terms: set[str] = field(default_factory=set)

    def highlight_terms(self) -> set[str]:
        """Every term highlighted so far (words, bigram runs, lone characters)."""
        return self.word_terms | self.bigram_terms | self.chars


def _or(items: list[Any]) -> Any:
    items = [q for q in items if q is not None]
    if not items:
        return None
    return items[0] if len(items) == 1 else Q.Or(items)


def _and(items: list[Any]) -> Any:
    if any(q is None for q in items) or not items:
        return None
    return items[0] if len(items) == 1 else Q.And(items)


# -- synonym groups -------------------------------------------------------------------------------


class ConstantScore(Q.WrappingQuery):  # type: ignore[misc]
    """A query whose every match scores ``score``, however many of its terms matched.

    For expanding queries (``Prefix``, ``Wildcard``): whoosh scores them as a constant
    only when it does not need the current match, and as the *sum* over every
    expanded term when it does (``terms=True``, which search() uses for matched
    terms). A lone character's prefix then gave a document with many words starting
    with 法 a score of 198 against 2 for a real match. This wrapper keeps the term
    matchers (matched terms still work) and fixes the score.
    """

    def __init__(self, child: Any, score: float = 1.0) -> None:
        super().__init__(child)
        self.score = score

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, ConstantScore)
            and self.child == other.child
            and self.score == other.score
        )

    def __hash__(self) -> int:
        return hash(self.child) ^ hash(self.score)

    def _rewrap(self, child: Any) -> ConstantScore:
        return ConstantScore(child, self.score)

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        """The child's matcher, scoring a constant."""
        m = self.child.matcher(searcher, context)
        if not m.is_active():
            return mcore.NullMatcher()
        return _ConstantMatcher(m, self.score)


class _ConstantMatcher(WrappingMatcher):  # type: ignore[misc]
    """Delegates matching to its child; every match scores the same."""

    def __init__(self, child: Any, boost: float = 1.0) -> None:
        super().__init__(child, boost=boost)

    def replace(self, minquality: float = 0) -> Any:
        # The child's qualities are in its own (BM25) units: never let it prune itself.
        if minquality > self.boost:
            return mcore.NullMatcher()
        child = self.child.replace(0)
        if not child.is_active():
            return mcore.NullMatcher()
        return self if child is self.child else _ConstantMatcher(child, self.boost)

    def supports_block_quality(self) -> bool:
        return False

    def max_quality(self) -> float:
        return float(self.boost)

    def block_quality(self) -> float:
        return float(self.boost)

    def weight(self) -> float:
        return 1.0

    def score(self) -> float:
        return float(self.boost)


class SynonymGroup(Q.CompoundQuery):  # type: ignore[misc]
    """Alternatives that count as one term (Pirkola's structured query).

    A document matching any alternative matches the group; its score is the best
    ``weight × score`` among the alternatives it matches, plus ``tiebreak`` times the
    rest. So a term with many translations gets no more credit than its best
    translation, and a weak (dictionary) translation only a fraction of it.

    Not whoosh's ``DisjunctionMax``: its matcher scores a document with another
    document's score when the alternatives are on different documents, drops matches
    when results are capped, and a one-alternative DisMax ignores boosts. This one
    compares document ids before taking the maximum, and opts out of whoosh's
    block-quality skipping (so capping the results never drops a match).
    """

    def __init__(
        self,
        subqueries: list[Any],
        weights: list[float] | None = None,
        tiebreak: float = 0.0,
        boost: float = 1.0,
    ) -> None:
        super().__init__(list(subqueries), boost=boost)
        self.weights = list(weights) if weights is not None else [1.0] * len(self.subqueries)
        if len(self.weights) != len(self.subqueries):
            raise ValueError("SynonymGroup needs one weight per alternative")
        self.tiebreak = tiebreak

    def __unicode__(self) -> str:
        inner = " ".join(f"{q}^{w:.3g}" for q, w in zip(self.subqueries, self.weights, strict=True))
        return f"Syn({inner})"

    __str__ = __unicode__

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, SynonymGroup)
            and self.subqueries == other.subqueries
            and self.weights == other.weights
            and self.tiebreak == other.tiebreak
            and self.boost == other.boost
        )

    def __hash__(self) -> int:
        return super().__hash__() ^ hash(tuple(self.weights))

    def apply(self, fn: Any) -> SynonymGroup:
        """A copy with ``fn`` applied to every alternative (weights kept)."""
        return SynonymGroup(
            [fn(q) for q in self.subqueries], self.weights, self.tiebreak, self.boost
        )

    def normalize(self) -> Any:
        """Normalised alternatives; null alternatives drop out with their weights."""
        pairs = [(q.normalize(), w) for q, w in zip(self.subqueries, self.weights, strict=True)]
        pairs = [(q, w) for q, w in pairs if q is not Q.NullQuery]
        if not pairs:
            return Q.NullQuery
        return SynonymGroup([q for q, _ in pairs], [w for _, w in pairs], self.tiebreak, self.boost)

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        """A :class:`_GroupMatcher` over the alternatives' matchers."""
        subs = [
            (q.matcher(searcher, context), w * self.boost)
            for q, w in zip(self.subqueries, self.weights, strict=True)
        ]
        subs = [(m, w) for m, w in subs if m.is_active()]
        if not subs:
            return mcore.NullMatcher()
        return _GroupMatcher(subs, self.tiebreak)


class _GroupMatcher(mcore.Matcher):  # type: ignore[misc]
    """N-ary union whose score is the best weighted sub-score at the current document."""

    def __init__(self, subs: list[tuple[Any, float]], tiebreak: float = 0.0) -> None:
        self.subs = subs
        self.tiebreak = tiebreak

    def __repr__(self) -> str:
        return f"_GroupMatcher({self.subs!r})"

    def _active(self) -> list[tuple[Any, float]]:
        return [(m, w) for m, w in self.subs if m.is_active()]

    def is_active(self) -> bool:
        return any(m.is_active() for m, _ in self.subs)

    def reset(self) -> None:
        for m, _ in self.subs:
            m.reset()

    def children(self) -> list[Any]:
        return [m for m, _ in self.subs]

    def copy(self) -> _GroupMatcher:
        return _GroupMatcher([(m.copy(), w) for m, w in self.subs], self.tiebreak)

    def replace(self, minquality: float = 0) -> Any:
        subs = [(m.replace(0), w) for m, w in self._active()]  # no quality pruning
        subs = [(m, w) for m, w in subs if m.is_active()]
        if not subs:
            return mcore.NullMatcher()
        return _GroupMatcher(subs, self.tiebreak)

    def depth(self) -> int:
        return 1 + max((m.depth() for m, _ in self.subs), default=0)

    def supports_block_quality(self) -> bool:
        return False  # the collector then never skips blocks under this matcher

    def max_quality(self) -> float:
        # An upper bound of score(): whoosh's unions prune sub-matchers by it.
        qualities = [m.max_quality() * w for m, w in self._active()]
        if not qualities:
            return 0.0
        best = max(qualities)
        return best + self.tiebreak * (sum(qualities) - best)

    def block_quality(self) -> float:
        return self.max_quality()

    def supports(self, astype: str) -> bool:
        return all(m.supports(astype) for m, _ in self.subs)

    def id(self) -> int:
        return min(m.id() for m, _ in self._active())

    def next(self) -> bool:
        active = self._active()
        if not active:
            raise mcore.ReadTooFar
        current = min(m.id() for m, _ in active)
        moved = False
        for m, _ in active:
            if m.id() == current:
                moved = bool(m.next()) or moved
        return moved

    def skip_to(self, id: int) -> bool:
        if not self.is_active():
            raise mcore.ReadTooFar
        moved = False
        for m, _ in self._active():
            if m.id() < id:
                moved = bool(m.skip_to(id)) or moved
        return moved

    def _at_current(self) -> list[tuple[Any, float]]:
        active = self._active()
        current = min(m.id() for m, _ in active)
        return [(m, w) for m, w in active if m.id() == current]

    def weight(self) -> float:
        return max(m.weight() * w for m, w in self._at_current())

    def score(self) -> float:
        scores = [m.score() * w for m, w in self._at_current()]
        best = max(scores)
        return best + self.tiebreak * (sum(scores) - best)

    def spans(self) -> list[Any]:
        return sorted({s for m, _ in self._at_current() for s in m.spans()})

    def value(self) -> Any:
        return self._at_current()[0][0].value()

    def value_as(self, astype: str) -> Any:
        return self._at_current()[0][0].value_as(astype)

    def matching_terms(self, id: int | None = None) -> Any:
        if not self.is_active():
            return
        if id is None:
            id = self.id()
        for m, _ in self._active():
            if m.id() == id:
                yield from m.matching_terms(id)


class Coordinated(Q.CompoundQuery):  # type: ignore[misc]
    """Alternatives OR-ed, the sum of their scores scaled by the share that matched.

    Lucene's classic coordination factor: with ``n`` source terms, a document
    matching ``m`` of them scores ``sum × (m / n) ** power``. So a document that has
    every term of "Standard for the Tolerance of Heavy Metals in Rice" outranks one
    that repeats two of them many times. Like :class:`SynonymGroup`, it opts out of
    whoosh's block-quality skipping, so capping the results never drops a match.
    """

    def __init__(self, subqueries: list[Any], power: float = 1.0, boost: float = 1.0) -> None:
        super().__init__(list(subqueries), boost=boost)
        self.power = power

    def __unicode__(self) -> str:
        return f"Coord({' '.join(str(q) for q in self.subqueries)})"

    __str__ = __unicode__

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Coordinated)
            and self.subqueries == other.subqueries
            and self.power == other.power
            and self.boost == other.boost
        )

    def __hash__(self) -> int:
        return super().__hash__() ^ hash(self.power)

    def apply(self, fn: Any) -> Coordinated:
        """A copy with ``fn`` applied to every alternative."""
        return Coordinated([fn(q) for q in self.subqueries], self.power, self.boost)

    def normalize(self) -> Any:
        """Normalised alternatives; the count ``n`` stays that of the source terms."""
        subs = [q.normalize() for q in self.subqueries]
        if all(q is Q.NullQuery for q in subs):
            return Q.NullQuery
        return Coordinated(subs, self.power, self.boost)

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        """A :class:`_CoordMatcher` over the alternatives' matchers."""
        total = len(self.subqueries)
        subs = [(q.matcher(searcher, context), self.boost) for q in self.subqueries]
        subs = [(m, w) for m, w in subs if m.is_active()]
        if not subs:
            return mcore.NullMatcher()
        return _CoordMatcher(subs, total, self.power)


class _CoordMatcher(_GroupMatcher):
    """Union scoring ``sum of sub-scores × (matched / total) ** power``."""

    def __init__(self, subs: list[tuple[Any, float]], total: int, power: float = 1.0) -> None:
        super().__init__(subs)
        self.total = max(1, total)
        self.power = power

    def copy(self) -> _CoordMatcher:
        return _CoordMatcher([(m.copy(), w) for m, w in self.subs], self.total, self.power)

    def replace(self, minquality: float = 0) -> Any:
        subs = [(m.replace(0), w) for m, w in self._active()]  # no quality pruning
        subs = [(m, w) for m, w in subs if m.is_active()]
        if not subs:
            return mcore.NullMatcher()
        return _CoordMatcher(subs, self.total, self.power)

    def max_quality(self) -> float:
        # A document matches at most the active alternatives, so its share is at most
        # theirs: a bound that tightens as alternatives run out (or, in the rest of a
        # query without its strong parts, were never there: search._top_scored).
        active = self._active()
        share = (len(active) / self.total) ** self.power
        return sum(m.max_quality() * w for m, w in active) * share

    def weight(self) -> float:
        return sum(m.weight() * w for m, w in self._at_current())

    def score(self) -> float:
        at = self._at_current()
        share = (len(at) / self.total) ** self.power
        return sum(m.score() * w for m, w in at) * share


def _text_query(
    text: str,
    quoted: bool,
    word_fields: dict[str, float],
    bigram_fields: dict[str, float],
    plan: QueryPlan,
    highlight: bool,
    *,
    words: list[str] | None = None,
    doc_number: bool = True,
    suffix_match: bool = True,
) -> Any:
    """Query for one word or phrase of the user's: words OR contiguous characters OR doc number.

    ``words`` are the text's word tokens when the caller has them already (translations
    segmented once and cached, so that English queries need not load jieba).
    ``suffix_match`` is kept for callers and no longer changes anything: a lone
    character is a prefix query over the bigram fields, which index each run's last
    character as a unigram (no "?字" wildcard over the whole bigram lexicon).
    """
    if words is None:
        words = [t.text for t in word_tokens(text)]
    needle_groups: list[tuple[str, ...]] = []
    alternatives = []
    body_boost = word_fields.get("body")
    if words:
        if quoted and len(words) > 1:
            alternatives.append(_or([Q.Phrase(f, words, boost=b) for f, b in word_fields.items()]))
        else:

            def word_query(w: str) -> Any:
                terms = [Q.Term(f, w, boost=b) for f, b in word_fields.items()]
                if body_boost and len(w) > 1 and has_cjk(w):
                    # Inside a longer body word: the body's safety net (index.body_sub).
                    terms.append(Q.Term("body_sub", w, boost=body_boost * _SUB_WORD_WEIGHT))
                return _or(terms)

            alternatives.append(_and([word_query(w) for w in words]))
    # The safety net: CJK characters as contiguous bigrams, Latin words as words. A
    # quoted phrase is one bigram phrase across its runs (punctuation between runs
    # yields no bigram, so the runs of a document are adjacent in this field too).
    runs = cjk_runs(text)
    if runs:
        groups = [[t.text for t in bigram_tokens(" ".join(runs))]] if quoted else []
        if not quoted:
            groups = [
                [run] if len(run) == 1 else [t.text for t in bigram_tokens(run)] for run in runs
            ]
        parts = []
        if len(groups) > 1:
            # A lone character next to other text (the 号 of "5号") is left to the word
            # alternative: expanding "?号" scans the whole bigram lexicon (0.7 s on 14k records).
            groups = [g for g in groups if len(g[0]) > 1] or groups[:1]
        for grams in groups:
            if len(grams) == 1 and len(grams[0]) == 1:
                # Every character of a text starts a bigram-field token (the last one of
                # a run is indexed as a unigram): a bounded prefix, never "?字".
                char = grams[0]
                char_queries = [
                    ConstantScore(lone_char_query(f, char), b) for f, b in bigram_fields.items()
                ]
                if body_boost:
                    # The words of the body that contain it (铝 in 电解铝, 铝材 …), bounded.
                    char_queries.append(
                        ConstantScore(lone_char_query("body", char), body_boost * _BODY_CHAR_WEIGHT)
                    )
                parts.append(_or(char_queries))
                if highlight:
                    plan.chars.add(char)
                needle_groups.append((char,))
                continue
            if highlight:
                # The bigram phrase matched the run's characters contiguously: highlight
                # the run, not each bigram wherever it occurs (产能 of 新增产能).
                plan.bigram_terms.add(grams[0] + "".join(g[1:] for g in grams[1:]))
            needle_groups.append(tuple(grams))
            parts.append(_or([bigram_run_query(f, grams, b) for f, b in bigram_fields.items()]))
        latin = [t.text for t in word_tokens(text, cjk=False)]
        parts += [_or([Q.Term(f, w, boost=b) for f, b in word_fields.items()]) for w in latin]
        alternatives.append(_and(parts))
    # A word with digits or Chinese may be (part of) a document number; an English
    # word never is (and a stop word would otherwise demand doc_number:of).
    if doc_number and "body" in word_fields and (has_cjk(text) or re.search(r"\d", text)):
        numbers = doc_number_query_tokens(text)
        if numbers:
            alternatives.append(
                _and([Q.Term("doc_number", t, boost=_DOC_NUMBER_BOOST) for t in numbers])
            )
    if highlight:
        plan.word_terms.update(words)
        if words or needle_groups:
            plan.needles.append(Needle(text, tuple(words), tuple(needle_groups)))
    return _or(alternatives)


def _year_query(value: str) -> Any:
    match = re.fullmatch(r"\s*(\d{4})?\s*(?:(\.\.|-|~)\s*(\d{4})?)?\s*", value)
    if not match or not (match.group(1) or match.group(3)):
        raise QueryError(f"year: expects YYYY or YYYY..YYYY, not {value!r}")
    start = int(match.group(1)) if match.group(1) else None
    end = int(match.group(3)) if match.group(3) else (None if match.group(2) else start)
    return Q.NumericRange("year", start, end)


def department_names(name: str) -> tuple[set[str], set[str]]:
    """Index terms (Chinese names, English names) that a department filter value stands for.

    Uses :mod:`alucorpus.departments` when present (canonical names, short forms,
    English names and abbreviations such as MIIT); otherwise the name as given.
    """
    zh = {normalize_text(name.strip())}
    en = {name.strip().lower()}
    try:
        from . import departments as deps
    except ImportError:
        return zh, en
    try:
        found = deps.lookup_department(name)
    except Exception:  # a lookup problem must not break searching
        log.debug("lookup_department(%r) failed", name, exc_info=True)
        found = None
    if found is not None:
        for attr in ("name", "canonical", "name_zh"):
            value = getattr(found, attr, None)
            if isinstance(value, str) and value:
                zh.add(normalize_text(value))
        for attr in ("name_en", "english"):
            value = getattr(found, attr, None)
            if isinstance(value, str) and value:
                en.add(value.lower())
    try:
        canonical = deps.canonical_department(name)
    except Exception:
        canonical = None
    if isinstance(canonical, str) and canonical:
        zh.add(normalize_text(canonical))
    return zh, en


def _department_query(names: Iterable[str]) -> Any:
    terms = []
    for name in names:
        if not name or not name.strip():
            continue
        zh, en = department_names(name)
        terms += [Q.Term("departments", z) for z in sorted(zh)]
        terms += [Q.Term("departments_en", e) for e in sorted(en)]
    return _or(terms)


def _field_query(name: str, text: str, quoted: bool, plan: QueryPlan, highlight: bool) -> Any:
    """The whoosh query for ``name:text``."""
    if name == "title":
        return _text_query(text, quoted, _TITLE_WORD_FIELDS, _TITLE_BIGRAM_FIELDS, plan, highlight)
    if name == "body":
        return _text_query(text, quoted, {"body": 1.0}, {}, plan, False)
    if name in ("number", "no"):
        return _and([Q.Term("doc_number", t) for t in doc_number_query_tokens(text)])
    if name in ("dept", "department"):
        return _department_query([text])
    if name == "year":
        return _year_query(text)
    if name == "type":
        return Q.Term("doc_type", normalize_text(text.strip()))
    if name == "lang":
        return Q.Term("lang", text.strip().lower())
    raise QueryError(f"unknown field '{name}:'")  # _lex already rejects these


@dataclass(frozen=True)
class _Negated:
    """A NOT node before it meets its AND: ``a NOT b`` becomes AndNot(a, b), not And(a, Not(b))."""

    query: Any


def _resolve(node: Any) -> Any:
    """A query usable on its own: a bare NOT means "every document except"."""
    return Q.AndNot(Q.Every(), node.query) if isinstance(node, _Negated) else node


def _node_query(
    node: tuple[Any, ...],
    plan: QueryPlan,
    highlight: bool = True,
    translator: _Translator | None = None,
) -> Any:
    kind = node[0]
    if kind == "term":
        _, name, text, quoted = node
        if name is None:
            if translator is not None and highlight:
                return translator.terms([node], plan)
            return _text_query(text, quoted, _WORD_FIELDS, _BIGRAM_FIELDS, plan, highlight)
        return _field_query(name, text, quoted, plan, highlight)
    if kind == "not":
        # Negated words are not translated: NOT narrows, and a wrong sense would
        # silently drop good documents.
        inner = _resolve(_node_query(node[1], plan, highlight=False))
        return _Negated(inner) if inner is not None else None
    if kind == "or":
        children = [_node_query(child, plan, highlight, translator) for child in node[1]]
        return _or([_resolve(c) for c in children])
    # AND: the positive part narrowed by the NOT parts; words with nothing searchable
    # (stop words only) drop out. Plain words are translated together, so that a
    # phrase spanning several of them is found.
    plain = [c for c in node[1] if c[0] == "term" and c[1] is None] if translator else []
    children = [translator.terms(plain, plan)] if translator is not None and plain else []
    children += [
        _node_query(child, plan, highlight, translator)
        for child in node[1]
        if not any(child is p for p in plain)
    ]
    positives = [c for c in children if c is not None and not isinstance(c, _Negated)]
    base = _and(positives) if positives else Q.Every()
    for child in children:
        if isinstance(child, _Negated):
            base = Q.AndNot(base, child.query)
    return base


def build_query(
    query: str,
    lang: str | None = None,
    *,
    translation: str = "none",
    lexicon: Lexicon | None = None,
    cache_dir: Path | None = None,
) -> QueryPlan:
    """Turn a user's query string into a whoosh query and the terms to highlight.

    Args:
        query: see the module docstring for the syntax.
        lang: the query's language, "zh" or "en": only words of that language are
            translated. None detects it word by word (CJK → Chinese, Latin → English),
            so a mixed query is translated both ways.
        translation: "structured" (each source term or longest phrase becomes one
            synonym group of its weighted translations, the term itself included),
            "first" (each word's first sense, word by word, unweighted) or "none".
        lexicon: the bilingual lexicon (default: the packaged glossary + CC-CEDICT).
        cache_dir: where the CC-CEDICT and segmentation caches live.

    Raises:
        QueryError: the query is malformed, or ``lang``/``translation`` is unknown.

    >>> build_query('"电解铝行业" year:2018..2020').query  # doctest: +SKIP
    >>> build_query("electrolytic aluminium", translation="structured").explanation[0]
    ... # doctest: +SKIP
    TermTranslation(term='electrolytic aluminium', lang='en', translations=(...'电解铝'...))
    """
    if translation not in TRANSLATIONS:
        raise QueryError(
            f"unknown translation {translation!r}; use one of {', '.join(TRANSLATIONS)}"
        )
    if lang is not None and lang not in LANGS:
        raise QueryError(f"unknown query language {lang!r}; use zh or en")
    tree = parse_query(query)
    plan = QueryPlan(query=None)
    translator = None
    if translation != "none":
        translator = _Translator(translation, lang, lexicon, cache_dir)
    try:
        plan.query = _resolve(_node_query(tree, plan, translator=translator)) or Q.NullQuery
    finally:
        if translator is not None:
            translator.close()
    return plan


# -- query translation (issue 4) ------------------------------------------------------------------

TRANSLATIONS = ("structured", "first", "none")
LANGS = ("zh", "en")

# How the source terms' groups are joined: "and" (every term, as in a monolingual
# query), "or" (any term; more terms score higher) or "hybrid" (terms that the
# glossary translates, and Chinese terms, are required; terms translated only by
# CC-CEDICT, and unknown words, only add to the score). Measured on the 63 dev
# topics (English nDCG@20): and 0.42, hybrid 0.63, or 0.72 (Chinese queries: 0.67).
_JOIN = "or"
# Compound title bonus (see _compound_queries): senses per term combined, and the
# score a title with one such compound gets on top.
_COMPOUND_SENSES = 3
_COMPOUND_BONUS = 20.0
# Coordination: a document matching m of a query's n source terms scores its sum
# times (m / n) ** power (0 turns it off). See :class:`Coordinated`.
_COORD_POWER = 1.0
# Score of a group: best weighted alternative plus this share of the others. A
# weighted sum normalised to the best weight instead measured the same (0.721 vs
# 0.716 nDCG@20, known-item MRR 0.475 vs 0.480); the max keeps a many-sense term bounded.
_TIEBREAK = 0.1
# A document matching the words as typed outranks one matching only their
# translation, other things equal: a Chinese query's Chinese documents come before
# English ones, and "Mining Act" finds the law whose official English title it is.
_TRANSLATED = 0.7


class _Segments:
    """Word tokens of translation strings, cached on disk per segmentation dictionary.

    Translations into Chinese must be tokenised by the documents' analyzer, and that
    needs jieba's dictionary (0.6 s to load). The tokens depend only on the text and
    the dictionary, so they are kept in ``cache_dir/segments-<dictionary hash>.json``:
    an English query whose translations were seen before loads no jieba. The first
    miss segments the whole glossary at once, so that later queries rarely miss.
    """

    def __init__(self, cache_dir: Path, prefill: Callable[[], Iterable[str]]) -> None:
        from .analysis import dictionary_hash

        self.path = cache_dir / f"segments-{dictionary_hash()[:16]}.json"
        self.prefill = prefill
        self.dirty = False
        self.tokens: dict[str, list[str]] = {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if isinstance(data, dict):
                self.tokens = data
        except (OSError, ValueError):
            pass  # no cache yet, or a broken one: rebuilt on the first miss

    def words(self, text: str) -> list[str]:
        """The word tokens :func:`~alucorpus.analysis.word_tokens` gives for ``text``."""
        if not has_cjk(text):
            return [t.text for t in word_tokens(text)]
        cached = self.tokens.get(text)
        if cached is None:
            if not self.dirty:
                for term in self.prefill():
                    if term not in self.tokens:
                        self.tokens[term] = [t.text for t in word_tokens(term)]
            cached = self.tokens.get(text)
            if cached is None:
                cached = self.tokens[text] = [t.text for t in word_tokens(text)]
            self.dirty = True
        return list(cached)

    def save(self) -> None:
        """Write the cache when it grew; a read-only cache folder only costs time."""
        if not self.dirty:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(f".tmp{os.getpid()}")
            tmp.write_text(json.dumps(self.tokens, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, self.path)  # atomic: a concurrent reader never sees half a file
            self.dirty = False
        except OSError as exc:
            log.warning("cannot write segmentation cache %s (%s)", self.path, exc)


_segment_caches: dict[Path, _Segments] = {}


@lru_cache(maxsize=4)
def _cached_lexicon(cache_dir: Path) -> Lexicon:
    """One Lexicon per cache folder and process: CC-CEDICT is read once, on first need."""
    from .lexicon import Lexicon

    return Lexicon.load(cache_dir=cache_dir)


def default_cache_dir() -> Path:
    """The lexicon's default cache folder (``$XDG_CACHE_HOME/alucorpus``)."""
    from .lexicon import default_cache_dir as lexicon_cache

    return lexicon_cache()


def detect_lang(text: str) -> str | None:
    """ "zh" for text with CJK ideographs, "en" for Latin letters, None for neither."""
    if has_cjk(text):
        return "zh"
    if re.search("[A-Za-z]", text):
        return "en"
    return None


def _glossary_max_len(lex: Lexicon) -> int:
    return max((len(zh) for zh in lex.rows), default=1)


class _Translator:
    """Builds the cross-language part of a query: one synonym group per source term."""

    def __init__(
        self,
        mode: str,
        lang: str | None,
        lexicon: Lexicon | None,
        cache_dir: Path | None,
    ) -> None:
        self.mode = mode
        self.lang = lang
        self._lexicon = lexicon
        self.cache_dir = Path(cache_dir) if cache_dir else default_cache_dir()
        self._segments: _Segments | None = None
        # Title bonuses for adjacent English terms whose translations form one
        # Chinese compound (see _compound_queries); terms() adds them.
        self.compounds: list[Any] = []

    @property
    def lexicon(self) -> Lexicon:
        if self._lexicon is None:
            self._lexicon = _cached_lexicon(self.cache_dir)
        return self._lexicon

    @property
    def segments(self) -> _Segments:
        if self._segments is None:
            path = self.cache_dir
            cache = _segment_caches.get(path)
            if cache is None:
                cache = _segment_caches[path] = _Segments(path, lambda: self.lexicon.rows)
            self._segments = cache
        return self._segments

    def close(self) -> None:
        """Persist what was segmented."""
        if self._segments is not None:
            self._segments.save()

    # ---- one source term

    def _direction(self, text: str) -> str | None:
        """The term's language when it is to be translated, else None."""
        found = detect_lang(text)
        if found is None or (self.lang is not None and found != self.lang):
            return None
        if found == "zh" and re.search(r"\d", text):
            return None  # document numbers (62号, 〔2025〕) are not translated
        return found

    def _zh_query(self, text: str, plan: QueryPlan) -> Any:
        """A Chinese translation, analysed as documents are: words OR contiguous bigrams."""
        return _text_query(
            text,
            False,
            _TRANSLATED_WORD_FIELDS,
            _TRANSLATED_BIGRAM_FIELDS,
            plan,
            True,
            words=self.segments.words(text),
            doc_number=False,
            suffix_match=False,
        )

    def _en_query(self, text: str, plan: QueryPlan) -> Any:
        """An English translation: a phrase when it has several words (a term, not a bag)."""
        words = [t.text for t in word_tokens(text, cjk=False)]
        return _text_query(
            text, len(words) > 1, _WORD_FIELDS, {}, plan, True, words=words, doc_number=False
        )

    def _group(
        self, term: str, lang: str, original: Any, senses: list[Sense], plan: QueryPlan
    ) -> tuple[Any, bool]:
        """The synonym group of a source term: itself and its weighted translations.

        Returns the query and whether the term is "confident" (translated by a glossary,
        or Chinese: a Chinese query's own words are always required).
        """
        translate = self._en_query if lang == "zh" else self._zh_query
        alternatives: list[Any] = []
        weights: list[float] = []
        if original is not None:
            alternatives.append(original)
            weights.append(1.0)
        used: list[Translation] = []
        before = plan.highlight_terms()
        for sense in senses:
            weight = 1.0 if self.mode == "first" else sense.weight
            query = translate(sense.text, plan)
            if query is None:
                continue
            alternatives.append(query)
            weights.append(weight * _TRANSLATED)
            used.append(Translation(sense.text, weight, sense.source))
        plan.translated_terms |= plan.highlight_terms() - before
        plan.explanation.append(TermTranslation(term, lang, tuple(used)))
        confident = lang == "zh" or any(t.source != "cedict" for t in used)
        if not alternatives:
            return None, confident
        if len(alternatives) == 1 and weights[0] == 1.0:
            return alternatives[0], confident
        return SynonymGroup(alternatives, weights, _TIEBREAK), confident

    # ---- English → Chinese

    def _en_spans(self, words: list[str]) -> list[tuple[int, int, list[Sense]]]:
        """(start, end, senses) over English words: longest phrases, or word by word."""
        lex = self.lexicon
        if self.mode != "first":
            return lex.longest_en_phrases(words)
        spans = []
        for i, word in enumerate(words):
            senses = lex.en_to_zh(word)[:1]
            if senses:
                spans.append((i, i + 1, senses))
        return spans

    def _en_units(self, words: list[str], plan: QueryPlan) -> list[tuple[Any, bool]]:
        """Groups for a run of English words: longest glossary/dictionary phrase first."""
        spans = self._en_spans(words)
        covered = {i: (j, senses) for i, j, senses in spans}
        if self.mode == "structured":
            self.compounds.extend(_compound_queries(spans))
        units: list[tuple[Any, bool]] = []
        i = 0
        while i < len(words):
            j, senses = covered.get(i, (i + 1, []))
            text = " ".join(words[i:j])
            original = _text_query(text, False, _WORD_FIELDS, _BIGRAM_FIELDS, plan, True)
            if original is not None or senses:
                units.append(self._group(text, "en", original, senses, plan))
            i = j
        return units

    def _en_phrase_unit(self, text: str, plan: QueryPlan) -> tuple[Any, bool]:
        """A quoted English phrase: itself (words in order) OR its translation."""
        original = _text_query(text, True, _WORD_FIELDS, _BIGRAM_FIELDS, plan, True)
        words = en_words(text)
        spans = self._en_spans(words)
        if len(spans) == 1 and spans[0][:2] == (0, len(words)):
            return self._group(text, "en", original, spans[0][2], plan)
        parts = [self._group(" ".join(words[i:j]), "en", None, s, plan) for i, j, s in spans]
        english = _and([q for q, _ in parts if q is not None]) if parts else None
        if english is None or original is None:
            return original if english is None else english, True
        return SynonymGroup([original, english], [1.0, 1.0], _TIEBREAK), True

    # ---- Chinese → English

    def _zh_spans(self, text: str) -> list[tuple[str, list[Sense]]]:
        """Source terms of a Chinese text and their senses.

        Glossary terms first (longest match over each CJK run); CC-CEDICT (loaded only
        then) for the stretches the glossary does not cover.
        """
        lex = self.lexicon
        out: list[tuple[str, list[Sense]]] = []
        if self.mode == "first":
            for word in (t.text for t in word_tokens(text)):
                if has_cjk(word):
                    senses = lex.zh_to_en(word)[:1]
                    if senses:
                        out.append((word, senses))
            return out
        longest = _glossary_max_len(lex)
        for run in cjk_runs(text):
            i, gap = 0, ""
            while i < len(run):
                for n in range(min(longest, len(run) - i), 0, -1):
                    senses = lex.zh_to_en(run[i : i + n], cedict="never")
                    if senses:
                        break
                else:
                    senses, n = [], 0
                if n:
                    out.extend(self._cedict_terms(gap))
                    gap = ""
                    out.append((run[i : i + n], senses))
                    i += n
                else:
                    gap += run[i]
                    i += 1
            out.extend(self._cedict_terms(gap))
        return out

    def _cedict_terms(self, text: str) -> list[tuple[str, list[Sense]]]:
        if not text:
            return []
        return [(text[i:j], senses) for i, j, senses in self.lexicon.longest_zh_terms(text)]

    def _zh_unit(self, text: str, quoted: bool, plan: QueryPlan) -> tuple[Any, bool]:
        """One Chinese query word: itself OR the conjunction of its terms' English groups."""
        original = _text_query(text, quoted, _WORD_FIELDS, _BIGRAM_FIELDS, plan, True)
        spans = self._zh_spans(text)
        if len(spans) == 1 and spans[0][0] == normalize_text(text).strip():
            return self._group(text, "zh", original, spans[0][1], plan)
        parts = []
        for term, senses in spans:
            query, _ = self._group(term, "zh", None, senses, plan)
            if query is not None:
                parts.append(query)
        english = _and(parts) if parts else None
        if english is None:
            return original, True
        if original is None:
            return english, True
        return SynonymGroup([original, english], [1.0, 1.0], _TIEBREAK), True

    # ---- a conjunction of plain query words

    def terms(self, nodes: list[tuple[Any, ...]], plan: QueryPlan) -> Any:
        """The query for plain (unfielded) words joined by AND, each with its translations.

        Consecutive unquoted English words are translated together, so that a phrase
        that spans them ("electrolytic aluminium") is found; a quoted English phrase
        keeps its word order in the original language.
        """
        units: list[tuple[Any, bool]] = []
        run: list[str] = []

        def flush() -> None:
            if run:
                units.extend(self._en_units(list(run), plan))
                run.clear()

        for _, _, text, quoted in nodes:
            direction = self._direction(text)
            if direction == "en" and not quoted:
                run.extend(en_words(text))
                continue
            flush()
            if direction == "zh":
                units.append(self._zh_unit(text, quoted, plan))
            elif direction == "en":
                units.append(self._en_phrase_unit(text, plan))
            else:
                original = _text_query(text, quoted, _WORD_FIELDS, _BIGRAM_FIELDS, plan, True)
                units.append((original, True))
        flush()
        joined = _join(units)
        bonus = _or(self.compounds)
        self.compounds = []
        if joined is None or bonus is None:
            return joined
        return Q.AndMaybe(joined, bonus)


def _compound_queries(spans: list[tuple[int, int, list[Sense]]]) -> list[Any]:
    """Title bonuses for adjacent source terms whose translations make one compound.

    Chinese forms a compound by juxtaposition, in either order of the English
    ("Trademark Act" → 商标 + 法 → 商标法; "Act for … Development" → 发展 + 条例).
    A one-character translation (法) only ends a compound, never starts one.
    A title holding such a compound contiguously is strong evidence that it names
    what the query names, and jieba keeps such compounds whole (商标法 is one word),
    so the separate translations alone match it only through bigrams. Each pair of
    the best :data:`_COMPOUND_SENSES` glossary senses of two neighbouring terms gives
    a bigram phrase on the title, worth a constant :data:`_COMPOUND_BONUS`.
    """
    queries: list[Any] = []
    seen: set[str] = set()
    for (_, _, left), (_, _, right) in itertools.pairwise(spans):
        firsts = [s.text for s in left if s.source != "cedict"][:_COMPOUND_SENSES]
        seconds = [s.text for s in right if s.source != "cedict"][:_COMPOUND_SENSES]
        for a in firsts:
            for b in seconds:
                for head, tail in ((a, b), (b, a)):
                    text = head + tail
                    # A lone character starts a compound too rarely, and too often ends
                    # another word (法 + 采矿 would match 非法采矿): heads only.
                    if len(head) == 1 or text in seen or len(cjk_runs(text)) != 1:
                        continue
                    seen.add(text)
                    grams = [t.text for t in bigram_tokens(text)]
                    phrase = Q.Phrase("title_bigram", grams) if len(grams) > 1 else None
                    if phrase is not None:
                        queries.append(ConstantScore(phrase, _COMPOUND_BONUS))
    return queries


def _join(units: list[tuple[Any, bool]]) -> Any:
    """Source terms' groups joined as :data:`_JOIN` says."""
    units = [(q, sure) for q, sure in units if q is not None]
    if not units:
        return None
    queries = [q for q, _ in units]
    if _JOIN == "and":
        return _and(queries)
    if _JOIN == "or":
        if len(queries) > 1 and _COORD_POWER:
            return Coordinated(queries, _COORD_POWER)
        return _or(queries)
    required = [q for q, sure in units if sure]
    optional = [q for q, sure in units if not sure]
    if not required:
        return _or(optional)
    if not optional:
        return _and(required)
    return Q.AndMaybe(_and(required), _or(optional))


# -- filters --------------------------------------------------------------------------------------


def _date_bound(value: str | dt.date | None, *, end: bool) -> dt.datetime | None:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` as the first (or last) moment it covers."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        base = dt.datetime(value.year, value.month, value.day)
        return base + dt.timedelta(days=1, microseconds=-1) if end else base
    text = str(value).strip()
    match = re.fullmatch(r"(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?", text)
    if not match:
        raise QueryError(f"date {text!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = (int(g) if g else None for g in match.groups())
    try:
        start = dt.datetime(year or 1, month or 1, day or 1)
    except ValueError:
        raise QueryError(f"date {text!r} does not exist") from None
    if not end:
        return start
    if day is not None:
        after = start + dt.timedelta(days=1)
    elif month is not None:
        after = dt.datetime(start.year + (start.month == 12), start.month % 12 + 1, 1)
    else:
        after = dt.datetime(start.year + 1, 1, 1)
    return after - dt.timedelta(microseconds=1)


def build_filter(
    *,
    lang: str | None = None,
    departments: str | Iterable[str] | None = None,
    since: str | dt.date | None = None,
    until: str | dt.date | None = None,
    doc_type: str | None = None,
) -> Any:
    """The whoosh filter query for search()'s keyword arguments, or None."""
    parts = []
    if lang:
        parts.append(Q.Term("lang", lang.lower()))
    if departments:
        names = [departments] if isinstance(departments, str) else list(departments)
        dept = _department_query(names)
        if dept is not None:
            parts.append(dept)
    start, stop = _date_bound(since, end=False), _date_bound(until, end=True)
    if start or stop:
        parts.append(Q.DateRange("issued", start, stop))
    if doc_type:
        parts.append(Q.Term("doc_type", normalize_text(doc_type.strip())))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else Q.And(parts)


# -- snippets -------------------------------------------------------------------------------------


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def highlight_spans(text: str, plan: QueryPlan) -> tuple[list[tuple[int, int]], float]:
    """Spans of ``text`` that match the query's terms, and how many distinct terms matched.

    The count ranks snippets: terms that only a translation brought count 1/100.

    Works on the original text (offsets come from the analyzer's offset map), so
    Traditional text is highlighted where its Simplified form matched. Chinese terms
    (query words, translations, their bigrams) are found as substrings of the
    normalised text, not by segmenting it: what the bigram field matched is
    contiguous anyway, and highlighting then never needs jieba.
    """
    cjk_needles = {t for t in plan.word_terms if has_cjk(t)} | plan.bigram_terms | plan.chars
    latin_terms = {t for t in plan.word_terms if not has_cjk(t)}
    text_only = normalized_text(text)
    if not any(needle in text_only for needle in cjk_needles) and not (
        latin_terms and re.search(r"[a-z0-9]", text_only.lower())
    ):
        return [], 0.0  # most paragraphs of a hit: no offset map needed
    norm = normalize(text)
    lowered = norm.text.lower()
    spans: list[tuple[int, int]] = []
    found: set[str] = set()
    if latin_terms and re.search(r"[a-z0-9]", lowered):
        for token in latin_tokens(norm):
            if token.text in latin_terms:
                spans.append((token.start, token.end))
                found.add(token.text)
    for needle in cjk_needles:
        start = norm.text.find(needle)
        while start >= 0:
            spans.append(norm.span(start, start + len(needle)))
            found.add(needle)
            start = norm.text.find(needle, start + 1)
    # Words as typed count fully; terms that only a translation brought break ties.
    translated = len(found & plan.translated_terms)
    return _merge(spans), len(found) - translated + translated / 100


def _window(text: str, spans: list[tuple[int, int]]) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Cut a long paragraph to a window around its first highlight, shifting offsets."""
    if len(text) <= SNIPPET_CHARS:
        return text, tuple(spans)
    start = max(0, spans[0][0] - SNIPPET_LEAD) if spans else 0
    end = min(len(text), start + SNIPPET_CHARS)
    for span_start, span_end in spans:
        if span_start < end < span_end:
            end = span_end  # never cut a highlighted word in two ("【deve】…")
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    shift = len(prefix) - start
    inside = tuple(
        (max(s, start) + shift, min(e, end) + shift) for s, e in spans if s < end and e > start
    )
    return prefix + text[start:end] + suffix, inside


def make_snippets(data: dict[str, Any], plan: QueryPlan) -> tuple[Snippet, ...]:
    """The best few highlighted passages of a hit's stored text (title when nothing else)."""
    scored = []
    for order, (name, number, text) in enumerate(data.get("segments", ())):
        spans, distinct = highlight_spans(text, plan)
        if spans:
            scored.append((-distinct, order, name, number, text, spans))
    scored.sort(key=lambda item: item[:2])
    snippets = []
    for _, _, name, number, text, spans in scored[:MAX_SNIPPETS]:
        cut, highlights = _window(text, spans)
        snippets.append(Snippet(name, number, cut, highlights))
    if not snippets and data.get("title"):
        spans, _ = highlight_spans(data["title"], plan)
        if spans:
            snippets.append(Snippet("title", 0, data["title"], tuple(spans)))
    if not snippets and data.get("segments"):
        # Matched on metadata only (number, department, year): show where the text starts.
        name, number, text = data["segments"][0]
        cut, _ = _window(text, [])
        snippets.append(Snippet(name, number, cut, ()))
    return tuple(snippets)


# -- search ---------------------------------------------------------------------------------------


_WORD_FIELD_NAMES = frozenset({"title", "title_en", "body", "body_sub"})
_BIGRAM_FIELD_NAMES = frozenset({"title_bigram"})


def _matched_terms(matched: Iterable[tuple[str, Any]], plan: QueryPlan) -> tuple[str, ...]:
    """The query words and translations (as written) whose index tokens matched a hit.

    ``matched``: the hit's matching (field, term) pairs (see :func:`_hits_matching_terms`).
    """
    words: set[str] = set()
    bigrams: set[str] = set()
    for fieldname, text in matched:
        if fieldname not in _WORD_FIELD_NAMES and fieldname not in _BIGRAM_FIELD_NAMES:
            continue  # numeric fields (year:) hold encoded numbers, not UTF-8 text
        value = text.decode("utf-8") if isinstance(text, bytes) else str(text)
        if fieldname in _WORD_FIELD_NAMES:
            words.add(value)
        elif fieldname in _BIGRAM_FIELD_NAMES:
            bigrams.add(value)
    terms: dict[str, None] = {}
    for needle in plan.needles:
        if needle.matched(words, bigrams):
            terms[needle.text] = None
    return tuple(terms)


def _matchers_at(searcher: Any, query: Any, docnums: Iterable[int]) -> Iterator[Any]:
    """(docnum, matcher at that document) for each of ``docnums`` that ``query`` matches.

    One matcher per index segment, moved forward to each document in turn: the cost
    is per document asked for, not per match of the query. ``needs_current`` makes
    unions trees of matchers that skip (without it whoosh may preload every posting
    of a small segment's unions into arrays first).
    """
    context = searcher.context(needs_current=True)
    for subsearcher, offset, local in docsets.by_segment(searcher.leaf_searchers(), docnums):
        matcher = query.matcher(subsearcher, context)
        for docnum in local:
            if matcher.is_active() and matcher.id() < docnum:
                matcher.skip_to(docnum)
            if not matcher.is_active():
                break
            if matcher.id() == docnum:
                yield docnum + offset, matcher


def _hits_matching_terms(searcher: Any, query: Any, docnums: list[int]) -> dict[int, list[Any]]:
    """The (field, term) pairs of ``query`` that match each of ``docnums``.

    Computed for the page's hits only (asking whoosh to record terms during the
    search would record them for every match, at several times the cost).
    """
    return {d: list(m.matching_terms()) for d, m in _matchers_at(searcher, query, docnums)}


#: Fields whose matches score high (title words and bigrams, the document number):
#: the candidates of :func:`_top_scored`.
_STRONG_FIELDS = frozenset({"title", "title_en", "title_bigram", "doc_number"})
#: Result sets at most this large are scored whole; larger ones candidate-first.
_SCORE_ALL_UP_TO = 100
#: A body term in at most this many documents (or 1 % of the index, if more) makes
#: its documents candidates too: rare terms have the highest scores, and would
#: otherwise make the bound for the other documents too loose to stop early.
_RARE_DOCS = 100


def _leaf_queries(query: Any) -> list[Any]:
    return [query] if query.is_leaf() else list(query.leaves())


def _without(query: Any, drop: Callable[[Any], bool]) -> Any:
    """``query`` with every leaf for which ``drop`` is true replaced by nothing (NullQuery)."""
    if query.is_leaf():
        return Q.NullQuery if drop(query) else query
    return query.apply(lambda child: _without(child, drop))


def _score_docs(searcher: Any, query: Any, docnums: Iterable[int]) -> dict[int, float]:
    """whoosh's score of ``query`` for each of ``docnums`` that it matches."""
    return {d: float(m.score()) for d, m in _matchers_at(searcher, query, docnums)}


def _rank(scores: dict[int, float], n: int) -> list[tuple[int, float]]:
    # whoosh's order: higher score first, then lower document number.
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:n]


def _top_scored(searcher: Any, query: Any, docs: set[int], n: int) -> list[tuple[int, float]]:
    """The ``n`` best (docnum, score) of ``docs`` (which all match ``query``), exactly.

    The fallback when :mod:`alucorpus.vectors` cannot evaluate a query. Scoring every
    match costs about 30 µs each in whoosh's Python matchers, so a broad
    query over 50 000 documents would take seconds. Candidate first instead (the
    "MaxScore" idea): score only the documents that match a strong part of the query
    (a title field, the document number, or a body term in at most
    :data:`_RARE_DOCS` documents or 1 % of the index). Every other document matches
    through the common body terms alone, so its score is at most that remainder's
    maximum (whoosh's BM25 bound, :meth:`max_quality`). When the n-th candidate beats
    that bound, no other document can enter the top n; otherwise everything is
    scored. Either way the ranking is whoosh's own (tests/test_docsets.py compares).
    """
    if len(docs) > _SCORE_ALL_UP_TO:
        rare = max(_RARE_DOCS, searcher.doc_count() // 100)

        def is_candidate_part(leaf: Any) -> bool:
            if leaf.field() in _STRONG_FIELDS:
                return True
            return type(leaf) is Q.Term and (
                searcher.doc_frequency(leaf.fieldname, leaf.text) <= rare
            )

        strong = [q for q in _leaf_queries(query) if is_candidate_part(q)]
        candidates = docsets.query_docs(searcher, Q.Or(strong)) & docs if strong else set()
        if n <= len(candidates) <= len(docs) // 2:
            weak = _without(query, is_candidate_part)
            try:
                if weak is Q.NullQuery:
                    bound = 0.0
                else:
                    matcher = weak.matcher(searcher, searcher.context(needs_current=True))
                    bound = float(matcher.max_quality()) if matcher.is_active() else 0.0
            except (NotImplementedError, AttributeError, TypeError):  # a matcher without a bound
                bound = float("inf")
            best = _rank(_score_docs(searcher, query, candidates), n)
            if len(best) == n and best[-1][1] > bound:
                return best
    return _rank(_score_docs(searcher, query, docs), n)


def _evaluate(searcher: Any, query: Any, filter_query: Any) -> Any:
    """The query (and filter) evaluated as arrays, or None where whoosh must do it.

    numpy (alucorpus.vectors) is imported here, on the first search, not at import.
    """
    from . import vectors

    try:
        evaluation = vectors.evaluate(searcher, query)
        if filter_query is not None:
            evaluation.restrict(vectors.evaluate(searcher, filter_query))
    except vectors.Unsupported as exc:
        log.debug("query evaluated by whoosh's matchers: %s", exc)
        return None
    return evaluation


def _facet_counts(searcher: Any, evaluation: Any) -> dict[str, dict[str, int]]:
    from . import vectors

    return vectors.facet_counts(
        docsets.index_facet_arrays(searcher, vectors.as_index_array), evaluation.mask
    )


def search(
    index: Index,
    query: str,
    *,
    lang: str | None = None,
    departments: str | Iterable[str] | None = None,
    since: str | dt.date | None = None,
    until: str | dt.date | None = None,
    doc_type: str | None = None,
    limit: int = 10,
    offset: int = 0,
    sort: str = "relevance",
    translation: str = "structured",
    cache_dir: Path | None = None,
    lexicon: Lexicon | None = None,
) -> SearchResults:
    """Search the index, in both languages.

    Args:
        index: an open :class:`~alucorpus.index.Index`.
        query: see the module docstring for the syntax.
        lang: the query's language ("zh" or "en"); None detects it word by word.
            To keep only records in one language, put ``lang:en`` in the query.
        departments: only records issued by (any of) these departments: canonical
            names, short forms (工信部) or English names and abbreviations (MIIT).
        since, until: issue-date bounds (inclusive), ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.
        doc_type: only this document type (通知, 意见 …).
        limit, offset: the page of hits.
        sort: "relevance" or "issued" (newest first; undated last; every score is 0).
        translation: how the query is carried into the other language (see
            :func:`build_query`): "structured" (default), "first" or "none".
        cache_dir: the lexicon's cache folder (CC-CEDICT index, segmented
            translations); a Corpus passes ``HOME/cache``.
        lexicon: the bilingual lexicon to use (default: packaged glossary + CC-CEDICT).

    Returns:
        The page of hits and the facets "department", "year" and "doc_type" over
        the whole result set; ``explanation`` lists each source term's translations,
        and each hit's ``matched_terms`` those found in it.

    Raises:
        QueryError: the query or an argument is malformed.

    >>> search(index, '"电解铝" dept:工信部', since="2020").total  # doctest: +SKIP
    """
    from whoosh import sorting

    if sort not in SORTS:
        raise QueryError(f"unknown sort {sort!r}; use one of {', '.join(SORTS)}")
    if limit < 0 or offset < 0:
        raise QueryError("limit and offset must not be negative")
    plan = build_query(query, lang, translation=translation, lexicon=lexicon, cache_dir=cache_dir)
    filter_query = build_filter(
        departments=departments, since=since, until=until, doc_type=doc_type
    )
    sortedby = sorting.FieldFacet("issued_key", reverse=True) if sort == "issued" else None
    with index.reading() as searcher:
        evaluation = _evaluate(searcher, plan.query, filter_query)
        if evaluation is not None:
            # The whole result set with every score, as arrays (alucorpus.vectors).
            total = evaluation.total
            facet_counts = _facet_counts(searcher, evaluation)
        else:
            # The whole result set, unscored, for the total and the facets (exact, fast);
            # whoosh then scores and ranks it for the page only.
            docs = docsets.query_docs(searcher, plan.query)
            if filter_query is not None and docs:
                docs &= docsets.query_docs(searcher, filter_query)
            total = len(docs)
            facet_counts = docsets.facet_counts(searcher, docs)
        hits = []
        if limit and offset < total:
            if sortedby is not None and evaluation is not None:
                newest = evaluation.top_by_column("issued_key", offset + limit)
                ranked = [(d, 0.0) for d in newest[offset:]]
            elif sortedby is not None:
                results = searcher.search(
                    plan.query,
                    filter=docs if filter_query is not None else None,
                    limit=offset + limit,
                    sortedby=sortedby,
                )
                ranked = [(hit.docnum, 0.0) for hit in results[offset : offset + limit]]
            elif evaluation is not None:
                ranked = evaluation.top(offset + limit)[offset:]
            else:
                ranked = _top_scored(searcher, plan.query, docs, offset + limit)[offset:]
            if evaluation is not None:
                matching = {d: evaluation.matching_terms(plan.query, d) for d, _ in ranked}
            else:
                matching = _hits_matching_terms(searcher, plan.query, [d for d, _ in ranked])
            for docnum, score in ranked:
                stored = searcher.stored_fields(docnum)
                data = stored["data"]
                hits.append(
                    Hit(
                        id=stored["id"],
                        score=score,  # 0 when sorted by date
                        title=data.get("title", ""),
                        source=data.get("source", ""),
                        doc_number=data.get("doc_number"),
                        departments=tuple(data.get("departments", ())),
                        issued=data.get("issued"),
                        snippets=make_snippets(data, plan),
                        matched_terms=_matched_terms(matching.get(docnum, ()), plan),
                    )
                )
    return SearchResults(
        query=query,
        total=total,
        hits=tuple(hits),
        facets=facet_counts,
        explanation=tuple(plan.explanation),
    )


__all__ = [
    "FIELD_PREFIXES",
    "TRANSLATIONS",
    "Hit",
    "Needle",
    "QueryPlan",
    "SearchResults",
    "Snippet",
    "SynonymGroup",
    "TermTranslation",
    "Translation",
    "build_filter",
    "build_query",
    "department_names",
    "detect_lang",
    "highlight_spans",
    "make_snippets",
    "parse_query",
    "search",
]
