"""Term trends: per year or month, how many documents mention each term, and how often.

Counts come from the concordance matcher (:mod:`alucorpus.kwic`), so a trend and a
concordance of the same term always agree. By year, a document counts in its
``issued_year`` (:mod:`alucorpus.dates`: the year of its 成文日期, else of its 发布日期,
else of its page's date, a table's Year column or its 发文字号), the year the
``--since``/``--until`` filters date it by, so ``trend 稀土`` and ``search 稀土 --since
2011 --until 2011`` count the same 2011 documents. By month, a document counts in the
month of its 成文日期, else 发布日期; one with only a year has no month and is
counted apart (:attr:`Trend.year_only`), as undated documents are (:attr:`Trend.undated`).

A term counts in both languages: its forms (:func:`alucorpus.kwic.term_forms`) are
the term as typed and, by default, its glossary translations, so ``trend "rare earth"``
counts 稀土 in Chinese text as well as "rare earth" in English text. Each row says how
much each form contributed (:attr:`TrendRow.forms`), and the rendered table lists
every form counted under the table. A document that holds two forms of a term counts
once in the term's documents and once in each form's. A document that carries its
translation (Taiwan's statutes with their official English, GOV_PRC's rows with their
machine translation) counts in its own text only, as in a concordance
(:func:`alucorpus.kwic.scan`): each mention once, and only the mentions its original
makes; what its translation held is reported apart (:attr:`Trend.aside`).

The corpus is uneven over time (this test corpus has one document in some years and
twenty in others), so a raw count rises and falls with the collection, not with
policy. ``normalize=True`` divides by the number of documents the corpus holds for
the period (under the same filters): the share of documents mentioning the term.

>>> corpus.trend(["稀土", "钨"], by="year").to_frame()  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import csv
import io
import logging
import warnings
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .display import display_width, pad
from .errors import AlucorpusError, QueryError
from .kwic import Form, aside_note, describe_forms, scan, term_forms, untranslated_note
from .search import Filter, matching_documents

if TYPE_CHECKING:
    from .index import Index
    from .lexicon import Lexicon

log = logging.getLogger(__name__)

PERIODS = ("year", "month")
# Families tried, in order, for CJK labels; the first one installed that covers the
# labels wins. Noto Sans CJK SC comes with the ``plot`` extra (manimgx-fonts-cjk).
CJK_FONT_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Droid Sans Fallback",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Noto Sans CJK TC",
    "Noto Sans CJK JP",
)
# Python packages that ship a CJK font file, and the file inside them.
_FONT_PACKAGES = (("manimgx_fonts_cjk", "NotoSansCJK-VF.otf.ttc"),)


#: The columns of a trend's table (CSV, DataFrame), in order.
TREND_COLUMNS = (
    "period",
    "term",
    "documents",
    "occurrences",
    "corpus_documents",
    "share",
    "per_document",
    "forms",
)


@dataclass(frozen=True)
class TrendRow:
    """One period and one term.

    ``forms``: ``(form, documents, occurrences)`` for each form of the term, in the
    order of :attr:`Trend.forms` (the term as typed first).
    """

    period: str  # "2011" or "2011-05"
    term: str
    documents: int  # documents mentioning the term
    occurrences: int  # occurrences of the term in them
    corpus_documents: int  # documents in the corpus for the period (same filters)
    forms: tuple[tuple[str, int, int], ...] = ()

    @property
    def share(self) -> float:
        """Documents mentioning the term, as a fraction of the period's documents."""
        return self.documents / self.corpus_documents if self.corpus_documents else 0.0

    @property
    def per_document(self) -> float:
        """Occurrences per document of the period."""
        return self.occurrences / self.corpus_documents if self.corpus_documents else 0.0

    def to_dict(self) -> dict[str, Any]:
        """Plain values (a DataFrame row)."""
        return {
            "period": self.period,
            "term": self.term,
            "documents": self.documents,
            "occurrences": self.occurrences,
            "corpus_documents": self.corpus_documents,
            "share": round(self.share, 6),
            "per_document": round(self.per_document, 6),
            "forms": {
                form: {"documents": documents, "occurrences": occurrences}
                for form, documents, occurrences in self.forms
            },
        }


