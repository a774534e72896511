"""The query evaluator: every matching document and its whoosh score at once, as arrays.

whoosh scores a result set document by document through a tree of Python matchers
(10–100 µs a document for a cross-language query), so a broad query over 50 000
documents took a third of a second even when only its ten best were wanted. Here
each leaf of the query becomes two arrays over a segment's documents, which
documents have the term and the term's BM25F score in each, and the tree combines
them with numpy: unions add, intersections add where both match, a synonym group
takes the best alternative, a coordinated union scales by the share of groups
matched. The numbers are whoosh's own (its scorer supplies idf, average length, B
and K1; field lengths are the same one-byte approximations it reads), so the
ranking is whoosh's; tests/test_evaluate.py compares them document by document.

This is the one evaluator: search totals, facets, ranking, date sorting and matched
terms, and the documents of kwic and trends, all come from :func:`evaluate`. It
handles every node :func:`~alucorpus.search.build.build_query` and
:func:`~alucorpus.search.build.build_filter` produce (a property test in
tests/test_evaluate.py generates queries to show it); whoosh's own matchers remain
the reference the tests compare against. A node it does not know is a bug in the
builder, reported as :class:`Unsupported`.

What is read from the segments (term arrays, lengths, columns, facet tables) comes
from :mod:`alucorpus.segments`, kept in the open index's :class:`DerivedCache`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from whoosh import query as Q
from whoosh.scoring import BM25FScorer, WeightScorer

from ..segments import (
    DerivedCache,
    column_values,
    compiled_range,
    expanded_terms,
    field_lengths,
    index_facet_arrays,
    position_arrays,
    term_arrays,
    terms_with_char,
)
from .queries import ConstantScore, ContainsChar, Coordinated, SynonymGroup

Arrays = tuple[Any, Any]  # (mask, scores) of a node in one segment; (None, None): no match


class Unsupported(Exception):
    """A query node the evaluator does not know: the query builder made something new."""


class _Segment:
    """One segment's view during an evaluation, and what it recorded for matched terms."""

    def __init__(self, searcher: Any, subsearcher: Any, offset: int, cache: DerivedCache) -> None:
        self.subsearcher = subsearcher
        self.reader = subsearcher.reader()
        self.offset = offset
        self.size = self.reader.doc_count_all()
        self.schema = searcher.schema
        self.weighting = searcher.weighting
        self.cache = cache
        # For matched terms: node id -> mask, and an expanding node's (term, ids).
        self.masks: dict[int, np.ndarray] = {}
        self.expansions: dict[int, list[tuple[bytes, np.ndarray]]] = {}
        # A coordinated node's id -> the documents that match every one of its terms.
        self.complete: dict[int, np.ndarray] = {}

    def to_bytes(self, fieldname: str, text: Any) -> bytes | None:
        if fieldname not in self.schema:
            return None
        try:
            return self.schema[fieldname].to_bytes(text)
        except ValueError:
            return None

    def constant(self, mask: np.ndarray | None, value: float) -> Arrays:
        if mask is None or not mask.any():
            return None, None
        return mask, np.where(mask, value, 0.0)


# -- leaves ---------------------------------------------------------------------------------------


def _term(segment: _Segment, fieldname: str, text: Any, boost: float) -> Arrays:
    btext = segment.to_bytes(fieldname, text)
    if btext is None or (fieldname, btext) not in segment.reader:
        return None, None
    ids, weights = term_arrays(segment.reader, fieldname, btext, segment.cache)
    scorer = segment.weighting.scorer(segment.subsearcher, fieldname, btext)
    if type(scorer) is BM25FScorer:
        lengths = field_lengths(segment.reader, fieldname, segment.cache)[ids]
        b, k1 = scorer.B, scorer.K1
        # whoosh.scoring.bm25, term by term in the same order (same floats).
        values = scorer.idf * (
            (weights * (k1 + 1)) / (weights + k1 * ((1 - b) + b * lengths / scorer.avgfl))
        )
    elif type(scorer) is WeightScorer:
        values = weights
    else:
        raise Unsupported(f"scorer {type(scorer).__name__}")
    mask = np.zeros(segment.size, dtype=bool)
    mask[ids] = True
    scores = np.zeros(segment.size)
    scores[ids] = values * boost if boost != 1.0 else values
    return mask, scores


