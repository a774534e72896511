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
body — each token may come from any of them), *or* must contain the word's
characters contiguously (a phrase over the character-bigram field), *or* have it as
(part of) its document number. So each source word keeps AND semantics while its
segmentations are OR-grouped. Title matches weigh most, bigram matches least.

:func:`build_query` is the single place a query string becomes a whoosh query; the
cross-language search (issue 4) extends it with translations.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from whoosh import query as Q

from .analysis import (
    bigram_tokens,
    cjk_runs,
    doc_number_query_tokens,
    has_cjk,
    normalize,
    normalize_text,
    word_tokens,
)
from .errors import QueryError
from .index import Index

log = logging.getLogger(__name__)

MAX_QUERY_CHARS = 1000
MAX_SNIPPETS = 3
SNIPPET_CHARS = 160  # longer paragraphs are cut to a window around the first highlight
SNIPPET_LEAD = 30  # characters kept before the first highlight

# Field weights: a title match is worth more than a body match; the bigram safety
# net only lifts what the words missed.
_WORD_FIELDS = {"title": 3.0, "title_en": 2.0, "body": 1.0}
_TITLE_WORD_FIELDS = {"title": 1.0, "title_en": 1.0}
_BIGRAM_FIELDS = {"title_bigram": 1.0, "body_bigram": 0.4}
_TITLE_BIGRAM_FIELDS = {"title_bigram": 1.0}
_DOC_NUMBER_BOOST = 4.0

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

    def to_dict(self) -> dict[str, Any]:
        """JSON form (the ``hits`` items of ``--format json``)."""
        return {
            "id": self.id,
            "source": self.source,
            "title": self.title,
            "score": round(self.score, 4),
            "doc_number": self.doc_number,
            "departments": list(self.departments),
            "issued": self.issued,
            "snippets": [s.to_dict() for s in self.snippets],
        }


@dataclass(frozen=True)
class SearchResults:
    """A page of hits, the total, and facets over the whole result set."""

    query: str
    total: int
    hits: tuple[Hit, ...]
    facets: dict[str, dict[str, int]]

    def to_dict(self) -> dict[str, Any]:
        """JSON form: ``{"query", "total", "hits", "facets"}``."""
        return {
            "query": self.query,
            "total": self.total,
            "hits": [h.to_dict() for h in self.hits],
            "facets": {name: dict(counts) for name, counts in self.facets.items()},
        }


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


@dataclass
class QueryPlan:
    """A whoosh query and the terms to highlight (those not under NOT)."""

    query: Any
    word_terms: set[str] = field(default_factory=set)
    bigram_terms: set[str] = field(default_factory=set)
    chars: set[str] = field(default_factory=set)  # lone CJK characters (prefix/suffix matches)


def _or(items: list[Any]) -> Any:
    items = [q for q in items if q is not None]
    if not items:
        return None
    return items[0] if len(items) == 1 else Q.Or(items)


def _and(items: list[Any]) -> Any:
    if any(q is None for q in items) or not items:
        return None
    return items[0] if len(items) == 1 else Q.And(items)


def _text_query(
    text: str,
    quoted: bool,
    word_fields: dict[str, float],
    bigram_fields: dict[str, float],
    plan: QueryPlan,
    highlight: bool,
) -> Any:
    """Query for one word or phrase of the user's: words OR contiguous characters OR doc number."""
    words = [t.text for t in word_tokens(text)]
    alternatives = []
    if words:
        if quoted and len(words) > 1:
            alternatives.append(_or([Q.Phrase(f, words, boost=b) for f, b in word_fields.items()]))
        else:
            alternatives.append(
                _and([_or([Q.Term(f, w, boost=b) for f, b in word_fields.items()]) for w in words])
            )
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
                # A lone character sits inside bigrams: match it as their first or second half.
                char = grams[0]
                parts.append(
                    _or(
                        [Q.Term(f, char, boost=b) for f, b in bigram_fields.items()]
                        + [Q.Prefix(f, char, boost=b) for f, b in bigram_fields.items()]
                        + [Q.Wildcard(f, "?" + char, boost=b) for f, b in bigram_fields.items()]
                    )
                )
                if highlight:
                    plan.chars.add(char)
                continue
            if highlight:
                plan.bigram_terms.update(grams)
            parts.append(
                _or(
                    [
                        Q.Phrase(f, grams, boost=b)
                        if len(grams) > 1
                        else Q.Term(f, grams[0], boost=b)
                        for f, b in bigram_fields.items()
                    ]
                )
            )
        latin = [t.text for t in word_tokens(text, cjk=False)]
        parts += [_or([Q.Term(f, w, boost=b) for f, b in word_fields.items()]) for w in latin]
        alternatives.append(_and(parts))
    if "body" in word_fields:  # a plain word may be (part of) a document number
        numbers = doc_number_query_tokens(text)
        if numbers:
            alternatives.append(
                _and([Q.Term("doc_number", t, boost=_DOC_NUMBER_BOOST) for t in numbers])
            )
    if highlight:
        plan.word_terms.update(words)
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
        return _text_query(text, quoted, {"body": 1.0}, {"body_bigram": 1.0}, plan, False)
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


