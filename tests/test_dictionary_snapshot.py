"""The dictionary snapshot segments exactly as jieba's whole dictionary does.

A fresh process segmenting a query looks word frequencies up in an SQLite snapshot
instead of loading jieba's dictionary (half a second); the words must be the same.
"""

from __future__ import annotations

import csv
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from alucorpus import analysis


@pytest.fixture
def snapshot_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A snapshot in tmp_path, and the tokenizer cache reset before and after."""
    monkeypatch.setenv("ALUCORPUS_DICT_CACHE", str(tmp_path))
    saved = analysis._jieba_tokenizer
    analysis._jieba_tokenizer = None
    try:
        yield tmp_path
    finally:
        analysis._jieba_tokenizer = saved


def _real_texts(shared_corpus: Path, limit: int = 300) -> list[str]:
    path = shared_corpus / "gccmpd_govprc" / "raw" / "GOV_PRC.csv"
    texts = []
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.reader(f):
            texts += [cell[:400] for cell in row if analysis.has_cjk(cell) and len(cell) > 40]
            if len(texts) >= limit:
                break
    return texts[:limit]


def test_snapshot_segments_like_the_whole_dictionary(
    snapshot_dir: Path, shared_corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = _real_texts(shared_corpus)
    assert len(texts) >= 100
    runs = [run for text in texts for run in analysis.cjk_runs(text)]
    whole = analysis._full_tokenizer()
    expected = [[w for w in whole.cut(run, HMM=False) if w] for run in runs]

    path = analysis.ensure_dictionary_snapshot()
    assert path is not None and path.parent == snapshot_dir
    monkeypatch.setattr(analysis, "SNAPSHOT_LOOKUPS", 10**9)  # never load it whole here
    analysis._jieba_tokenizer = None
    tokenizer = analysis._jieba()
    assert isinstance(tokenizer.FREQ, analysis._SnapshotFrequencies)
    assert [analysis.segment(run) for run in runs] == expected
    assert analysis._jieba() is tokenizer  # still on the snapshot


def test_many_lookups_load_the_dictionary_whole(
    snapshot_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert analysis.ensure_dictionary_snapshot() is not None
    analysis._jieba_tokenizer = None
    monkeypatch.setattr(analysis, "SNAPSHOT_LOOKUPS", 50)
    first = analysis.segment("电解铝产能置换和再生铝行业的规范条件以及有色金属工业发展规划")
    assert not isinstance(analysis._jieba().FREQ, analysis._SnapshotFrequencies)
    assert analysis.segment("电解铝产能置换和再生铝行业的规范条件以及有色金属工业发展规划") == first


def test_a_snapshot_of_another_dictionary_is_not_used(snapshot_dir: Path) -> None:
    path = analysis.dictionary_snapshot_path()
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE freq (word TEXT PRIMARY KEY, n INTEGER) WITHOUT ROWID")
        db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
        db.execute("INSERT INTO meta VALUES ('total', '1'), ('dictionary', 'other')")
    assert analysis._snapshot_tokenizer(path) is None
    analysis._jieba_tokenizer = None
    assert not isinstance(analysis._jieba().FREQ, analysis._SnapshotFrequencies)
    assert analysis.segment("电解铝") == ["电解铝"]


def test_a_broken_snapshot_is_not_used(snapshot_dir: Path) -> None:
    analysis.dictionary_snapshot_path().write_bytes(b"not a database")
    assert analysis._snapshot_tokenizer(analysis.dictionary_snapshot_path()) is None


def test_the_snapshot_holds_the_project_words(snapshot_dir: Path) -> None:
    path = analysis.ensure_dictionary_snapshot()
    assert path is not None
    with sqlite3.connect(path) as db:
        total = int(db.execute("SELECT value FROM meta WHERE key = 'total'").fetchone()[0])
        words = db.execute("SELECT count(*) FROM freq").fetchone()[0]
    whole = analysis._full_tokenizer()
    assert total == whole.total
    assert words == len(whole.FREQ)
