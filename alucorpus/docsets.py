"""Which documents a query matches, as a set, without scoring: totals and facets fast.

whoosh counts and facets a result set while it scores it, document by document, in
Python, through the whole matcher tree (about 40 µs a match for a cross-language
query). A result page needs scores for the top hits only; its total and its facets
need just the set of matching documents. This module computes that set by set
algebra over posting lists, which it reads a posting block at a time instead
of a posting at a time, and counts facets by intersecting the set with the
documents of each department, year and type (kept per index segment).

search() takes totals and facets from :mod:`alucorpus.vectors` when it can evaluate
the query as arrays; this module is the fallback for queries it cannot, and keeps
the per-segment facet sets both use.

It is part of the index layer: like :mod:`alucorpus.index` it knows whoosh's reader
and matchers (and reads the posting blocks of whoosh's W3 codec, pinned by setup.cfg;
any other matcher falls back to whoosh's own iteration). A query node it does not
know is evaluated by whoosh itself, so the set is always exactly what whoosh matches.

>>> with index.searcher() as searcher:                      # doctest: +SKIP
...     docs = query_docs(searcher, plan.query) & query_docs(searcher, filter_query)
...     facet_counts(searcher, docs)["department"]["国务院"]
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from typing import Any

from whoosh import query as Q
from whoosh.codec.whoosh3 import W3LeafMatcher

from .index import segment_sidecar

log = logging.getLogger(__name__)

#: Per set of segments (one index generation) and form: the same in index-wide numbers.
_INDEX_FACETS: dict[tuple[Any, ...], dict[str, dict[Any, Any]]] = {}


def _leaf_term_ids(leaf: Any, fieldname: str, text: Any) -> list[int]:
    """Segment-local document numbers of one term (deleted documents left out)."""
    try:
        matcher = leaf.postings(fieldname, text)
    except Exception:  # whoosh raises TermNotFound (or KeyError) for an absent term
        return []
    deleted = None
    if not isinstance(matcher, W3LeafMatcher) and isinstance(
        getattr(matcher, "child", None), W3LeafMatcher
    ):
        deleted = leaf.deleted_docs_set  # a FilterMatcher over the postings
        matcher = matcher.child
    if not isinstance(matcher, W3LeafMatcher):
        return list(matcher.all_ids())
    ids: list[int] = []
    # A block at a time: _read_ids decodes the block's id array in one go.
    while matcher.is_active():
        if matcher._ids is None:
            matcher._read_ids()
        ids.extend(matcher._ids[matcher._i :])
        matcher._next_block()
    if deleted:
        ids = [i for i in ids if i not in deleted]
    return ids


def term_docs(searcher: Any, fieldname: str, text: Any) -> set[int]:
    """Document numbers (index-wide) of the documents with ``text`` in ``fieldname``."""
    out: set[int] = set()
    for leaf, offset in searcher.reader().leaf_readers():
        out.update(i + offset for i in _leaf_term_ids(leaf, fieldname, text))
    return out


def by_segment(leaves: Iterable[tuple[Any, int]], docnums: Iterable[int]) -> Iterator[Any]:
    """(leaf, offset, sorted local numbers) for each segment that holds some of ``docnums``.

    ``leaves``: ``reader.leaf_readers()`` or ``searcher.leaf_searchers()``.
    """
    wanted = sorted(docnums)
    for leaf, offset in leaves:
        end = offset + leaf.doc_count_all()
        local = [d - offset for d in wanted if offset <= d < end]
        if local:
            yield leaf, offset, local


def all_docs(searcher: Any) -> set[int]:
    """Every live document number of the index."""
    return set(searcher.reader().all_doc_ids())


def _children(node: Any) -> list[Any]:
    subs = getattr(node, "subqueries", None)
    return list(subs) if subs is not None else []


def query_docs(searcher: Any, node: Any) -> set[int]:
    """The document numbers ``node`` matches, exactly as whoosh would match them."""
    if node is None or node is Q.NullQuery:
        return set()
    if isinstance(node, Q.Every):
        return all_docs(searcher)
    if type(node) is Q.Term:
        return term_docs(searcher, node.fieldname, node.text)
    if isinstance(node, Q.Require):
        return query_docs(searcher, node.a) & query_docs(searcher, node.b)
    if isinstance(node, Q.And):
        sets = []
        for child in _children(node):
            docs = query_docs(searcher, child)
            if not docs:
                return set()
            sets.append(docs)
        sets.sort(key=len)
        result = sets[0]
        for docs in sets[1:]:
            result = result & docs
        return result
    if isinstance(node, Q.AndNot):
        return query_docs(searcher, node.a) - query_docs(searcher, node.b)
    if isinstance(node, Q.AndMaybe):
        return query_docs(searcher, node.a)
    if isinstance(node, Q.Not):
        return all_docs(searcher) - query_docs(searcher, node.query)
    if isinstance(node, Q.Phrase):
        # Candidates by the words; positions only where all the words are.
        candidates = query_docs(searcher, Q.And([Q.Term(node.fieldname, w) for w in node.words]))
        if not candidates:
            return set()
        return _phrase_docs(searcher, node, candidates)
    if isinstance(node, Q.NumericRange | Q.DateRange):
        return query_docs(searcher, node._compile_query(searcher.reader()))
    if isinstance(node, Q.MultiTerm) and hasattr(node, "_btexts"):
        out: set[int] = set()
        for leaf, offset in searcher.reader().leaf_readers():
            for btext in node._btexts(leaf):
                out.update(i + offset for i in _leaf_term_ids(leaf, node.fieldname, btext))
        return out
    if isinstance(node, Q.WrappingQuery):  # ConstantScore, boosts: the child's matches
        return query_docs(searcher, node.child)
    if isinstance(node, Q.CompoundQuery) and not isinstance(node, Q.Ordered | Q.Sequence):
        # Or and our unions (SynonymGroup, Coordinated) match what any child matches.
        if isinstance(node, Q.Or) and getattr(node, "minmatch", 0) > 1:
            return _whoosh_docs(searcher, node)
        out = set()
        for child in _children(node):
            out |= query_docs(searcher, child)
        return out
    return _whoosh_docs(searcher, node)


def _phrase_docs(searcher: Any, node: Any, candidates: set[int]) -> set[int]:
    """Of ``candidates`` (which have all the words), those with the words in a row.

    whoosh's phrase matcher does the same through its span machinery, several times
    slower; this reads each word's positions at each candidate only.
    """
    words = list(node.words)
    if getattr(node, "slop", 1) != 1 or len(words) < 2:
        return _whoosh_docs(searcher, node) & candidates
    out: set[int] = set()
    for leaf, offset, local in by_segment(searcher.reader().leaf_readers(), candidates):
        try:
            matchers = [leaf.postings(node.fieldname, w) for w in words]
        except Exception:  # a word absent from this segment: no phrase here
            continue
        if not all(m.supports("positions") for m in matchers):
            return _whoosh_docs(searcher, node) & candidates
        for docnum in local:
            starts: set[int] | None = None
            for k, matcher in enumerate(matchers):
                if matcher.is_active() and matcher.id() < docnum:
                    matcher.skip_to(docnum)
                if not matcher.is_active() or matcher.id() != docnum:
                    starts = set()
                    break
                shifted = {p - k for p in matcher.value_as("positions")}
                starts = shifted if starts is None else starts & shifted
                if not starts:
                    break
            if starts:
                out.add(docnum + offset)
    return out


def _whoosh_docs(searcher: Any, node: Any) -> set[int]:
    """whoosh's own answer (a document at a time): for nodes not handled above."""
    return set(node.docs(searcher))


