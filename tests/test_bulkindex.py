"""The segmentation cache and the parallel index build give the same index as the plain path."""

from __future__ import annotations

from pathlib import Path

import pytest

from alucorpus.analysis import bigram_texts, bigram_tokens, normalize, normalized_text
from alucorpus.bulkindex import build_parallel, shard_bounds
from alucorpus.index import Index, prepare_document
from alucorpus.ingest import parse_path
from alucorpus.records import Record
from alucorpus.search import search
from alucorpus.segcache import SegmentCache, analysis_texts, cache_key, cached_record_words


def _records(n: int) -> list[Record]:
    base = [
        ("关于电解铝行业产能置换的通知", "电解铝产能置换要严格执行。", "2018-01-02", "工信部"),
        ("礦業法", "礦業權之取得，應依本法規定。", "2016-11-16", "立法院"),
        ("Notice on aluminium smelters", "Aluminium smelters shall save energy.", None, ""),
    ]
    out = []
    for i in range(n):
        title, body, issued, dept = base[i % len(base)]
        out.append(
            Record(
                id=f"r{i:04d}",
                source=f"s{i}.txt",
                format="plaintext",
                lang="en" if i % len(base) == 2 else "zh",
                sha256="0" * 64,
                title=f"{title}{i}",
                issued=issued,
                departments=(dept,) if dept else (),
                paragraphs=(body, f"第{i}条 安全生产。"),
            )
        )
    return out


def test_shard_bounds_cover_everything_once() -> None:
    for total in (0, 1, 2, 7, 100):
        for workers in (1, 2, 3):
            bounds = shard_bounds(total, workers)
            covered = [i for start, stop in bounds for i in range(start, stop)]
            assert covered == list(range(total))


def test_fast_bigrams_equal_offset_bigrams() -> None:
    for text in ["電解鋁，铝", "ＡＢ（礦業）㈠ 﨑", "aluminium 电解铝 2024年", "", "铝"]:
        assert normalized_text(text) == normalize(text).text
        assert bigram_texts(text) == [t.text for t in bigram_tokens(text)]


def test_cache_returns_what_was_computed(tmp_path: Path) -> None:
    record = _records(1)[0]
    with SegmentCache(tmp_path / "seg.sqlite3") as cache:
        first = cached_record_words(record, cache)
        cache.flush()
        assert len(cache) == 1
        assert cached_record_words(record, cache) == first
    with SegmentCache(tmp_path / "seg.sqlite3") as cache:  # persisted across opens
        assert cache.get(cache_key(analysis_texts(record))) == first
    # Cached words make the same document as words computed on the spot.
    assert prepare_document(record, words=first) == prepare_document(record)


def test_cache_key_changes_with_text() -> None:
    assert cache_key(["a", "bc"]) != cache_key(["ab", "c"])
    assert cache_key(["电解铝"]) == cache_key(["电解铝"])


def test_unusable_cache_is_not_an_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    cache = SegmentCache(blocker / "seg.sqlite3")  # parent is a file: cannot be created
    record = _records(1)[0]
    assert cached_record_words(record, cache) == cached_record_words(record, None)
    cache.close()


def _hits(results: object) -> dict[str, tuple[float, object]]:
    # Equal scores may come in another order from two segments: compare by id.
    return {h.id: (round(h.score, 6), h.snippets) for h in results.hits}  # type: ignore[attr-defined]


def _same_results(a: Index, b: Index, queries: list[str]) -> None:
    for query in queries:
        ra = search(a, query, limit=100, translation="none")
        rb = search(b, query, limit=100, translation="none")
        assert ra.total == rb.total, query
        assert _hits(ra) == _hits(rb), query
        assert ra.facets == rb.facets, query


def test_parallel_build_equals_single_writer(tmp_path: Path) -> None:
    records = _records(60)
    plain = Index.create(tmp_path / "plain")
    plain.add_prepared((prepare_document(r) for r in records), replace=False)
    bulk = Index.create(tmp_path / "bulk")
    seen: list[int] = []
    # limitmb=1 makes the workers spill sorted runs to disk (the marshal run path).
    count = build_parallel(
        bulk,
        records,
        workers=2,
        cache_path=tmp_path / "cache" / "seg.sqlite3",
        progress=lambda done, total: seen.append(done),
        limitmb=1,
    )
    assert count == 60 and seen[-1] == 60
    bulk.close()
    bulk = Index.open(tmp_path / "bulk")
    assert bulk.doc_count() == plain.doc_count() == 60
    queries = [
        '"电解铝"',
        "产能置换",
        "礦業",
        "aluminium smelter",
        "安全生产 year:2018",
        "dept:工信部",
    ]
    _same_results(plain, bulk, queries)
    # Warm cache: a second build reads tokens instead of segmenting, same index.
    again = Index.create(tmp_path / "again")
    build_parallel(again, records, workers=2, cache_path=tmp_path / "cache" / "seg.sqlite3")
    _same_results(plain, again, queries)
    # The built index takes ordinary incremental updates afterwards.
    again.add([records[0].with_changes(title="全新标题")])
    assert again.doc_count() == 60
    assert search(again, "全新标题", translation="none").total == 1


def test_failed_worker_commits_nothing(tmp_path: Path) -> None:
    index = Index.create(tmp_path / "ix")
    broken: list[object] = [*_records(5), "not a record"]
    with pytest.raises(Exception, match="worker"):
        build_parallel(index, broken, workers=2)  # type: ignore[arg-type]
    index.close()
    assert Index.open(tmp_path / "ix").doc_count() == 0


def test_real_documents_build_the_same(shared_corpus: Path, tmp_path: Path) -> None:
    folder = shared_corpus / "govcn_zhouynf_sql" / "derived" / "html_fragments"
    records = [r for path in sorted(folder.glob("*.html"))[:20] for r in parse_path(str(path))]
    plain = Index.create(tmp_path / "plain")
    plain.add_prepared((prepare_document(r) for r in records), replace=False)
    bulk = Index.create(tmp_path / "bulk")
    build_parallel(bulk, records, workers=2, cache_path=tmp_path / "seg.sqlite3")
    _same_results(plain, bulk, ["国务院 通知", '"安全生产"', "國務院", "number:国发〔2018〕"])


def test_cache_open_retries_when_the_database_is_locked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two build workers opening a new cache at once: switching it to WAL needs an
    # exclusive lock and SQLite reports "database is locked" without waiting. The
    # second worker must retry, not run without its cache (seen at 50 000 documents).
    import sqlite3

    from alucorpus import segcache

    real_connect = sqlite3.connect
    calls = []

    def flaky_connect(*args: object, **kwargs: object) -> sqlite3.Connection:
        calls.append(1)
        if len(calls) < 3:
            raise sqlite3.OperationalError("database is locked")
        return real_connect(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(segcache.sqlite3, "connect", flaky_connect)
    cache = SegmentCache(tmp_path / "segments.sqlite3")
    try:
        assert cache._db is not None and len(calls) == 3
    finally:
        cache.close()
