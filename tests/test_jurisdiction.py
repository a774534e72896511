"""Jurisdictions (national, taiwan, a province or city, unknown) on the real corpus.

Each rule of :func:`alucorpus.departments.jurisdiction_of` is shown on a real file; the
filter, the facet and the Taiwan/PRC department split on a small corpus of real files
(mainland and Taiwan mixed), and ``alucorpus search --jurisdiction`` through click.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from alucorpus import Corpus
from alucorpus.cli import main
from alucorpus.departments import (
    NATIONAL,
    TAIWAN,
    UNKNOWN,
    department_en,
    jurisdiction_en,
    jurisdiction_of,
    jurisdiction_within,
    lookup_place,
    province_of,
    resolve_jurisdiction,
    split_qualifier,
)
from alucorpus.errors import QueryError
from alucorpus.ingest import parse_path
from alucorpus.records import Record
from alucorpus.search import build_filter, build_query

PKULAW = {
    "xinyu_yufufa_2012_3_FBM-CLI.12.748997.txt": "新余市",
    "xinjiang_zjj_2012_24_FBM-CLI.12.1075244.txt": "新疆维吾尔自治区",
    "haikou_swj_2020_02_FBM-CLI.12.7186154.txt": "海口市",
}
TW = "tw_mojlaw_bilingual/FalVMingLing"
TW_EN = "tw_mojlaw_bilingual/Eng_FalVMingLing"
GOVCN_PAGE = "govcn_zhouynf_sql/derived/html_fragments/content_5338761.html"


def one(path: Path) -> Record:
    records = parse_path(str(path))
    assert len(records) == 1, path
    return records[0]


# -- the rules, file by file ----------------------------------------------------------------------


@pytest.mark.parametrize(("name", "place"), sorted(PKULAW.items()))
def test_pkulaw_local_documents(shared_corpus: Path, name: str, place: str) -> None:
    """The three pkulaw exports: no departments parsed, so the title line of the body
    (新余市人民政府办公室关于…, 新疆维吾尔自治区质监局关于…, 海口市水务局关于…) places them."""
    record = one(shared_corpus / "pkulaw_exports" / "raw" / name)
    assert record.departments == ()  # what the plain-text reader gets today
    assert record.jurisdiction == place  # set by ingest's finishing step
    assert jurisdiction_of(record) == place


def test_local_places_in_english_and_their_provinces() -> None:
    assert jurisdiction_en("新余市") == "Xinyu (Jiangxi)"
    assert jurisdiction_en("海口市") == "Haikou (Hainan)"
    assert jurisdiction_en("新疆维吾尔自治区") == "Xinjiang"
    assert jurisdiction_en("山西省") == "Shanxi"
    assert jurisdiction_en(NATIONAL) == "PRC (national)"
    assert jurisdiction_en(TAIWAN) == "Taiwan"
    assert jurisdiction_en("无锡市") == ""  # recognised by name only, not tabled
    assert province_of("新余市") == "江西省"
    assert province_of("海南省") == "海南省"
    assert province_of(NATIONAL) is None
    assert jurisdiction_within("新余市") == ["新余市", "江西省"]
    assert jurisdiction_within(TAIWAN) == [TAIWAN]


def test_document_number_codes(shared_corpus: Path) -> None:
    """余府发 is 新余市; 新政办发 (cited by the Xinjiang notice) is 新疆; 国发 is national."""
    xinyu = one(shared_corpus / "pkulaw_exports/raw/xinyu_yufufa_2012_3_FBM-CLI.12.748997.txt")
    xinjiang = one(shared_corpus / "pkulaw_exports/raw/xinjiang_zjj_2012_24_FBM-CLI.12.1075244.txt")
    assert "余府发〔2012〕3号" in xinyu.cites
    assert "新政办发〔2010〕79号" in xinjiang.cites
    bare = Record(id="x", source="x", format="plaintext", lang="zh", sha256="")
    for number, place in (
        ("余府发〔2012〕3号", "新余市"),
        ("新政办发〔2010〕79号", "新疆维吾尔自治区"),
        ("国发〔1991〕5号", NATIONAL),
        ("工信部联原〔2011〕177号", NATIONAL),
    ):
        assert jurisdiction_of(bare.with_changes(doc_number=number)) == place, number


def test_number_without_departments_is_national(shared_corpus: Path) -> None:
    """The MIIT aluminium notice as text: no issuer line, only 工信部联原〔2011〕177号."""
    record = one(shared_corpus / "aluminium/derived/gongxinbu_lianyuan_2011_177_notice.txt")
    assert record.departments == ()
    assert record.doc_number == "工信部联原〔2011〕177号"
    assert record.jurisdiction == NATIONAL


def test_taiwan_law_database(shared_corpus: Path) -> None:
    mining = one(shared_corpus / TW / "J0020001.json")  # 礦業法: a statute, no departments
    assert mining.format == "tw_moj" and mining.departments == ()
    assert mining.jurisdiction == TAIWAN
    customs = one(shared_corpus / TW / "G0350005.json")  # 海關管理保稅工廠辦法, by 財政部
    assert customs.departments == ("财政部",)
    assert customs.jurisdiction == TAIWAN
    assert department_en("财政部", TAIWAN) == "Ministry of Finance"
    vehicles = one(shared_corpus / TW / "J0130009.json")  # 經濟部 and 交通部
    assert department_en("交通部", TAIWAN) == "Ministry of Transportation and Communications"
    assert department_en("交通部") == "Ministry of Communications"  # the PRC's, until 2008
    assert vehicles.jurisdiction == TAIWAN


def test_shared_names_follow_the_script(shared_corpus: Path) -> None:
    """财政部 alone names either government: a Traditional-script record outside the
    Taiwan database is Taiwan's, a Simplified one the PRC's; 經濟部 is Taiwan's anyway."""
    customs = one(shared_corpus / TW / "G0350005.json")
    assert customs.script == "traditional"
    page = customs.with_changes(format="html", jurisdiction="")
    assert jurisdiction_of(page) == TAIWAN
    assert jurisdiction_of(page.with_changes(script="simplified")) == NATIONAL
    vehicles = one(shared_corpus / TW / "J0130009.json").with_changes(
        format="html", script="simplified"
    )
    assert vehicles.departments[0] == "经济部"
    assert jurisdiction_of(vehicles) == TAIWAN


