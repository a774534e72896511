"""Best match, strictness and function words (issue 14, items 1 and 2).

Plain words are a best match: each counts, none is required; ``+word`` and ``AND``
require, ``match="all"`` requires every word. Function words (如何, 的, what, the)
are neither required nor translated, except inside a quoted phrase.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from alucorpus import Corpus
from alucorpus.function_words import function_words, is_function_word
from alucorpus.search import parse_query, translate
from alucorpus.search.build import build_query
from alucorpus.search.parse import require_all

# -- the query language ---------------------------------------------------------------------------


def test_plus_requires_a_word() -> None:
    assert parse_query("+稀土 出口配额") == (
        "and",
        [("require", ("term", None, "稀土", False)), ("term", None, "出口配额", False)],
    )


def test_explicit_and_requires_both_sides_only() -> None:
    assert parse_query("铝 AND 电解 产能") == (
        "and",
        [
            ("require", ("term", None, "铝", False)),
            ("require", ("term", None, "电解", False)),
            ("term", None, "产能", False),
        ],
    )


def test_not_stays_a_negation_next_to_and() -> None:
    assert parse_query("铝 AND NOT 污染") == (
        "and",
        [("require", ("term", None, "铝", False)), ("not", ("term", None, "污染", False))],
    )


def test_a_lone_plus_is_a_word_and_a_doubled_one_is_not_an_operator() -> None:
    assert parse_query("C++") == ("term", None, "C++", False)
    assert parse_query("+ 铝") == ("and", [("term", None, "+", False), ("term", None, "铝", False)])


def test_match_all_requires_every_word() -> None:
    tree = require_all(parse_query("稀土 出口配额 -走私"))
    assert tree == (
        "and",
        [
            ("require", ("term", None, "稀土", False)),
            ("require", ("term", None, "出口配额", False)),
            ("not", ("term", None, "走私", False)),
        ],
    )


# -- function words -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "word", ["如何", "怎么", "的", "吗", "什么", "爲何", "是", "会", "what", "How", "No", "are"]
)
def test_function_words(word: str) -> None:
    assert is_function_word(word)


@pytest.mark.parametrize(
    "word", ["关于", "通知", "通过", "稀土", "征收", "会议", "rare", "part", "Act"]
)
def test_content_words_are_not_function_words(word: str) -> None:
    """关于 opens titles, 通过 is 'adopted': content, though stop lists carry them."""
    assert not is_function_word(word)


def test_both_lists_are_there() -> None:
    assert len(function_words("zh")) > 300
    assert len(function_words("en")) > 200


def test_function_words_are_left_out_and_not_translated(tmp_path: Path) -> None:
    plan = build_query(
        "what are the rules for rare earth", translation="structured", cache_dir=tmp_path
    )
    assert plan.function_words == ["what", "are", "the", "for"]
    terms = [t.term for t in plan.explanation]
    assert "are" not in terms and "what" not in terms  # are → 公亩 no more
    assert "rare earth" in terms


def test_chinese_function_words_split_a_question(tmp_path: Path) -> None:
    plan = build_query("支持光伏产业发展的政策措施", translation="structured", cache_dir=tmp_path)
    assert plan.function_words == ["的"]
    assert "的" not in [t.term for t in plan.explanation]  # no taxi, no cab


def test_a_quoted_phrase_keeps_its_function_words(tmp_path: Path) -> None:
    plan = build_query('"光伏产业发展的政策措施"', translation="structured", cache_dir=tmp_path)
    assert plan.function_words == []


def test_a_query_of_function_words_only_searches_them(tmp_path: Path) -> None:
    plan = build_query("如何", translation="none", cache_dir=tmp_path)
    assert plan.function_words == []
    assert "如何" in str(plan.query)


# -- on the shared corpus -------------------------------------------------------------------------

SOURCES = ("gccmpd_govprc/raw/GOV_PRC.csv", "lawrefbook/行政法规")


@pytest.fixture(scope="module")
def corpus(shared_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    corpus = Corpus(tmp_path_factory.mktemp("best-match"))
    report = corpus.ingest([str(shared_corpus / s) for s in SOURCES])
    assert report.failed == []
    return corpus


@pytest.mark.parametrize(
    ("question", "title"),
    [
        # issue 14: each returned nothing (or one wrong hit) when every word was required
        ("如何征收矿产资源补偿费", "矿产资源补偿费征收管理规定"),
        ("煤矿安全事故怎么处罚", "煤矿安全生产条例"),
        ("支持光伏产业发展的政策措施", "国务院关于促进光伏产业健康发展的若干意见"),
    ],
)
def test_chinese_questions_find_their_documents(corpus: Corpus, question: str, title: str) -> None:
    titles = [hit.title for hit in corpus.search(question, limit=3).hits]
    assert title in titles


def test_totals_say_how_many_have_every_term(corpus: Corpus) -> None:
    best = corpus.search("稀土 出口配额", limit=0)
    strict = corpus.search("稀土 出口配额", match="all", limit=0)
    assert best.total_all_terms == strict.total
    assert best.total > strict.total  # documents with 稀土 or 出口配额 alone
    line = best.total_line()
    assert f"{best.total} documents match" in line
    verb = "contains" if strict.total == 1 else "contain"
    assert f"{strict.total} {verb} every term, {best.total - strict.total} more" in line


def test_plus_requires_and_the_rest_ranks(corpus: Corpus) -> None:
    required = corpus.search("+稀土 出口配额", limit=100)
    with_rare_earth = corpus.search("稀土", limit=0).total
    assert required.total == with_rare_earth
    assert required.hits[0].title == "国务院关于促进稀土行业持续健康发展的若干意见"


def test_every_term_is_counted_only_for_one_best_match(corpus: Corpus) -> None:
    """With OR there is no one set of terms that "every term" could mean."""
    assert corpus.search("稀土 出口配额", limit=0).total_all_terms is not None
    assert corpus.search("(稀土 出口配额) OR 钨", limit=0).total_all_terms is None
    assert corpus.search("(稀土 出口配额) (钨 锡)", limit=0).total_all_terms is None


def test_short_sub_words_rank_but_never_find(
    corpus: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    """废物 inside 固体废物 lifts 危险废物/医疗废物 documents, but finds none on its own."""
    query = "固体废物 污染 防治"
    with_bonus = corpus.search(query, limit=20)
    monkeypatch.setattr(translate, "sub_word_bonus", lambda words: None)
    without = corpus.search(query, limit=20)
    assert with_bonus.total == without.total
    assert with_bonus.total_all_terms == without.total_all_terms
    assert [h.id for h in with_bonus.hits] != [h.id for h in without.hits]


def test_a_mainland_term_also_finds_the_taiwan_wording(whole_corpus: Corpus) -> None:
    # 大气污染防治 on the mainland, 空氣污染防制 in Taiwan: the glossary rows share
    # their English, so each is the other's synonym (Lexicon.zh_synonyms).
    results = whole_corpus.search("大气污染 防治", limit=30)
    synonyms = {
        (t.term, x.text)
        for t in results.explanation
        for x in t.translations
        if x.source == "synonym"
    }
    assert {("大气污染", "空气污染"), ("防治", "防制")} <= synonyms
    assert "空氣污染防制法" in [h.title for h in results.hits]
    strict = whole_corpus.search("大气污染 防治", translation="none", limit=30)
    assert "空氣污染防制法" not in [h.title for h in strict.hits]


def test_a_question_is_split_at_jiebas_word_boundaries(tmp_path: Path) -> None:
    # 法 (law) is a glossary term, but not one of 非法采矿's: its words are 非法 + 采矿.
    plan = build_query("非法采矿会被判刑吗", translation="structured", cache_dir=tmp_path)
    assert [t.term for t in plan.explanation] == ["非法", "采矿", "判刑"]
    assert plan.function_words == ["会", "被", "吗"]


def test_a_traditional_question_is_split_like_its_simplified_form(tmp_path: Path) -> None:
    plan = build_query("非法採礦會被判刑嗎", translation="structured", cache_dir=tmp_path)
    assert [t.term for t in plan.explanation] == ["非法", "采矿", "判刑"]
    assert plan.function_words == ["会", "被", "吗"]
