"""Search over the real corpus in ../shared/corpus: expected documents for real queries.

The index is built once per test session from the parts of the corpus that hold
policy documents (about 450 records, some 15 s on two cores).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from alucorpus import Corpus, QueryError
from alucorpus.analysis import normalize_text
from alucorpus.cli import main
from alucorpus.search import SearchResults

FOLDERS = (
    "gccmpd_govprc/raw/GOV_PRC.csv",
    "lawrefbook",
    "tw_mojlaw_bilingual",
    "govcn_zhouynf_sql/derived/html_fragments",
    "aluminium/raw",
)

ALUMINIUM_PAGE = "aluminium/raw/likgjava_eb/ff8080812f71626e012f76fda0a90274.jsp"
SEED_NOTICE = "seeds/reconnect_gxbl_2025_62.txt"
SEED_ARTICLE = "seeds/aluminum_six_tasks_en.txt"
GOV_PRC = "gccmpd_govprc/raw/GOV_PRC.csv"


@pytest.fixture(scope="session")
def corpus(shared_corpus: Path, seeds: Path, tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    corpus = Corpus(tmp_path_factory.mktemp("search-corpus"))
    report = corpus.ingest([str(shared_corpus / f) for f in FOLDERS] + [str(seeds)])
    # Every file here is a document or, for LawRefBook's SQLite catalogue and the
    # SOURCE_FILES.tsv tables and tw_mojlaw's UpdateDate.txt, something alucorpus knows
    # is not one.
    assert report.failed == []
    skipped = sorted(Path(o.path).name for o in report.skipped)
    assert skipped == ["SOURCE_FILES.tsv", "SOURCE_FILES.tsv", "UpdateDate.txt"]
    # db.sqlite3 is kept, not as records but as the status of LawRefBook's laws.
    assert not [r for r in corpus.copies() if r.source.endswith("db.sqlite3")]
    assert any(r.status == "repealed" for r in corpus.records())
    return corpus


def relative(source: str) -> str:
    """A record's source relative to the corpus root (seeds as seeds/NAME)."""
    if "/shared/corpus/" in source:
        return source.split("/shared/corpus/", 1)[1]
    return "seeds/" + Path(source).name


def ranked(results: SearchResults) -> list[str]:
    return [relative(hit.source) for hit in results.hits]


# (query, a document that must be in the top `within` hits)
EXPECTED: list[tuple[str, str, int]] = [
    ("电解铝", ALUMINIUM_PAGE, 1),
    ("电解铝 产能过剩", ALUMINIUM_PAGE, 1),
    ("铝产业 高质量发展", SEED_NOTICE, 1),
    ("钨 锡 锑", f"{GOV_PRC}#row=9", 1),
    ('"保护性开采"', f"{GOV_PRC}#row=9", 3),
    ("稀土", f"{GOV_PRC}#row=13", 3),
    ("矿产资源规划", f"{GOV_PRC}#row=3", 1),
    ("节约能源", "lawrefbook/经济法/节约能源法(2018-10-26).md", 1),
    ("煤矿 安全生产", "lawrefbook/行政法规/煤矿安全生产条例(2024-01-24).md", 3),
    ("无废城市", "govcn_zhouynf_sql/derived/html_fragments/content_5359620.html", 1),
    ("个人所得税 专项附加扣除", "govcn_zhouynf_sql/derived/html_fragments/content_5351181.html", 1),
    ("礦業法", "tw_mojlaw_bilingual/FalVMingLing/J0020001.json", 1),  # Traditional query
    ("矿业法", "tw_mojlaw_bilingual/FalVMingLing/J0020001.json", 1),  # Simplified → Traditional doc
    ("空气污染防制", "tw_mojlaw_bilingual/FalVMingLing/O0020001.json", 3),
    ("温室气体 查证", "tw_mojlaw_bilingual/FalVMingLing/J0100067.json", 3),
    ("Mining Act", "tw_mojlaw_bilingual/FalVMingLing/J0020001.json", 1),  # English side of a pair
    ("greenhouse gas verification", "tw_mojlaw_bilingual/FalVMingLing/J0100067.json", 3),
    ("aluminum industry six tasks", SEED_ARTICLE, 1),
    ("electrolytic aluminium", SEED_ARTICLE, 2),  # British spelling finds "aluminum"
    ("number:国发〔1991〕5号", f"{GOV_PRC}#row=9", 1),
    ("工信部联原[2011]177号", ALUMINIUM_PAGE, 1),
    ("国办发〔2018〕126号", "govcn_zhouynf_sql/derived/html_fragments/content_5355837.html", 1),
    ("title:能源法", "lawrefbook/行政法/能源法(2024-11-08).md", 3),
]


@pytest.mark.parametrize(("query", "expected", "within"), EXPECTED)
def test_expected_document_found(corpus: Corpus, query: str, expected: str, within: int) -> None:
    hits = ranked(corpus.search(query, limit=10))
    assert expected in hits[:within], f"{query!r}: got {hits[:within]}"


