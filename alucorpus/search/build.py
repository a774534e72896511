"""A query string (and the search options) become one whoosh query: :func:`build_query`.

:func:`build_query` is the single place a query string becomes a whoosh query;
:func:`build_filter` turns a :class:`Filter` (departments, dates, type, language,
jurisdiction) into the filter query. Plain words go through the translator
(:mod:`.translate`) unless ``translation="none"``.

Departments and jurisdictions: a Taiwan record's departments are indexed as
"财政部 (Taiwan)" (:func:`alucorpus.departments.qualified_department`), so a
department value means the PRC body unless it says "(Taiwan)", the search is
restricted to Taiwan (``--jurisdiction taiwan``, or ``jurisdiction:taiwan`` in the same
AND group as the ``dept:``), or only Taiwan has a body of that name (行政院, 经济部).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from whoosh import query as Q

from .. import departments as deps
from ..analysis import normalize_text
from ..errors import QueryError
from ..lexicon import Lexicon
from .numbers_en import understood_numbers
from .parse import parse_query, require_all
from .plan import (
    BIGRAM_FIELDS,
    TITLE_BIGRAM_FIELDS,
    TITLE_WORD_FIELDS,
    WORD_FIELDS,
    QueryPlan,
    and_,
    number_query_tokens,
    or_,
    text_query,
)
from .translate import LANGS, TRANSLATIONS, Translator

log = logging.getLogger(__name__)


def _year_query(value: str) -> Any:
    match = re.fullmatch(r"\s*(\d{4})?\s*(?:(\.\.|-|~)\s*(\d{4})?)?\s*", value)
    if not match or not (match.group(1) or match.group(3)):
        raise QueryError(f"year: expects YYYY or YYYY..YYYY, not {value!r}")
    start = int(match.group(1)) if match.group(1) else None
    end = int(match.group(3)) if match.group(3) else (None if match.group(2) else start)
    return Q.NumericRange("year", start, end)


def department_names(name: str, jurisdiction: str | None = None) -> tuple[set[str], set[str]]:
    """Index terms (Chinese names, English names) that a department filter value stands for.

    The name as given, and through :mod:`alucorpus.departments` the canonical name
    and the English name of the body it names (short forms and English
    abbreviations such as MIIT included). Which body: Taiwan's agency of that name
    (its terms "财政部 (Taiwan)") alone when the value ends in "(Taiwan)", when
    ``jurisdiction`` is "taiwan", or when it is the English name of a Taiwan agency
    that shares its Chinese name with a PRC body (Ministry of Transportation and
    Communications); the PRC body alone when the table knows the name as the PRC's
    (财政部, MOF); both for a name only Taiwan uses (行政院, 经济部) or one the table
    does not know.
    """
    text, qualified = deps.split_qualifier(name)
    zh = {normalize_text(text), normalize_text(deps.canonical_department(text))}
    en = {text.lower()}
    found = deps.lookup_department(text)
    if found is not None and found.name_en:
        en.add(found.name_en.lower())
    zh = {z for z in zh if z}
    taiwan_wanted = qualified or jurisdiction == deps.TAIWAN
    if found is not None and found.jurisdiction != deps.TAIWAN and not taiwan_wanted:
        return zh, en  # the PRC body
    taiwan_name = deps.taiwan_department(text)
    if taiwan_name:
        zh.add(taiwan_name)
    en |= {deps.department_en(z, deps.TAIWAN).lower() for z in zh} - {""}
    taiwan = (
        {deps.qualified_department(z, deps.TAIWAN) for z in zh},
        {deps.qualified_department(e, deps.TAIWAN).lower() for e in en},
    )
    if taiwan_wanted or (found is None and taiwan_name):
        return taiwan
    return zh | taiwan[0], en | taiwan[1]


def _jurisdiction(text: str) -> str:
    """The jurisdiction a filter value or ``jurisdiction:`` names (QueryError if none)."""
    value = deps.resolve_jurisdiction(text)
    if value is None:
        raise QueryError(
            f"unknown jurisdiction {text.strip()!r}: use national, taiwan, unknown, or a"
            " province or city in Chinese or English (海南, Hainan, 新余市, Xinyu)"
        )
    return value


def _group_jurisdiction(children: Iterable[tuple[Any, ...]]) -> str | None:
    """The jurisdiction a ``jurisdiction:`` term of an AND group names, for its ``dept:``."""
    for child in children:
        if child[0] == "term" and child[1] == "jurisdiction":
            return deps.resolve_jurisdiction(child[2])
    return None


def _department_query(names: Iterable[str], jurisdiction: str | None = None) -> Any:
    terms = []
    for name in names:
        if not name or not name.strip():
            continue
        zh, en = department_names(name, jurisdiction)
        terms += [Q.Term("departments", z) for z in sorted(zh)]
        terms += [Q.Term("departments_en", e) for e in sorted(en)]
    return or_(terms)


def _field_query(
    name: str,
    text: str,
    quoted: bool,
    plan: QueryPlan,
    highlight: bool,
    jurisdiction: str | None = None,
) -> Any:
    """The whoosh query for ``name:text`` (``jurisdiction``: of its AND group, for ``dept:``)."""
    if name == "title":
        return text_query(text, quoted, TITLE_WORD_FIELDS, TITLE_BIGRAM_FIELDS, plan, highlight)
    if name == "body":
        return text_query(text, quoted, {"body": 1.0}, {}, plan, False)
    if name in ("number", "no"):
        return and_([Q.Term("doc_number", t) for t in number_query_tokens(text)])
    if name in ("dept", "department"):
        return _department_query([text], jurisdiction)
    if name == "jurisdiction":
        return Q.Term("jurisdiction_in", _jurisdiction(text))
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
    translator: Translator | None = None,
    jurisdiction: str | None = None,
) -> Any:
    kind = node[0]
    if kind == "term":
        _, name, text, quoted = node
        if name is None:
            if translator is not None and highlight:
                return translator.terms([node], plan)
            return text_query(text, quoted, WORD_FIELDS, BIGRAM_FIELDS, plan, highlight)
        return _field_query(name, text, quoted, plan, highlight, jurisdiction)
    if kind == "require":
        inner = node[1]
        if inner[0] == "term" and inner[1] is None and translator is not None and highlight:
            return translator.strict(inner, plan)
        return _node_query(inner, plan, highlight, translator, jurisdiction)
    if kind == "not":
        # Negated words are not translated: NOT narrows, and a wrong sense would
        # silently drop good documents.
        inner = _resolve(_node_query(node[1], plan, highlight=False, jurisdiction=jurisdiction))
        return _Negated(inner) if inner is not None else None
    if kind == "or":
        children = [
            _node_query(child, plan, highlight, translator, jurisdiction) for child in node[1]
        ]
        return or_([_resolve(c) for c in children])
    # A jurisdiction: term makes the group's dept: values that jurisdiction's bodies.
    jurisdiction = _group_jurisdiction(node[1]) or jurisdiction
    # AND, as Lucene reads a query of optional and required clauses: the plain words
    # are one best match (translated together, so that a phrase spanning several of
    # them is found); fielded terms and groups must match, and so must the best
    # match, unless required words (+word, a AND b) are there: then those must match
    # and the plain words only rank. The NOT parts narrow. Words with nothing
    # searchable drop out.
    plain = [c for c in node[1] if c[0] == "term" and c[1] is None] if translator else []
    best = translator.terms(plain, plan) if translator is not None and plain else None
    required_words = [c for c in node[1] if c[0] == "require" and c[1][0] == "term"]
    children = [
        _node_query(child, plan, highlight, translator, jurisdiction)
        for child in node[1]
        if not any(child is p for p in plain)
    ]
    positives = [c for c in children if c is not None and not isinstance(c, _Negated)]
    if best is not None and not (required_words and positives):
        positives.append(best)
        best = None
    base = and_(positives) if positives else Q.Every()
    if best is not None:
        base = Q.AndMaybe(base, best)  # required words first; the plain words rank
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
    match: str = "any",
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
        match: "any" (default): the plain words are a best match, each counts and
            none is required (``+word`` and ``AND`` require); "all": every word is
            required, as if each had a ``+``.

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
    if match not in MATCHES:
        raise QueryError(f"unknown match {match!r}; use one of {', '.join(MATCHES)}")
    # Document numbers in pinyin or English (Guofa [1991] No. 5) become number: terms.
    query, numbers = understood_numbers(query)
    tree = parse_query(query)
    if match == "all":
        tree = require_all(tree)
    plan = QueryPlan(query=None, explanation=numbers)
    # Also with translation "none": the translator is where words become best-match
    # units and function words drop out; it then translates nothing.
    translator = Translator(translation, lang, lexicon, cache_dir)
    try:
        plan.query = _resolve(_node_query(tree, plan, translator=translator)) or Q.NullQuery
    finally:
        translator.close()
    if tree[0] == "or" or len(plan.best_match) != 1:
        # "Every term" means the terms of the query's one best match; with OR, or with
        # several groups ((a b) (c d)), no single set of terms is "every term".
        plan.best_match = []
    return plan


#: How plain query words combine: best match, or every word required.
MATCHES = ("any", "all")


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


def _whole_years(
    start: dt.datetime | None, stop: dt.datetime | None
) -> tuple[int | None, int | None] | None:
    """The first and last year wholly inside ``[start, stop]`` (None for an open end).

    None when no whole year fits: ``2011-06..2011-12`` holds none.
    """
    first = last = None
    if start is not None:
        first = start.year + (start != dt.datetime(start.year, 1, 1))
    if stop is not None:
        last = stop.year - (stop != _date_bound(f"{stop.year:04d}", end=True))
    if first is not None and last is not None and first > last:
        return None
    return first, last


def _date_query(start: dt.datetime | None, stop: dt.datetime | None) -> Any:
    """Documents dated inside ``[start, stop]``: by their date, or by a whole year.

    A document with a date (issued, else published) is in when that date is. One with
    only a year (the index's ``year_only``: a year from its page, a table's Year column
    or its number) is in only when its whole year is: ``--since 2011 --until 2011``
    claims a year-only 2011 document, ``--since 2011-06`` does not.
    """
    dated = Q.DateRange("date", start, stop)
    years = _whole_years(start, stop)
    if years is None:
        return dated
    return Q.Or([dated, Q.NumericRange("year_only", years[0], years[1])])


@dataclass(frozen=True)
class Filter:
    """Which documents a search, a concordance or a trend looks at: a plain value.

    ``departments``: canonical names, short forms (工信部) or English names and
    abbreviations (MIIT), any of which; ``since``/``until``: date bounds, inclusive,
    ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, on the document's date (issued, else
    published), or on its whole year when it has only a year (see
    :mod:`alucorpus.dates`); ``doc_type``: 通知, 意见 …;
    ``lang``: "zh" or "en"; ``jurisdiction``: national, taiwan, unknown, or a province
    or city in either script or English (海南, Hainan, 新余市); a province includes the
    tabled cities in it. With "taiwan", ``departments`` are Taiwan's agencies.
    ``as_of``: the corpus as it stood on that day (``YYYY``, ``YYYY-MM``: its last day):
    documents dated by then, each law in the version in force that day.
    """

    departments: str | Iterable[str] | None = None
    since: str | dt.date | None = None
    until: str | dt.date | None = None
    doc_type: str | None = None
    lang: str | None = None
    jurisdiction: str | None = None
    as_of: str | dt.date | None = None


def build_filter(restrict: Filter | None = None, **options: Any) -> Any:
    """The whoosh filter query for a :class:`Filter` (or its fields as keywords), or None.

    Raises:
        QueryError: a date is malformed, or the jurisdiction names nothing known.
    """
    restrict = restrict if restrict is not None else Filter(**options)
    parts = []
    if restrict.lang:
        parts.append(Q.Term("lang", restrict.lang.lower()))
    jurisdiction = _jurisdiction(restrict.jurisdiction) if restrict.jurisdiction else None
    if jurisdiction is not None:
        parts.append(Q.Term("jurisdiction_in", jurisdiction))
    if restrict.departments:
        departments = restrict.departments
        names = [departments] if isinstance(departments, str) else list(departments)
        dept = _department_query(names, jurisdiction)
        if dept is not None:
            parts.append(dept)
    start = _date_bound(restrict.since, end=False)
    stop = _date_bound(restrict.until, end=True)
    if start or stop:
        parts.append(_date_query(start, stop))
    if restrict.doc_type:
        parts.append(Q.Term("doc_type", normalize_text(restrict.doc_type.strip())))
    as_of = _date_bound(restrict.as_of, end=True)
    if as_of is not None:
        day = as_of.year * 10000 + as_of.month * 100 + as_of.day
        parts.append(Q.NumericRange("valid_from", None, day))
        parts.append(Q.NumericRange("valid_until", day, None, startexcl=True))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else Q.And(parts)


__all__ = ["MATCHES", "Filter", "build_filter", "build_query", "department_names"]
