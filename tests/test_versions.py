"""Version chains and status (issue 13, item 2), on real LawRefBook, GOV_PRC and Taiwan files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from alucorpus import Corpus
from alucorpus.citations import STATUS_RELATIONS, build_graph, status_links
from alucorpus.errors import ParseError
from alucorpus.ingest import parse_path
from alucorpus.ingest.lawref_db import LawRow, looks_like_lawref_db, read_law_rows
from alucorpus.records import STATUSES, Record, Version
from alucorpus.versions import (
    StatusEvidence,
    assign_versions,
    chain_key,
    evidence_status,
    lawref_key,
    number_dates,
    pick_version,
    version_date,
)

Parse = Callable[[str], Record]


@pytest.fixture(scope="session")
def parse_one(shared_corpus: Path) -> Parse:
    """The one record of a corpus file (path relative to the corpus)."""
    cache: dict[str, Record] = {}

    def parse(relative: str) -> Record:
        if relative not in cache:
            (record,) = parse_path(str(shared_corpus / relative))
            cache[relative] = record
        return cache[relative]

    return parse


@pytest.fixture(scope="session")
def gov_prc(shared_corpus: Path) -> list[Record]:
    return parse_path(str(shared_corpus / "gccmpd_govprc" / "raw" / "GOV_PRC.csv"))


@pytest.fixture(scope="session")
def lawref_rows(shared_corpus: Path) -> list[LawRow]:
    return read_law_rows((shared_corpus / "lawrefbook" / "db.sqlite3").read_bytes())


@pytest.fixture(scope="session")
def lawref(lawref_rows: list[LawRow]) -> StatusEvidence:
    return StatusEvidence.build(lawref_rows)


def law(name: str) -> str:
    return f"lawrefbook/{name}.md"


MINERALS_2009 = law("经济法/矿产资源法(2009-08-27)")
MINERALS_2024 = law("经济法/矿产资源法(2024-11-08)")
LICENCE_2005 = law("行政法规/工业产品生产许可证管理条例(2005-07-09)")
LICENCE_2023 = law("行政法规/工业产品生产许可证管理条例(2023-07-20)")
MERGERS_2018 = law("行政法规/国务院关于经营者集中申报标准的规定(2018-09-18)")
MERGERS_2024 = law("行政法规/国务院关于经营者集中申报标准的规定(2024-01-22)")
TW_GHG_VERIFICATION = "tw_mojlaw_bilingual/FalVMingLing/J0100067.json"  # 溫室氣體查證實施辦法, 廢
TW_MINING = "tw_mojlaw_bilingual/FalVMingLing/J0020001.json"  # 礦業法
TW_STATISTICS = "tw_mojlaw_bilingual/FalVMingLing/T0040001.json"  # 統計法


# -- chains -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "old_date", "new_date"),
    [
        (MINERALS_2009, MINERALS_2024, "2009-08-27", "2024-11-08"),
        (LICENCE_2005, LICENCE_2023, "2005-07-09", "2023-07-20"),
        (MERGERS_2018, MERGERS_2024, "2018-09-18", "2024-01-22"),
    ],
)
def test_two_versions_make_one_chain(
    parse_one: Parse, old: str, new: str, old_date: str, new_date: str
) -> None:
    older, newer = parse_one(old), parse_one(new)
    assert chain_key(older) == chain_key(newer) is not None
    assert (version_date(older), version_date(newer)) == (old_date, new_date)
    result = assign_versions([newer, older])  # input order does not matter
    chain = (
        Version(older.id, old_date, "superseded"),
        Version(newer.id, new_date, "in_force"),
    )
    assert result[older.id] == ("superseded", chain)
    assert result[newer.id] == ("in_force", chain)


def test_chain_key_of_a_law(parse_one: Parse) -> None:
    minerals = parse_one(MINERALS_2024)
    assert minerals.title == "中华人民共和国矿产资源法"
    # The NPC and its Standing Committee are one legislature; 中华人民共和国 and a
    # trailing version note are not part of the title.
    assert chain_key(minerals) == "cn|矿产资源法|全国人大"
    assert lawref_key("中华人民共和国矿产资源法（2009年修正）") == "矿产资源法"
    assert lawref_key("《中华人民共和国矿产资源法》(2009修正)") == "矿产资源法"
    assert (
        lawref_key("医疗机构制剂配制质量管理规范（试行）") == "医疗机构制剂配制质量管理规范(试行)"
    )


def test_a_lone_version_without_evidence_is_unknown(parse_one: Parse) -> None:
    minerals = parse_one(MINERALS_2024)
    assert assign_versions([minerals]) == {
        minerals.id: ("unknown", (Version(minerals.id, "2024-11-08", "unknown"),))
    }


def test_decisions_of_one_title_are_not_versions(gov_prc: list[Record]) -> None:
    """国务院令第606号 and 第506号: two decisions amending one regulation, not two versions."""
    by_number = {r.doc_number: r for r in gov_prc if r.doc_number}
    first, second = by_number["国务院令第506号"], by_number["国务院令第606号"]
    assert first.title == second.title
    assert first.title.startswith("国务院关于修改《中华人民共和国对外合作开采陆上石油资源条例》")
    assert chain_key(first) is None and chain_key(second) is None
    result = assign_versions([first, second])
    assert result[first.id] == ("unknown", ())
    assert result[second.id] == ("unknown", ())


def test_copies_of_one_version_share_it(
    parse_one: Parse, gov_prc: list[Record], lawref: StatusEvidence
) -> None:
    """电力监管条例 as two GOV_PRC rows and a LawRefBook file: one version, not a chain."""
    rows = [r for r in gov_prc if r.title == "电力监管条例"]
    markdown = parse_one(law("行政法规/电力监管条例(2005-02-15)"))
    assert len(rows) == 2
    copies = [*rows, markdown]
    assert len({chain_key(r) for r in copies}) == 1
    result = assign_versions(copies, lawref)
    for record in copies:
        status, versions = result[record.id]
        assert status == "in_force"  # LawRefBook lists it, not expired
        assert versions == (Version(record.id, "2005-02-15", "in_force"),)


def test_taiwan_and_prc_never_share_a_chain(parse_one: Parse) -> None:
    taiwan, prc = parse_one(TW_STATISTICS), parse_one(law("经济法/统计法(2024-09-13)"))
    assert taiwan.title == "統計法" and prc.title == "中华人民共和国统计法"
    assert chain_key(taiwan) == "tw|pcode:T0040001"
    assert chain_key(prc) == "cn|统计法|全国人大"
    result = assign_versions([taiwan, prc])
    assert [v.id for v in result[taiwan.id][1]] == [taiwan.id]
    assert [v.id for v in result[prc.id][1]] == [prc.id]


# -- status evidence ----------------------------------------------------------------------------


def test_taiwan_repeal_mark(parse_one: Parse) -> None:
    repealed, current = parse_one(TW_GHG_VERIFICATION), parse_one(TW_MINING)
    assert dict(repealed.meta)["廢止註記"] == "廢"
    assert "廢止註記" not in dict(current.meta)
    assert version_date(repealed) == "2019-05-20"  # 最新異動日期
    result = assign_versions([repealed, current])
    assert result[repealed.id][0] == "repealed"
    assert result[current.id][0] == "in_force"  # the database holds current law only


def test_taiwan_pair_keeps_the_mark(shared_corpus: Path) -> None:
    """The joined Chinese and English record of a repealed law is repealed too."""
    folder = shared_corpus / "tw_mojlaw_bilingual"
    paths = [str(folder / side / "J0100067.json") for side in ("FalVMingLing", "Eng_FalVMingLing")]
    records = [r for _, rs in Corpus.parse(paths) if not isinstance(rs, str) for r in rs]
    (joint,) = records
    assert joint.paragraphs_en
    assert assign_versions([joint])[joint.id][0] == "repealed"


def test_lawref_database_evidence(parse_one: Parse, lawref: StatusEvidence) -> None:
    quality = parse_one(law("行政法规/工业产品质量责任条例(1986-04-05)"))
    assert evidence_status(quality, lawref)[0] == "repealed"  # expired, no later version
    # The database lists the 2024 矿产资源法: the 2009 text alone is superseded (its own
    # expired flag was never set).
    minerals = parse_one(MINERALS_2009)
    status, reasons = evidence_status(minerals, lawref)
    assert status == "superseded"
    assert reasons == ["LawRefBook: a later version dated 2024-11-08"]
    assert assign_versions([minerals], lawref)[minerals.id][0] == "superseded"
    newest = parse_one(MINERALS_2024)
    assert assign_versions([newest], lawref)[newest.id][0] == "in_force"
    # The database drops 中华人民共和国 inside a name too (国际航行船舶进出口岸检查办法).
    ships = parse_one(law("行政法规/国际航行船舶进出口岸检查办法(2019-03-02)"))
    assert ships.title == "国际航行船舶进出中华人民共和国口岸检查办法"
    assert evidence_status(ships, lawref)[0] == "in_force"


def test_repeal_found_by_the_citation_graph(
    parse_one: Parse, lawref: StatusEvidence, lawref_rows: list[LawRow]
) -> None:
    """煤矿安全生产条例 (2024): 《煤矿安全监察条例》和《…特别规定》同时废止."""
    new = parse_one(law("行政法规/煤矿安全生产条例(2024-01-24)"))
    old = parse_one(law("行政法规/煤矿安全监察条例(2013-07-18)"))
    # LawRefBook's database still lists the old regulation as not expired.
    assert assign_versions([old], lawref)[old.id][0] == "in_force"
    graph = build_graph([new, old])
    evidence = StatusEvidence.build(lawref_rows, graph.links)
    result = assign_versions([new, old], evidence)
    assert result[old.id][0] == "repealed"
    assert result[new.id][0] == "in_force"
    assert chain_key(old) != chain_key(new)
    (act,) = evidence.repeals[old.id]
    assert act.source == new.id and "同时废止" in act.context


def test_amendment_before_the_version_changes_nothing(
    parse_one: Parse, gov_prc: list[Record], lawref_rows: list[LawRow]
) -> None:
    """The 2007 and 2011 decisions amend 对外合作开采陆上石油资源条例; LawRefBook's text is
    of 2013, after both: it stays in force."""
    regulation = parse_one(law("行政法规/对外合作开采陆上石油资源条例(2013-07-18)"))
    decisions = [r for r in gov_prc if r.doc_number in ("国务院令第506号", "国务院令第606号")]
    documents = [regulation, *decisions]
    evidence = StatusEvidence.build(lawref_rows, build_graph(documents).links)
    dates = sorted(act.date or "" for act in evidence.amendments[regulation.id])
    assert dates[0] == "2007-09-18" and dates[-1] == "2011-09-30"
    assert assign_versions(documents, evidence)[regulation.id][0] == "in_force"


def test_planned_amendments_are_not_evidence(gov_prc: list[Record], parse_one: Parse) -> None:
    """抓紧修订《电力供应与使用条例》 plans an amendment: only an amending act counts."""
    regulation = parse_one(law("行政法规/电力供应与使用条例(2019-03-02)"))
    links = build_graph([*gov_prc, regulation]).links
    planned = [
        link for link in links if link.relation == "amendment" and regulation.id in link.targets
    ]
    assert planned  # the graph finds them ...
    assert regulation.id not in StatusEvidence.build((), links).amendments  # ... they don't count


def test_every_status_is_a_known_one(shared_corpus: Path, lawref_rows: list[LawRow]) -> None:
    records = [
        r
        for _, rs in Corpus.parse([str(shared_corpus / "lawrefbook")])
        if not isinstance(rs, str)
        for r in rs
    ]
    evidence = StatusEvidence.build(lawref_rows, build_graph(records).links)
    result = assign_versions(records, evidence)
    assert set(result) == {r.id for r in records}
    assert {status for status, _ in result.values()} <= set(STATUSES)
    for record in records:
        status, versions = result[record.id]
        if versions:
            assert record.id in [v.id for v in versions]
            assert [v.date for v in versions] == sorted(v.date or "" for v in versions)
            assert next(v.status for v in versions if v.id == record.id) == status
    # The repeals the 2024 regulations state: 两用物项出口管制条例 ends three.
    repealed = {r.title for r in records if result[r.id][0] == "repealed"}
    assert {
        "中华人民共和国导弹及相关物项和技术出口管制条例",
        "中华人民共和国核两用品及相关技术出口管制条例",
        "中华人民共和国生物两用品及相关设备和技术出口管制条例",
        "中华人民共和国资源税暂行条例",
        "煤矿安全监察条例",
    } <= repealed


# -- LawRefBook's database ----------------------------------------------------------------------


def test_lawref_db_rows(shared_corpus: Path, lawref_rows: list[LawRow]) -> None:
    data = (shared_corpus / "lawrefbook" / "db.sqlite3").read_bytes()
    assert looks_like_lawref_db(data)
    assert len(lawref_rows) == 1560
    assert sum(row.expired for row in lawref_rows) == 86
    quality = [row for row in lawref_rows if row.name == "工业产品质量责任条例"]
    assert quality == [LawRow("工业产品质量责任条例", "行政法规", "1986-04-05", None, True)]
    minerals = [row for row in lawref_rows if row.name == "矿产资源法"]
    assert [(r.publish, r.valid_from, r.expired) for r in minerals] == [
        ("2009-08-27", "2009-08-27", False),
        ("2024-11-08", None, False),
    ]


def test_lawref_db_refuses_other_bytes(shared_corpus: Path) -> None:
    markdown = (shared_corpus / MINERALS_2024).read_bytes()
    assert not looks_like_lawref_db(markdown)
    with pytest.raises(ParseError, match="not an SQLite database"):
        read_law_rows(markdown)
    truncated = (shared_corpus / "lawrefbook" / "db.sqlite3").read_bytes()[:4096]
    assert not looks_like_lawref_db(truncated)
    with pytest.raises(ParseError):
        read_law_rows(truncated)


def test_lawref_db_needs_the_law_table() -> None:
    import sqlite3

    connection = sqlite3.connect(":memory:")
    connection.execute("CREATE TABLE law (id TEXT, name TEXT)")
    data = connection.serialize()
    connection.close()
    assert not looks_like_lawref_db(data)
    with pytest.raises(ParseError, match="lacks level, publish, valid_from, expired"):
        read_law_rows(data)


# -- which version a citation names -------------------------------------------------------------


@pytest.fixture(scope="session")
def licence_chain(parse_one: Parse) -> tuple[tuple[Version, ...], dict[str, str], list[Record]]:
    records = [parse_one(LICENCE_2005), parse_one(LICENCE_2023)]
    versions = assign_versions(records)[records[0].id][1]
    return versions, number_dates(records), records


def test_number_dates_from_the_history(
    licence_chain: tuple[tuple[Version, ...], dict[str, str], list[Record]],
) -> None:
    _, numbers, records = licence_chain
    # Both files carry 国务院令第440号 (the 2023 revision has no decree of its own).
    assert {r.doc_number for r in records} == {"国务院令第440号"}
    assert numbers == {"国务院令第440号": "2005-07-09"}


@pytest.mark.parametrize(
    ("kwargs", "year"),
    [
        ({"number": "国务院令第440号"}, "2005"),
        ({"number": "中华人民共和国国务院令第440号"}, "2005"),
        ({"date": "2005年"}, "2005"),
        ({"date": "2005年7月9日"}, "2005"),
        ({"date": "2023-07-20"}, "2023"),
        ({"date": "2010年"}, "2005"),  # the version in force then
        ({"at": "2010-03-01"}, "2005"),
        ({"at": "2024-01-01"}, "2023"),
        ({"at": "1999-01-01"}, "2005"),  # before the chain: its oldest version
        ({"date": "1990年", "at": "2024-05-01"}, "2023"),  # no such version: the citing date
        ({}, "2023"),  # nothing says: the newest
    ],
)
def test_pick_version(
    licence_chain: tuple[tuple[Version, ...], dict[str, str], list[Record]],
    kwargs: dict[str, str],
    year: str,
) -> None:
    versions, numbers, _ = licence_chain
    picked = pick_version(versions, numbers=numbers, **kwargs)
    assert next(v.date for v in versions if v.id == picked).startswith(year)


def test_pick_version_by_a_revision_decree(parse_one: Parse) -> None:
    """国务院令第773号 is the 2024 revision of the 经营者集中 rules; 第529号 the 2008 text,
    older than the corpus's chain."""
    records = [parse_one(MERGERS_2018), parse_one(MERGERS_2024)]
    versions = assign_versions(records)[records[0].id][1]
    numbers = number_dates(records)
    assert numbers["国务院令第773号"] == "2024-01-22"
    assert numbers["国务院令第529号"] == "2008-08-03"
    ids = {v.date: v.id for v in versions}
    assert pick_version(versions, "国务院令第773号", numbers=numbers) == ids["2024-01-22"]
    assert (
        pick_version(versions, "国务院令第529号", numbers=numbers, at="2019-06-01")
        == (ids["2018-09-18"])
    )
    assert pick_version(versions, "国务院令第529号", numbers=numbers) == ids["2024-01-22"]
    with pytest.raises(ValueError, match="no versions"):
        pick_version(())


def test_lawref_db_unchanged_on_reingest_and_full_reindex(
    shared_corpus: Path, tmp_path: Path
) -> None:
    """The database is status rows, not documents; the same bytes again are 'unchanged'."""
    corpus = Corpus(tmp_path / "home")
    db = str(shared_corpus / "lawrefbook" / "db.sqlite3")
    assert [o.status for o in corpus.ingest([db]).outcomes] == ["added"]
    assert [o.status for o in corpus.ingest([db]).outcomes] == ["unchanged"]
    assert [o.status for o in corpus.reindex(full=True).outcomes] == ["unchanged"]
    assert list(corpus.copies()) == []


def test_status_links_are_the_graphs_repeals_and_amendments(
    shared_corpus: Path, gov_prc: list[Record]
) -> None:
    """What statuses read (status_links) is what the whole graph says, on real documents."""
    laws = [
        record
        for path in sorted((shared_corpus / "lawrefbook" / "行政法规").glob("*.md"))
        for record in parse_path(str(path))
    ]
    documents = [*laws, *gov_prc]
    graph = [link for link in build_graph(documents).links if link.relation in STATUS_RELATIONS]
    assert status_links(documents) == graph
    assert {link.relation for link in graph} == {"repeal", "amendment"}
