"""Tests for alucorpus.index: schema, stamp, adding, deleting, locking, prepare_document."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest

from alucorpus.errors import IndexOutdatedError, StoreBusyError
from alucorpus.index import (
    STAMP_FILE,
    Index,
    bigram_field_tokens,
    prepare_document,
    segments,
)
from alucorpus.records import Attachment, Record
from alucorpus.search.queries import bigram_run_query, lone_char_query
from alucorpus.segments import terms_with_char


def make_record(record_id: str = "r1", **changes: object) -> Record:
    base = Record(
        id=record_id,
        source=f"{record_id}.txt",
        format="plaintext",
        lang="zh",
        sha256="0" * 64,
        title="工业和信息化部等十部门关于印发《铝产业高质量发展实施方案（2025—2027年）》的通知",
        doc_number="工信部联原〔2025〕62号",
        departments=("工业和信息化部", "国家发展和改革委员会"),
        departments_en=("Ministry of Industry and Information Technology", ""),
        issued="2025-03-11",
        doc_type="通知",
        paragraphs=("严格执行电解铝行业产能置换政策。",),
        attachments=(Attachment("铝产业高质量发展实施方案", ("推动再生铝产业发展。",)),),
    )
    return base.with_changes(**changes)


def test_create_add_reopen(tmp_path: Path) -> None:
    index = Index.create(tmp_path / "ix")
    assert index.add([make_record("r1"), make_record("r2")]) == 2
    index.close()
    with Index.open(tmp_path / "ix") as reopened:
        assert reopened.doc_count() == 2
        assert reopened.size_bytes() > 0


def test_add_is_idempotent_on_id(tmp_path: Path) -> None:
    with Index.create(tmp_path / "ix") as index:
        index.add([make_record("r1")])
        index.add([make_record("r1", title="改过的标题")])
        assert index.doc_count() == 1


def test_delete(tmp_path: Path) -> None:
    with Index.create(tmp_path / "ix") as index:
        index.add([make_record("r1"), make_record("r2")])
        assert index.delete(["r1", "missing"]) == 1
        assert index.doc_count() == 1
        assert index.delete([]) == 0


def test_open_refuses_a_stale_stamp(tmp_path: Path) -> None:
    Index.create(tmp_path / "ix").close()
    stamp_path = tmp_path / "ix" / STAMP_FILE
    stamp = json.loads(stamp_path.read_text(encoding="utf-8"))
    stamp["dictionary_hash"] = "0" * 64
    stamp_path.write_text(json.dumps(stamp), encoding="utf-8")
    with pytest.raises(IndexOutdatedError, match=r"dictionary_hash.*run `alucorpus reindex`"):
        Index.open(tmp_path / "ix")


def test_open_refuses_a_missing_stamp_or_index(tmp_path: Path) -> None:
    with pytest.raises(IndexOutdatedError, match="run `alucorpus reindex`"):
        Index.open(tmp_path / "nothing")
    Index.create(tmp_path / "ix").close()
    (tmp_path / "ix" / STAMP_FILE).unlink()
    with pytest.raises(IndexOutdatedError, match="run `alucorpus reindex`"):
        Index.open(tmp_path / "ix")


def test_a_held_write_lock_becomes_store_busy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("alucorpus.index.WRITE_TIMEOUT", 0.2)
    with Index.create(tmp_path / "ix") as index:
        other = Index.open(tmp_path / "ix")
        writer = other._ix.writer()  # another writer holds the lock
        try:
            with pytest.raises(StoreBusyError, match="being written by another process"):
                index.add([make_record()])
        finally:
            writer.cancel()
            other.close()


def test_prepare_document_is_plain_picklable_tokens() -> None:
    doc = prepare_document(make_record())
    assert pickle.loads(pickle.dumps(doc)) == doc
    assert "电解铝" in doc["body"] and "产能置换" in doc["body"]
    assert "电解" in doc["body_sub"]  # inside 电解铝
    assert doc["doc_number"][0] == "工信部联原〔2025〕62号"
    assert doc["year"] == 2025 and doc["issued_key"] == 20250311
    assert "published" not in doc  # absent values are left out for whoosh


def test_prepared_documents_index_the_same(tmp_path: Path) -> None:
    with Index.create(tmp_path / "ix") as index:
        assert index.add_prepared([prepare_document(make_record())]) == 1
        with index.searcher() as searcher:
            assert searcher.document_number(id="r1") is not None


def test_segments_number_paragraphs_per_field() -> None:
    record = make_record(paragraphs_en=("Aluminum.",), summary_en="Summary.")
    assert segments(record) == [
        ("paragraphs", 0, "严格执行电解铝行业产能置换政策。"),
        ("paragraphs_en", 0, "Aluminum."),
        ("summary_en", 0, "Summary."),
        ("attachments", 0, "铝产业高质量发展实施方案"),
        ("attachments", 1, "推动再生铝产业发展。"),
    ]


def test_bigram_field_tokens_end_characters_follow_the_bigrams() -> None:
    assert bigram_field_tokens(["电解铝，铝", "税"]) == ["电解", "解铝", "铝", "税", "铝"]


def test_body_sub_words_are_the_dictionary_words_inside_longer_words() -> None:
    doc = prepare_document(make_record())
    # 电解铝 and 产能置换 are body words; 电解, 产能 and 置换 are words inside them.
    assert {"电解", "产能", "置换"} <= set(doc["body_sub"])
    assert len(doc["body_sub"]) == len(set(doc["body_sub"]))  # each once
    assert "解铝" not in doc["body_sub"]  # not a dictionary word


def _ids(index: Index, query: object) -> set[str]:
    with index.searcher() as searcher:
        return {hit["id"] for hit in searcher.search(query, limit=None)}


def test_bigram_and_character_queries(tmp_path: Path) -> None:
    other = make_record("r2", paragraphs=("行政许可。",), attachments=())
    with Index.create(tmp_path / "ix") as index:
        index.add([make_record(), other])
        assert not index.schema["body_sub"].format.supports("positions")
        assert index.schema["title_bigram"].format.supports("positions")
        assert _ids(index, bigram_run_query("title_bigram", ["高质", "质量"])) == {"r1", "r2"}
        assert _ids(index, bigram_run_query("title_bigram", ["质量", "高质"])) == set()
        # 策 is inside the body word 政策, 可 inside 许可: found through the words.
        assert _ids(index, lone_char_query("body", "策")) == {"r1"}
        assert _ids(index, lone_char_query("body", "可")) == {"r2"}
        assert _ids(index, lone_char_query("body", "铝")) == {"r1"}  # 电解铝, 再生铝
        assert _ids(index, lone_char_query("title_bigram", "知")) == {"r1", "r2"}


def test_terms_with_char_orders_by_frequency_and_bounds(tmp_path: Path) -> None:
    records = [
        make_record("r1", paragraphs=("电解铝。铝材。",), attachments=()),
        make_record("r2", paragraphs=("电解铝。",), attachments=()),
    ]
    with Index.create(tmp_path / "ix") as index:
        index.add(records)
        with index.searcher() as searcher:
            reader = searcher.reader()
            assert terms_with_char(reader, "body", "铝", None) == ["电解铝", "铝材"]
            assert terms_with_char(reader, "body", "铝", 1) == ["电解铝"]
            assert terms_with_char(reader, "body", "钢", None) == []


def test_lone_char_query_expands_to_a_bounded_number_of_bigrams(tmp_path: Path) -> None:
    with Index.create(tmp_path / "ix") as index:
        index.add([make_record(title="税收税务税率，纳税")])
        with index.searcher() as searcher:
            reader = searcher.reader()
            # title_bigram (never filtered): 税收 税务 税率 and 税 ending 纳税.
            query = lone_char_query("title_bigram", "税")
            assert len(list(query._btexts(reader))) == 4
            query.limit = 2
            expanded = query._btexts(reader)
            assert len(expanded) == 3 and expanded[0] in ("税", "税".encode())
            assert len(searcher.search(query, limit=None)) == 1
