"""Term trends on the real corpus, and the CJK chart rendered for real."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner

from alucorpus import AlucorpusError, Corpus, QueryError
from alucorpus.cli import main
from alucorpus.trends import period_of


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
    )


def test_by_month_normalized(corpus: Corpus) -> None:
    result = corpus.trend(["稀土"], by="month", since="2011", until="2011")
    assert result.render(normalize=True) == (
        "period   corpus  稀土 share  稀土 occ/doc\n"
        "2011-05       2       0.500         54.00\n"
        "2011-09       1       0.000          0.00\n"
        "2011-12       1       1.000          8.00\n"
    )


def test_undated_documents_are_counted_apart(corpus: Corpus) -> None:
    result = corpus.trend(["电解铝"])
    # The aluminium notice prints no date: it counts in its page's year, 2011.
    assert result.row("2011", "电解铝").documents == 1
    assert {r.period for r in result.rows if r.documents} == {"2004", "2011"}
    assert result.undated == {}
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
        },
        {
            "period": "2011",
            "term": "钨",
            "documents": 1,
            "occurrences": 24,
            "corpus_documents": 5,
            "share": 0.2,
            "per_document": 4.8,
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
    )
    assert result.stderr == f"wrote chart to {chart}\n"
    assert chart.stat().st_size > 10_000
