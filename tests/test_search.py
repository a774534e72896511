"""Tests for alucorpus.search over a small index built from hand-made records."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from alucorpus.errors import QueryError
from alucorpus.index import Index
from alucorpus.records import Attachment, Record
from alucorpus.search import SearchResults, build_query
from alucorpus.search import search as search_with_translation


def search(index: Index, query: str, **kwargs: Any) -> SearchResults:
    """The monolingual core: these tests pin matching, not translation (test_translation.py)."""
    kwargs.setdefault("translation", "none")
    return search_with_translation(index, query, **kwargs)


RECORDS = (
    Record(
        id="notice2025",
        source="reconnect_gxbl_2025_62.txt",
        format="reconnect",
        lang="zh",
        sha256="1" * 64,
        title="工业和信息化部等十部门关于印发《铝产业高质量发展实施方案（2025—2027年）》的通知",
        doc_number="工信部联原〔2025〕62号",
        departments=("工业和信息化部", "国家发展和改革委员会", "自然资源部"),
        departments_en=(
            "Ministry of Industry and Information Technology",
            "National Development and Reform Commission",
            "Ministry of Natural Resources",
        ),
        issued="2025-03-11",
        doc_type="通知",
        paragraphs=(
            "各省、自治区、直辖市及新疆生产建设兵团工业和信息化主管部门：",
            "现将《铝产业高质量发展实施方案（2025—2027年）》印发给你们，请结合实际认真贯彻落实。",
        ),
        attachments=(
            Attachment(
                "铝产业高质量发展实施方案（2025—2027年）",
                ("严格落实电解铝行业产能置换政策，推动再生铝产业发展。",),
            ),
        ),
    ),
    Record(
        id="rareearth2011",
        source="GOV_PRC.csv#row=7",
        format="table",
        lang="zh",
        sha256="2" * 64,
        title="国务院关于促进稀土行业持续健康发展的若干意见",
        doc_number="国发〔2011〕12号",
        departments=("国务院",),
        issued="2011-05-10",
        doc_type="意见",
        paragraphs=("稀土是不可再生的重要战略资源。", "加强矿业秩序整顿，严格控制开采总量。"),
    ),
    Record(
        id="twmining",
        source="tw/J0020001.json",
        format="tw_moj",
        lang="zh",
        sha256="3" * 64,
        title="礦業法",
        title_en="Mining Act",
        departments=("经济部",),
        issued="2016-11-16",
        doc_type="法律",
        script="traditional",
        paragraphs=("為適當開發國家礦產資源，特制定本法。", "礦業權之設定，應經主管機關核准。"),
    ),
    Record(
        id="sixtasks",
        source="aluminum_six_tasks_en.txt",
        format="plaintext",
        lang="en",
        sha256="4" * 64,
        title="Aluminum Industry Needs to Exert Itself to Six Tasks.",
        paragraphs=(
            "The government must strictly control new electrolytic aluminium projects.",
            "Develop circular economy and recycled aluminum.",
        ),
    ),
    Record(
        id="energy2018",
        source="energy.html",
        format="govcn_html",
        lang="zh",
        sha256="5" * 64,
        title="国务院办公厅关于加强节能降碳工作的通知",
        doc_number="国办发〔2018〕62号",
        departments=("国务院办公厅",),
        issued="2018-08-01",
        doc_type="通知",
        paragraphs=("电解铝、水泥等行业要达到能效标杆水平。", "行业电解铝企业应当节能降碳。"),
    ),
)


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Index:
    path: Path = tmp_path_factory.mktemp("search") / "index"
    with Index.create(path) as created:
        created.add(RECORDS)
    opened = Index.open(path)
    yield opened
    opened.close()


def ids(results: SearchResults) -> set[str]:
    return {hit.id for hit in results.hits}


def test_phrase_query_matches_adjacent_words_only(index: Index) -> None:
    assert ids(search(index, '"电解铝行业"')) == {"notice2025"}
    # energy2018 has both words, but as "行业电解铝" and "电解铝、水泥等行业".
    assert ids(search(index, "电解铝 行业", match="all")) == {"notice2025", "energy2018"}
    # A best match also finds rareearth2011, which has 行业 alone, and ranks it last.
    best = search(index, "电解铝 行业")
    assert ids(best) == {"notice2025", "energy2018", "rareearth2011"}
    assert best.hits[-1].id == "rareearth2011"
    assert (best.total, best.total_all_terms) == (3, 2)
    assert ids(search(index, '"行业产能置换"')) == {"notice2025"}


def test_traditional_query_finds_simplified_and_the_reverse(index: Index) -> None:
    assert "rareearth2011" in ids(search(index, "礦業"))  # Simplified 矿业
    assert "twmining" in ids(search(index, "矿业"))  # Traditional 礦業
    assert ids(search(index, "矿产资源")) == {"twmining"}


def test_highlights_point_into_the_original_traditional_text(index: Index) -> None:
    hit = search(index, "矿产资源").hits[0]
    snippet = hit.snippets[0]
    assert snippet.field == "paragraphs" and snippet.paragraph == 0
    assert [snippet.text[s:e] for s, e in snippet.highlights] == ["礦產資源"]


def test_snippets_come_from_the_matching_paragraph_and_attachment(index: Index) -> None:
    hit = search(index, "产能置换").hits[0]
    assert hit.id == "notice2025"
    snippet = hit.snippets[0]
    assert (snippet.field, snippet.paragraph) == ("attachments", 1)
    assert [snippet.text[s:e] for s, e in snippet.highlights] == ["产能置换"]
    assert "产能置换" in hit.matched_terms


def test_english_spelling_fold(index: Index) -> None:
    assert ids(search(index, "aluminium")) == {"sixtasks"}
    assert ids(search(index, "aluminum projects")) == {"sixtasks"}
    assert ids(search(index, '"recycled aluminium"')) == {"sixtasks"}
    hit = search(index, "aluminium").hits[0]
    texts = [s.text[a:b] for s in hit.snippets for a, b in s.highlights]
    assert "aluminium" in texts and "aluminum" in texts


@pytest.mark.parametrize(
    "query",
    [
        "工信部联原〔2025〕62号",
        "工信部联原[2025]62号",
        "工信部联原 2025 62",
        "number:工信部联原〔2025〕62号",
    ],
)
def test_doc_number_variants(index: Index, query: str) -> None:
    assert search(index, query).hits[0].id == "notice2025"


def test_serial_with_department_filter(index: Index) -> None:
    assert ids(search(index, "62号")) == {"notice2025", "energy2018"}
    assert ids(search(index, "62号", departments=["工信部"])) == {"notice2025"}
    assert ids(search(index, "62号", departments="MIIT")) == {"notice2025"}
    assert ids(search(index, "number:62号 dept:国务院办公厅")) == {"energy2018"}


def test_filters(index: Index) -> None:
    # lang= is the query's language; records in one language are lang:zh / lang:en.
    assert ids(search(index, "电解铝 lang:zh")) == {"notice2025", "energy2018"}
    assert ids(search(index, "(电解铝 OR aluminum) lang:en")) == {"sixtasks"}
    assert ids(search(index, "电解铝 OR aluminum", lang="en")) == {
        "notice2025",
        "energy2018",
        "sixtasks",
    }
    assert ids(search(index, "电解铝", since="2019")) == {"notice2025"}
    assert ids(search(index, "电解铝", until="2018-08-01")) == {"energy2018"}
    assert ids(search(index, "电解铝", since="2018-08", until="2018-08")) == {"energy2018"}
    assert ids(search(index, "稀土 OR 电解铝", doc_type="意见")) == {"rareearth2011"}
    assert ids(
        search(index, "电解铝", departments=["National Development and Reform Commission"])
    ) == {"notice2025"}


def test_field_prefixes_and_operators(index: Index) -> None:
    assert ids(search(index, "title:稀土")) == {"rareearth2011"}
    assert ids(search(index, "year:2011..2018")) == {"rareearth2011", "twmining", "energy2018"}
    assert ids(search(index, "year:2025")) == {"notice2025"}
    assert ids(search(index, "type:通知 电解铝")) == {"notice2025", "energy2018"}
    assert ids(search(index, "电解铝 NOT 水泥")) == {"notice2025"}
    assert ids(search(index, "电解铝 -水泥")) == {"notice2025"}
    assert ids(search(index, "稀土 OR 礦業法")) == {"rareearth2011", "twmining"}
    assert ids(search(index, "(稀土 OR 电解铝) AND 国务院")) == {"rareearth2011", "energy2018"}
    assert ids(search(index, "lang:en")) == {"sixtasks"}
    assert ids(search(index, "dept:发改委")) == {"notice2025"}


def test_bigram_safety_net_finds_words_inside_longer_words(index: Index) -> None:
    # jieba keeps 矿业法 whole, so the word 矿业 alone only matches through bigrams.
    assert "twmining" in ids(search(index, "title:矿业"))
    # A lone character matches inside words.
    assert ids(search(index, "title:铝")) == {"notice2025"}


def test_facets_cover_the_whole_result_set(index: Index) -> None:
    results = search(index, "国务院 OR 电解铝 OR 礦業", limit=1)
    assert results.total == 4 and len(results.hits) == 1
    assert results.facets["year"] == {"2011": 1, "2016": 1, "2018": 1, "2025": 1}
    assert results.facets["doc_type"] == {"通知": 2, "意见": 1, "法律": 1}
    assert results.facets["department"]["工业和信息化部"] == 1
    assert results.facets["department"]["国务院"] == 1


def test_pagination_and_sort_by_issued(index: Index) -> None:
    query = "电解铝 OR 稀土 OR aluminum OR 礦業"
    newest_first = [h.id for h in search(index, query, sort="issued", limit=10).hits]
    assert newest_first == ["notice2025", "energy2018", "twmining", "rareearth2011", "sixtasks"]
    pages = [search(index, query, sort="issued", limit=2, offset=o).hits for o in (0, 2, 4)]
    assert [h.id for page in pages for h in page] == newest_first
    assert search(index, query, limit=2, offset=10).hits == ()
    relevance = search(index, query, limit=10)
    assert relevance.total == 5
    scores = [h.score for h in relevance.hits]
    assert scores == sorted(scores, reverse=True)


def test_to_dict_shape(index: Index) -> None:
    data = search(index, "产能置换").to_dict()
    assert set(data) == {"query", "total", "total_all_terms", "function_words", "hits", "facets"}
    assert set(data["hits"][0]) == {
        "id",
        "source",
        "title",
        "score",
        "doc_number",
        "departments",
        "issued",
        "issued_year",
        "date_source",
        "jurisdiction",
        "status",
        "copies",
        "snippets",
    }
    assert data["hits"][0]["doc_number"] == "工信部联原〔2025〕62号"
    assert set(data["facets"]) == {"department", "year", "doc_type", "jurisdiction"}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ('"电解铝', "unbalanced quote"),
        ("(电解铝 OR 稀土", "unbalanced parenthesis"),
        ("电解铝 )", "unbalanced parenthesis"),
        ("AND 电解铝", "needs a word on both sides"),
        ("电解铝 OR", "ends with an operator"),
        ("NOT", "ends with an operator"),
        ("foo:电解铝", "unknown field 'foo:'"),
        ("title:", "has no value"),
        ("year:abc", "year: expects"),
        ("()", "empty parentheses"),
        ("铝" * 10_000, "too long"),
        ("   ", "empty query"),
    ],
)
def test_malformed_queries_raise_query_error(index: Index, query: str, message: str) -> None:
    with pytest.raises(QueryError, match=message) as caught:
        search(index, query)
    assert "\n" not in str(caught.value)


def test_bad_arguments_raise_query_error(index: Index) -> None:
    with pytest.raises(QueryError, match="not YYYY"):
        search(index, "电解铝", since="March 2020")
    with pytest.raises(QueryError, match="unknown sort"):
        search(index, "电解铝", sort="date")


@pytest.mark.parametrize("query", ["the", '""', "*", "?", "\\", "-", "〔", "铝)"])
def test_odd_queries_give_results_not_exceptions(index: Index, query: str) -> None:
    assert isinstance(search(index, query), SearchResults)


def test_build_query_collects_highlight_terms_but_not_negated_ones() -> None:
    plan = build_query("电解铝 NOT 水泥")
    assert "电解铝" in plan.word_terms and "水泥" not in plan.word_terms


def test_snippet_window_never_cuts_a_highlight() -> None:
    from alucorpus.search.highlight import SNIPPET_CHARS, _window

    text = "x" * (SNIPPET_CHARS - 3) + "development" + "y" * 50
    word = (SNIPPET_CHARS - 3, SNIPPET_CHARS - 3 + len("development"))
    cut, highlights = _window(text, [(0, 1), word])
    assert cut.endswith("development…")
    assert highlights[-1] == word  # whole, at the same place (the window starts at 0)
    assert cut[highlights[-1][0] : highlights[-1][1]] == "development"
