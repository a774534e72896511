"""Query evaluation as arrays gives whoosh's own answers: documents, scores, ranking, terms.

search() evaluates the query tree with numpy (alucorpus.vectors) instead of walking
whoosh's matchers a document at a time. Every number must still be whoosh's: the
same matching set, the same BM25F score for every document, the same order, the
same matched terms, on the real corpus, with the term arrays read from the sidecar
the bulk writer keeps and read from whoosh's posting blocks.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from whoosh import query as Q

from alucorpus import Corpus, docsets, vectors
from alucorpus import search as search_module
from alucorpus.search import _hits_matching_terms, _score_docs, build_filter, build_query

QUERIES = [
    ("电解铝", "none"),
    ("管理", "none"),
    ("矿产资源 开采", "none"),
    ('"安全生产"', "none"),  # a phrase in the body, bigram phrases in the title
    ("铝", "none"),  # a lone character: words that contain it, title bigram prefix
    ("國家標準", "none"),
    ("环境 -污染", "none"),  # AndNot
    ("title:条例 year:2000..2015", "none"),  # a numeric range
    ("能源 OR 电力", "none"),
    ("number:国办发", "none"),
    ("environmental protection", "structured"),  # synonym groups, coordination
    ("rare earth", "structured"),
    ("aluminium smelter", "structured"),  # a compound bonus (AndMaybe)
    ("import export inspection", "structured"),
    ("mineral resources", "first"),
    ("safety production", "structured"),
    ("customs duties", "none"),
]


@pytest.fixture(scope="module")
def corpus(research_corpus: Corpus) -> Corpus:
    return research_corpus


@pytest.fixture(scope="module")
def searcher(research_searcher: Any) -> Any:
    return research_searcher


@pytest.mark.parametrize(("query", "translation"), QUERIES)
def test_matches_and_scores_equal_whoosh(
    searcher: Any, query: str, translation: str, whoosh_matches: Any
) -> None:
    plan = build_query(query, None, translation=translation)
    evaluation = vectors.evaluate(searcher, plan.query)
    expected = whoosh_matches(searcher, plan.query)
    assert evaluation.doc_set() == expected
    assert evaluation.total == len(expected)
    scores = _score_docs(searcher, plan.query, sorted(expected))
    mine = {d: float(evaluation.scores[d]) for d in scores}
    assert mine == pytest.approx(scores, rel=1e-9)
    # Nothing outside the matches carries a score.
    assert not evaluation.scores[~evaluation.mask].any()


@pytest.mark.parametrize(("query", "translation"), QUERIES)
def test_ranking_and_matched_terms_equal_whoosh(
    searcher: Any, query: str, translation: str
) -> None:
    plan = build_query(query, None, translation=translation)
    evaluation = vectors.evaluate(searcher, plan.query)
    expected = [(h.docnum, h.score) for h in searcher.search(plan.query, limit=20)]
    ranked = evaluation.top(20)
    assert [s for _, s in ranked] == pytest.approx([s for _, s in expected], rel=1e-9)
    assert [d for d, _ in ranked] == [d for d, _ in expected]
    docs = [d for d, _ in ranked]
    theirs = _hits_matching_terms(searcher, plan.query, docs)
    for d in docs:
        text_fields = search_module._WORD_FIELD_NAMES | search_module._BIGRAM_FIELD_NAMES
        mine = set(evaluation.matching_terms(plan.query, d))
        assert {(f, t) for f, t in mine if f in text_fields} == {
            (f, t) for f, t in theirs[d] if f in text_fields
        }, d


def test_top_orders_ties_by_document_number() -> None:
    mask = np.array([True, True, True, False, True])
    scores = np.array([1.0, 2.0, 1.0, 9.0, 2.0])
    evaluation = vectors.Evaluation(mask, scores, [])
    assert evaluation.top(3) == [(1, 2.0), (4, 2.0), (0, 1.0)]
    assert evaluation.top(10) == [(1, 2.0), (4, 2.0), (0, 1.0), (2, 1.0)]
    assert evaluation.top(0) == []


def test_filter_mask_equals_whoosh(searcher: Any, whoosh_matches: Any) -> None:
    filter_query = build_filter(departments=["国务院"], since="2005", until="2015-06")
    expected = whoosh_matches(searcher, filter_query)
    assert expected
    assert vectors.evaluate(searcher, filter_query).doc_set() == expected


def test_facets_equal_the_set_facets(searcher: Any) -> None:
    for query in ("管理", "environmental protection", '"安全生产"', "没有这个词语"):
        plan = build_query(query, None)
        evaluation = vectors.evaluate(searcher, plan.query)
        arrays = docsets.index_facet_arrays(searcher, vectors.as_index_array)
        expected = docsets.facet_counts(searcher, evaluation.doc_set())
        assert vectors.facet_counts(arrays, evaluation.mask) == expected


def test_unknown_nodes_are_left_to_whoosh(searcher: Any) -> None:
    for node in (
        Q.Every(),
        Q.Wildcard("body", "管*"),
        Q.Or([Q.Term("body", "管理")], scale=0.5),
    ):
        with pytest.raises(vectors.Unsupported):
            vectors.evaluate(searcher, node)


def test_search_falls_back_to_whoosh_with_the_same_results(
    corpus: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = corpus.search("environmental protection", limit=10)

    def unsupported(*args: object, **kwargs: object) -> None:
        raise vectors.Unsupported("test")

    monkeypatch.setattr(vectors, "evaluate", unsupported)
    slow = corpus.search("environmental protection", limit=10)
    assert slow.total == fast.total
    assert slow.facets == fast.facets
    assert [h.score for h in slow.hits] == pytest.approx([h.score for h in fast.hits])
    assert [h.matched_terms for h in slow.hits] == [h.matched_terms for h in fast.hits]


@pytest.fixture(scope="module")
def every_term_kept(tmp_path_factory: pytest.TempPathFactory, seeds: Path) -> Corpus:
    """The seeds indexed with every term in the sidecar (not only those in 128+ documents)."""
    patch = pytest.MonkeyPatch()
    patch.setattr(vectors, "SIDECAR_MIN_DOCS", 1)  # the bulk workers fork: they see it
    try:
        corpus = Corpus(tmp_path_factory.mktemp("every-term-kept"))
        report = corpus.ingest([str(seeds)])
        assert not report.failed
    finally:
        patch.undo()
    return corpus


def test_bulk_writer_keeps_broad_terms_beside_each_segment(every_term_kept: Corpus) -> None:
    index = every_term_kept.open_index()
    try:
        with index.searcher() as searcher:
            checked = 0
            for leaf, _ in searcher.reader().leaf_readers():
                sidecar = vectors._segment_sidecar(leaf)
                assert sidecar is not None
                for fieldname in ("body", "title", "title_bigram", "body_sub", "doc_number"):
                    for btext, _info in leaf.iter_field(fieldname):
                        assert btext in sidecar.table[fieldname]
                        ids, weights = vectors.term_arrays(leaf, fieldname, btext)
                        expected = list(leaf.postings(fieldname, btext).items_as("weight"))
                        assert ids.tolist() == [d for d, _ in expected]
                        assert weights.tolist() == pytest.approx([w for _, w in expected])
                        checked += 1
            assert checked > 200
    finally:
        index.close()


@pytest.mark.parametrize("query", ["铝", "铝 产业", '"高质量发展"', "aluminium industry"])
def test_segments_without_the_sidecar_read_whoosh_blocks(
    every_term_kept: Corpus, query: str, monkeypatch: pytest.MonkeyPatch, whoosh_matches: Any
) -> None:
    plan = build_query(query, None)
    index = every_term_kept.open_index()
    try:
        with index.searcher() as searcher:
            with_sidecar = vectors.evaluate(searcher, plan.query)
            assert with_sidecar.total
            monkeypatch.setattr(vectors, "_segment_sidecar", lambda leaf: None)
            without = vectors.evaluate(searcher, plan.query)
            assert np.array_equal(with_sidecar.mask, without.mask)
            assert np.allclose(with_sidecar.scores, without.scores, rtol=1e-12)
            assert without.doc_set() == whoosh_matches(searcher, plan.query)
    finally:
        index.close()


def test_term_arrays_writer_keeps_only_broad_terms(tmp_path: Path) -> None:
    writer = vectors.TermArraysWriter(tmp_path, "seg", min_docs=2)
    postings = [
        ("body", b"a", 0, 1.0, b""),
        ("body", b"a", 3, 2.0, b""),
        ("body", b"b", 1, 1.0, b""),
        ("title", b"a", 2, 1.0, b""),
        ("title", b"a", 4, 3.0, b""),
    ]
    assert list(writer.tee(iter(postings))) == postings  # passed through unchanged
    assert not (tmp_path / "alucorpus-terms-seg.marshal").exists()  # not complete yet
    writer.close()
    assert set(writer.table) == {"body", "title"}
    assert writer.table["body"] == {b"a": (0, 2)}
    assert writer.table["title"] == {b"a": (2, 2)}
    ids = np.fromfile(tmp_path / "alucorpus-terms-seg.ids", dtype=np.int32)
    weights = np.fromfile(tmp_path / "alucorpus-terms-seg.weights", dtype=np.float32)
    assert ids.tolist() == [0, 3, 2, 4]
    assert weights.tolist() == [1.0, 2.0, 1.0, 3.0]


def test_an_abandoned_term_arrays_writer_leaves_nothing(tmp_path: Path) -> None:
    writer = vectors.TermArraysWriter(tmp_path, "seg", min_docs=1)
    list(writer.tee(iter([("body", b"a", 0, 1.0, b"")])))
    writer.abandon()
    assert not list(tmp_path.iterdir())


def test_deleted_documents_drop_out(tmp_path: Path, seeds: Path, whoosh_matches: Any) -> None:
    corpus = Corpus(tmp_path / "home")
    corpus.ingest([str(seeds)])
    index = corpus.open_index()
    try:
        with index.searcher() as searcher:
            stored = [searcher.stored_fields(d)["id"] for d in searcher.reader().all_doc_ids()]
        index.delete([stored[0]])
    finally:
        index.close()
    index = corpus.open_index()
    try:
        with index.searcher() as searcher:
            plan = build_query("铝", None)
            evaluation = vectors.evaluate(searcher, plan.query)
            assert evaluation.doc_set() == whoosh_matches(searcher, plan.query)
            assert all(searcher.stored_fields(d)["id"] != stored[0] for d in evaluation.doc_set())
    finally:
        index.close()


def test_search_module_uses_the_arrays(corpus: Corpus, monkeypatch: pytest.MonkeyPatch) -> None:
    # The set-algebra path is not taken when the arrays can answer.
    def fail(*args: object, **kwargs: object) -> None:
        raise AssertionError("whoosh path used")

    monkeypatch.setattr(search_module, "_top_scored", fail)
    monkeypatch.setattr(search_module, "_hits_matching_terms", fail)
    results = corpus.search("rare earth", limit=5)
    assert results.total and results.hits


def test_array_positions_round_trip() -> None:
    from alucorpus.index import ArrayPositions

    fmt = ArrayPositions()
    for positions in ([0], [3, 7, 70000], list(range(0, 5000, 7))):
        value = fmt.encode(positions)
        assert fmt.decode_positions(value) == positions
        assert fmt.decode_frequency(value) == len(positions)  # whoosh's own header
        assert len(value) == 4 + 4 * len(positions)


def test_posting_blocks_are_pickled_with_protocol_4(every_term_kept: Corpus) -> None:
    import zlib

    index = every_term_kept.open_index()
    try:
        with index.searcher() as searcher:
            leaf = searcher.reader().leaf_readers()[0][0]
            btext = next(b for b, info in leaf.iter_field("body") if info.doc_frequency() > 1)
            matcher = vectors._raw_matcher(leaf, "body", btext)
            raw = matcher._postfile.get(
                matcher._dataoffset, matcher._nextoffset - matcher._dataoffset
            )
            data = zlib.decompress(raw) if matcher._compression else raw
            assert data[:2] == b"\x80\x04"
    finally:
        index.close()


@pytest.mark.parametrize(
    ("words", "matches"),
    [
        (["铝产业", "高质量发展", "实施方案"], True),
        (["印发", "给", "你们"], True),
        (["实施方案", "铝产业"], False),  # both words, wrong order
        (["认真", "落实"], False),  # both words, not adjacent
    ],
)
def test_vector_phrases_equal_whoosh_span_phrases(
    every_term_kept: Corpus, words: list[str], matches: bool, whoosh_matches: Any
) -> None:
    # Every term of this corpus is in one or two documents: inlined postings included.
    index = every_term_kept.open_index()
    try:
        with index.searcher() as searcher:
            node = Q.Phrase("body", words)
            expected = whoosh_matches(searcher, node)
            assert bool(expected) is matches
            assert vectors.evaluate(searcher, node).doc_set() == expected
    finally:
        index.close()


@pytest.mark.parametrize("query", ["管理", "environmental protection", "环境 -污染"])
def test_newest_first_equals_whoosh_sorting(searcher: Any, query: str) -> None:
    from whoosh import sorting

    plan = build_query(query, None)
    evaluation = vectors.evaluate(searcher, plan.query)
    facet = sorting.FieldFacet("issued_key", reverse=True)
    # (whoosh's own AndNot matcher can let through a document that has the
    # excluded word: see test_exclusion_is_exact; so whoosh sorts our set.)
    allowed = evaluation.doc_set()
    assert allowed
    results = searcher.search(plan.query, limit=None, sortedby=facet, filter=allowed)
    expected = [hit.docnum for hit in results]
    assert len(expected) == evaluation.total
    # Undated documents (key 0) come last in both; ties in document order.
    assert evaluation.top_by_column("issued_key", len(expected)) == expected
    assert evaluation.top_by_column("issued_key", 7) == expected[:7]


def test_exclusion_is_exact(searcher: Any) -> None:
    # whoosh's AndNot over an ArrayUnionMatcher returns a document that has the
    # excluded word (电解铝 -产能: one document has both); the arrays do not.
    plan = build_query("电解铝 -产能", None)
    excluded = vectors.evaluate(searcher, build_query("产能", None).query).doc_set()
    wanted = vectors.evaluate(searcher, build_query("电解铝", None).query).doc_set()
    assert wanted & excluded  # the corpus has such a document
    assert vectors.evaluate(searcher, plan.query).doc_set() == wanted - excluded


def test_field_lengths_read_in_bulk_equal_whoosh(
    searcher: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    for leaf, _ in searcher.reader().leaf_readers():
        for fieldname in ("title", "title_en", "title_bigram", "body", "body_sub"):
            expected = [
                leaf.doc_field_length(d, fieldname, 0) or 0 for d in range(leaf.doc_count_all())
            ]
            # Read from the length column in one piece, never a document at a time
            # (title_en's column stops at the last document that has an English title).
            with monkeypatch.context() as patch:
                patch.setattr(leaf, "doc_field_length", None)
                lengths = vectors._read_lengths(leaf, fieldname)
            assert lengths.tolist() == expected, fieldname


def test_sidecars_of_merged_away_segments_are_removed(tmp_path: Path, seeds: Path) -> None:
    from alucorpus.index import Index

    corpus = Corpus(tmp_path / "home")
    corpus.ingest([str(seeds)])
    index = corpus.open_index()
    folder = index.path
    live = sorted(p.name for p in folder.glob("alucorpus-terms-*"))
    assert live  # the bulk writer kept term arrays beside its segment
    stale = [
        folder / "alucorpus-terms-MAIN_gone12345.ids",
        folder / "alucorpus-facets-MAIN_gone12345.marshal",
    ]
    for path in stale:
        path.write_bytes(b"x")
    try:
        with index.searcher() as searcher:
            stored = searcher.stored_fields(0)["id"]
        index.delete([stored])  # a commit
    finally:
        index.close()
    assert not any(path.exists() for path in stale)
    assert sorted(p.name for p in folder.glob("alucorpus-terms-*")) == live
    assert (folder / "alucorpus-stamp.json").exists()
    Index.remove_stale_sidecars(tmp_path / "nowhere")  # no index there: nothing happens


def test_a_kept_searcher_sees_new_commits(tmp_path: Path, seeds: Path) -> None:
    from alucorpus.search import search

    corpus = Corpus(tmp_path / "home")
    corpus.ingest([str(seeds)])
    index = corpus.open_index()
    try:
        before = search(index, "铝", translation="none").total
        with index.reading() as first:
            pass
        with index.reading() as again:
            assert again is first  # kept between searches
        with index.searcher() as searcher:
            record_id = searcher.stored_fields(0)["id"]
        index.delete([record_id])
        with index.reading() as after_commit:
            assert after_commit is not first
        assert search(index, "铝", translation="none").total == before - 1
    finally:
        index.close()
