"""Documents, not copies: identity keys, grouping, merging, and the store's documents."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from alucorpus import Corpus
from alucorpus.documents import (
    body_fingerprint,
    comparable_title,
    comparable_url,
    group_copies,
    identity_of,
    merge_copies,
)
from alucorpus.ingest import parse_path
from alucorpus.records import Record

GOV_PRC = "gccmpd_govprc/raw/GOV_PRC.csv"
GOV_PRC_JSONL = "gccmpd_govprc/derived/gov_prc_zh_en.jsonl"
POWER_LAW = "lawrefbook/行政法规/电力监管条例(2005-02-15).md"


def _rows(path: Path, rows: set[int]) -> list[Record]:
    return [r for r in parse_path(str(path)) if int(r.source.rsplit("=", 1)[1]) in rows]


def _documents_with(corpus: Corpus, title: str) -> list[Record]:
    return [r for r in corpus.records() if r.title == title]


# -- identity ----------------------------------------------------------------------------------


def test_comparable_forms() -> None:
    assert comparable_title("國務院關於《礦產資源法》 的通知") == "国务院关于矿产资源法的通知"
    assert comparable_url("https://WWW.GOV.CN/a/b.htm/#x") == "www.gov.cn/a/b.htm"
    assert comparable_url("http://www.gov.cn/a/b.htm") == comparable_url(
        "https://www.gov.cn/a/b.htm"
    )


def test_an_empty_body_is_no_identity(shared_corpus: Path) -> None:
    """GOV_PRC's rows without a body (8 of 108) must not all be "the same text"."""
    empty = [r for r in parse_path(str(shared_corpus / GOV_PRC)) if not r.text.strip()]
    assert len(empty) >= 2
    assert {body_fingerprint(r) for r in empty} == {None}


def test_a_law_database_version_meets_only_copies_of_its_date(shared_corpus: Path) -> None:
    (law,) = parse_path(str(shared_corpus / POWER_LAW))
    keys = identity_of(law).keys
    assert "n:国务院令第432号|电力监管条例|2005-02-15" in keys
    assert "n:国务院令第432号|电力监管条例" not in keys  # an undated key would join versions


# -- grouping on real copies ---------------------------------------------------------------------


def test_power_regulation_five_copies_one_document(shared_corpus: Path) -> None:
    """电力监管条例: two GOV_PRC.csv rows, their two JSON Lines twins and LawRefBook's file."""
    copies = (
        _rows(shared_corpus / GOV_PRC, {95, 100})
        + _rows(shared_corpus / GOV_PRC_JSONL, {95, 100})
        + parse_path(str(shared_corpus / POWER_LAW))
    )
    assert len(copies) == 5
    (group,) = group_copies(copies)
    document = merge_copies(group)
    assert len(document.copies) == 5
    sources = dict(document.field_sources)
    by_id = {c.id: c for c in document.copies}
    # LawRefBook's structured articles beat a flattened row a few characters longer.
    assert by_id[sources["body"]].format == "markdown_law"
    assert document.paragraphs[0] == "第一章 总则"
    assert by_id[sources["title"]].format == "markdown_law"
    # The machine-translated English comes from a JSON Lines row (the CSV has none).
    assert by_id[sources["english"]].source.endswith(GOV_PRC_JSONL + "#row=95")
    assert document.en_machine_translated
    assert document.title_en
    assert document.url == "http://www.gov.cn/zhengce/content/2008-03/28/content_2689.htm"
    assert document.id == min(c.id for c in copies)


def test_versions_sharing_a_decree_number_stay_apart(shared_corpus: Path) -> None:
    """工业产品生产许可证管理条例 2005 and 2023 both print 国务院令第440号."""
    folder = shared_corpus / "lawrefbook" / "行政法规"
    old = parse_path(str(folder / "工业产品生产许可证管理条例(2005-07-09).md"))
    new = parse_path(str(folder / "工业产品生产许可证管理条例(2023-07-20).md"))
    assert old[0].doc_number == new[0].doc_number == "国务院令第440号"
    assert len(group_copies(old + new)) == 2


def test_two_decisions_with_one_title_stay_apart(shared_corpus: Path) -> None:
    """国务院关于修改《中华人民共和国对外合作开采陆上石油资源条例》的决定: 令第606号, 第506号."""
    rows = _rows(shared_corpus / GOV_PRC, {56, 69})
    assert rows[0].title == rows[1].title
    assert {r.doc_number for r in rows} == {"国务院令第606号", "国务院令第506号"}
    assert len(group_copies(rows)) == 2


def test_a_row_repeated_inside_one_csv_is_one_document(shared_corpus: Path) -> None:
    rows = _rows(shared_corpus / GOV_PRC, {95, 100})
    assert len(group_copies(rows)) == 1


def test_aluminium_page_and_its_derived_text_are_one_document(shared_corpus: Path) -> None:
    page = parse_path(str(next((shared_corpus / "aluminium" / "raw").rglob("*.jsp"))))
    text = parse_path(
        str(shared_corpus / "aluminium" / "derived" / "gongxinbu_lianyuan_2011_177_notice.txt")
    )
    (group,) = group_copies(page + text)
    assert merge_copies(group).doc_number == "工信部联原〔2011〕177号"


# -- the whole corpus, as a user ingests it --------------------------------------------------------


def test_whole_corpus_one_hit_for_the_power_regulation(whole_corpus: Corpus) -> None:
    results = whole_corpus.search("电力监管条例", limit=20)
    same = [h for h in results.hits if h.title == "电力监管条例"]
    assert len(same) == 1
    assert len(same[0].copies) == 5
    assert {c.format for c in same[0].copies} == {"markdown_law", "table"}
    assert whole_corpus.get(same[0].copies[-1].id).id == same[0].id  # any copy's id finds it


