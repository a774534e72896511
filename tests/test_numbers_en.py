"""Document numbers in pinyin and English (issue 14, item 3): read, rewritten, found.

The rewrite is checked on its own (pure functions, the real department table), and
then searched on an index of the corpus files that hold the numbers the English press
cites: GOV_PRC.csv (国发〔1991〕5号, 国函〔2003〕26号), the gov.cn pages (国办发〔2018〕123号,
国务院令第706号, 国办函〔2006〕82号), the aluminium page (工信部联原〔2011〕177号), the
State Council regulations of LawRefBook (some 80 more 国务院令 decrees to tell apart) and
the seed notice 工信部联原〔2025〕62号.
"""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from alucorpus import Corpus
from alucorpus import departments as deps
from alucorpus.analysis import doc_number_tokens
from alucorpus.cli import main
from alucorpus.ingest.fields import canonical_doc_number
from alucorpus.search import build_query, numbers_en
from alucorpus.search.numbers_en import (
    PINYIN_CODES,
    PINYIN_FAMILIES,
    find_english_numbers,
    rewrite_query,
    understood_numbers,
)
from alucorpus.search.parse import parse_query
from alucorpus.search.plan import number_query_tokens

FILES = (
    "gccmpd_govprc/raw/GOV_PRC.csv",
    "govcn_zhouynf_sql/derived/html_fragments",
    "aluminium/raw",
    "lawrefbook/行政法规",
)
GOV_PRC = "gccmpd_govprc/raw/GOV_PRC.csv"
GOVCN = "govcn_zhouynf_sql/derived/html_fragments"
SEED_NOTICE = "seeds/reconnect_gxbl_2025_62.txt"
ALUMINIUM_PAGE = "aluminium/raw/likgjava_eb/ff8080812f71626e012f76fda0a90274.jsp"

# -- the rewrite ----------------------------------------------------------------------------------

REWRITES = [
    ("Guofa [1991] No. 5", "number:国发〔1991〕5号"),
    ("Guobanfa (2018) 123", "number:国办发〔2018〕123号"),
    ("Guobanfa [2018] No. 123", "number:国办发〔2018〕123号"),
    ("Document No. 62 [2025] of MIIT", '(number:"2025 62号" dept:工业和信息化部)'),
    ("State Council Decree No. 706", "number:国务院令第706号"),
    ("Guofa", "number:国发"),
    ("Guohan [2003] 26", "number:国函〔2003〕26号"),
    ("Guobanhan", "number:国办函"),
    ("Guobanhan [2006] No. 82", "number:国办函〔2006〕82号"),
    ("Decree No. 706 of the State Council", "number:国务院令第706号"),
    # case, "No." or none, the brackets
    ("GUOFA [1991] NO.5", "number:国发〔1991〕5号"),
    ("guofa 〔1991〕5号", "number:国发〔1991〕5号"),
    ("Guofa（1991）5", "number:国发〔1991〕5号"),
    ("Guofa 1991 No 5", "number:国发〔1991〕5号"),
    ("Guofa [91] No. 5", "number:国发〔1991〕5号"),  # a two-digit year widened as ingest does
    ("Guo Ban Fa No. 123 [2018]", "number:国办发〔2018〕123号"),  # serial first, syllables apart
    ("Guo-ban-fa [2018] 123", "number:国办发〔2018〕123号"),
    ("Guofa Mingdian [2018] 15", "number:国发明电〔2018〕15号"),
    ("Guobanfa Mingdian (2018) 15", "number:国办发明电〔2018〕15号"),
    ("Gongxinbu Lianyuan [2025] No. 62", "number:工信部联原〔2025〕62号"),
    ("Fagai Nengyuan [2003] 1287", "number:发改能源〔2003〕1287号"),
    ("Caishui [2009] 59", "number:财税〔2009〕59号"),
    # part of a number: the parts, matched by the index's tokens
    ("Guofa No. 5", 'number:"国发 5号"'),
    ("Guofa 2011", 'number:"国发 2011"'),
    ("Gongxinbu Lianyuan", "number:工信部联原"),
    # a ministry's number, the issuer named in English or by its pinyin stem
    ("MIIT [2025] No. 62", '(number:"2025 62号" dept:工业和信息化部)'),
    ("MIIT Document No. 62 [2025]", '(number:"2025 62号" dept:工业和信息化部)'),
    ("Gongxinbu [2025] No. 62", '(number:"2025 62号" dept:工业和信息化部)'),
    (
        "Circular No. 62 [2025] issued by the Ministry of Industry and Information Technology",
        '(number:"2025 62号" dept:工业和信息化部)',
    ),
    ("Document No. 5 [1991] of the State Council", '(number:"1991 5号" dept:国务院)'),
    ("Document No. 62 [2025]", 'number:"2025 62号"'),
    # decrees and announcements
    ("Order of the State Council No. 706", "number:国务院令第706号"),
    ("the State Council's Decree No. 706", "number:国务院令第706号"),
    ("State Council Decree 706 (2018)", "number:国务院令第706号"),
    ("MIIT Order No. 12", "number:工业和信息化部令第12号"),
    ("Presidential Order No. 5", "number:中华人民共和国主席令第5号"),
    ("GACC Announcement No. 12 [2025]", "number:海关总署公告2025年第12号"),
    (
        "Announcement No. 28 of 2018 of the State Taxation Administration",
        "number:国家税务总局公告2018年第28号",
    ),
]