def _node_query(node: tuple[Any, ...], plan: QueryPlan, highlight: bool = True) -> Any:
    kind = node[0]
    if kind == "term":
        _, name, text, quoted = node
        if name is None:
            return _text_query(text, quoted, _WORD_FIELDS, _BIGRAM_FIELDS, plan, highlight)
        return _field_query(name, text, quoted, plan, highlight)
    if kind == "not":
        inner = _resolve(_node_query(node[1], plan, highlight=False))
        return _Negated(inner) if inner is not None else None
    children = [_node_query(child, plan, highlight) for child in node[1]]
    if kind == "or":
        return _or([_resolve(c) for c in children])
    # AND: the positive part narrowed by the NOT parts; words with nothing searchable
    # (stop words only) drop out.
    positives = [c for c in children if c is not None and not isinstance(c, _Negated)]
    base = _and(positives) if positives else Q.Every()
    for child in children:
        if isinstance(child, _Negated):
            base = Q.AndNot(base, child.query)
    return base


def build_query(query: str, lang: str | None = None) -> QueryPlan:
    """Turn a user's query string into a whoosh query and the terms to highlight.

    ``lang`` is the query's language ("zh", "en" or None); this core treats both the
    same, and the cross-language search extends this function.

    Raises:
        QueryError: the query is malformed.

    >>> build_query('"电解铝行业" year:2018..2020').query  # doctest: +SKIP
    """
    tree = parse_query(query)
    plan = QueryPlan(query=None)
    plan.query = _resolve(_node_query(tree, plan)) or Q.NullQuery
    return plan


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


def highlight_spans(text: str, plan: QueryPlan) -> tuple[list[tuple[int, int]], int]:
    """Spans of ``text`` that match the query's terms, and how many distinct terms matched.

    Works on the original text (offsets come from the analyzer's offset map), so
    Traditional text is highlighted where its Simplified form matched.
    """
    norm = normalize(text)
    lowered = norm.text.lower()
    cjk_needles = {t for t in plan.word_terms if has_cjk(t)} | plan.bigram_terms | plan.chars
    latin_terms = {t for t in plan.word_terms if not has_cjk(t)}
    has_cjk_hit = any(t in norm.text for t in cjk_needles)
    if not has_cjk_hit and not (latin_terms and re.search(r"[a-z0-9]", lowered)):
        return [], 0
    spans: list[tuple[int, int]] = []
    found: set[str] = set()
    for token in word_tokens(text, cjk=has_cjk_hit):
        if token.text in plan.word_terms:
            spans.append((token.start, token.end))
            found.add(token.text)
    if has_cjk_hit and (plan.bigram_terms or plan.chars):
        for token in bigram_tokens(text):
            if token.text in plan.bigram_terms:
                spans.append((token.start, token.end))
                found.add(token.text)
        for char in plan.chars:
            for match in re.finditer(re.escape(char), norm.text):
                spans.append(norm.span(match.start(), match.end()))
                found.add(char)
    return _merge(spans), len(found)