@dataclass(frozen=True)
class Trend:
    """Counts of each term per period; only periods in which the corpus has documents.

    ``forms``: term → the forms counted for it (:class:`~alucorpus.kwic.Form`, the term
    as typed first); ``translation``: where the translations came from.
    """

    terms: tuple[str, ...]
    by: str
    periods: tuple[str, ...]
    corpus_documents: dict[str, int]
    rows: tuple[TrendRow, ...]
    undated: dict[str, int] = field(default_factory=dict)  # term → undated matching documents
    # By month: term → matching documents dated only by a year (no month to count them in).
    year_only: dict[str, int] = field(default_factory=dict)
    forms: dict[str, tuple[Form, ...]] = field(default_factory=dict)
    translation: str = "none"
    # term → (documents, occurrences) in translations of documents with text of their
    # own, not counted (see alucorpus.kwic.scan)
    aside: dict[str, tuple[int, int]] = field(default_factory=dict)
    lang: str | None = None

    def row(self, period: str, term: str) -> TrendRow:
        """The counts of one term in one period."""
        for row in self.rows:
            if row.period == period and row.term == term:
                return row
        raise KeyError((period, term))

    def form_totals(self, term: str) -> list[tuple[Form, int, int]]:
        """(form, documents, occurrences) of each form of ``term`` over the dated periods."""
        forms = self.forms.get(term, ())
        documents: Counter[str] = Counter()
        occurrences: Counter[str] = Counter()
        for row in self.rows:
            if row.term == term:
                for form, docs, occ in row.forms:
                    documents[form] += docs
                    occurrences[form] += occ
        return [(f, documents[f.text], occurrences[f.text]) for f in forms]

    def forms_line(self, term: str) -> str:
        """Which forms of ``term`` were counted, and how much each contributed."""
        totals = self.form_totals(term)
        if len(totals) > 1:
            line = f"{term} = {describe_forms(totals)}"
        else:
            line = untranslated_note(term, self.translation, self.lang)
        aside = aside_note(*self.aside.get(term, (0, 0)))
        return f"{line}\n  {aside}" if line and aside else line or aside

    def flat_rows(self) -> list[dict[str, Any]]:
        """One dict per (period, term) with :data:`TREND_COLUMNS`: ``forms`` as text,
        each form's occurrences (``稀土=116; rare earths=116``), as the CSV has them."""
        rows = []
        for row in self.rows:
            values = row.to_dict()
            values["forms"] = "; ".join(f"{form}={occ}" for form, _, occ in row.forms)
            rows.append(values)
        return rows

    def to_frame(self) -> Any:
        """A long pandas DataFrame, one row per (period, term) (needs the ``tables`` extra).

        The columns of the CLI's CSV; :meth:`forms_frame` has one row per form.
        """
        from .tables import frame

        return frame(self.flat_rows(), list(TREND_COLUMNS))

    def form_rows(self) -> list[dict[str, Any]]:
        """One dict per (period, term, form): documents and occurrences of that form."""
        out = []
        for row in self.rows:
            by_text = {f.text: f for f in self.forms.get(row.term, ())}
            for text, documents, occurrences in row.forms:
                form = by_text.get(text)
                out.append(
                    {
                        "period": row.period,
                        "term": row.term,
                        "form": text,
                        "lang": form.lang if form else "",
                        "source": form.source if form else "",
                        "documents": documents,
                        "occurrences": occurrences,
                    }
                )
        return out

    def forms_frame(self) -> Any:
        """A pandas DataFrame, one row per (period, term, form) (needs the ``tables`` extra)."""
        from .tables import frame

        columns = ["period", "term", "form", "lang", "source", "documents", "occurrences"]
        return frame(self.form_rows(), columns)

    def to_csv(self) -> str:
        """The trend as CSV text: the columns of :meth:`to_frame`, a header first."""
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(TREND_COLUMNS), lineterminator="\n")
        writer.writeheader()
        writer.writerows(self.flat_rows())
        return out.getvalue()

    def render(self, *, normalize: bool = False) -> str:
        """A text table: one line per period, documents and occurrences of each term.

        With ``normalize`` the cells are the share of the period's documents that
        mention the term, and occurrences per document of the period.
        """
        header = ["period", "corpus"]
        for term in self.terms:
            header += (
                [f"{term} docs", f"{term} occ"]
                if not normalize
                else [
                    f"{term} share",
                    f"{term} occ/doc",
                ]
            )
        table = [header]
        for period in self.periods:
            cells = [period, str(self.corpus_documents[period])]
            for term in self.terms:
                row = self.row(period, term)
                if normalize:
                    cells += [f"{row.share:.3f}", f"{row.per_document:.2f}"]
                else:
                    cells += [str(row.documents), str(row.occurrences)]
            table.append(cells)
        widths = [max(display_width(r[i]) for r in table) for i in range(len(header))]
        lines = [
            "  ".join(
                pad(cell, w, right=i > 0) for i, (cell, w) in enumerate(zip(r, widths, strict=True))
            ).rstrip()
            for r in table
        ]
        for term in self.terms:
            if line := self.forms_line(term):
                lines.append(line)
        for term in self.terms:
            if self.year_only.get(term):
                lines.append(
                    f"({self.year_only[term]} documents dated only by year, no month, mention"
                    f" {term}; not counted above)"
                )
            if self.undated.get(term):
                lines.append(
                    f"({self.undated[term]} undated documents mention {term}; not counted above)"
                )
        return "\n".join(lines) + "\n"

    def plot(self, path: str | Path, *, normalize: bool = False, font: str | None = None) -> Path:
        """Write a line chart (PNG, SVG or PDF by extension) with CJK labels; return its path.

        Raises:
            MissingExtraError: matplotlib is not installed (``pip install 'alucorpus[plot]'``).
            AlucorpusError: no font covering the labels' CJK characters was found.
        """
        return plot_trend(self, path, normalize=normalize, font=font)


