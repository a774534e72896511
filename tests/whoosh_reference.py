"""whoosh's own matchers: the reference semantics the evaluator is compared with.

alucorpus evaluates every query as arrays (alucorpus.search.evaluate); whoosh's
matchers, a document at a time, define what that must equal: the matching set,
each document's score and the matched terms.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any


def by_segment(leaves: Iterable[tuple[Any, int]], docnums: Iterable[int]) -> Iterator[Any]:
    """(leaf, offset, sorted local numbers) for each segment that holds some of ``docnums``."""
    wanted = sorted(docnums)
    for leaf, offset in leaves:
        end = offset + leaf.doc_count_all()
        local = [d - offset for d in wanted if offset <= d < end]
        if local:
            yield leaf, offset, local


def matches(searcher: Any, query: Any) -> set[int]:
    """whoosh's matches segment by segment, as its searches find them.

    (A bounded expansion, such as a lone character's most frequent words, is chosen
    per segment when whoosh searches; ``query.docs(searcher)`` would choose it once
    over the whole index.)
    """
    out: set[int] = set()
    for subsearcher, offset in searcher.leaf_searchers():
        out.update(d + offset for d in query.docs(subsearcher))
    return out


def matchers_at(searcher: Any, query: Any, docnums: Iterable[int]) -> Iterator[Any]:
    """(docnum, matcher at that document) for each of ``docnums`` that ``query`` matches."""
    context = searcher.context(needs_current=True)
    for subsearcher, offset, local in by_segment(searcher.leaf_searchers(), docnums):
        matcher = query.matcher(subsearcher, context)
        for docnum in local:
            if matcher.is_active() and matcher.id() < docnum:
                matcher.skip_to(docnum)
            if not matcher.is_active():
                break
            if matcher.id() == docnum:
                yield docnum + offset, matcher


def scores(searcher: Any, query: Any, docnums: Iterable[int]) -> dict[int, float]:
    """whoosh's score of ``query`` for each of ``docnums`` that it matches."""
    return {d: float(m.score()) for d, m in matchers_at(searcher, query, docnums)}


def matching_terms(searcher: Any, query: Any, docnums: Iterable[int]) -> dict[int, list[Any]]:
    """The (field, term) pairs of ``query`` that match each of ``docnums``."""
    return {d: list(m.matching_terms()) for d, m in matchers_at(searcher, query, docnums)}
