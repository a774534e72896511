"""The best date a record has, and where it came from: ``issued_year`` and ``date_source``.

A record's ``issued`` (成文日期) and ``published`` (发布日期) are full dates or None;
many documents print neither (a reprint cut before its signature, a table row with
only a year). :func:`with_dates` gives every record the year of the best date it has,
from the fields its parser already filled, and says where that came from:

``issued_year``
    the year of ``issued``, else of ``published``, else of the web page's own date
    (meta ``page_date``), else of a table's year column (meta ``year``), else of the
    document number (``工信部联原〔2011〕177号`` → 2011). A day is never invented: a
    year from a page, a Year column or a number is only ``issued_year``; ``issued``
    and ``published`` stay None.

``date_source`` (one of :data:`DATE_SOURCES`)
    ``"document"``: printed in the document itself (the date under the signature, a
    成文日期 or adoption note in its header);
    ``"metadata"``: a field about the document (the gov.cn metadata table, a database
    column such as a table's 成文日期/发布日期 column, ReConnect's Published field,
    Taiwan's 沿革/最新異動日期, LawRefBook's header);
    ``"page"``: the publication date of the web page that carries the document
    (a news page's 发布时间);
    ``"number"``: the year of the 发文字号;
    ``"table_year"``: a table's year column.

Which field is which depends on the format: :data:`FORMAT_SOURCES`. The HTML and
table readers, whose dates have more than one origin (a gov.cn page's table or its
signature; a row's text or its 成文日期 column), set ``date_source`` themselves for the
date they filled, and it is kept.

A record with an exact date (``issued`` or ``published``) is dated by it; one with
only a year is *year-only* (:func:`is_year_only`): it has no month, and a date filter
claims it only when its whole year is inside the range.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from .records import Record

DOCUMENT = "document"
METADATA = "metadata"
PAGE = "page"
NUMBER = "number"
TABLE_YEAR = "table_year"

#: The values of :attr:`Record.date_source`, from the most to the least exact.
DATE_SOURCES = (DOCUMENT, METADATA, PAGE, TABLE_YEAR, NUMBER)

#: Where each format's ``issued`` and ``published`` come from, when its parser does not
#: say (``(issued, published)``):
#:
#: * reconnect: the signature date of the text; the export's ``Published`` field;
#: * plaintext: the signature date (it never sets ``published``);
#: * markdown_law: LawRefBook's header (or the date in its file name);
#: * tw_moj: the 沿革 entry or 最新異動日期 of the MOJ database, fields beside the text;
#: * govcn_html (and sql_dump, whose rows are gov.cn pages): the metadata table's
#:   成文日期 and 发布日期;
#: * html: a law's adoption note under its title; the page's own date;
#: * table: the signature date in the row's text; a date column.
FORMAT_SOURCES: Mapping[str, tuple[str, str]] = {
    "reconnect": (DOCUMENT, METADATA),
    "plaintext": (DOCUMENT, DOCUMENT),
    "markdown_law": (METADATA, METADATA),
    "tw_moj": (METADATA, METADATA),
    "govcn_html": (METADATA, METADATA),
    "sql_dump": (METADATA, METADATA),
    "html": (DOCUMENT, PAGE),
    "table": (DOCUMENT, METADATA),
}
_DEFAULT_SOURCES = (DOCUMENT, METADATA)  # a format not listed: 成文日期 and 发布日期 as named

#: The meta keys the readers keep a page's date and a table's year under.
PAGE_DATE_KEY = "page_date"
TABLE_YEAR_KEY = "year"

_YEAR = re.compile(r"(\d{4})")
# The year of a canonical number: 机关代字〔YYYY〕N号, or 机关公告YYYY年第N号.
_NUMBER_YEAR = re.compile(r"〔(\d{4})〕|公告(\d{4})年第")
_PLAUSIBLE = range(1900, 2100)


def year_of(value: str | None) -> int | None:
    """The year of a ``YYYY-MM-DD`` date or a ``YYYY`` (``1980.0`` too); None otherwise.

    >>> year_of("2011-04-21"), year_of("1980.0"), year_of(None), year_of("04-21")
    (2011, 1980, None, None)
    """
    if not value:
        return None
    match = _YEAR.match(value.strip())
    if match is None:
        return None
    year = int(match.group(1))
    return year if year in _PLAUSIBLE else None


def number_year(doc_number: str | None) -> int | None:
    """The year a canonical document number carries, or None (decrees carry none).

    >>> number_year("工信部联原〔2011〕177号"), number_year("国务院令第706号")
    (2011, None)
    >>> number_year("海关总署公告2025年第12号"), number_year("林业部〔05〕3号")
    (2025, None)
    """
    if not doc_number:
        return None
    match = _NUMBER_YEAR.search(doc_number)
    if match is None:
        return None
    return year_of(match.group(1) or match.group(2))


def exact_date(record: Record) -> str | None:
    """The full date a record is dated by: ``issued``, else ``published``; None for none."""
    return record.issued or record.published


def best_year(record: Record) -> tuple[int | None, str | None]:
    """``(issued_year, date_source)`` from a record's fields (see the module docstring)."""
    issued_from, published_from = FORMAT_SOURCES.get(record.format, _DEFAULT_SOURCES)
    given = record.date_source if record.date_source in (DOCUMENT, METADATA, PAGE) else None
    for value, source in ((record.issued, issued_from), (record.published, published_from)):
        year = year_of(value)
        if year is not None:
            return year, given or source
    meta = dict(record.meta)
    year = year_of(meta.get(PAGE_DATE_KEY))
    if year is not None:
        return year, PAGE
    year = year_of(meta.get(TABLE_YEAR_KEY))
    if year is not None:
        return year, TABLE_YEAR
    year = number_year(record.doc_number)
    if year is not None:
        return year, NUMBER
    return None, None


def with_dates(record: Record) -> Record:
    """The record with ``issued_year`` and ``date_source`` set from its fields."""
    year, source = best_year(record)
    if (year, source) == (record.issued_year, record.date_source):
        return record
    return record.with_changes(issued_year=year, date_source=source)


def is_year_only(record: Record) -> bool:
    """Whether the record has a year but no full date (no month, no day)."""
    return record.issued_year is not None and exact_date(record) is None


__all__ = [
    "DATE_SOURCES",
    "DOCUMENT",
    "FORMAT_SOURCES",
    "METADATA",
    "NUMBER",
    "PAGE",
    "PAGE_DATE_KEY",
    "TABLE_YEAR",
    "TABLE_YEAR_KEY",
    "best_year",
    "exact_date",
    "is_year_only",
    "number_year",
    "with_dates",
    "year_of",
]