def period_of(date: str | None, by: str) -> str | None:
    """The period of a ``YYYY-MM-DD`` date: ``YYYY`` or ``YYYY-MM``; None when undated.

    >>> period_of("2011-05-10", "month"), period_of("2011-05-10", "year"), period_of(None, "year")
    ('2011-05', '2011', None)
    """
    if not date or len(date) < 4 or not date[:4].isdigit():
        return None
    if by == "month":
        return date[:7] if len(date) >= 7 else None
    return date[:4]


def document_period(data: dict[str, Any], by: str) -> str | None:
    """The period a document (its stored index data) counts in; None when it has none.

    By year its ``issued_year``; by month the month of its issued, else published date
    (a document with only a year has none).

    >>> year_only = {"issued_year": 2011, "issued": None}
    >>> document_period(year_only, "year"), document_period(year_only, "month")
    ('2011', None)
    """
    date = data.get("issued") or data.get("published")
    if by == "year":
        year = data.get("issued_year")
        return f"{int(year):04d}" if year else period_of(date, by)
    return period_of(date, by)


def _year_only(data: dict[str, Any]) -> bool:
    """A document with a year and no full date (so no month)."""
    return bool(data.get("issued_year")) and not (data.get("issued") or data.get("published"))


def corpus_counts(index: Index, by: str, restrict: Filter | None = None) -> Counter[str]:
    """Documents per period in the whole index (under the filter): the normaliser."""
    counts: Counter[str] = Counter()
    for _, data in matching_documents(index, None, restrict):
        period = document_period(data, by)
        if period:
            counts[period] += 1
    return counts