def test_taiwan_cities_are_taiwan(shared_corpus: Path) -> None:
    """A Taiwan city government is Taiwan, not a PRC city (no real example: a real
    Traditional record with the issuer replaced)."""
    record = one(shared_corpus / TW / "G0350005.json").with_changes(
        format="html", departments=("臺北市政府",), jurisdiction=""
    )
    assert jurisdiction_of(record) == TAIWAN


def test_govcn_pages_and_tables_are_national(shared_corpus: Path) -> None:
    page = one(shared_corpus / GOVCN_PAGE)
    assert page.format == "govcn_html" and page.departments
    assert page.jurisdiction == NATIONAL
    rows = parse_path(str(shared_corpus / "gccmpd_govprc/raw/GOV_PRC.csv"))
    assert len(rows) >= 100
    assert {r.jurisdiction for r in rows} == {NATIONAL}
    gazette = one(shared_corpus / "gne_testpages/tests/other/1.html")  # 国务院公报, NPCSC
    assert gazette.jurisdiction == NATIONAL


def test_a_national_law_on_another_site(shared_corpus: Path) -> None:
    """中华人民共和国监察法 on a university site: no issuer, but the title says national."""
    record = one(shared_corpus / "gne_testpages/tests/sxmu/1.html")
    assert record.departments == () and record.title == "中华人民共和国监察法"
    assert record.jurisdiction == NATIONAL


@pytest.mark.parametrize(
    "path",
    [
        "gne_testpages/tests/shanxi/1.html",  # a 山西省 portal news item: no issuer kept
        "gne_testpages/tests/people/1.html",
        "gne_testpages/tests/163/9.html",
        "chardet_legacy_cjk/tests/Big5/sinica.edu.tw.xml",  # Traditional, a Taiwan blog
    ],
)
def test_no_issuer_is_unknown_not_national(shared_corpus: Path, path: str) -> None:
    assert one(shared_corpus / path).jurisdiction == UNKNOWN


def test_nothing_is_left_empty_after_parsing(shared_corpus: Path) -> None:
    folders = ["pkulaw_exports/raw", "gne_testpages/tests", "aluminium", "lawrefbook/部门规章"]
    parsed = list(Corpus.parse([str(shared_corpus / f) for f in folders]))
    # aluminium's SOURCE_FILES.tsv (a table of file names) and its annotation JSON are
    # not documents, so they give no records.
    not_documents = sorted(Path(p).name for p, r in parsed if isinstance(r, str))
    assert not_documents == ["SOURCE_FILES.tsv", "gongxinbu_lianyuan_2011_177.json"]
    for _path, records in parsed:
        if not isinstance(records, str):
            assert all(r.jurisdiction for r in records)


