"""The one evaluator gives whoosh's own answers: documents, scores, ranking, terms, facets.

search(), kwic and trends evaluate the query tree with numpy
(alucorpus.search.evaluate) instead of walking whoosh's matchers a document at a
time. Every number must still be whoosh's (tests/whoosh_reference.py): the same
matching set, the same BM25F score for every document, the same order, the same
matched terms and facet counts, on the real corpus, with the term arrays read from
the sidecar the bulk writer keeps and read from whoosh's posting blocks. A property
test generates queries of every shape the builder accepts: none is refused.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import whoosh_reference as reference
from whoosh import query as Q

from alucorpus import Corpus, segments
from alucorpus.search import build_filter, build_query
from alucorpus.search.evaluate import Evaluation, Unsupported, evaluate, facet_counts
from alucorpus.search.highlight import BIGRAM_FIELD_NAMES, WORD_FIELD_NAMES
from alucorpus.segments import DerivedCache

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


def evaluated(searcher: Any, query: Any) -> Evaluation:
    """The evaluation with a cache of its own (nothing kept from another test)."""
    return evaluate(searcher, query, DerivedCache())


@pytest.mark.parametrize(("query", "translation"), QUERIES)
def test_matches_and_scores_equal_whoosh(
    searcher: Any, query: str, translation: str, whoosh_matches: Any
) -> None:
    plan = build_query(query, None, translation=translation)
    evaluation = evaluated(searcher, plan.query)
    expected = whoosh_matches(searcher, plan.query)
    assert evaluation.doc_set() == expected
    assert evaluation.total == len(expected)
    scores = reference.scores(searcher, plan.query, sorted(expected))
    mine = {d: float(evaluation.scores[d]) for d in scores}
    assert mine == pytest.approx(scores, rel=1e-9)
    # Nothing outside the matches carries a score.
    assert not evaluation.scores[~evaluation.mask].any()


@pytest.mark.parametrize(("query", "translation"), QUERIES)
def test_ranking_and_matched_terms_equal_whoosh(
    searcher: Any, query: str, translation: str
) -> None:
    plan = build_query(query, None, translation=translation)
    evaluation = evaluated(searcher, plan.query)
    # whoosh's exhaustive results, ordered as whoosh orders: its top-20 search skips
    # blocks by their best possible score, and for "能源 OR 电力" it drops a document
    # that scores fifth (the exhaustive search has it, and so does the evaluator).
    hits = searcher.search(plan.query, limit=None)
    expected = sorted(((h.docnum, h.score) for h in hits), key=lambda x: (-x[1], x[0]))[:20]
    ranked = evaluation.top(20)
    assert [s for _, s in ranked] == pytest.approx([s for _, s in expected], rel=1e-9)
    assert [d for d, _ in ranked] == [d for d, _ in expected]
    docs = [d for d, _ in ranked]
    theirs = reference.matching_terms(searcher, plan.query, docs)
    for d in docs:
        text_fields = WORD_FIELD_NAMES | BIGRAM_FIELD_NAMES
        mine = set(evaluation.matching_terms(plan.query, d))
        assert {(f, t) for f, t in mine if f in text_fields} == {
            (f, t) for f, t in theirs[d] if f in text_fields
        }, d


def test_top_orders_ties_by_document_number() -> None:
    mask = np.array([True, True, True, False, True])
    scores = np.array([1.0, 2.0, 1.0, 9.0, 2.0])
    evaluation = Evaluation(mask, scores, [])
    assert evaluation.top(3) == [(1, 2.0), (4, 2.0), (0, 1.0)]
    assert evaluation.top(10) == [(1, 2.0), (4, 2.0), (0, 1.0), (2, 1.0)]
    assert evaluation.top(0) == []


def test_filter_mask_equals_whoosh(searcher: Any, whoosh_matches: Any) -> None:
    filter_query = build_filter(departments=["国务院"], since="2005", until="2015-06")
    expected = whoosh_matches(searcher, filter_query)
    assert expected
    assert evaluated(searcher, filter_query).doc_set() == expected


@pytest.mark.parametrize("as_of", ["1995", "2011-06-30", "2030"])
def test_as_of_filter_mask_equals_whoosh(searcher: Any, whoosh_matches: Any, as_of: str) -> None:
    filter_query = build_filter(as_of=as_of)
    expected = whoosh_matches(searcher, filter_query)
    assert expected
    assert evaluated(searcher, filter_query).doc_set() == expected


def test_facets_equal_whoosh_grouping(searcher: Any) -> None:
    from whoosh import sorting

    for query in ("管理", "environmental protection", '"安全生产"', "没有这个词语"):
        plan = build_query(query, None)
        groups = sorting.Facets()
        groups.add_field("departments", allow_overlap=True, maptype=sorting.Count)
        groups.add_field("year", maptype=sorting.Count)
        groups.add_field("doc_type", maptype=sorting.Count)
        results = searcher.search(plan.query, limit=None, groupedby=groups)
        counts = facet_counts(searcher, evaluated(searcher, plan.query), DerivedCache())
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


def test_pure_negation_is_evaluated(searcher: Any) -> None:
    # -污染 and NOT 铝: every document but those (AndNot(Every, …)), as whoosh scores it.
    everything = set(searcher.reader().all_doc_ids())
    for query in ("-污染", "NOT 铝"):
        plan = build_query(query, None)
        evaluation = evaluated(searcher, plan.query)
        excluded = evaluated(searcher, build_query(query.lstrip("-").split()[-1], None).query)
        assert excluded.total
        assert evaluation.doc_set() == everything - excluded.doc_set()
        ranked = evaluation.top(10)
        expected = [(h.docnum, h.score) for h in searcher.search(plan.query, limit=10)]
        assert ranked == [(d, pytest.approx(s)) for d, s in expected]


def test_search_total_is_exact(corpus: Corpus, searcher: Any) -> None:
    # whoosh's capped collector undercounted broad queries; the evaluator does not.
    results = corpus.search("管理", limit=5)
    plan = build_query("管理", None, translation="structured")
    assert results.total == len(reference.matches(searcher, plan.query))


def test_unknown_nodes_are_refused(searcher: Any) -> None:
    for node in (
        Q.Every("body"),
        Q.Or([Q.Term("body", "管理")], scale=0.5),
        Q.Phrase("body", ["认真", "落实"], slop=2),
        Q.DisjunctionMax([Q.Term("body", "管理")]),
    ):
        with pytest.raises(Unsupported):
            evaluated(searcher, node)


@pytest.fixture(scope="module")
def every_term_kept(tmp_path_factory: pytest.TempPathFactory, seeds: Path) -> Corpus:
    """The seeds indexed with every term in the sidecar (not only those in 128+ documents)."""
    patch = pytest.MonkeyPatch()
    patch.setattr(segments, "SIDECAR_MIN_DOCS", 1)  # the bulk workers fork: they see it
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
                sidecar = segments.term_sidecar(leaf)
                assert sidecar is not None
                for fieldname in ("body", "title", "title_bigram", "body_sub", "doc_number"):
                    for btext, _info in leaf.iter_field(fieldname):
                        assert btext in sidecar.table[fieldname]
                        ids, weights = segments.term_arrays(leaf, fieldname, btext)
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
            with_sidecar = evaluated(searcher, plan.query)
            assert with_sidecar.total
            monkeypatch.setattr(segments, "term_sidecar", lambda leaf, cache=None: None)
            without = evaluated(searcher, plan.query)
            assert np.array_equal(with_sidecar.mask, without.mask)
            assert np.allclose(with_sidecar.scores, without.scores, rtol=1e-12)
            assert without.doc_set() == whoosh_matches(searcher, plan.query)
    finally:
        index.close()


def test_term_arrays_writer_keeps_only_broad_terms(tmp_path: Path) -> None:
    writer = segments.TermArraysWriter(tmp_path, "seg", min_docs=2)
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
    writer = segments.TermArraysWriter(tmp_path, "seg", min_docs=1)
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
            evaluation = evaluated(searcher, plan.query)
            assert evaluation.doc_set() == whoosh_matches(searcher, plan.query)
            assert all(searcher.stored_fields(d)["id"] != stored[0] for d in evaluation.doc_set())
    finally:
        index.close()


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
            matcher = segments.raw_matcher(leaf, "body", btext)
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
            assert evaluated(searcher, node).doc_set() == expected
    finally:
        index.close()


@pytest.mark.parametrize("query", ["管理", "environmental protection", "环境 -污染"])
def test_newest_first_equals_whoosh_sorting(searcher: Any, query: str) -> None:
    from whoosh import sorting

    plan = build_query(query, None)
    evaluation = evaluated(searcher, plan.query)
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
    excluded = evaluated(searcher, build_query("产能", None).query).doc_set()
    wanted = evaluated(searcher, build_query("电解铝", None).query).doc_set()
    assert wanted & excluded  # the corpus has such a document
    assert evaluated(searcher, plan.query).doc_set() == wanted - excluded


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
                lengths = segments.read_lengths(leaf, fieldname)
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


# -- every query the builder makes is evaluated ---------------------------------------------------

_WORDS = [
    "电解铝",
    "铝",
    "管理",
    "矿产资源",
    "安全生产",
    "國家標準",
    "国办发",
    "2018",
    "第3号",
    "aluminium",
    "rare earth",
    "mineral",
    "smelter",
    "of",
    "Act",
    "zzzz",
    "没有这个词语",
]
_FIELDS = ["", "title:", "body:", "dept:", "number:", "type:", "lang:"]


def _word(draw: Any) -> str:
    from hypothesis import strategies as st

    word = draw(st.sampled_from(_WORDS))
    if " " in word or draw(st.booleans()):
        word = f'"{word}"'
    return draw(st.sampled_from(_FIELDS)) + word


def _queries() -> Any:
    from hypothesis import strategies as st

    @st.composite
    def query(draw: Any, depth: int = 0) -> str:
        parts = []
        for _ in range(draw(st.integers(1, 3))):
            kind = draw(st.sampled_from(["word", "word", "not", "minus", "group", "year"]))
            if kind == "word":
                parts.append(_word(draw))
            elif kind == "not":
                parts.append("NOT " + _word(draw))
            elif kind == "minus":
                parts.append("-" + draw(st.sampled_from(_WORDS)).split()[0])
            elif kind == "year":
                parts.append(draw(st.sampled_from(["year:2011", "year:2000..2015", "year:..2010"])))
            elif depth < 2:
                parts.append("(" + draw(query(depth + 1)) + ")")
        joiner = draw(st.sampled_from([" ", " AND ", " OR "]))
        return joiner.join(parts)

    return query()


def test_no_query_the_builder_makes_is_refused(searcher: Any) -> None:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from alucorpus.errors import QueryError

    cache = DerivedCache()

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(_queries(), st.sampled_from(["none", "structured", "first"]), st.booleans())
    def check(query: str, translation: str, filtered: bool) -> None:
        try:
            plan = build_query(query, None, translation=translation)
        except QueryError:
            return  # refused by the parser with a message: not the evaluator's business
        restrict = build_filter(departments=["国务院"], since="2005") if filtered else None
        evaluation = evaluate(searcher, plan.query, cache, restrict)  # raises Unsupported if not
        assert evaluation.total == len(evaluation.doc_set())
        assert len(evaluation.top(5)) == min(5, evaluation.total)

    check()
