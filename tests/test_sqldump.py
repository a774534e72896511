"""SQL dumps: rows parsed from INSERT statements, pages read by the HTML reader."""

from __future__ import annotations

from pathlib import Path

import pytest

from alucorpus.errors import ParseError
from alucorpus.ingest import parse_bytes, parse_path
from alucorpus.ingest.sqldump import parse_values, rows, sniff

SMALL = (
    "-- dump\n"
    "insert into t (id, title, content) values (1, 'It''s a \\\\path\\n', NULL),"
    " (2, '国务院关于保护国营矿业企业正常生产的决定', '国务院关于保护国营矿业企业正常生产的决定"
    "国发〔1982〕103号各省、市、自治区人民政府：正文。国务院一九八二年七月二十六日');\n"
)


def test_values_escapes_and_null() -> None:
    start = SMALL.index("values") + len("values")
    cells = [c for c, _ in parse_values(SMALL, start)]
    assert cells[0] == ["1", "It's a \\path\n", None]
    assert len(cells) == 2


def test_rows_and_row_records() -> None:
    assert sniff("x.sql", SMALL)
    assert [r["id"] for r in rows(SMALL)] == ["1", "2"]
    records = parse_bytes("dump.sql", SMALL.encode())
    assert [r.source for r in records] == ["dump.sql#row=1", "dump.sql#row=2"]
    second = records[1]
    assert second.doc_number == "国发〔1982〕103号"
    assert second.issued == "1982-07-26"
    assert second.format == "sql_dump"


def test_truncated_dump_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="never closes"):
        parse_bytes("cut.sql", SMALL[:60].encode())


def test_prose_is_not_a_dump() -> None:
    assert not sniff("a.txt", "Insert into the slot the coin, she said.")


def test_real_govcn_dump(shared_corpus: Path) -> None:
    older = parse_path(str(shared_corpus / "govcn_zhouynf_sql/raw/ge_policy_raw-20190217.sql"))
    assert len(older) == 15
    newer = parse_path(str(shared_corpus / "govcn_zhouynf_sql/raw/ge_policy_raw20190217.sql"))
    assert len(newer) == 60
    first = newer[0]
    assert first.source.endswith("ge_policy_raw20190217.sql#row=1")
    assert first.title == "国务院关于在市场监管领域全面推行部门联合“双随机、一公开”监管的意见"
    assert first.doc_number == "国发〔2019〕5号"
    assert first.departments == ("国务院",)
    assert first.url == "http://www.gov.cn/zhengce/content/2019-02/15/content_5365945.htm"
    # The dump's own wiritten_time/release_time columns are wrong; the page's table is used.
    assert first.issued == "2019-01-27"
    assert first.published == "2019-02-15"
