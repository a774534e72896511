"""LawRefBook's ``db.sqlite3``: which laws and regulations exist, and which have expired.

The LawRefBook repository (``LawRefBook/Laws``) keeps beside its Markdown files a small
SQLite database, one row per version of a law::

    law(id, level, name, filename, publish, expired, "order", subtitle, valid_from,
        ver, tags, category_id)

``name`` is the short title (矿产资源法, without 中华人民共和国), ``publish`` the version
date that also names the Markdown file (``矿产资源法(2009-08-27).md``), ``valid_from``
the date it took effect and ``expired`` 1 for a text no longer in force. The flag is
LawRefBook's own: an older version is often left at 0 after a newer one was added
(矿产资源法 2009 and 2024 are both 0), so a reader of these rows should let a later row
of the same name outrank it (see :mod:`alucorpus.versions`).

This module only reads the rows; it is not an ingest format (the database holds no
text). :func:`read_law_rows` takes the file's bytes, as every reader in this package does,
and opens them in memory without writing anything to disk.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
from dataclasses import dataclass

from ..errors import ParseError

__all__ = ["LAW_COLUMNS", "SQLITE_HEADER", "LawRow", "looks_like_lawref_db", "read_law_rows"]

#: The first 16 bytes of every SQLite 3 database file.
SQLITE_HEADER = b"SQLite format 3\x00"
#: The columns of the ``law`` table this reader needs.
LAW_COLUMNS = ("level", "name", "publish", "valid_from", "expired")

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True, slots=True)
class LawRow:
    """One row of the ``law`` table: one version of a law, regulation or rule."""

    name: str  # short title, as LawRefBook writes it (矿产资源法)
    level: str  # 法律, 行政法规, 部门规章, 司法解释, 宪法, 案例, 其他
    publish: str | None  # the version date, YYYY-MM-DD
    valid_from: str | None  # the date it took effect, YYYY-MM-DD
    expired: bool  # LawRefBook marks the text as no longer in force


def _open(data: bytes) -> sqlite3.Connection:
    """An in-memory, read-only connection holding the database ``data``.

    Raises:
        ParseError: the bytes are not an SQLite database.
    """
    if not data.startswith(SQLITE_HEADER):
        raise ParseError("not an SQLite database (no 'SQLite format 3' header)")
    connection = sqlite3.connect(":memory:")
    try:
        connection.deserialize(data)
        # Read only: nothing here writes, and a hostile file cannot make it.
        connection.execute("PRAGMA query_only = ON")
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error as error:
        connection.close()
        raise ParseError(f"not a readable SQLite database ({error})") from None
    return connection


def _law_columns(connection: sqlite3.Connection) -> set[str]:
    return {str(row[1]) for row in connection.execute("PRAGMA table_info(law)")}


def looks_like_lawref_db(data: bytes) -> bool:
    """Is this LawRefBook's database: SQLite, with a ``law`` table of :data:`LAW_COLUMNS`?"""
    if not data.startswith(SQLITE_HEADER):
        return False
    try:
        connection = _open(data)
    except ParseError:
        return False
    try:
        return set(LAW_COLUMNS) <= _law_columns(connection)
    except sqlite3.Error:
        return False
    finally:
        connection.close()


def _date(value: object) -> str | None:
    """``YYYY-MM-DD`` from a DATE cell (LawRefBook writes '' or NULL when it has none)."""
    if not isinstance(value, str):
        return None
    match = _ISO_DATE.match(value.strip())
    return match.group(0) if match else None


def read_law_rows(data: bytes) -> list[LawRow]:
    """Every row of the ``law`` table, in the table's order (its rowid).

    Raises:
        ParseError: not an SQLite database, or no ``law`` table with :data:`LAW_COLUMNS`.
    """
    connection = _open(data)
    with contextlib.closing(connection):
        try:
            columns = _law_columns(connection)
            missing = [c for c in LAW_COLUMNS if c not in columns]
            if missing:
                raise ParseError(
                    "not a LawRefBook database: no 'law' table"
                    if not columns
                    else f"not a LawRefBook database: table 'law' lacks {', '.join(missing)}"
                )
            cursor = connection.execute(
                "SELECT name, level, publish, valid_from, expired FROM law ORDER BY rowid"
            )
            return [
                LawRow(
                    name=str(name or "").strip(),
                    level=str(level or "").strip(),
                    publish=_date(publish),
                    valid_from=_date(valid_from),
                    expired=bool(expired) and str(expired).strip() not in ("0", ""),
                )
                for name, level, publish, valid_from, expired in cursor
            ]
        except sqlite3.Error as error:
            raise ParseError(f"LawRefBook database: cannot read table 'law' ({error})") from None