@pytest.mark.parametrize(("query", "expected"), REWRITES)
def test_rewrite(query: str, expected: str) -> None:
    assert rewrite_query(query) == expected
    parse_query(rewrite_query(query))  # the query language reads what was put in


@pytest.mark.parametrize(
    "query",
    [
        "No. 5",
        "No.",
        "State Council opinions",
        "State Council opinions on No. 5",
        "Decree",
        "State Council Decree",
        "Decree No. 706",  # whose decree? 706 is searched as typed
        "order No. 5",
        "aluminium industry 2025",
        "[2025] No. 62",  # no issuer, no "Document": could be anything
        "Guo Han",  # a person's name as likely as 国函
        "Guo Ban Fa",
        "Nov 5 2019",
        "Guofa [1800] 5",  # not a year
        "MOF",
        "Ministry of Finance",
    ],
)
def test_ordinary_english_is_left_alone(query: str) -> None:
    assert rewrite_query(query) == query
    assert understood_numbers(query) == (query, [])


def test_rest_of_query_stays_as_typed() -> None:
    assert rewrite_query("tungsten Guofa [1991] No. 5 mining") == (
        "tungsten number:国发〔1991〕5号 mining"
    )
    assert rewrite_query("aluminium Document No. 62 [2025] of MIIT year:2025") == (
        'aluminium (number:"2025 62号" dept:工业和信息化部) year:2025'
    )
    assert rewrite_query("(Guofa [1991] 5 OR Guobanfa (2018) 123) 稀土") == (
        "(number:国发〔1991〕5号 OR number:国办发〔2018〕123号) 稀土"
    )
    # A field prefix must start a word; "-" negates a word, NOT a group.
    assert rewrite_query("稀土Guofa [1991] 5") == "稀土 number:国发〔1991〕5号"
    assert rewrite_query("-Guofa rare earth") == "-number:国发 rare earth"
    assert rewrite_query("-Document No. 62 [2025] of MIIT") == (
        'NOT (number:"2025 62号" dept:工业和信息化部)'
    )


def test_quotes_and_field_values_are_as_typed() -> None:
    for query in ('"Guofa [1991] No. 5"', "“Guofa [1991] No. 5”", "title:Guofa", 'body:"Guofa"'):
        assert rewrite_query(query) == query
    # dept:MIIT is the user's own filter; the number beside it is still read.
    assert rewrite_query("dept:MIIT Document No. 62 [2025]") == 'dept:MIIT number:"2025 62号"'


