"""Dates that exist: every record's best year and where it came from, on real files.

Each rule of :mod:`alucorpus.dates` is checked on a real corpus file, then the date
filters and the trend on a small corpus of real files: a document with only a year
is found by a range that holds its whole year and by no narrower one, and the trend
counts it in the same year the filter does.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from alucorpus import Corpus
from alucorpus.dates import (
    DATE_SOURCES,
    best_year,
    is_year_only,
    number_year,
    with_dates,
    year_of,
)
from alucorpus.ingest import parse_path
from alucorpus.records import Record
from alucorpus.search import Filter, build_filter, matching_documents
from alucorpus.search.evaluate import evaluate
from alucorpus.segments import DerivedCache
from alucorpus.trends import corpus_counts

ALUMINIUM_PAGE = "aluminium/raw/likgjava_eb/ff8080812f71626e012f76fda0a90274.jsp"
ALUMINIUM_NUMBER = "工信部联原〔2011〕177号"


def _one(path: Path) -> Record:
    records = parse_path(str(path))
    assert len(records) == 1
    return records[0]


def _row(records: list[Record], row: int) -> Record:
    return next(r for r in records if r.source.endswith(f"#row={row}"))


# -- the rules, one real file each ----------------------------------------------------------------


def test_a_news_page_dates_the_notice_it_carries_by_its_own_date(shared_corpus: Path) -> None:
    record = _one(shared_corpus / ALUMINIUM_PAGE)
    assert record.doc_number == ALUMINIUM_NUMBER
    # The reprint prints no signature date; its page says 发布时间：2011-04-21.
    assert dict(record.meta)["page_date"] == "2011-04-21"
    assert (record.issued_year, record.date_source) == (2011, "page")
    assert record.issued is None and record.published is None  # no day is invented
    assert is_year_only(record)


def test_a_table_row_without_a_date_is_dated_by_its_year_column(shared_corpus: Path) -> None:
    rows = parse_path(str(shared_corpus / "gccmpd_govprc/raw/GOV_PRC.csv"))
    # Row 28, 国务院关于解决矿区村庄压煤和搬迁工作的通知: empty body, Year 1980.
    row = _row(rows, 28)
    assert row.title == "国务院关于解决矿区村庄压煤和搬迁工作的通知" and not row.paragraphs
    assert (row.issued, row.published, row.doc_number) == (None, None, None)
    assert (row.issued_year, row.date_source) == (1980, "table_year")
    # The machine-translated JSON Lines twin writes the year as "1980.0".
    twins = parse_path(str(shared_corpus / "gccmpd_govprc/derived/gov_prc_zh_en.jsonl"))
    twin = _row(twins, 28)
    assert twin.title == row.title
    assert (twin.issued_year, twin.date_source) == (1980, "table_year")
    # A row whose text is signed and dated keeps that date: the Year column only agrees.
    signed = _row(rows, 9)
    assert signed.doc_number == "国发〔1991〕5号"
    assert (signed.issued, signed.issued_year, signed.date_source) == (
        "1991-01-15",
        1991,
        "document",
    )


def test_a_document_with_only_a_number_is_dated_by_its_year(shared_corpus: Path) -> None:
    notice = _one(shared_corpus / "aluminium/derived/gongxinbu_lianyuan_2011_177_notice.txt")
    assert notice.doc_number == ALUMINIUM_NUMBER
    assert (notice.issued, notice.published) == (None, None)
    assert (notice.issued_year, notice.date_source) == (2011, "number")
    # The crawl table's rows: their (wrong) wiritten_time/release_time are no date.
    rows = parse_path(str(shared_corpus / "govcn_zhouynf_sql/derived/records.jsonl"))
    first = _row(rows, 1)
    assert first.doc_number == "国发〔2019〕5号"
    assert (first.issued_year, first.date_source) == (2019, "number")
    # A decree's number carries no year.
    decree = next(r for r in rows if r.doc_number == "国务院令第707号")
    assert (decree.issued_year, decree.date_source) == (None, None)


def test_a_govcn_page_is_dated_by_its_metadata_table(shared_corpus: Path) -> None:
    fragments = shared_corpus / "govcn_zhouynf_sql/derived/html_fragments"
    page = _one(fragments / "content_5365945.html")
    assert page.doc_number == "国发〔2019〕5号"
    assert page.issued is not None and page.published is not None
    assert (page.issued_year, page.date_source) == (int(page.issued[:4]), "metadata")
    # The same page as a row of the SQL dump: the table's dates again.
    dump = parse_path(str(shared_corpus / "govcn_zhouynf_sql/raw/ge_policy_raw20190217.sql"))
    row = next(r for r in dump if r.doc_number == "国发〔2019〕5号")
    assert (row.issued, row.date_source) == (page.issued, "metadata")


def test_a_signed_notice_is_dated_by_its_signature(shared_corpus: Path) -> None:
    # This gov.cn page's table says 2004-04-17; the date under 国务院办公厅's own signature
    # is 2004-04-27, and the signature wins: the date is the document's own.
    fragments = shared_corpus / "govcn_zhouynf_sql/derived/html_fragments"
    page = _one(fragments / "content_5351624.html")
    assert page.doc_number == "国办函〔2004〕36号"
    assert (page.issued, page.issued_year, page.date_source) == ("2004-04-27", 2004, "document")
    # The date under a table row's signature, too.
    rows = parse_path(str(shared_corpus / "gccmpd_govprc/raw/GOV_PRC.csv"))
    assert _row(rows, 1).date_source == "document"


def test_the_other_formats(shared_corpus: Path) -> None:
    # A news page's own date is its 发布日期 here (no notice inside): "page".
    people = _one(shared_corpus / "gne_testpages/tests/people/1.html")
    assert (people.published, people.issued_year, people.date_source) == (
        "2019-06-15",
        2019,
        "page",
    )
    # A resolution's adoption note under its title is printed in the document.
    gazette = _one(shared_corpus / "gne_testpages/tests/other/1.html")
    assert (gazette.issued, gazette.date_source) == ("2007-06-29", "document")
    # Taiwan's and LawRefBook's version dates are the databases' fields.
    mining = _one(shared_corpus / "tw_mojlaw_bilingual/FalVMingLing/J0020001.json")
    assert (mining.issued_year, mining.date_source) == (int(mining.issued[:4]), "metadata")
    record = _one(shared_corpus / "lawrefbook/经济法/矿产资源法(2024-11-08).md")
    assert record.issued and (record.issued_year, record.date_source) == (
        int(record.issued[:4]),
        "metadata",
    )
    # A page with no date anywhere has no year.
    blank = _one(shared_corpus / "gne_testpages/tests/qq/2.html")
    assert (blank.issued_year, blank.date_source) == (None, None)


def test_with_dates_is_the_parsers_last_step_and_idempotent(shared_corpus: Path) -> None:
    record = _one(shared_corpus / ALUMINIUM_PAGE)
    assert with_dates(record) is record
    bare = record.with_changes(issued_year=None, date_source=None)
    assert best_year(bare) == (2011, "page")
    assert set(DATE_SOURCES) == {"document", "metadata", "page", "number", "table_year"}


def test_year_of_and_number_year() -> None:
    assert year_of("2011-04-21") == 2011 and year_of("1980.0") == 1980
    assert year_of("") is None and year_of("04-21") is None and year_of("0042") is None
    assert number_year("工信部联原〔2011〕177号") == 2011
    assert number_year("海关总署公告2025年第12号") == 2025
    assert number_year("国务院令第706号") is None
    assert number_year("林经政字〔05〕13号") is None  # an ambiguous two-digit year stays one


# -- filters and trends on a small real corpus ----------------------------------------------------


@pytest.fixture(scope="module")
def corpus(shared_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    """The aluminium page (year-only 2011), GOV_PRC.csv (dated and Year-only rows)."""
    corpus = Corpus(tmp_path_factory.mktemp("dates-corpus"))
    report = corpus.ingest(
        [str(shared_corpus / "aluminium/raw"), str(shared_corpus / "gccmpd_govprc/raw/GOV_PRC.csv")]
    )
    assert not report.failed, [o.error for o in report.failed]
    return corpus


def _numbers(results: Any) -> set[str | None]:
    return {hit.doc_number for hit in results.hits}


def _titles(results: Any) -> set[str]:
    return {hit.title for hit in results.hits}


def test_a_year_only_document_is_found_by_a_range_holding_its_whole_year(corpus: Corpus) -> None:
    def found(**bounds: str) -> bool:
        return ALUMINIUM_NUMBER in _numbers(corpus.search("电解铝", limit=100, **bounds))

    assert found(since="2011", until="2011")
    assert found(since="2011-01-01", until="2011-12-31")
    assert found(since="2010", until="2012")
    assert found(since="2011") and found(until="2011")
    # A range that holds only part of 2011 does not claim it: it has no month.
    assert not found(since="2011-06")
    assert not found(until="2011-03")
    assert not found(since="2011-04-21", until="2011-04-21")  # the page's day is not its own
    assert not found(since="2012") and not found(until="2010")
    # year: is the same year.
    assert ALUMINIUM_NUMBER in _numbers(corpus.search("year:2011 电解铝"))
    assert ALUMINIUM_NUMBER not in _numbers(corpus.search("year:..2010 电解铝"))
    assert ALUMINIUM_NUMBER not in _numbers(corpus.search("year:2012.. 电解铝"))


def test_open_year_ranges_hold_only_their_years(corpus: Corpus) -> None:
    # whoosh's ranges over an unsigned NUMERIC field matched every year for year:..2010.
    years = {r.issued_year for r in corpus.records() if r.issued_year}
    assert min(years) < 2010 < max(years)
    early = corpus.search("year:..2010", limit=1000, translation="none")
    assert early.facets["year"] and all(int(y) <= 2010 for y in early.facets["year"])
    late = corpus.search("year:2011..", limit=1000, translation="none")
    assert late.facets["year"] and all(int(y) >= 2011 for y in late.facets["year"])
    assert early.total + late.total == corpus.search("year:..9999", translation="none").total


def test_a_table_year_dates_a_row_for_the_filters(corpus: Corpus) -> None:
    title = "国务院关于解决矿区村庄压煤和搬迁工作的通知"  # row 28: Year 1980, no date, no body
    assert title in _titles(corpus.search("压煤", since="1980", until="1980", limit=100))
    assert title not in _titles(corpus.search("压煤", since="1980-02", until="1980", limit=100))
    assert title in _titles(corpus.search("压煤 year:1980", limit=100))


def test_the_trend_counts_the_years_the_filters_find(corpus: Corpus) -> None:
    # Every document, term or not: the trend's year of each is the year the filter finds.
    index = corpus.open_index()
    try:
        per_year = corpus_counts(index, "year")
        assert sum(per_year.values()) == sum(1 for r in corpus.records() if r.issued_year)
        for period, count in per_year.items():
            restrict = Filter(since=period, until=period)
            assert sum(1 for _ in matching_documents(index, None, restrict)) == count, period
    finally:
        index.close()
    # A term's documents: its trend row is the search's total for that year.
    for term in ("稀土", "电解铝"):
        trend = corpus.trend([term])
        for period in trend.periods:
            results = corpus.search(
                term, since=period, until=period, translation="none", limit=1000
            )
            assert trend.row(period, term).documents == results.total, (term, period)
        assert trend.undated == {}
    assert corpus.trend(["电解铝"]).row("2011", "电解铝").documents == 1


def test_by_month_a_year_only_document_is_counted_apart(corpus: Corpus) -> None:
    by_year = corpus.trend(["电解铝"])
    by_month = corpus.trend(["电解铝"], by="month")
    assert not any(r.period.startswith("2011") and r.documents for r in by_month.rows)
    assert by_month.year_only == {"电解铝": 1} and by_month.undated == {}
    assert by_month.render().endswith(
        "(1 documents dated only by year, no month, mention 电解铝; not counted above)\n"
    )
    assert sum(r.documents for r in by_month.rows) == sum(r.documents for r in by_year.rows) - 1
    # The months' corpus counts are the documents with a full date.
    records = list(corpus.records())
    exact = sum(1 for r in records if r.issued or r.published)
    assert sum(by_month.corpus_documents.values()) == exact
    assert sum(by_year.corpus_documents.values()) == sum(1 for r in records if r.issued_year)


def test_the_date_filter_evaluates_as_whoosh_matches(
    corpus: Corpus, whoosh_matches: Callable[[Any, Any], set[int]]
) -> None:
    from whoosh import query as Q

    index = corpus.open_index()
    try:
        with index.searcher() as searcher:
            for bounds in (
                {"since": "2011", "until": "2011"},
                {"since": "2011-06"},
                {"until": "1990"},
                {"since": "1980-02", "until": "1983"},
            ):
                restrict = build_filter(**bounds)
                expected = whoosh_matches(searcher, restrict)
                assert expected, bounds
                got = evaluate(searcher, Q.Every(), DerivedCache(), restrict).doc_set()
                assert got == expected, bounds
    finally:
        index.close()
