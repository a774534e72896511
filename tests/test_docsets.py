"""The fast result-set path gives whoosh's own answers: same documents, counts, ranking.

search() takes totals and facets from posting-list set algebra (alucorpus.docsets)
and ranks candidate-first (search._top_scored); both must agree with whoosh doing it
the slow way, on the real corpus, for every kind of query node we build.
"""

from __future__ import annotations

from typing import Any

import pytest
from whoosh import sorting

from alucorpus import Corpus, docsets
from alucorpus import search as search_module
from alucorpus.search import _top_scored, build_filter, build_query

QUERIES = [
    ("电解铝", "none"),
    ("管理", "none"),  # broad: more documents than are scored whole
    ("矿产资源 开采", "none"),
    ('"安全生产"', "none"),  # a phrase
    ("铝", "none"),  # a lone character: words that contain it
    ("國家標準", "none"),  # Traditional
    ("环境 -污染", "none"),  # NOT
    ("title:条例 year:2000..2015", "none"),
    ("能源 OR 电力", "none"),
    ("number:国办发", "none"),
    ("environmental protection", "structured"),  # synonym groups, coordination
    ("rare earth", "structured"),
    ("mineral resources", "first"),
    ("safety production", "structured"),
]


@pytest.fixture(scope="module")
def corpus(research_corpus: Corpus) -> Corpus:
    return research_corpus


@pytest.fixture(scope="module")
def searcher(research_searcher: Any) -> Any:
    return research_searcher


@pytest.mark.parametrize(("query", "translation"), QUERIES)
def test_query_docs_equal_whoosh_matches(
    searcher: Any, query: str, translation: str, whoosh_matches: Any
) -> None:
    plan = build_query(query, None, translation=translation)
    expected = whoosh_matches(searcher, plan.query)
    assert docsets.query_docs(searcher, plan.query) == expected


@pytest.mark.parametrize("score_all_up_to", [0, 100])
@pytest.mark.parametrize(("query", "translation"), QUERIES)
def test_candidate_first_ranking_equals_scoring_everything(
    searcher: Any,
    query: str,
    translation: str,
    score_all_up_to: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # 0: every result set goes candidate-first (this corpus is small for the default).
    monkeypatch.setattr(search_module, "_SCORE_ALL_UP_TO", score_all_up_to)
    plan = build_query(query, None, translation=translation)
    docs = docsets.query_docs(searcher, plan.query)
    whoosh_hits = searcher.search(plan.query, limit=20)
    expected = [(hit.docnum, hit.score) for hit in whoosh_hits]
    ranked = _top_scored(searcher, plan.query, docs, 20)
    assert [d for d, _ in ranked] == [d for d, _ in expected]
    assert [s for _, s in ranked] == pytest.approx([s for _, s in expected])


def test_facets_equal_whoosh_grouping(searcher: Any) -> None:
    for query in ("管理", "environmental protection", '"安全生产"'):
        plan = build_query(query, None)
        facets = sorting.Facets()
        facets.add_field("departments", allow_overlap=True, maptype=sorting.Count)
        facets.add_field("year", maptype=sorting.Count)
        facets.add_field("doc_type", maptype=sorting.Count)
        results = searcher.search(plan.query, limit=None, groupedby=facets)
        counts = docsets.facet_counts(searcher, docsets.query_docs(searcher, plan.query))
        for mine, theirs in (("department", "departments"), ("doc_type", "doc_type")):
            expected = {
                (k.decode() if isinstance(k, bytes) else str(k)): v
                for k, v in results.groups(theirs).items()
                if k not in (None, "", b"")
            }
            assert counts[mine] == expected
        # Undated documents hold the column's default (0 or 2**32 - 1): not a year.
        years = {str(k): v for k, v in results.groups("year").items() if k and 0 < k < 10000}
        assert counts["year"] == years
        assert sum(counts["year"].values()) <= len(results)


def test_filters_are_sets_too(searcher: Any, whoosh_matches: Any) -> None:
    filter_query = build_filter(departments=["国务院"], since="2005", until="2015-06")
    expected = whoosh_matches(searcher, filter_query)
    assert expected  # the corpus has State Council documents of those years
    assert docsets.query_docs(searcher, filter_query) == expected


def test_search_total_is_exact(corpus: Corpus, searcher: Any, whoosh_matches: Any) -> None:
    # whoosh's capped collector undercounted broad queries; the set does not.
    results = corpus.search("管理", limit=5)
    plan = build_query("管理", None, translation="structured")
    assert results.total == len(whoosh_matches(searcher, plan.query))
