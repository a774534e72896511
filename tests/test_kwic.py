"""Concordance (KWIC) on the real corpus: every occurrence, aligned, through the analyzer,
in both languages (a term's glossary translations), each line naming the form it matched."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from alucorpus import Corpus, QueryError
from alucorpus.cli import main
from alucorpus.kwic import (
    KWIC_COLUMNS,
    KwicLine,
    display_width,
    find_forms,
    find_occurrences,
    left_context,
    render_lines,
    right_context,
    term_forms,
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
    result = corpus.kwic("电解铝", width=10, translation="none")
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


def _places(lines: tuple[KwicLine, ...]) -> list[tuple[str, str, int, int, int]]:
    return [(ln.id, ln.field, ln.paragraph, ln.start, ln.end) for ln in lines]


def test_traditional_and_simplified_terms_find_the_same_lines(corpus: Corpus) -> None:
    traditional = corpus.kwic("礦業", width=10)
    simplified = corpus.kwic("矿业", width=10)
    assert _places(traditional.lines) == _places(simplified.lines)
    # The same English forms too: the Traditional term is looked up by its Simplified form.
    assert [f.text for f in traditional.forms[1:]] == ["mining", "mining industry"]
    assert [f.text for f in traditional.forms[1:]] == [f.text for f in simplified.forms[1:]]
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
    english = corpus.kwic("electrolytic aluminium", width=16, lang="en")
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
    assert corpus.kwic("电解铝", lang="en", translation="none").lines == ()
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
        "form",
        "form_source",
        "lang",
    ]
    assert list(frame.columns) == list(KWIC_COLUMNS)
    assert frame["paragraph"].tolist() == [2, 4, 10, 10]
    assert set(frame["form"]) == {"电解铝 产能"}
    frame = corpus.kwic("electrolytic aluminium").to_frame()
    assert frame.groupby(["form", "form_source", "lang"]).size().to_dict() == {
        ("electrolytic aluminium", "typed", "en"): 2,
        ("电解铝", "glossary", "zh"): 22,
    }


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
    assert result.stderr == (
        "4 occurrences of '电解铝 产能' in 1 documents"
        " (no glossary translation of '电解铝 产能': as typed only)\n"
    )


def test_cli_kwic_empty_term_is_an_error(corpus: Corpus) -> None:
    result = CliRunner().invoke(main, ["--home", str(corpus.home), "kwic", " "])
    assert result.exit_code == 1
    assert result.stderr == "alucorpus: error: empty term: give a word or a phrase\n"


# -- across languages -----------------------------------------------------------------------------


def test_term_forms_come_from_the_glossary() -> None:
    assert [(f.text, f.lang, f.source) for f in term_forms("rare earth")] == [
        ("rare earth", "en", "typed"),
        ("稀土", "zh", "glossary"),
    ]
    # Renderings that analyse to the same words count once: aluminium and aluminum.
    assert [f.text for f in term_forms("电解铝")] == [
        "电解铝",
        "electrolytic aluminium",
        "primary aluminium",
        "aluminium smelting",
    ]
    assert [f.text for f in term_forms("礦業")] == ["礦業", "mining", "mining industry"]
    assert [f.text for f in term_forms("mining", translation="none")] == ["mining"]
    # --lang keeps the term as typed and the forms in that language.
    assert [f.text for f in term_forms("rare earth", lang="en")] == ["rare earth"]
    assert [f.text for f in term_forms("稀土", lang="zh")] == ["稀土"]
    assert [f.text for f in term_forms("稀土", lang="en")][1:] == [
        "rare earths",
        "rare earth elements",
        "REE",
    ]
    # English translations are matched by the lexicon's key, even in chars mode (a
    # substring PV would match inside PVC); spelling variants become one form.
    assert {f.match for f in term_forms("光伏", match="chars")[1:]} == {"en_words"}
    assert [(f.text, f.variants) for f in term_forms("采矿权")[1:]] == [
        ("mining right", ()),
        ("mining licence", ("mining license",)),
    ]
    assert [f.match for f in term_forms("rare earth", match="chars")] == ["chars", "chars"]
    with pytest.raises(QueryError, match="unknown translation"):
        term_forms("稀土", translation="structured")


def test_cc_cedict_only_when_asked_and_only_where_the_glossary_has_no_row() -> None:
    # 的 → "taxi": why CC-CEDICT is not the default (on the whole corpus, kwic taxi
    # --translation cedict finds 40,374 lines of 的).
    assert [f.text for f in term_forms("taxi")] == ["taxi"]
    assert "的" in [f.text for f in term_forms("taxi", translation="cedict")]
    assert {f.source for f in term_forms("taxi", translation="cedict")[1:]} == {"cedict"}
    # A glossary row wins: CC-CEDICT adds nothing to 稀土.
    assert term_forms("稀土", translation="cedict") == term_forms("稀土")


def test_find_forms_counts_overlapping_forms_once_and_reads_traditional() -> None:
    forms = term_forms("电解铝")
    text = "遏制電解鋁產能 (primary aluminium smelting)"
    found = [(text[s:e], forms[k].text) for s, e, k in find_forms(text, forms)]
    # "primary aluminium" and "aluminium smelting" overlap: the leftmost counts.
    assert found == [("電解鋁", "电解铝"), ("primary aluminium", "primary aluminium")]
    # A translation is looked for only in text of its own language.
    assert find_forms("光伏（PV）", term_forms("光伏"), lang="zh") == [(0, 2, 0)]
    forms = term_forms("光伏")
    assert [forms[k].text for *_, k in find_forms("光伏（PV）", forms)] == ["光伏", "PV"]
    assert find_forms("PVC pipes", forms) == []
    # 矿业's "mining" is the word mining (and its plural), not every "mine": the
    # lexicon's key, not the search analyzer's stem (which folds both to "mine").
    forms = term_forms("矿业")
    text = "Mines and mining; mining industries, mined"
    assert [(text[s:e], forms[k].text) for s, e, k in find_forms(text, forms)] == [
        ("mining", "mining"),
        ("mining industries", "mining industry"),
    ]
    assert find_occurrences(text, "mining") == [(0, 5), (10, 16), (18, 24), (37, 42)]


def test_an_english_term_finds_the_aluminium_notice_in_chinese(corpus: Corpus) -> None:
    result = corpus.kwic("electrolytic aluminium", width=10)
    assert (len(result.lines), result.documents) == (24, 3)
    notice = [ln for ln in result.lines if ln.id == ALUMINIUM]
    assert len(notice) == 21
    assert {(ln.match, ln.form, ln.form_source, ln.lang) for ln in notice} == {
        ("电解铝", "电解铝", "glossary", "zh")
    }
    assert [(ln.where, ln.left, ln.match, ln.right) for ln in notice[:2]] == [
        ("¶1", "", "电解铝", "是国民经济"),
        ("¶2", "增长，我国", "电解铝", "产能过剩、"),
    ]
    seed = [(ln.where, ln.match, ln.form) for ln in result.lines if ln.id == SEED_ARTICLE]
    assert seed == [
        ("¶2", "electrolytic aluminum", "electrolytic aluminium"),
        ("¶3", "electrolytic aluminum", "electrolytic aluminium"),
    ]
    assert result.summary() == (
        "24 occurrences of 'electrolytic aluminium' in 3 documents (electrolytic aluminium"
        " 2 occ in 1 docs + glossary: 电解铝 22 occ in 2 docs)"
    )


def test_a_chinese_term_finds_english_text(corpus: Corpus) -> None:
    result = corpus.kwic("电解铝", width=10)
    english = [ln for ln in result.lines if ln.lang == "en"]
    assert [(ln.id, ln.where, ln.match, ln.form, ln.form_source) for ln in english] == [
        (SEED_ARTICLE, "¶2", "electrolytic aluminum", "electrolytic aluminium", "glossary"),
        (SEED_ARTICLE, "¶3", "electrolytic aluminum", "electrolytic aluminium", "glossary"),
    ]
    assert len(result.lines) == 22 + 2
    # The Simplified glossary form finds Taiwan's Traditional text: "mining" → 矿业 → 礦業.
    taiwan = [ln for ln in corpus.kwic("mining", width=10).lines if ln.id == MINING_ACT]
    assert Counter((ln.match, ln.form) for ln in taiwan) == {
        ("礦業", "矿业"): 96,
        ("採礦", "采矿"): 28,
        ("開採", "开采"): 17,
    }


def test_lang_en_keeps_only_english_forms(corpus: Corpus) -> None:
    result = corpus.kwic("电解铝", width=10, lang="en")
    assert [f.lang for f in result.forms] == ["zh", "en", "en", "en"]  # the term, then English
    assert {(ln.lang, ln.form) for ln in result.lines} == {("en", "electrolytic aluminium")}
    assert len(result.lines) == 2
    assert corpus.kwic("electrolytic aluminium", lang="en").forms[1:] == ()
    zh = corpus.kwic("electrolytic aluminium", lang="zh")
    assert {(ln.lang, ln.form) for ln in zh.lines} == {("zh", "电解铝")}
    assert len(zh.lines) == 22


def test_cli_kwic_names_the_form_of_each_line(corpus: Corpus) -> None:
    home = ["--home", str(corpus.home)]
    result = CliRunner().invoke(
        main, [*home, "kwic", "electrolytic aluminium", "--width", "6", "--dept", "工信部"]
    )
    assert result.exit_code == 0, result.output
    # One form among the lines: no form column; the summary names every form looked for.
    assert (
        result.stdout.splitlines()[0]
        == "工信部联原〔2011〕177号  2011  ¶1          | 电解铝 | 是国民"
    )
    assert result.stderr == (
        "21 occurrences of 'electrolytic aluminium' in 1 documents"
        " (electrolytic aluminium 0 + glossary: 电解铝 21 occ in 1 docs)\n"
    )
    both = CliRunner().invoke(main, [*home, "kwic", "electrolytic aluminium", "--width", "6"])
    lines = both.stdout.splitlines()
    # Two forms among the lines: a form column after the paragraph.
    assert lines[1] == (
        "工信部联原〔2011〕177号  2011        ¶1   电解铝                         | 电解铝 | 是国民"
    )
    assert lines[-1] == (
        "f205be18                 ----------  ¶3   electrolytic aluminium  t the  "
        "| electrolytic aluminum |  enter"
    )
    jsonl = CliRunner().invoke(main, [*home, "kwic", "电解铝", "--lang", "en", "--format", "jsonl"])
    rows = [json.loads(line) for line in jsonl.stdout.splitlines()]
    assert [(r["match"], r["form"], r["form_source"], r["lang"]) for r in rows] == [
        ("electrolytic aluminum", "electrolytic aluminium", "glossary", "en")
    ] * 2
    none = CliRunner().invoke(main, [*home, "kwic", "电解铝", "--translation", "none"])
    assert none.stderr == "22 occurrences of '电解铝' in 2 documents\n"


def test_a_user_glossary_adds_forms(corpus: Corpus, tmp_path: Path) -> None:
    glossary = tmp_path / "mine.tsv"
    glossary.write_text("zh\ten\tdomain\tnote\n电解铝\tpotline aluminium\tnonferrous\t\n", "utf-8")
    result = corpus.kwic("potline aluminium", glossary=glossary)
    assert [(f.text, f.source) for f in result.forms] == [
        ("potline aluminium", "typed"),
        ("电解铝", "user"),
    ]
    assert len(result.lines) == 22
    trend = CliRunner().invoke(
        main,
        [
            "--home",
            str(corpus.home),
            "trend",
            "potline aluminium",
            "--since",
            "2011",
            "--until",
            "2011",
            "--glossary",
            str(glossary),
        ],
    )
    assert trend.stdout.splitlines()[-1] == (
        "potline aluminium = potline aluminium 0 + user: 电解铝 21 occ in 1 docs"
    )
