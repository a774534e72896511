"""The ingest registry: formats detected from content, script recorded, errors named."""

from __future__ import annotations

from pathlib import Path

import pytest

from alucorpus.errors import DecodeError, UnsupportedFormatError
from alucorpus.ingest import detect_format, parse_bytes, read_source


@pytest.mark.parametrize(
    ("relative", "expected"),
    [
        ("lawrefbook/行政法/能源法(2024-11-08).md", "markdown_law"),
        ("gccmpd_govprc/raw/GOV_PRC.csv", "table"),
        ("gccmpd_govprc/derived/gov_prc_zh_en.jsonl", "table"),
        ("tw_mojlaw_bilingual/FalVMingLing/J0020001.json", "tw_moj"),
        ("aluminium/raw/likgjava_eb/ff8080812f71626e012f76fda0a90274.jsp", "html"),
        ("govcn_zhouynf_sql/raw/ge_policy_raw-20190217.sql", "sqldump"),
        ("aluminium/derived/gongxinbu_lianyuan_2011_177_notice.txt", "plaintext"),
    ],
)
def test_format_from_content(shared_corpus: Path, relative: str, expected: str) -> None:
    path = shared_corpus / relative
    # A misleading name must not matter: detection reads the content.
    doc = read_source("renamed.dat", path.read_bytes())
    assert detect_format(doc) == expected


def test_traditional_script_is_recorded_and_kept(shared_corpus: Path) -> None:
    data = (shared_corpus / "chardet_legacy_cjk/tests/Big5/ebao.us.xml").read_bytes()
    record = parse_bytes("ebao.us.xml", data)[0]
    assert record.script == "traditional"
    assert "慶祝中華民國開國紀念" in record.paragraphs[0]


def test_simplified_script(seeds: Path) -> None:
    data = (seeds / "reconnect_gxbl_2025_62.txt").read_bytes()
    assert parse_bytes("seed.txt", data)[0].script == "simplified"


def test_binary_and_empty_inputs_fail_cleanly() -> None:
    with pytest.raises(DecodeError, match="binary"):
        parse_bytes("x.bin", bytes(range(256)) * 4)
    with pytest.raises(UnsupportedFormatError, match=r"empty\.txt: empty file"):
        parse_bytes("empty.txt", b"   \n")
