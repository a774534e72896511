"""search(): one query, one evaluation, one page of hits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from whoosh import query as Q

from ..errors import QueryError
from ..index import Index
from ..lexicon import Lexicon
from ..records import Copy
from .build import Filter, build_filter, build_query
from .evaluate import evaluate, facet_counts
from .highlight import make_snippets, matched_terms
from .results import Hit, SearchResults

SORTS = ("relevance", "issued")


def search(
    index: Index,
    query: str,
    *,
    lang: str | None = None,
    departments: str | Iterable[str] | None = None,
    since: str | dt.date | None = None,
    until: str | dt.date | None = None,
    doc_type: str | None = None,
    jurisdiction: str | None = None,
    as_of: str | dt.date | None = None,
    limit: int = 10,
    offset: int = 0,
    sort: str = "relevance",
    translation: str = "structured",
    cache_dir: Path | None = None,
    lexicon: Lexicon | None = None,
    match: str = "any",
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
        jurisdiction: only documents of this jurisdiction (national, taiwan, a province
            or city; see :class:`Filter`); "taiwan" makes ``departments`` Taiwan's.
        as_of: the corpus as it stood on that day: documents dated by then, each law
            in the version in force that day.
        limit, offset: the page of hits.
        sort: "relevance" or "issued" (newest first; undated last; every score is 0).
        translation: how the query is carried into the other language (see
            :func:`build_query`): "structured" (default), "first" or "none".
        cache_dir: the lexicon's cache folder (CC-CEDICT index, segmented
            translations); a Corpus passes ``HOME/cache``.
        lexicon: the bilingual lexicon to use (default: packaged glossary + CC-CEDICT).
        match: "any" (default): best match, each plain word counts and none is
            required (``+word`` and ``AND`` require one); "all": every word required.

    Returns:
        The page of hits and the facets "department", "year", "doc_type" and
        "jurisdiction" over the whole result set; ``explanation`` lists each source
        term's translations, and each hit's ``matched_terms`` those found in it.
        ``total`` counts every document that matches (with a best match: that has
        at least one term); ``total_all_terms`` those that have every term of the
        best match (None when the query has no best match of several terms).

    Raises:
        QueryError: the query or an argument is malformed.

    >>> search(index, '"电解铝" dept:工信部', since="2020").total  # doctest: +SKIP
    """
    if sort not in SORTS:
        raise QueryError(f"unknown sort {sort!r}; use one of {', '.join(SORTS)}")
    if limit < 0 or offset < 0:
        raise QueryError("limit and offset must not be negative")
    plan = build_query(
        query, lang, translation=translation, lexicon=lexicon, cache_dir=cache_dir, match=match
    )
    restrict = Filter(
        departments=departments,
        since=since,
        until=until,
        doc_type=doc_type,
        jurisdiction=jurisdiction,
        as_of=as_of,
    )
    with index.reading() as searcher:
        # Every match with its score, as arrays; the filter's matches only restrict.
        evaluation = evaluate(searcher, plan.query, index.derived, build_filter(restrict))
        hits = []
        if limit and offset < evaluation.total:
            if sort == "issued":  # newest first, undated last; every score 0
                newest = evaluation.top_by_column("issued_key", offset + limit)
                ranked = [(docnum, 0.0) for docnum in newest]
            else:
                ranked = in_force_first(evaluation.top(offset + limit), evaluation)
            for docnum, score in ranked[offset:]:
                stored = searcher.stored_fields(docnum)
                matched = evaluation.matching_terms(plan.query, docnum)
                hits.append(
                    _hit(
                        stored,
                        score,
                        make_snippets(stored["data"], plan),
                        matched_terms(matched, plan),
                    )
                )
        facets = facet_counts(searcher, evaluation, index.derived)
        all_terms = evaluation.complete_total(plan.best_match[0]) if plan.best_match else None
    return SearchResults(
        query=query,
        total=evaluation.total,
        total_all_terms=all_terms,
        function_words=tuple(dict.fromkeys(plan.function_words)),
        hits=tuple(hits),
        facets=facets,
        explanation=tuple(plan.explanation),
    )


def in_force_first(ranked: list[tuple[int, float]], evaluation: Any) -> list[tuple[int, float]]:
    """The ranking with each law's version in force ahead of its other versions.

    Versions of one law (one chain) that are among the hits keep the places they
    took, but the one in force takes the first of them: 矿产资源法 finds the 2024 text
    before the superseded 2009 one, however the two score.
    """
    if not ranked:
        return ranked
    chain = evaluation.column("chain")
    in_force = evaluation.column("in_force")
    chains: dict[float, list[int]] = {}
    for position, (docnum, _score) in enumerate(ranked):
        if chain[docnum]:
            chains.setdefault(float(chain[docnum]), []).append(position)
    out = list(ranked)
    for positions in chains.values():
        if len(positions) > 1:
            order = sorted(positions, key=lambda p: (not in_force[ranked[p][0]], p))
            for place, position in zip(positions, order, strict=True):
                out[place] = ranked[position]
    return out


def matching_documents(
    index: Index, query: Any = None, restrict: Filter | None = None
) -> Iterator[tuple[str, dict[str, Any]]]:
    """(id, stored data) of every document ``query`` matches under ``restrict``, best first.

    ``query``: a whoosh query of the kinds the builder makes (None: every document).
    The researcher tools (kwic, trends) read their documents here, from the same
    evaluator as :func:`search`, in whoosh's order (higher score, then index order).
    """
    with index.reading() as searcher:
        evaluation = evaluate(
            searcher, Q.Every() if query is None else query, index.derived, build_filter(restrict)
        )
        for docnum, _ in evaluation.top():
            stored = searcher.stored_fields(docnum)
            yield stored["id"], stored["data"]


def _hit(stored: dict[str, Any], score: float, snippets: Any, matched: tuple[str, ...]) -> Hit:
    data = stored["data"]
    return Hit(
        id=stored["id"],
        score=score,
        title=data.get("title", ""),
        source=data.get("source", ""),
        doc_number=data.get("doc_number"),
        departments=tuple(data.get("departments", ())),
        issued=data.get("issued"),
        snippets=snippets,
        matched_terms=matched,
        issued_year=data.get("issued_year"),
        date_source=data.get("date_source"),
        jurisdiction=data.get("jurisdiction", ""),
        status=data.get("status", "unknown"),
        copies=tuple(Copy(*copy) for copy in data.get("copies", ())),
    )


__all__ = ["SORTS", "matching_documents", "search"]
