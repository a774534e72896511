"""Term trends on the real corpus, in both languages, and the CJK chart rendered for real."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner

from alucorpus import AlucorpusError, Corpus, QueryError
from alucorpus.cli import main
from alucorpus.trends import Trend, period_of


@pytest.fixture(scope="session")
def corpus(research_corpus: Corpus) -> Corpus:
    return research_corpus


def test_period_of() -> None:
    assert period_of("2011-05-10", "year") == "2011"
    assert period_of("2011-05-10", "month") == "2011-05"
    assert period_of("2011", "month") is None
    assert period_of(None, "year") is None


def test_rare_earths_by_year(corpus: Corpus) -> None:
    result = corpus.trend(["稀土"])
    nonzero = [
        (r.period, r.documents, r.occurrences, r.corpus_documents)
        for r in result.rows
        if r.documents
    ]
    # 2011 holds five documents: four dated ones and the aluminium notice, which prints
    # no date and is dated by its page's year (alucorpus.dates)
    assert nonzero == [("1991", 1, 10, 3), ("2001", 1, 1, 1), ("2011", 2, 116, 5)]
    # every period of the corpus is listed, mentions or not
    assert result.periods[0] == "1978" and result.periods[-1] == "2025"
    records = list(corpus.records())
    dated = sum(1 for r in records if r.issued_year)
    # every document has a year but the English seed, which prints none
    assert sum(result.corpus_documents.values()) == dated == len(records) - 1
    assert result.row("2011", "稀土").share == 0.4


def test_the_kwic_and_the_trend_agree(corpus: Corpus) -> None:
    lines = corpus.kwic("稀土").lines
    rows = corpus.trend(["稀土"]).rows
    assert sum(r.occurrences for r in rows) == len(lines)


def test_render_exact(corpus: Corpus) -> None:
    result = corpus.trend(["稀土", "钨"], since="2010", until="2013")
    assert result.render() == (
        "period  corpus  稀土 docs  稀土 occ  钨 docs  钨 occ\n"
        "2010         3          0         0        0       0\n"
        "2011         5          2       116        1      24\n"
        "2012         1          0         0        0       0\n"
        "2013         4          0         0        0       0\n"
        "稀土 = 稀土 116 occ in 2 docs + glossary: rare earths 0, rare earth elements 0, REE 0\n"
        "钨 = 钨 24 occ in 1 docs + glossary: tungsten 0\n"
    )
    untranslated = corpus.trend(["稀土", "钨"], since="2010", until="2013", translation="none")
    assert untranslated.render() == result.render().rsplit("\n", 3)[0] + "\n"


def test_by_month_normalized(corpus: Corpus) -> None:
    result = corpus.trend(["稀土"], by="month", since="2011", until="2011")
    assert result.render(normalize=True) == (
        "period   corpus  稀土 share  稀土 occ/doc\n"
        "2011-05       2       0.500         54.00\n"
        "2011-09       1       0.000          0.00\n"
        "2011-12       1       1.000          8.00\n"
        "稀土 = 稀土 116 occ in 2 docs + glossary: rare earths 0, rare earth elements 0, REE 0\n"
    )


def test_undated_documents_are_counted_apart(corpus: Corpus) -> None:
    result = corpus.trend(["电解铝"])
    # The aluminium notice prints no date: it counts in its page's year, 2011.
    assert result.row("2011", "电解铝").documents == 1
    assert {r.period for r in result.rows if r.documents} == {"2004", "2011"}
    # The English seed says "electrolytic aluminum" and has no date at all.
    assert result.undated == {"电解铝": 1}
    assert corpus.trend(["电解铝"], translation="none").undated == {}
    english = corpus.trend(["aluminium"])
    assert english.undated == {"aluminium": 1}  # the English seed has no date at all
    assert english.render().endswith("(1 undated documents mention aluminium; not counted above)\n")


def test_trend_frame(corpus: Corpus) -> None:
    pytest.importorskip("pandas")
    frame = corpus.trend(["稀土", "钨"], since="2011", until="2011").to_frame()
    assert frame.to_dict("records") == [
        {
            "period": "2011",
            "term": "稀土",
            "documents": 2,
            "occurrences": 116,
            "corpus_documents": 5,
            "share": 0.4,
            "per_document": 23.2,
            "forms": "稀土=116; rare earths=0; rare earth elements=0; REE=0",
        },
        {
            "period": "2011",
            "term": "钨",
            "documents": 1,
            "occurrences": 24,
            "corpus_documents": 5,
            "share": 0.2,
            "per_document": 4.8,
            "forms": "钨=24; tungsten=0",
        },
    ]
    forms = corpus.trend(["rare earth"], since="2011", until="2011").forms_frame()
    assert forms.to_dict("records") == [
        {
            "period": "2011",
            "term": "rare earth",
            "form": "rare earth",
            "lang": "en",
            "source": "typed",
            "documents": 0,
            "occurrences": 0,
        },
        {
            "period": "2011",
            "term": "rare earth",
            "form": "稀土",
            "lang": "zh",
            "source": "glossary",
            "documents": 2,
            "occurrences": 116,
        },
    ]


@pytest.mark.parametrize(("terms", "by"), [([], "year"), (["稀土"], "week"), ([" "], "year")])
def test_bad_arguments(corpus: Corpus, terms: list[str], by: str) -> None:
    with pytest.raises(QueryError):
        corpus.trend(terms, by=by)


# -- the chart ------------------------------------------------------------------------------------


def test_cjk_font_covers_the_labels() -> None:
    pytest.importorskip("matplotlib")
    from matplotlib import font_manager

    from alucorpus.trends import _face_index, find_cjk_font, font_covers

    family = find_cjk_font("稀土电解铝礦業")
    entry = next(e for e in font_manager.fontManager.ttflist if e.name == family)
    assert font_covers(entry.fname, "稀土电解铝礦業", _face_index(entry.fname, family))
    # DejaVu Sans is matplotlib's default: it has no CJK glyphs, so it must be refused.
    with pytest.raises(AlucorpusError, match="no font found"):
        find_cjk_font("稀土", "DejaVu Sans")


def test_plot_renders_cjk_without_missing_glyphs(corpus: Corpus, tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    target = tmp_path / "trend.png"
    with warnings.catch_warnings():
        # Any "Glyph … missing from font(s)" warning would fail the test.
        warnings.simplefilter("error")
        corpus.trend(["稀土", "钨"]).plot(target)
    data = target.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 10_000


def test_plot_refuses_to_draw_boxes(corpus: Corpus, tmp_path: Path) -> None:
    """The glyph check itself: drawing CJK with a Latin-only font is caught, not written."""
    pytest.importorskip("matplotlib")
    from matplotlib.figure import Figure

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        figure = Figure()
        figure.text(0.5, 0.5, "稀土", family="DejaVu Sans")
        figure.savefig(tmp_path / "boxes.png")
    assert any("missing from font" in str(w.message) for w in caught)


def test_cli_trend_exact_output_and_plot(corpus: Corpus, tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    chart = tmp_path / "chart.png"
    result = CliRunner().invoke(
        main,
        [
            "--home",
            str(corpus.home),
            "trend",
            "稀土",
            "--since",
            "2010",
            "--until",
            "2012",
            "--normalize",
            "--plot",
            str(chart),
        ],
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "period  corpus  稀土 share  稀土 occ/doc\n"
        "2010         3       0.000          0.00\n"
        "2011         5       0.400         23.20\n"
        "2012         1       0.000          0.00\n"
        "稀土 = 稀土 116 occ in 2 docs + glossary: rare earths 0, rare earth elements 0, REE 0\n"
    )
    assert result.stderr == f"wrote chart to {chart}\n"
    assert chart.stat().st_size > 10_000


# -- across languages -----------------------------------------------------------------------------

RARE_EARTH_OPINIONS = "96dc96b43a6c9e4f"  # 国发〔2011〕12号, GOV_PRC.csv row 13


def test_rare_earth_counts_the_2011_rare_earth_opinions(corpus: Corpus) -> None:
    result = corpus.trend(["rare earth"])
    row = result.row("2011", "rare earth")
    assert (row.documents, row.occurrences) == (2, 116)  # as many as 稀土's
    assert row.forms == (("rare earth", 0, 0), ("稀土", 2, 116))
    assert [(f.text, f.source) for f in result.forms["rare earth"]] == [
        ("rare earth", "typed"),
        ("稀土", "glossary"),
    ]
    # The documents are those of kwic's lines: the opinions among them.
    lines = corpus.kwic("rare earth", since="2011", until="2011").lines
    assert RARE_EARTH_OPINIONS in {ln.id for ln in lines}
    assert {ln.doc_number for ln in lines if ln.id == RARE_EARTH_OPINIONS} == {"国发〔2011〕12号"}
    assert sum(1 for ln in lines if ln.id == RARE_EARTH_OPINIONS) == 108
    assert result.forms_line("rare earth") == (
        "rare earth = rare earth 0 + glossary: 稀土 127 occ in 4 docs"
    )
    # Before issue 14 only the English text counted, and there is none here.
    assert corpus.trend(["rare earth"], translation="none").row("2011", "rare earth").documents == 0


def test_lang_keeps_one_languages_forms(corpus: Corpus) -> None:
    english = corpus.trend(["rare earth", "稀土"], lang="en", since="2011", until="2011")
    assert [f.text for f in english.forms["rare earth"]] == ["rare earth"]
    assert [f.text for f in english.forms["稀土"]] == [
        "稀土",
        "rare earths",
        "rare earth elements",
        "REE",
    ]
    assert english.row("2011", "rare earth").documents == 0  # GOV_PRC.csv has no English
    assert english.forms_line("rare earth") == (
        "--lang en: 'rare earth' as typed only, no translation is in that language"
    )
    chinese = corpus.trend(["rare earth"], lang="zh", since="2011", until="2011")
    assert chinese.row("2011", "rare earth").occurrences == 116


def test_a_chinese_term_counts_english_text(corpus: Corpus) -> None:
    # The seed article says "electrolytic aluminum"; it has no date, so it counts apart.
    assert corpus.trend(["电解铝"], lang="en").undated == {"电解铝": 1}
    assert corpus.trend(["电解铝"], lang="en", translation="none").undated == {}


@pytest.fixture(scope="module")
def bilingual(shared_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    """GOV_PRC.csv and its machine-translated copy: 100 documents with both languages."""
    corpus = Corpus(tmp_path_factory.mktemp("bilingual"))
    report = corpus.ingest(
        [
            str(shared_corpus / "gccmpd_govprc/raw/GOV_PRC.csv"),
            str(shared_corpus / "gccmpd_govprc/derived/gov_prc_zh_en.jsonl"),
        ]
    )
    assert not report.failed, [o.error for o in report.failed]
    return corpus


def test_a_document_with_its_translation_counts_in_its_own_text(bilingual: Corpus) -> None:
    result = bilingual.trend(["rare earth"], since="2011", until="2011")
    row = result.row("2011", "rare earth")
    # 国发〔2011〕12号 has 108 稀土 and, in its machine translation, 113 "rare earth";
    # 国办发〔2011〕57号 8 and 3. Each mention counts once, in the Chinese original.
    assert row.forms == (("rare earth", 0, 0), ("稀土", 2, 116))
    assert (row.documents, row.occurrences) == (2, 116)
    assert result.aside == {"rare earth": (2, 116)}
    assert result.render().splitlines()[-2:] == [
        "rare earth = rare earth 0 + glossary: 稀土 116 occ in 2 docs",
        "  (116 more matches in the English translations of 2 documents are not counted:"
        " a document counts in its own text; --lang en counts translations)",
    ]
    # The kwic shows what the trend counts.
    kwic = bilingual.kwic("rare earth", since="2011", until="2011")
    assert (len(kwic.lines), {ln.lang for ln in kwic.lines}) == (116, {"zh"})
    assert kwic.aside == (2, 116)
    # As typed only, "rare earth" is in no Chinese text: the translations count, as
    # before issue 14; and --lang en reads the English side.
    for options in ({"translation": "none"}, {"lang": "en"}):
        english = bilingual.trend(["rare earth"], since="2011", until="2011", **options)
        assert english.row("2011", "rare earth").forms[0] == ("rare earth", 2, 116), options
        assert english.aside == {}


def test_a_broad_translation_does_not_count_mentions_the_original_does_not_make(
    bilingual: Corpus,
) -> None:
    # The machine translation says "mining" for 采矿 and 开采 too: counted in the
    # English side, 矿业 would be found in documents whose Chinese never says it.
    def documents(result: Trend) -> int:
        return sum(r.documents for r in result.rows) + sum(result.undated.values())

    chinese = bilingual.trend(["矿业"], translation="none")
    both = bilingual.trend(["矿业"])
    english = bilingual.trend(["矿业"], lang="en")
    assert documents(both) == documents(chinese) == 8
    assert documents(english) == 31  # "mining" (579) and "mining industry" (11)
    assert both.aside == {"矿业": (31, 590)}
    kwic = bilingual.kwic("矿业")
    assert len(kwic.lines) == sum(r.occurrences for r in both.rows)


def test_cli_trend_csv_and_jsonl_name_the_forms(corpus: Corpus) -> None:
    home = ["--home", str(corpus.home)]
    args = ["trend", "rare earth", "--since", "2011", "--until", "2011"]
    result = CliRunner().invoke(main, [*home, *args, "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "period,term,documents,occurrences,corpus_documents,share,per_document,forms\n"
        "2011,rare earth,2,116,5,0.4,23.2,rare earth=0; 稀土=116\n"
    )
    assert result.stderr == "rare earth = rare earth 0 + glossary: 稀土 116 occ in 2 docs\n"
    assert result.stdout == corpus.trend(["rare earth"], since="2011", until="2011").to_csv()
    jsonl = CliRunner().invoke(main, [*home, *args, "--format", "jsonl"])
    (row,) = [json.loads(line) for line in jsonl.stdout.splitlines()]
    assert row["forms"] == {
        "rare earth": {"documents": 0, "occurrences": 0},
        "稀土": {"documents": 2, "occurrences": 116},
    }
    none = CliRunner().invoke(main, [*home, *args, "--translation", "none"])
    assert none.stdout == (
        "period  corpus  rare earth docs  rare earth occ\n"
        "2011         5                0               0\n"
    )
