"""Dates that exist: every record's best year and where it came from, on real files.

Each rule of :mod:`alucorpus.dates` is checked on a real corpus file.
"""

from __future__ import annotations

from pathlib import Path

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