def _expanded_terms(segment: _Segment, node: Any) -> list[Any]:
    if type(node) is ContainsChar:  # the characters-in-words table, from the cache
        return terms_with_char(segment.reader, node.fieldname, node.text, node.limit, segment.cache)
    return expanded_terms(node, segment.reader)


def _union_of_terms(segment: _Segment, node: Any) -> np.ndarray:
    """Documents with any of an expanding query's terms (its score is a constant)."""
    fieldname = node.fieldname
    mask = np.zeros(segment.size, dtype=bool)
    expansions = []
    for text in _expanded_terms(segment, node):
        btext = text if isinstance(text, bytes) else segment.to_bytes(fieldname, text)
        if btext is None or (fieldname, btext) not in segment.reader:
            continue
        ids, _ = term_arrays(segment.reader, fieldname, btext, segment.cache)
        expansions.append((btext, ids))
        mask[ids] = True
    segment.masks[id(node)] = mask
    segment.expansions[id(node)] = expansions
    return mask


def _phrase_starts(segment: _Segment, fieldname: str, words: list[bytes], wanted: Any) -> Any:
    """Of the documents ``wanted`` (a mask; they have every word), those with the words in a row."""
    keys = None
    for k, word in enumerate(words):
        found = position_arrays(segment.reader, fieldname, word, wanted)
        if found is None:  # an index from before schema 4: Index.open refuses those
            raise Unsupported(f"positions of {fieldname} not stored as arrays")
        doc_of, positions = found
        # The phrase starts at position p of document d where word k is at p + k.
        # Sorted (by document, then position) and unique, so intersect by bisection.
        word_keys = (doc_of << 32) + (positions - k + len(words))
        if keys is None:
            keys = word_keys
        else:
            at = np.searchsorted(word_keys, keys)
            found_at = at < len(word_keys)
            found_at[found_at] = word_keys[at[found_at]] == keys[found_at]
            keys = keys[found_at]
        if not len(keys):
            return []
    if keys is None:
        return []
    docs = keys >> 32  # sorted: keep the first of each run
    return docs[np.concatenate(([True], docs[1:] != docs[:-1]))]


# -- one function per node kind -------------------------------------------------------------------


def _eval_term(segment: _Segment, node: Any, scored: bool) -> Arrays:
    return _term(segment, node.fieldname, node.text, node.boost)


def _eval_phrase(segment: _Segment, node: Any, scored: bool) -> Arrays:
    """A phrase: its words' scores summed (as whoosh's SpanNear2), where they are in a row."""
    if getattr(node, "slop", 1) != 1:
        raise Unsupported("phrase with slop")
    mask: Any = None
    scores: Any = None
    words: list[bytes] = []
    for word in node.words:
        m, s = _term(segment, node.fieldname, word, 1.0)
        btext = segment.to_bytes(node.fieldname, word)
        if m is None or btext is None:
            return None, None
        words.append(btext)
        mask = m if mask is None else mask & m
        scores = s if scores is None else scores + s
    if mask is None or not mask.any():
        return None, None
    if len(words) > 1:
        keep = _phrase_starts(segment, node.fieldname, words, mask)
        mask = np.zeros(segment.size, dtype=bool)
        mask[keep] = True
    if node.boost != 1.0:
        scores = scores * node.boost
    return mask, np.where(mask, scores, 0.0)


def _eval_every(segment: _Segment, node: Any, scored: bool) -> Arrays:
    # whoosh: a ListMatcher over all documents with the query's boost as each weight.
    if node.fieldname not in (None, "", "*"):
        raise Unsupported("Every over one field")
    return segment.constant(np.ones(segment.size, dtype=bool), float(node.boost))


def _eval_constant(segment: _Segment, node: Any, scored: bool) -> Arrays:
    child = node.child
    if isinstance(child, Q.MultiTerm):
        mask = _union_of_terms(segment, child)
    else:
        mask, _ = _evaluate(segment, child, False)
    return segment.constant(mask, float(node.score))