def test_at_least_twenty_queries_pinned() -> None:
    assert len(EXPECTED) >= 20


@pytest.mark.parametrize(
    "number",
    ["工信部联原〔2025〕62号", "工信部联原[2025]62号", "工信部联原 2025 62"],
)
def test_seed_number_variants(corpus: Corpus, number: str) -> None:
    assert ranked(corpus.search(number))[0] == SEED_NOTICE


def test_serial_with_department_filter(corpus: Corpus) -> None:
    results = corpus.search("62号", departments=["工信部"])
    assert ranked(results) == [SEED_NOTICE]


def test_department_filter_accepts_english(corpus: Corpus) -> None:
    results = corpus.search("电解铝", departments=["MIIT"])
    assert ALUMINIUM_PAGE in ranked(results)
    assert all("工业和信息化部" in hit.departments for hit in results.hits)


def test_date_filter_and_year_facets(corpus: Corpus) -> None:
    results = corpus.search("矿产资源", since="2010", until="2016-12-31", limit=50)
    assert results.total > 0
    assert all(hit.issued and "2010-01-01" <= hit.issued <= "2016-12-31" for hit in results.hits)
    assert set(results.facets["year"]) <= {str(y) for y in range(2010, 2017)}
    assert sum(results.facets["year"].values()) == results.total


def test_facets_cover_whole_result_set(corpus: Corpus) -> None:
    one = corpus.search("国务院 矿产", limit=1)
    many = corpus.search("国务院 矿产", limit=100)
    assert one.facets == many.facets
    assert one.total == many.total > 1


def test_type_filter(corpus: Corpus) -> None:
    results = corpus.search("矿产资源", doc_type="条例", limit=50)
    assert results.total > 0
    # Taiwan titles are Traditional (條例); English records come through translation.
    assert all("条例" in normalize_text(hit.title) for hit in results.hits)


def test_sort_by_issued_newest_first(corpus: Corpus) -> None:
    results = corpus.search("矿产资源", sort="issued", limit=20)
    dates = [hit.issued for hit in results.hits if hit.issued]
    assert dates == sorted(dates, reverse=True)


def test_pagination(corpus: Corpus) -> None:
    first = corpus.search("能源", limit=5)
    second = corpus.search("能源", limit=5, offset=5)
    assert not {h.id for h in first.hits} & {h.id for h in second.hits}
    assert first.total == second.total


def test_highlight_offsets_point_into_traditional_text(corpus: Corpus) -> None:
    results = corpus.search("矿业权", limit=3)
    hit = results.hits[0]
    snippet = hit.snippets[0]
    words = {snippet.text[a:b] for a, b in snippet.highlights}
    assert words & {"礦業權", "矿业权"}


@pytest.mark.parametrize("query", ['"unbalanced', "(电解铝", "AND", "nosuchfield:x", "x" * 10000])
def test_malformed_queries_are_clear_errors(corpus: Corpus, query: str) -> None:
    # Each of these is malformed (the last is over the length limit): a one-line
    # QueryError that names the problem, never results and never another exception.
    with pytest.raises(QueryError) as caught:
        corpus.search(query)
    message = str(caught.value)
    assert message and "\n" not in message


def test_cli_search_json_shape(corpus: Corpus) -> None:
    import json

    result = CliRunner().invoke(
        main, ["--home", str(corpus.home), "search", "稀土", "--format", "json", "--limit", "2"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) == {"query", "total", "total_all_terms", "function_words", "hits", "facets"}
    assert set(data["hits"][0]) >= {
        "id",
        "source",
        "title",
        "score",
        "doc_number",
        "departments",
        "issued",
        "snippets",
    }
    assert set(data["facets"]) == {"department", "year", "doc_type", "jurisdiction"}


def test_cli_malformed_query_exit_1(corpus: Corpus) -> None:
    result = CliRunner().invoke(main, ["--home", str(corpus.home), "search", '"unbalanced'])
    assert result.exit_code == 1
    assert result.stderr.startswith("alucorpus: error: ")
    assert "Traceback" not in result.output


def test_stats_counts(corpus: Corpus) -> None:
    stats = corpus.stats()
    assert stats["documents"] == sum(stats["by_lang"].values())
    assert stats["by_format"]["tw_moj"] == 101
    assert stats["index_bytes"] > 0
    # 101 Taiwan laws in tw_mojlaw_bilingual (MANIFEST: one JSON per PCODE).
    assert stats["by_jurisdiction"]["taiwan"] == 101
    assert sum(stats["by_jurisdiction"].values()) == stats["documents"]


def test_stats_keep_taiwan_agencies_apart(corpus: Corpus) -> None:
    """经济部 is Taiwan's Ministry of Economic Affairs: counted as such, never as a PRC body."""
    departments = corpus.stats()["by_department"]
    assert departments.get("经济部 (Taiwan)", 0) > 0
    assert "经济部" not in departments