# -- what users type ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("national", NATIONAL),
        ("PRC", NATIONAL),
        ("中央", NATIONAL),
        ("taiwan", TAIWAN),
        ("Taiwan", TAIWAN),
        ("台灣", TAIWAN),
        ("臺灣", TAIWAN),
        ("台湾", TAIWAN),
        ("海南", "海南省"),
        ("Hainan", "海南省"),
        ("hainan province", "海南省"),
        ("新疆", "新疆维吾尔自治区"),
        ("新疆維吾爾自治區", "新疆维吾尔自治区"),
        ("Xinyu", "新余市"),
        ("Xinyu (Jiangxi)", "新余市"),
        ("新余", "新余市"),
        ("臺北市", TAIWAN),
        ("无锡市", "无锡市"),  # not tabled: taken as written
        ("unknown", UNKNOWN),
        ("Atlantis", None),
    ],
)
def test_resolve_jurisdiction(typed: str, value: str | None) -> None:
    assert resolve_jurisdiction(typed) == value


def test_places_table() -> None:
    for typed, name in (("Shaanxi", "陕西省"), ("Shanxi", "山西省"), ("內蒙古", "内蒙古自治区")):
        place = lookup_place(typed)
        assert place is not None and place.name == name
    assert lookup_place("") is None


def test_qualifier() -> None:
    assert split_qualifier("财政部 (Taiwan)") == ("财政部", True)
    assert split_qualifier("財政部（台灣）") == ("財政部", True)
    assert split_qualifier("财政部") == ("财政部", False)


def test_unknown_jurisdiction_is_a_query_error() -> None:
    with pytest.raises(QueryError, match="unknown jurisdiction"):
        build_filter(jurisdiction="Atlantis")
    with pytest.raises(QueryError, match="unknown jurisdiction"):
        build_query("jurisdiction:Atlantis")


# -- on a small corpus: filter, facet, departments kept apart -------------------------------------

FILES = (
    *(f"pkulaw_exports/raw/{name}" for name in PKULAW),
    f"{TW}/J0020001.json",
    f"{TW_EN}/J0020001.json",
    f"{TW}/G0350005.json",
    f"{TW}/J0130009.json",
    f"{TW}/O0020108.json",
    GOVCN_PAGE,
    "gccmpd_govprc/raw/GOV_PRC.csv",
    "gne_testpages/tests/sxmu/1.html",
    "gne_testpages/tests/shanxi/1.html",
)