def _eval_multiterm(segment: _Segment, node: Any, scored: bool) -> Arrays:
    if scored and not getattr(node, "constantscore", False):
        # whoosh would score each expanded term: the builder never asks for that.
        raise Unsupported(f"scored {type(node).__name__}")
    return segment.constant(_union_of_terms(segment, node), float(node.boost))


def _eval_range(segment: _Segment, node: Any, scored: bool) -> Arrays:
    if not node.constantscore:
        raise Unsupported("scored numeric range")

    def build() -> Any:  # kept: the same filters come back search after search
        mask, _ = _evaluate(segment, compiled_range(node, segment.reader), False)
        return mask

    mask = segment.cache.of_segment(segment.reader, f"range:{node!r}", build)
    return segment.constant(mask, float(node.boost))


def _eval_synonyms(segment: _Segment, node: Any, scored: bool) -> Arrays:
    best: Any = None
    total: Any = None
    mask: Any = None
    for child, weight in zip(node.subqueries, node.weights, strict=True):
        m, s = _evaluate(segment, child, scored)
        if m is None:
            continue
        s = s * (weight * node.boost)
        mask = m if mask is None else mask | m
        masked = np.where(m, s, -np.inf)
        best = masked if best is None else np.maximum(best, masked)
        total = s if total is None else total + s
    if mask is None:
        return None, None
    scores = np.where(mask, best, 0.0)
    if node.tiebreak:
        scores = scores + node.tiebreak * (total - scores)
    return mask, np.where(mask, scores, 0.0)


def _eval_coordinated(segment: _Segment, node: Any, scored: bool) -> Arrays:
    mask: Any = None
    total: Any = None
    count: Any = None
    for child in node.subqueries:
        m, s = _evaluate(segment, child, scored)
        if m is None:
            continue
        mask = m if mask is None else mask | m
        s = s * node.boost if node.boost != 1.0 else s
        total = s if total is None else total + s
        count = m.astype(np.int64) if count is None else count + m
    if mask is None:
        return None, None
    segment.complete[id(node)] = count == len(node.subqueries)
    share = (count / max(1, len(node.subqueries))) ** node.power
    return mask, np.where(mask, total * share, 0.0)


def _eval_or(segment: _Segment, node: Any, scored: bool) -> Arrays:
    if node.boost != 1.0 or node.scale or getattr(node, "minmatch", 0):
        raise Unsupported("Or with boost, scale or minmatch")
    mask: Any = None
    scores: Any = None
    for child in node.subqueries:
        m, s = _evaluate(segment, child, scored)
        if m is None:
            continue
        mask = m if mask is None else mask | m
        scores = s if scores is None else scores + s
    return mask, scores


def _eval_and(segment: _Segment, node: Any, scored: bool) -> Arrays:
    if node.boost != 1.0:
        raise Unsupported("boosted And")
    mask: Any = None
    scores: Any = None
    for child in node.subqueries:
        m, s = _evaluate(segment, child, scored)
        if m is None:
            return None, None
        mask = m if mask is None else mask & m
        scores = s if scores is None else scores + s
    if mask is None or not mask.any():
        return None, None
    return mask, np.where(mask, scores, 0.0)


def _eval_and_not(segment: _Segment, node: Any, scored: bool) -> Arrays:
    mask, scores = _evaluate(segment, node.a, scored)
    if mask is None:
        return None, None
    negative, _ = _evaluate(segment, node.b, scored)
    if negative is not None:
        mask = mask & ~negative
        scores = np.where(mask, scores, 0.0)
    return mask, scores


def _eval_and_maybe(segment: _Segment, node: Any, scored: bool) -> Arrays:
    mask, scores = _evaluate(segment, node.a, scored)
    if mask is None:
        return None, None
    optional, bonus = _evaluate(segment, node.b, scored)
    if optional is not None:
        scores = scores + np.where(mask & optional, bonus, 0.0)
    return mask, scores


def _eval_require(segment: _Segment, node: Any, scored: bool) -> Arrays:
    mask, scores = _evaluate(segment, node.a, scored)
    required, _ = _evaluate(segment, node.b, scored)
    if mask is None or required is None:
        return None, None
    mask = mask & required
    return mask, np.where(mask, scores, 0.0)