def _window(text: str, spans: list[tuple[int, int]]) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Cut a long paragraph to a window around its first highlight, shifting offsets."""
    if len(text) <= SNIPPET_CHARS:
        return text, tuple(spans)
    start = max(0, spans[0][0] - SNIPPET_LEAD) if spans else 0
    end = min(len(text), start + SNIPPET_CHARS)
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


def _facets(results: Any) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for name in ("department", "year", "doc_type"):
        counts: dict[str, int] = {}
        for key, value in results.groups(name).items():
            if key is None or key == "":
                continue
            if name == "year" and not (isinstance(key, int) and 0 < key < 10000):
                continue  # undated: the numeric column's default value
            label = key.decode("utf-8") if isinstance(key, bytes) else str(key)
            counts[label] = counts.get(label, 0) + int(value)
        out[name] = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    return out


def _matched_terms(hit: Any) -> tuple[str, ...]:
    if not hit.results.has_matched_terms():
        return ()
    terms: dict[str, None] = {}
    for fieldname, text in hit.matched_terms():
        if fieldname in ("title", "title_en", "body", "doc_number", "title_bigram", "body_bigram"):
            value = text.decode("utf-8") if isinstance(text, bytes) else str(text)
            terms[value] = None
    return tuple(terms)


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
    translation: str = "structured",  # cross-language search (issue 4) reads this
) -> SearchResults:
    """Search the index.

    Args:
        index: an open :class:`~alucorpus.index.Index`.
        query: see the module docstring for the syntax.
        lang: only records in this language ("zh", "en").
        departments: only records issued by (any of) these departments: canonical
            names, short forms (工信部) or English names and abbreviations (MIIT).
        since, until: issue-date bounds (inclusive), ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.
        doc_type: only this document type (通知, 意见 …).
        limit, offset: the page of hits.
        sort: "relevance" or "issued" (newest first; undated last; every score is 0).

    Returns:
        The page of hits and the facets "department", "year" and "doc_type" over
        the whole result set.

    Raises:
        QueryError: the query or an argument is malformed.

    >>> search(index, '"电解铝" dept:工信部', since="2020").total  # doctest: +SKIP
    """
    from whoosh import sorting

    if sort not in SORTS:
        raise QueryError(f"unknown sort {sort!r}; use one of {', '.join(SORTS)}")
    if limit < 0 or offset < 0:
        raise QueryError("limit and offset must not be negative")
    plan = build_query(query, lang)
    filter_query = build_filter(
        lang=lang, departments=departments, since=since, until=until, doc_type=doc_type
    )
    facets = sorting.Facets()
    facets.add_facet(
        "department", sorting.FieldFacet("departments", allow_overlap=True, maptype=sorting.Count)
    )
    facets.add_facet("year", sorting.FieldFacet("year", maptype=sorting.Count))
    facets.add_facet("doc_type", sorting.FieldFacet("doc_type", maptype=sorting.Count))
    sortedby = sorting.FieldFacet("issued_key", reverse=True) if sort == "issued" else None
    with index.searcher() as searcher:
        results = searcher.search(
            plan.query,
            filter=filter_query,
            limit=max(1, offset + limit),
            sortedby=sortedby,
            groupedby=facets,
            terms=True,
        )
        total = len(results)
        hits = []
        for hit in results[offset : offset + limit]:
            data = hit["data"]
            hits.append(
                Hit(
                    id=hit["id"],
                    # Sorted by date, whoosh reports sort keys, not scores: say 0.
                    score=float(hit.score or 0.0) if sortedby is None else 0.0,
                    title=data.get("title", ""),
                    source=data.get("source", ""),
                    doc_number=data.get("doc_number"),
                    departments=tuple(data.get("departments", ())),
                    issued=data.get("issued"),
                    snippets=make_snippets(data, plan),
                    matched_terms=_matched_terms(hit),
                )
            )
        facet_counts = _facets(results)
    return SearchResults(query=query, total=total, hits=tuple(hits), facets=facet_counts)


__all__ = [
    "FIELD_PREFIXES",
    "Hit",
    "QueryPlan",
    "SearchResults",
    "Snippet",
    "build_filter",
    "build_query",
    "department_names",
    "highlight_spans",
    "make_snippets",
    "parse_query",
    "search",
]