def test_spans_and_departments() -> None:
    found = find_english_numbers("see Guohan [2003] 26 and Decree No. 706 of the State Council")
    assert [(n.text, n.number, n.department) for n in found] == [
        ("Guohan [2003] 26", "国函〔2003〕26号", None),
        ("Decree No. 706 of the State Council", "国务院令第706号", None),
    ]
    assert found[0].start == 4 and found[0].end == 4 + len("Guohan [2003] 26")


def test_pinyin_table_is_consistent() -> None:
    """Each 代字 gives the number the index stores and a query reads, no two spell alike."""
    spellings = [p.replace(" ", "") for _, p in PINYIN_CODES]
    assert len(set(spellings)) == len(spellings)
    assert len({c for c, _ in PINYIN_CODES}) == len(PINYIN_CODES)
    for code, pinyin in PINYIN_CODES:
        canonical = f"{code}〔2020〕7号"
        assert doc_number_tokens(canonical)[:2] == [canonical, code]
        assert number_query_tokens(canonical) == [canonical]
        if code != "发改规划":  # ingest's reader cuts a code at 规划 (a title word)
            assert canonical_doc_number(canonical) == canonical
        assert rewrite_query(f"{pinyin.title()} [2020] No. 7") == f"number:{canonical}"
        # one word, any case: how the press writes it ("Guobanfa", "GUOBANFA")
        assert rewrite_query(f"{pinyin.replace(' ', '').upper()} (2020) 7") == (
            f"number:{canonical}"
        )
    for _, body in PINYIN_FAMILIES:
        assert deps.lookup_department(body) is not None


def test_every_body_of_the_table_can_issue_a_decree() -> None:
    """The English names come from alucorpus.departments, each read back to its body."""
    for dep in deps.all_departments():
        if dep.jurisdiction != deps.NATIONAL:
            continue
        found = find_english_numbers(f"Decree No. 3 of the {dep.name_en}")
        assert len(found) == 1, dep.name_en
        # Bodies sharing an English name (国家工商行政管理(总)局) resolve as the table does.
        assert found[0].number == f"{deps.lookup_department(dep.name_en).name}令第3号"


def test_doctests() -> None:
    result = doctest.testmod(numbers_en)
    assert result.attempted > 0 and result.failed == 0


def test_build_query_explains_the_number() -> None:
    plan = build_query("Guofa [1991] No. 5 tungsten")
    numbers = [t for t in plan.explanation if t.translations[0].source == "doc_number"]
    assert [(t.term, t.translations[0].text) for t in numbers] == [
        ("Guofa [1991] No. 5", "number:国发〔1991〕5号")
    ]
    assert not [
        t
        for t in build_query("State Council opinions").explanation
        if any(s.source == "doc_number" for s in t.translations)
    ]


# -- searched on the real corpus ------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus(shared_corpus: Path, seeds: Path, tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    corpus = Corpus(tmp_path_factory.mktemp("numbers-en"))
    report = corpus.ingest([str(shared_corpus / f) for f in FILES] + [str(seeds)])
    assert report.failed == []
    return corpus


def relative(source: str) -> str:
    if "/shared/corpus/" in source:
        return source.split("/shared/corpus/", 1)[1]
    return "seeds/" + Path(source).name