@pytest.fixture(scope="module")
def corpus(shared_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    home = tmp_path_factory.mktemp("jurisdiction")
    corpus = Corpus(home)
    report = corpus.ingest([str(shared_corpus / f) for f in FILES])
    assert not report.failed, [o.error for o in report.failed]
    yield corpus
    corpus.close()


def test_facet_counts_every_jurisdiction(corpus: Corpus) -> None:
    every = corpus.search("jurisdiction:national OR jurisdiction:taiwan OR 水土保持 OR 通知")
    facet = every.facets["jurisdiction"]
    assert facet[TAIWAN] == 4  # 礦業法 (one bilingual document), G0350005, J0130009, O0020108
    assert facet[NATIONAL] >= 100  # GOV_PRC rows, the gov.cn page, 监察法
    assert facet["新余市"] == 1 and facet["新疆维吾尔自治区"] == 1 and facet["海口市"] == 1
    assert sum(facet.values()) == every.total  # one jurisdiction a document


def test_jurisdiction_filter(corpus: Corpus) -> None:
    taiwan = corpus.search("法", jurisdiction="台灣", limit=20)
    assert taiwan.total == 4
    assert all(h.source.endswith(".json") for h in taiwan.hits)
    assert set(taiwan.facets["jurisdiction"]) == {TAIWAN}
    assert corpus.search("法", jurisdiction="Taiwan").total == 4
    hainan = corpus.search("水土保持", jurisdiction="Hainan")  # 海口市 is in 海南省
    assert [h.source.rsplit("/", 1)[-1] for h in hainan.hits] == [
        "haikou_swj_2020_02_FBM-CLI.12.7186154.txt"
    ]
    assert corpus.search("水土保持", jurisdiction="海口").total == 1
    assert (
        corpus.search("水土保持", jurisdiction="national").facets["jurisdiction"].get("海口市")
        is None
    )
    assert corpus.search("绿色建筑", jurisdiction="江西").total == 1  # 新余市's 办法
    prefixed = corpus.search("绿色建筑 jurisdiction:Jiangxi")
    assert prefixed.total == 1
    assert corpus.search("jurisdiction:unknown").total == 1  # the 山西 portal's news item


def test_department_facet_keeps_taiwan_apart(corpus: Corpus) -> None:
    results = corpus.search("jurisdiction:national OR jurisdiction:taiwan")
    departments = results.facets["department"]
    assert departments["财政部 (Taiwan)"] == 1
    assert departments["交通部 (Taiwan)"] == 2
    assert departments["经济部 (Taiwan)"] == 2
    assert "财政部" not in departments and "交通部" not in departments
    assert departments["国务院"] >= 60  # the PRC's bodies as before, unqualified


def test_dept_means_the_prc_body_unless_taiwan_is_asked(corpus: Corpus) -> None:
    assert corpus.search("法", departments=["财政部"]).total == 0  # no PRC 财政部 document
    for asked in (
        corpus.search("法", departments=["财政部"], jurisdiction="taiwan"),
        corpus.search("法", departments=["财政部 (Taiwan)"]),
        corpus.search("法", departments=["財政部（台灣）"]),
        corpus.search("jurisdiction:taiwan dept:财政部"),
        corpus.search('dept:"财政部 (Taiwan)"'),
    ):
        assert [h.source.rsplit("/", 1)[-1] for h in asked.hits] == ["G0350005.json"]
    assert corpus.search("dept:财政部").total == 0
    # Names only Taiwan has find Taiwan's agency without asking.
    assert corpus.search("法", departments=["经济部"]).total == 2
    assert corpus.search("dept:经济部").total == 2
    assert corpus.search('dept:"Ministry of Transportation and Communications"').total == 2
    # And the PRC's bodies are unchanged.
    assert corpus.search("dept:国务院").total >= 60
    assert corpus.search("dept:国务院", jurisdiction="taiwan").total == 0


def test_kwic_and_trend_take_the_filter(corpus: Corpus) -> None:
    assert corpus.kwic("绿色建筑", jurisdiction="新余市").lines
    assert not corpus.kwic("绿色建筑", jurisdiction="taiwan").lines

    def documents(**options: Any) -> int:
        return sum(row.documents for row in corpus.trend(["矿业"], **options).rows)

    everywhere, taiwan, national = (
        documents(),
        documents(jurisdiction="taiwan"),
        documents(jurisdiction="national"),
    )
    assert taiwan > 0 and national > 0
    assert taiwan + national <= everywhere


def test_evaluator_agrees_with_whoosh(
    corpus: Corpus, whoosh_matches: Callable[[Any, Any], set[int]]
) -> None:
    from alucorpus.search.evaluate import evaluate

    index = corpus.open_index()
    try:
        with index.searcher() as searcher:
            for query in (
                "jurisdiction:taiwan",
                "jurisdiction:江西 OR jurisdiction:海南",
                "jurisdiction:taiwan dept:财政部",
                "dept:经济部 -jurisdiction:national",
            ):
                plan = build_query(query)
                expected = whoosh_matches(searcher, plan.query)
                assert expected, query
                assert evaluate(searcher, plan.query, index.derived).doc_set() == expected
            restrict = build_filter(jurisdiction="taiwan", departments=["交通部"])
            expected = whoosh_matches(searcher, restrict)
            assert len(expected) == 2
            assert evaluate(searcher, restrict, index.derived).doc_set() == expected
    finally:
        index.close()


def test_cli_jurisdiction(corpus: Corpus) -> None:
    runner = CliRunner()
    home = str(corpus.home)
    result = runner.invoke(
        main, ["--home", home, "search", "法", "--jurisdiction", "台灣", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["total"] == 4
    assert data["facets"]["jurisdiction"] == {TAIWAN: 4}
    both = runner.invoke(
        main,
        [
            "--home",
            home,
            "search",
            "法",
            "--jurisdiction",
            "taiwan",
            "--dept",
            "财政部",
            "--format",
            "json",
        ],
    )
    assert json.loads(both.output)["total"] == 1
    bad = runner.invoke(main, ["--home", home, "search", "法", "--jurisdiction", "Atlantis"])
    assert bad.exit_code == 1
    assert "unknown jurisdiction 'Atlantis'" in bad.output