def test_whole_corpus_no_result_page_repeats_a_document(whole_corpus: Corpus) -> None:
    for query in ("电解铝", "矿产资源", "稀土", "rare earth", "electricity", "国务院 通知"):
        hits = whole_corpus.search(query, limit=50).hits
        keys = [(h.doc_number, h.title) for h in hits if h.doc_number]
        assert len(keys) == len(set(keys)), query


def test_whole_corpus_every_govcn_page_is_one_document(whole_corpus: Corpus) -> None:
    """The 60 gov.cn pages come as two SQL dumps, 60 HTML fragments and records.jsonl."""
    pages = [
        d
        for d in whole_corpus.records()
        if any(c.source.endswith(".html") and "html_fragments" in c.source for c in d.copies)
    ]
    assert len(pages) == 60  # MANIFEST.md: 60 distinct www.gov.cn pages
    for document in pages:
        formats = {c.format for c in document.copies}
        assert {"govcn_html", "sql_dump", "table"} <= formats, document.title
        by_id = {c.id: c for c in document.copies}
        # The dates come from the metadata table, not records.jsonl's wrong columns.
        assert by_id[dict(document.field_sources)["dates"]].format in {"govcn_html", "sql_dump"}


def test_stats_count_documents_and_copies(whole_corpus: Corpus) -> None:
    stats = whole_corpus.stats()
    assert stats["documents"] == sum(1 for _ in whole_corpus.records())
    assert stats["copies"] == sum(1 for _ in whole_corpus.copies())
    assert stats["copies"] > stats["documents"]


# -- the store keeps documents in step with their copies ----------------------------------------


def test_removing_a_copy_rebuilds_its_document(tmp_path: Path, shared_corpus: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(shared_corpus / POWER_LAW, inputs / "power.md")
    shutil.copy(shared_corpus / GOV_PRC, inputs / "GOV_PRC.csv")
    corpus = Corpus(tmp_path / "home")
    corpus.ingest([str(inputs)])
    (document,) = _documents_with(corpus, "电力监管条例")
    assert len(document.copies) == 3  # the law and two CSV rows

    (tmp_path / "home" / "raw" / "in" / "power.md").unlink()
    report = corpus.reindex()
    assert report.removed == 1
    (document,) = _documents_with(corpus, "电力监管条例")
    assert {c.format for c in document.copies} == {"table"}
    hits = [h for h in corpus.search("电力监管条例").hits if h.title == "电力监管条例"]
    assert [h.id for h in hits] == [document.id]  # the index followed, no stale hit


@pytest.mark.parametrize("full", [False, True])
def test_sources_stay_as_first_given_across_reindex(
    tmp_path: Path, seeds: Path, full: bool
) -> None:
    corpus = Corpus(tmp_path / "home")
    corpus.ingest([str(seeds)])
    before = sorted(c.source for c in corpus.copies())
    corpus.reindex(full=full)
    after = sorted(c.source for c in corpus.copies())
    assert after == before
    assert all(s.startswith(str(seeds)) for s in after)


# -- versions and status over the whole corpus ---------------------------------------------------


def _mineral_resources_law(corpus: Corpus) -> tuple[Record, Record]:
    old, new = sorted(_documents_with(corpus, "中华人民共和国矿产资源法"), key=lambda r: r.issued)
    return old, new


def test_mineral_resources_law_versions(whole_corpus: Corpus) -> None:
    """LawRefBook's 矿产资源法(2009-08-27).md and (2024-11-08).md: one chain."""
    old, new = _mineral_resources_law(whole_corpus)
    assert (old.issued, new.issued) == ("2009-08-27", "2024-11-08")
    assert (old.status, new.status) == ("superseded", "in_force")
    assert [v.id for v in old.versions] == [v.id for v in new.versions] == [old.id, new.id]
    hits = whole_corpus.search("矿产资源法", limit=5).hits
    ranks = [h.id for h in hits]
    assert ranks.index(new.id) < ranks.index(old.id)
    assert {h.id: h.status for h in hits}[old.id] == "superseded"


def test_citations_point_at_the_version_in_force_when_cited(whole_corpus: Corpus) -> None:
    """Every corpus document citing 矿产资源法 predates 2024: none cites the 2024 text."""
    old, new = _mineral_resources_law(whole_corpus)
    citing_old = whole_corpus.cited_by(old.id)
    assert citing_old
    assert all((link.source_date or "") < new.issued for link in citing_old)
    assert whole_corpus.cited_by(new.id) == []


def test_lawrefbook_database_is_status_not_a_document(whole_corpus: Corpus) -> None:
    assert not [c for c in whole_corpus.copies() if c.source.endswith("db.sqlite3")]
    statuses = {d.status for d in whole_corpus.records() if d.format == "markdown_law"}
    assert "in_force" in statuses and "repealed" in statuses


@pytest.mark.parametrize(("as_of", "standing"), [("2015", "2009-08-27"), ("2025-01", "2024-11-08")])
def test_as_of_searches_the_corpus_as_it_stood(
    whole_corpus: Corpus, as_of: str, standing: str
) -> None:
    old, new = _mineral_resources_law(whole_corpus)
    results = whole_corpus.search("矿产资源法", as_of=as_of, limit=100)
    found = {h.id for h in results.hits}
    assert ({old.id, new.id} & found) == {old.id if standing == old.issued else new.id}
    # Nothing dated after the day, and nothing undated, is in the corpus as it stood.
    last = as_of + ("-12-31" if len(as_of) == 4 else "-31")
    assert all(h.issued_year and (h.issued or str(h.issued_year)) <= last for h in results.hits)
    assert results.total < whole_corpus.search("矿产资源法", limit=0).total