def _eval_nothing(segment: _Segment, node: Any, scored: bool) -> Arrays:
    return None, None


#: The node kinds the evaluator knows, by exact type (a subclass may score differently).
_EVALUATORS: dict[type, Callable[[_Segment, Any, bool], Arrays]] = {
    Q.Term: _eval_term,
    Q.Phrase: _eval_phrase,
    Q.Every: _eval_every,
    ConstantScore: _eval_constant,
    Q.ConstantScoreQuery: _eval_constant,
    Q.NumericRange: _eval_range,
    Q.DateRange: _eval_range,
    SynonymGroup: _eval_synonyms,
    Coordinated: _eval_coordinated,
    Q.Or: _eval_or,
    Q.And: _eval_and,
    Q.AndNot: _eval_and_not,
    Q.AndMaybe: _eval_and_maybe,
    Q.Require: _eval_require,
    type(Q.NullQuery): _eval_nothing,
}


def _evaluate(segment: _Segment, node: Any, scored: bool = True) -> Arrays:
    """(mask, scores) of ``node`` in one segment; (None, None) when it matches nothing.

    ``scored`` is false under a constant-score wrapper, where only the mask counts.
    """
    if node is None:
        return None, None
    evaluator = _EVALUATORS.get(type(node))
    if evaluator is None:
        if not (isinstance(node, Q.MultiTerm) and hasattr(node, "_btexts")):
            raise Unsupported(type(node).__name__)
        evaluator = _eval_multiterm  # Prefix, CharPrefix, ContainsChar …
    mask, scores = evaluator(segment, node, scored)
    if mask is not None:
        segment.masks[id(node)] = mask
    return mask, scores


# -- over the whole index -------------------------------------------------------------------------


@dataclass
class Evaluation:
    """A query's matches over the whole index: mask and scores, index-wide numbering."""

    mask: np.ndarray
    scores: np.ndarray
    segments: list[_Segment] = field(repr=False)

    @property
    def total(self) -> int:
        return int(self.mask.sum())

    def restrict(self, other: Evaluation) -> None:
        """Keep only the documents ``other`` matches too (a filter)."""
        self.mask &= other.mask

    def top(self, n: int | None = None) -> list[tuple[int, float]]:
        """The ``n`` best (docnum, score), whoosh's order: higher score, then lower docnum.

        ``n=None``: every match, in that order.
        """
        docs = np.flatnonzero(self.mask)
        if n is None:
            n = len(docs)
        if n <= 0 or not len(docs):
            return []
        scores = self.scores[docs]
        if len(docs) > n:
            # Everything scoring at least the n-th best (ties at the cut kept), then sorted.
            cut = np.partition(scores, len(scores) - n)[len(scores) - n]
            keep = scores >= cut
            docs, scores = docs[keep], scores[keep]
        order = np.lexsort((docs, -scores))[:n]
        return [(int(docs[i]), float(scores[i])) for i in order]

    def top_by_column(self, column: str, n: int) -> list[int]:
        """The first ``n`` matches by a sortable column, largest first, then by docnum.

        whoosh's order for ``sortedby=FieldFacet(column, reverse=True)``.
        """
        docs = np.flatnonzero(self.mask)
        if n <= 0 or not len(docs):
            return []
        keys = self.column(column)[docs]
        order = np.lexsort((docs, -keys))[:n]
        return [int(d) for d in docs[order]]

    def column(self, column: str) -> np.ndarray:
        """A sortable numeric column's values over the whole index (index-wide docnums)."""
        return np.concatenate(
            [column_values(seg.reader, column, seg.cache) for seg in self.segments]
        )

    def complete_total(self, node: Any) -> int:
        """How many matches have every term of the coordinated ``node`` (a best match)."""
        complete = np.zeros(len(self.mask), dtype=bool)
        for segment in self.segments:
            found = segment.complete.get(id(node))
            if found is not None:
                complete[segment.offset : segment.offset + segment.size] = found
        return int((complete & self.mask).sum())

    def doc_set(self) -> set[int]:
        return set(np.flatnonzero(self.mask).tolist())

    def matching_terms(self, query: Any, docnum: int) -> list[tuple[str, bytes]]:
        """The (field, term) pairs of ``query`` that match ``docnum``, as whoosh reports them."""
        for segment in self.segments:
            if segment.offset <= docnum < segment.offset + segment.size:
                local = docnum - segment.offset
                out: list[tuple[str, bytes]] = []
                _collect_terms(segment, query, local, out)
                return out
        return []