# -- facets ---------------------------------------------------------------------------------------


def _segment_key(leaf: Any) -> str | None:
    segment = leaf.segment() if hasattr(leaf, "segment") else None
    return segment.segment_id() if segment is not None else None


def _segment_facets(leaf: Any) -> dict[str, dict[Any, frozenset[int]]]:
    """department / doc_type / year -> label -> local document numbers, for one segment."""

    def build() -> dict[str, dict[Any, frozenset[int]]]:
        facets: dict[str, dict[Any, frozenset[int]]] = {
            "department": {},
            "doc_type": {},
            "year": {},
        }
        for facet, fieldname in (("department", "departments"), ("doc_type", "doc_type")):
            if fieldname not in leaf.indexed_field_names():
                continue
            for btext in leaf.lexicon(fieldname):
                label = btext.decode("utf-8") if isinstance(btext, bytes) else str(btext)
                ids = _leaf_term_ids(leaf, fieldname, btext)
                if ids:
                    facets[facet][label] = frozenset(ids)
        if leaf.has_column("year"):
            by_year: dict[int, list[int]] = {}
            for docnum, year in enumerate(leaf.column_reader("year")):
                if year and 0 < year < 10000:  # else undated: the column's default value
                    by_year.setdefault(int(year), []).append(docnum)
            facets["year"] = {year: frozenset(ids) for year, ids in by_year.items()}
        return facets

    # Kept beside the segment (index.segment_sidecar). Deleted documents may remain
    # in these sets: they are only ever intersected with live matches.
    return segment_sidecar(leaf, "facets", build)  # type: ignore[no-any-return]


