"""plaintext.py: Chinese notices and English articles as plain text."""

from __future__ import annotations

from pathlib import Path

from alucorpus.ingest import ParseOptions, read_source
from alucorpus.ingest.plaintext import (
    BOILERPLATE,
    english_paragraphs,
    leading_departments,
    parse,
    sniff,
)
from alucorpus.records import Attachment, record_id

FIXTURES = Path(__file__).parent / "fixtures"


def _parse(path: Path) -> list:
    doc = read_source(str(path), path.read_bytes())
    return parse(doc, ParseOptions())


def test_sniff_accepts_any_printable_text() -> None:
    assert sniff("a.txt", "任何文字")
    assert sniff("a.txt", "Any text")
    assert not sniff("a.txt", "  \n ")
    assert not sniff("a.bin", "\x00\x01\x02\x03" * 50)


def test_boilerplate_is_one_lowercase_list() -> None:
    assert "comments are closed." in BOILERPLATE
    assert all(item == item.lower() for item in BOILERPLATE)


def test_english_paragraphs_drop_boilerplate() -> None:
    text = (FIXTURES / "plain_article_en.txt").read_text(encoding="utf-8")
    title, paragraphs = english_paragraphs(text)
    assert title == "Aluminium smelters face new energy rules"
    assert paragraphs == [
        "The new rules set an energy benchmark for electrolytic aluminium.",
        "Plants below the benchmark must upgrade by 2025.",
    ]


def test_english_seed(seeds: Path) -> None:
    [record] = _parse(seeds / "aluminum_six_tasks_en.txt")
    assert record.lang == "en"
    assert record.format == "plaintext"
    assert record.title == "Aluminum Industry Needs to Exert Itself to Six Tasks."
    assert record.title_en == record.title
    assert len(record.paragraphs) == 7
    assert record.paragraphs[0].startswith("First and foremost, it is essential")
    # The seed ends in "Comments are closed." without a newline: site boilerplate.
    assert record.paragraphs[-1].startswith("The guiding ideology of aluminum industry")
    assert not any("Comments are closed" in p for p in record.paragraphs)
    assert record.id == record_id(record.sha256)
    assert record.doc_number is None and record.issued is None


def test_chinese_notice() -> None:
    path = FIXTURES / "plain_notice_zh.txt"
    [record] = _parse(path)
    assert record.lang == "zh"
    assert record.source == str(path)
    assert record.title == "工业和信息化部 国家发展改革委关于做好铝行业节能示例工作的通知"
    assert record.doc_number == "工信部联节〔2024〕7号"
    assert record.departments == ("工业和信息化部", "国家发展和改革委员会")
    assert record.departments_en == (
        "Ministry of Industry and Information Technology",
        "National Development and Reform Commission",
    )
    assert record.issued == "2024-03-05"
    assert record.doc_type == "通知"
    assert record.addressee == "各省、自治区、直辖市工业和信息化主管部门、发展改革委"
    assert record.paragraphs[0] == "为推动铝行业节能降碳，现就有关事项通知如下："
    assert len(record.paragraphs) == 3
    assert record.attachments[0] == Attachment(
        "电解铝能效诊断要点", ("一、诊断范围。", "二、诊断方法。")
    )
    assert record.cites == ()


def test_flattened_chinese_notice() -> None:
    [record] = _parse(FIXTURES / "plain_flat_zh.txt")
    assert record.title == "国务院关于加强稀土示例管理的通知"
    assert record.doc_number == "国发〔1991〕5号"
    assert record.departments == ("国务院",)
    assert record.issued == "1991-01-15"
    assert record.paragraphs == (
        "为保护稀土资源，现通知如下：",
        "一、严格控制开采总量。各地不得超指标开采。",
        "二、加强冶炼分离管理。本通知自发布之日起施行。",
    )


def test_leading_departments() -> None:
    assert leading_departments("国务院关于加强有色金属管理的决定") == ["国务院"]
    assert leading_departments(
        "工业和信息化部等十部门关于印发《铝产业高质量发展实施方案(2025—2027年)》的通知"
    ) == ["工业和信息化部"]
    assert leading_departments("关于示例的通知") == []