def _matches(segment: _Segment, node: Any, local: int) -> bool:
    mask = segment.masks.get(id(node))
    return mask is not None and bool(mask[local])


def _collect_terms(segment: _Segment, node: Any, local: int, out: list[tuple[str, bytes]]) -> None:
    if not _matches(segment, node, local):
        return
    if type(node) is Q.Term or type(node) is Q.Phrase:
        words = [node.text] if type(node) is Q.Term else node.words
        for word in words:
            btext = segment.to_bytes(node.fieldname, word)
            if btext is not None:
                out.append((node.fieldname, btext))
        return
    if isinstance(node, Q.MultiTerm):
        for btext, ids in segment.expansions.get(id(node), ()):
            i = int(np.searchsorted(ids, local))
            if i < len(ids) and ids[i] == local:
                out.append((node.fieldname, btext))
        return
    if type(node) is Q.AndNot or type(node) is Q.Require:
        # whoosh reports the positive side only (Require: the scored side).
        _collect_terms(segment, node.a, local, out)
        return
    for child in node.children():
        _collect_terms(segment, child, local, out)


def _live(segment: _Segment) -> np.ndarray | None:
    if not segment.reader.has_deletions():
        return None
    live = np.zeros(segment.size, dtype=bool)
    live[np.fromiter(segment.reader.all_doc_ids(), dtype=np.int64)] = True
    return live


def evaluate(
    searcher: Any, query: Any, cache: DerivedCache, filter_query: Any = None
) -> Evaluation:
    """``query``'s matching documents and whoosh scores over the whole index (under a filter).

    Args:
        searcher: a whoosh searcher of the index (``Index.reading()``).
        query: a query made by :func:`~alucorpus.search.build.build_query` (or its parts).
        cache: the open index's :attr:`~alucorpus.index.Index.derived`.
        filter_query: only documents this query matches too (its scores do not count).

    Raises:
        Unsupported: a node the evaluator does not know (a bug in the builder).
    """
    subs = searcher.leaf_searchers() if not searcher.is_atomic() else [(searcher, 0)]
    total = searcher.reader().doc_count_all()
    mask = np.zeros(total, dtype=bool)
    scores = np.zeros(total)
    segments = []
    for subsearcher, offset in subs:
        segment = _Segment(searcher, subsearcher, offset, cache)
        segments.append(segment)
        m, s = _evaluate(segment, query)
        if m is None:
            continue
        live = _live(segment)
        if live is not None:
            m = m & live
        mask[offset : offset + segment.size] = m
        scores[offset : offset + segment.size] = np.where(m, s, 0.0)
    evaluation = Evaluation(mask, scores, segments)
    if filter_query is not None:
        evaluation.restrict(evaluate(searcher, filter_query, cache))
    return evaluation


def facet_counts(
    searcher: Any, evaluation: Evaluation, cache: DerivedCache
) -> dict[str, dict[str, int]]:
    """Counts of department, year, doc_type and jurisdiction over the matches, largest first.

    The same numbers as whoosh's ``FieldFacet`` grouping (a document counts once for
    each of its departments).
    """
    out: dict[str, dict[str, int]] = {}
    mask = evaluation.mask
    any_match = bool(mask.any())
    for facet, labels in index_facet_arrays(searcher, cache).items():
        counts: dict[str, int] = {}
        if any_match:
            for label, ids in labels.items():
                n = int(np.count_nonzero(mask[ids]))
                if n:
                    counts[str(label)] = n
        out[facet] = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    return out


__all__ = ["Evaluation", "Unsupported", "evaluate", "facet_counts"]