def _as_index_set(parts: list[tuple[frozenset[int], int]]) -> frozenset[int]:
    """One label's documents, index-wide, from its per-segment (local numbers, offset)."""
    return frozenset(i + offset for ids, offset in parts for i in ids)


def _index_facets(searcher: Any) -> dict[str, dict[Any, frozenset[int]]]:
    """The facet sets of the whole index, in index-wide document numbers (kept)."""
    return index_facet_arrays(searcher, _as_index_set)


def index_facet_arrays(searcher: Any, convert: Any) -> dict[str, dict[Any, Any]]:
    """The index's facet sets, each label's documents converted by ``convert`` (kept).

    ``convert`` gets a label's per-segment parts, [(local document numbers, offset)],
    straight from the segments' tables: :func:`_as_index_set` for the set algebra
    here, an array for :mod:`alucorpus.vectors`.
    """
    leaves = searcher.reader().leaf_readers()
    key = (convert, *((_segment_key(leaf), offset) for leaf, offset in leaves))
    kept = _INDEX_FACETS.get(key) if None not in (k for k, _ in key[1:]) else None
    if kept is None:
        parts: dict[str, dict[Any, list[tuple[frozenset[int], int]]]] = {
            "department": {},
            "year": {},
            "doc_type": {},
        }
        for leaf, offset in leaves:
            for facet, labels in _segment_facets(leaf).items():
                for label, ids in labels.items():
                    parts[facet].setdefault(label, []).append((ids, offset))
        kept = {
            facet: {lab: convert(p) for lab, p in labels.items()} for facet, labels in parts.items()
        }
        if len(_INDEX_FACETS) >= 8:  # a few generations at most (old readers are closed)
            _INDEX_FACETS.clear()
        _INDEX_FACETS[key] = kept
    return kept


def facet_counts(searcher: Any, docs: set[int]) -> dict[str, dict[str, int]]:
    """Counts of department, year and doc_type over ``docs``, largest first.

    The same numbers as whoosh's ``FieldFacet`` grouping (a document counts once for
    each of its departments), over the whole set: one set intersection per label.
    """
    out: dict[str, dict[str, int]] = {}
    for facet, labels in _index_facets(searcher).items():
        counts: dict[str, int] = {}
        if docs:
            for label, ids in labels.items():
                n = len(ids.intersection(docs))
                if n:
                    counts[str(label)] = n
        out[facet] = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    return out  # department, year, doc_type: the order _index_facets builds them in


def prepare(searcher: Any) -> None:
    """Build what searches derive from each segment (facet sets, characters in words) now.

    A fresh build calls this before it goes live, so that the first searches, each
    perhaps a new process, find it ready beside the segments.
    """
    from .index import _segment_char_terms

    for leaf, _ in searcher.reader().leaf_readers():
        _segment_facets(leaf)
        _segment_char_terms(leaf, "body")


__all__ = [
    "all_docs",
    "by_segment",
    "facet_counts",
    "index_facet_arrays",
    "prepare",
    "query_docs",
    "term_docs",
]