FIRST_HITS = [
    ("Guofa [1991] No. 5", "国发〔1991〕5号", f"{GOV_PRC}#row=9"),
    ("Guobanfa (2018) 123", "国办发〔2018〕123号", f"{GOVCN}/content_5352666.html"),
    ("Guobanfa [2018] No. 123", "国办发〔2018〕123号", f"{GOVCN}/content_5352666.html"),
    ("Document No. 62 [2025] of MIIT", "工信部联原〔2025〕62号", SEED_NOTICE),
    ("MIIT [2025] No. 62", "工信部联原〔2025〕62号", SEED_NOTICE),
    ("Gongxinbu [2025] No. 62", "工信部联原〔2025〕62号", SEED_NOTICE),
    ("Gongxinbu Lianyuan [2025] No. 62", "工信部联原〔2025〕62号", SEED_NOTICE),
    ("Document No. 177 [2011] of MIIT", "工信部联原〔2011〕177号", ALUMINIUM_PAGE),
    ("State Council Decree No. 706", "国务院令第706号", f"{GOVCN}/content_5341736.html"),
    ("Decree No. 706 of the State Council", "国务院令第706号", f"{GOVCN}/content_5341736.html"),
    ("Guohan [2003] 26", "国函〔2003〕26号", f"{GOV_PRC}#row=103"),
    ("Guobanhan [2006] No. 82", "国办函〔2006〕82号", f"{GOVCN}/content_5351598.html"),
    ("Guobanfa Mingdian [2018] 15", "国办发明电〔2018〕15号", f"{GOVCN}/content_5346276.html"),
    ("tungsten Guofa [1991] No. 5", "国发〔1991〕5号", f"{GOV_PRC}#row=9"),
    ("Guofa rare earth", "国发〔2011〕12号", f"{GOV_PRC}#row=13"),  # the 国发 of the two on 稀土
]


@pytest.mark.parametrize(("query", "number", "source"), FIRST_HITS)
def test_right_document_first(corpus: Corpus, query: str, number: str, source: str) -> None:
    hits = corpus.search(query, limit=5).hits
    assert hits, query
    assert (hits[0].doc_number, relative(hits[0].source)) == (number, source)


@pytest.mark.parametrize(
    "query",
    ["Guohan [2003] 26", "Document No. 62 [2025] of MIIT", "State Council Decree No. 706"],
)
def test_a_whole_number_matches_one_document(corpus: Corpus, query: str) -> None:
    """Read as words (before the rewrite) these matched 25, 117 and 2 documents here, and
    "Guohan [2003] 26" ranked 国办函〔2004〕25号 first; as a number only the document itself."""
    assert corpus.search(query, limit=1).total == 1


@pytest.mark.parametrize(("query", "code"), [("Guofa", "国发"), ("Guobanhan", "国办函")])
def test_code_alone_finds_its_numbers(corpus: Corpus, query: str, code: str) -> None:
    results = corpus.search(query, limit=1000)
    assert results.total >= 10  # GOV_PRC and gov.cn hold dozens of each
    assert all(re.match(rf"{code}〔\d{{4}}〕\d+号$", h.doc_number or "") for h in results.hits)
    assert results.total == corpus.search(f"number:{code}", limit=1).total


def test_cli_explain_shows_the_number(corpus: Corpus) -> None:
    result = CliRunner().invoke(
        main, ["--home", str(corpus.home), "search", "--explain", "Document No. 62 [2025] of MIIT"]
    )
    assert result.exit_code == 0, result.output
    assert (
        'Document No. 62 [2025] of MIIT [en] → (number:"2025 62号" dept:工业和信息化部)'
        in result.output
    )
    assert "工信部联原〔2025〕62号" in result.output


def test_a_query_without_digits_never_compiles_the_issuer_patterns() -> None:
    # Their department-name alternations take ~0.1 s to compile: a fresh English
    # search ("aluminium smelter") should not pay for numbers it cannot contain.
    numbers_en._issuer_patterns.cache_clear()
    assert numbers_en.understood_numbers("aluminium smelter") == ("aluminium smelter", [])
    assert numbers_en.understood_numbers("Guofa")[0] == "number:国发"  # codes still read
    assert numbers_en._issuer_patterns.cache_info().currsize == 0
    numbers_en.understood_numbers("State Council Decree No. 706")
    assert numbers_en._issuer_patterns.cache_info().currsize == 1
