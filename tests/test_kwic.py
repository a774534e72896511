"""Concordance (KWIC) on the real corpus: every occurrence, aligned, through the analyzer."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from alucorpus import Corpus, QueryError
from alucorpus.cli import main
from alucorpus.kwic import (
    KwicLine,
    display_width,
    find_occurrences,
    left_context,
    render_lines,
    right_context,
    term_tokens,
)

ALUMINIUM = "f4a8790949a1d1e6"  # 工信部联原〔2011〕177号 (the aluminium notice)
MINING_ACT = "9d2e21dd42e1e937"  # 礦業法 (Taiwan)
SEED_ARTICLE = "f205be1878c53f51"  # Aluminum Industry Needs to Exert Itself to Six Tasks.


@pytest.fixture(scope="session")
def corpus(research_corpus: Corpus) -> Corpus:
    return research_corpus


# -- pure functions -------------------------------------------------------------------------------


def test_find_occurrences_folds_traditional_and_points_into_the_original() -> None:
    text = "遏制電解鋁產能，電解铝行業"
    spans = find_occurrences(text, "电解铝")
    assert spans == [(2, 5), (8, 11)]
    assert [text[s:e] for s, e in spans] == ["電解鋁", "電解铝"]


def test_words_mode_does_not_match_inside_a_longer_word_but_chars_mode_does() -> None:
    text = "电解铝行业，铝"
    assert find_occurrences(text, "铝") == [(6, 7)]
    assert find_occurrences(text, "铝", match="chars") == [(2, 3), (6, 7)]


def test_english_terms_match_through_stemming_and_spelling_folding() -> None:
    text = "Electrolytic Aluminum projects; an electrolytic aluminium smelter."
    spans = find_occurrences(text, "electrolytic aluminium")
    assert [text[s:e] for s, e in spans] == ["Electrolytic Aluminum", "electrolytic aluminium"]
    assert term_tokens("Energy Conservation") == ("energi", "conserv")


def test_display_width_counts_cjk_double() -> None:
    assert display_width("电解铝 ab") == 9
    assert display_width("ａ") == 2  # full-width Latin is wide too
    assert left_context("一二三四五", 5, 4) == "四五"
    assert right_context("abc一二三", 0, 5) == "abc一"


def test_render_aligns_the_term_column_by_display_width() -> None:
    lines = [
        KwicLine(
            "a" * 16, "国发〔1991〕5号", "1991-01-15", "", "paragraphs", 2, 0, 0, "ab", "X", "y"
        ),
        KwicLine("b" * 16, None, None, "", "attachments", 12, 0, 0, "一二三", "X", "z"),
    ]
    rendered = render_lines(lines, 8).splitlines()
    assert rendered == [
        "国发〔1991〕5号  1991-01-15  ¶2           ab | X | y",
        "bbbbbbbb         ----------  附¶12    一二三 | X | z",
    ]
    columns = {display_width(line[: line.index("|")]) for line in rendered}
    assert len(columns) == 1


# -- the real corpus ------------------------------------------------------------------------------


def test_kwic_electrolytic_aluminium_on_the_aluminium_notice(corpus: Corpus) -> None:
    result = corpus.kwic("电解铝", width=10)
    assert (len(result.lines), result.documents) == (22, 2)  # 国办发〔2004〕47号 once
    mine = [line for line in result.lines if line.id == ALUMINIUM]
    assert len(mine) == 21
    assert [(ln.where, ln.left, ln.match, ln.right) for ln in mine[:5]] == [
        ("¶1", "", "电解铝", "是国民经济"),
        ("¶2", "增长，我国", "电解铝", "产能过剩、"),
        ("¶2", "方仍在加快", "电解铝", "项目建设，"),
        ("¶2", "建项目，使", "电解铝", "行业供大于"),
        ("¶2", "年底，全国", "电解铝", "产能已达23"),
    ]
    paragraph = corpus.get(ALUMINIUM).paragraphs[1]
    first = mine[1]
    assert paragraph[first.start : first.end] == "电解铝"


def test_kwic_render_exact(corpus: Corpus) -> None:
    result = corpus.kwic("电解铝", width=12, since="2000", until="2010")
    # GOV_PRC holds this row twice: one document, one line.
    assert result.render() == (
        "国办发〔2004〕47号  2004-06-07  ¶3  听证会确定； | 电解铝 | 、烧碱、钢铁\n"
    )
    # The 2011 aluminium notice has no printed date, only its number's (and page's)
    # year: a year-only filter finds it, and the date column says just the year.
    (last,) = corpus.kwic("电解铝", width=12, since="2011", until="2011").render().splitlines()[-1:]
    assert last == "工信部联原〔2011〕177号  2011  ¶12  政府部门做好 | 电解铝 | 行业结构调整"


def test_traditional_and_simplified_terms_find_the_same_lines(corpus: Corpus) -> None:
    traditional = corpus.kwic("礦業", width=10)
    simplified = corpus.kwic("矿业", width=10)
    assert traditional.lines == simplified.lines
    assert (len(simplified.lines), simplified.documents) == (131, 9)
    taiwan = [ln for ln in simplified.lines if ln.id == MINING_ACT]
    assert len(taiwan) == 96
    assert (taiwan[0].where, taiwan[0].left, taiwan[0].match, taiwan[0].right) == (
        "¶68",
        "一、",
        "礦業",  # the original script, not the folded one
        "：指從事探",
    )


def test_multi_word_terms(corpus: Corpus) -> None:
    chinese = corpus.kwic("电解铝 产能", width=8)
    assert [(ln.where, ln.match) for ln in chinese.lines] == [
        ("¶2", "电解铝产能"),
        ("¶4", "电解铝产能"),
        ("¶10", "电解铝产能"),
        ("¶10", "电解铝产能"),
    ]
    english = corpus.kwic("electrolytic aluminium", width=16)
    assert [(ln.id, ln.where, ln.match) for ln in english.lines] == [
        (SEED_ARTICLE, "¶2", "electrolytic aluminum"),
        (SEED_ARTICLE, "¶3", "electrolytic aluminum"),
    ]


def test_chars_mode_finds_words_jieba_merged_into_longer_ones(corpus: Corpus) -> None:
    words = corpus.kwic("稀土")
    chars = corpus.kwic("稀土", match="chars")
    assert (len(words.lines), len(chars.lines)) == (127, 148)
    assert set(words.lines) <= set(chars.lines)


def test_lang_and_department_filters(corpus: Corpus) -> None:
    assert corpus.kwic("电解铝", lang="en").lines == ()
    assert {ln.doc_number for ln in corpus.kwic("电解铝", departments=["工信部"]).lines} == {
        "工信部联原〔2011〕177号"
    }


def test_kwic_frame(corpus: Corpus) -> None:
    pytest.importorskip("pandas")
    frame = corpus.kwic("电解铝 产能", width=8).to_frame()
    assert list(frame.columns) == [
        "id",
        "doc_number",
        "date",
        "title",
        "field",
        "paragraph",
        "start",
        "end",
        "left",
        "match",
        "right",
    ]
    assert frame["paragraph"].tolist() == [2, 4, 10, 10]


@pytest.mark.parametrize("term", ["", "   ", "the of", "x" * 201])
def test_bad_terms_raise_query_error(corpus: Corpus, term: str) -> None:
    with pytest.raises(QueryError):
        corpus.kwic(term)


def test_cli_kwic_exact_output(corpus: Corpus) -> None:
    result = CliRunner().invoke(
        main, ["--home", str(corpus.home), "kwic", "电解铝 产能", "--width", "8"]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "工信部联原〔2011〕177号  2011  ¶2   底，全国 | 电解铝产能 | 已达2300\n"
        "工信部联原〔2011〕177号  2011  ¶4   施，遏制 | 电解铝产能 | 盲目扩张\n"
        "工信部联原〔2011〕177号  2011  ¶10  在不增加 | 电解铝产能 | 的前提下\n"
        "工信部联原〔2011〕177号  2011  ¶10  名义扩大 | 电解铝产能 | 。\n"
    )
    assert result.stderr == "4 occurrences of '电解铝 产能' in 1 documents\n"


def test_cli_kwic_empty_term_is_an_error(corpus: Corpus) -> None:
    result = CliRunner().invoke(main, ["--home", str(corpus.home), "kwic", " "])
    assert result.exit_code == 1
    assert result.stderr == "alucorpus: error: empty term: give a word or a phrase\n"