def trend(
    index: Index,
    terms: Sequence[str],
    *,
    by: str = "year",
    match: str = "words",
    lang: str | None = None,
    restrict: Filter | None = None,
    translation: str = "glossary",
    lexicon: Lexicon | None = None,
) -> Trend:
    """Documents and occurrences of each term (and its translations) per period.

    Args:
        index: an open index.
        terms: one or more terms (see :func:`alucorpus.kwic.find_occurrences`).
        by: "year" or "month".
        match: "words" or "chars", as for a concordance.
        lang: only text in this language ("zh" or "en"), and only the forms in it
            (besides the term as typed).
        restrict: only the documents this filter lets through (None: all).
        translation: "glossary" (the default), "cedict" or "none": which translations
            of each term count (:func:`alucorpus.kwic.term_forms`).
        lexicon: the lexicon to translate with (default: the packaged one).

    Raises:
        QueryError: no terms, an unknown period, translation or match mode, or an
            unsearchable term.
    """
    if by not in PERIODS:
        raise QueryError(f"unknown period {by!r}; use one of {', '.join(PERIODS)}")
    terms = list(dict.fromkeys(t for t in terms if t.strip()))
    if not terms:
        raise QueryError("no term given: name at least one word to count")
    forms = {
        term: term_forms(term, match=match, lang=lang, translation=translation, lexicon=lexicon)
        for term in terms
    }
    corpus = corpus_counts(index, by, restrict)
    periods = tuple(sorted(corpus))
    rows = []
    undated: dict[str, int] = {}
    year_only: dict[str, int] = {}
    aside: dict[str, tuple[int, int]] = {}
    for term in terms:
        docs: Counter[str] = Counter()
        occurrences: Counter[str] = Counter()
        # (period, form index) → documents, occurrences
        form_docs: Counter[tuple[str, int]] = Counter()
        form_occ: Counter[tuple[str, int]] = Counter()
        found = scan(index, term, match=match, lang=lang, restrict=restrict, forms=forms[term])
        for doc in found:
            if doc.aside:
                before = aside.get(term, (0, 0))
                aside[term] = (before[0] + 1, before[1] + doc.aside)
            if not doc.occurrences:
                continue  # only its translation had the term
            period = document_period(doc.data, by)
            if period is None:
                apart = year_only if _year_only(doc.data) else undated
                apart[term] = apart.get(term, 0) + 1
                continue
            docs[period] += 1
            occurrences[period] += doc.occurrences
            for k, count in doc.form_occurrences().items():
                form_docs[period, k] += 1
                form_occ[period, k] += count
        rows += [
            TrendRow(
                period,
                term,
                docs[period],
                occurrences[period],
                corpus[period],
                tuple(
                    (form.text, form_docs[period, k], form_occ[period, k])
                    for k, form in enumerate(forms[term])
                ),
            )
            for period in periods
        ]
    rows.sort(key=lambda r: (r.period, terms.index(r.term)))
    return Trend(
        tuple(terms),
        by,
        periods,
        dict(corpus),
        tuple(rows),
        undated,
        year_only,
        forms,
        translation,
        aside,
        lang,
    )


# -- plotting -------------------------------------------------------------------------------------


def font_covers(path: str | Path, text: str, face_index: int = 0) -> bool:
    """Whether the font file (face ``face_index`` of a collection) has a glyph for every
    non-space character of ``text``."""
    from matplotlib.ft2font import FT2Font

    charmap = FT2Font(str(path), face_index=face_index).get_charmap()
    return all(ord(ch) in charmap for ch in text if not ch.isspace())


def _packaged_fonts() -> list[Path]:
    """CJK font files shipped by optional Python packages that are installed."""
    import importlib.util

    found = []
    for package, name in _FONT_PACKAGES:
        spec = importlib.util.find_spec(package)
        if spec is not None and spec.origin:
            path = Path(spec.origin).parent / name
            if path.is_file():
                found.append(path)
    return found


def find_cjk_font(text: str = "稀土电解铝", font: str | None = None) -> str:
    """The name of a font family matplotlib can use for ``text``'s CJK characters.

    Looked for in order: ``font`` (a family name or a font file), fonts matplotlib
    already knows (system fonts), then fonts shipped by Python packages (the ``plot``
    extra installs Noto Sans CJK). A candidate counts only if its character map covers
    every character of ``text``: a font with the right name but no glyphs would draw
    boxes. Font files are registered with matplotlib.

    Raises:
        AlucorpusError: nothing covers the text.
    """
    from matplotlib import font_manager

    manager = font_manager.fontManager
    if font and Path(font).is_file():
        manager.addfont(font)
        names = [font_manager.FontProperties(fname=font).get_name()]
    elif font:
        names = [font]
    else:
        names = list(CJK_FONT_FAMILIES)
    chars = "".join(ch for ch in text if ord(ch) > 0x2E7F)  # the CJK part needs the CJK font
    for attempt in range(2):
        entries = {(e.name, e.fname) for e in manager.ttflist}
        for name in names:
            for entry_name, fname in sorted(entries):
                if entry_name != name:
                    continue
                try:
                    index = _face_index(fname, name)
                    if font_covers(fname, chars, index):
                        return name
                except (OSError, RuntimeError, ValueError):
                    log.debug("cannot read font %s", fname, exc_info=True)
        if attempt == 0:
            for path in _packaged_fonts():
                manager.addfont(str(path))
    wanted = font or "a CJK font"
    raise AlucorpusError(
        f"no font found that covers {chars!r} ({wanted}); install the plot extra "
        "(pip install 'alucorpus[plot]', which brings Noto Sans CJK) or pass a font file"
    )


def _face_index(path: str, family: str) -> int:
    """Which face of a font collection (.ttc) is ``family``; 0 for a single font."""
    from matplotlib.ft2font import FT2Font

    first = FT2Font(path)
    for index in range(first.num_faces):
        face = first if index == 0 else FT2Font(path, face_index=index)
        if face.family_name == family:
            return index
    return 0


@contextlib.contextmanager
def _quiet(logger_name: str) -> Iterator[None]:
    """Silence a logger below ERROR for a while.

    Noto Sans CJK comes as a variable font that matplotlib registers at one weight;
    its font manager then logs "Failed to find font weight normal" on every lookup.
    """
    logger = logging.getLogger(logger_name)
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def plot_trend(
    result: Trend, path: str | Path, *, normalize: bool = False, font: str | None = None
) -> Path:
    """Draw a trend as a line chart, one line per term; labels in a CJK font.

    matplotlib warns "Glyph … missing from font(s)" when it draws a character its
    font lacks; those warnings are turned into an error here, so a chart with boxes
    is never written silently.
    """
    from .tables import require

    matplotlib = require("matplotlib", "plot")
    require("matplotlib.pyplot", "plot")
    from matplotlib.figure import Figure

    labels = "".join(result.terms) + "文件占比年月份"
    family = find_cjk_font(labels, font)
    target = Path(path)
    with (
        _quiet("matplotlib.font_manager"),
        matplotlib.rc_context(
            {"font.family": "sans-serif", "font.sans-serif": [family, "DejaVu Sans"]}
        ),
        warnings.catch_warnings(record=True) as caught,
    ):
        warnings.simplefilter("always")
        figure = Figure(figsize=(8, 4.5), dpi=100)
        axes = figure.subplots()
        x = list(range(len(result.periods)))
        for term in result.terms:
            rows = [result.row(p, term) for p in result.periods]
            y = [r.share if normalize else r.documents for r in rows]
            axes.plot(x, y, marker="o", label=term)
        step = max(1, len(x) // 12)  # at most a dozen period labels
        axes.set_xticks(x[::step], list(result.periods)[::step], rotation=45, ha="right")
        axes.set_xlabel("年份" if result.by == "year" else "月份")
        axes.set_ylabel("文件占比 (share of documents)" if normalize else "文件数 (documents)")
        axes.set_title("、".join(result.terms))
        axes.legend()
        if not normalize:
            from matplotlib.ticker import MaxNLocator

            axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        figure.tight_layout()
        try:
            figure.savefig(target)
        except OSError as exc:
            raise AlucorpusError(f"{target}: cannot write ({exc.strerror or exc})") from None
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    if missing:
        target.unlink(missing_ok=True)
        raise AlucorpusError(f"{target}: the chart would show boxes: {missing[0]}")
    return target


__all__ = [
    "CJK_FONT_FAMILIES",
    "PERIODS",
    "TREND_COLUMNS",
    "Trend",
    "TrendRow",
    "corpus_counts",
    "document_period",
    "find_cjk_font",
    "font_covers",
    "period_of",
    "plot_trend",
    "trend",
]
