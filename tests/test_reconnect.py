"""reconnect.py: the ReConnect China text export, golden record of the seed."""

from __future__ import annotations

from pathlib import Path

import pytest

from alucorpus.errors import ParseError
from alucorpus.ingest import ParseOptions, SourceText, read_source
from alucorpus.ingest.reconnect import length_warning, parse, read_export, sniff
from alucorpus.records import record_id

SEED = "reconnect_gxbl_2025_62.txt"


def _doc(path: Path) -> SourceText:
    return read_source(str(path), path.read_bytes())


def test_sniff(seeds: Path) -> None:
    text = (seeds / SEED).read_text(encoding="utf-8")
    assert sniff(SEED, text)
    assert not sniff("a.txt", "国务院关于示例的通知\n国发〔1991〕5号\n")
    assert not sniff("a.txt", (seeds / "aluminum_six_tasks_en.txt").read_text(encoding="utf-8"))


def test_seed_golden(seeds: Path) -> None:
    doc = _doc(seeds / SEED)
    [record] = parse(doc, ParseOptions())
    data = record.to_dict()
    summary = data.pop("summary_en")
    assert data == {
        "id": record_id(doc.sha256),
        "source": str(seeds / SEED),
        "format": "reconnect",
        "lang": "zh",
        "sha256": doc.sha256,
        "title": "工业和信息化部等十部门关于印发《铝产业高质量发展实施方案(2025—2027年)》的通知",
        "title_en": (
            "The Ministry of Industry and Information Technology and Ten Departments Issued the"
            " Notification on the Implementation Plan for the High-Quality Development of the"
            " Aluminum Industry (2025-2027)."
        ),
        "doc_number": "工信部联原〔2025〕62号",
        "doc_number_raw": "工信部联原〔2025〕62号",
        "departments": [
            "工业和信息化部",
            "国家发展和改革委员会",
            "自然资源部",
            "生态环境部",
            "商务部",
            "应急管理部",
            "国务院国有资产监督管理委员会",
            "海关总署",
            "国家市场监督管理总局",
            "国家矿山安全监察局",
        ],
        "departments_en": DEPARTMENTS_EN,
        "issued": "2025-03-11",
        "published": "2025-03-27",
        "doc_type": "通知",
        "addressee": (
            "各省、自治区、直辖市及计划单列市、新疆生产建设兵团工业和信息化、发展改革、自然资源、"
            "生态环境、商务、应急管理、国资、市场监管主管部门,海关总署广东分署、各直属海关,"
            "国家矿山安监局各省级局"
        ),
        "paragraphs": [
            "现将《铝产业高质量发展实施方案(2025—2027年)》印发给你们,请结合实际认真抓好落实。"
        ],
        "paragraphs_en": [],
        "en_machine_translated": True,
        "attachments": [{"title": "铝产业高质量发展实施方案(2025—2027年)", "paragraphs": []}],
        "cites": [],
        "url": None,
        "script": "simplified",
        "warnings": [],
        "meta": {
            "Type": "Law, regulation or policy",
            "Subtype": "文件发布",
            "Level": "Central Authorities",
            "Length": "219 characters, 14 paragraphs",
        },
        # Filled after parsing (alucorpus.ingest._finish) and by alucorpus.documents:
        # the format's own parser leaves them empty.
        "issued_year": None,
        "date_source": None,
        "jurisdiction": "",
        "copies": [],
        "field_sources": {},
        "status": "unknown",
        "versions": [],
    }
    # The six Summary paragraphs, one per line, without their "(N)" markers.
    lines = summary.split("\n")
    assert len(lines) == 6
    assert lines[0].startswith(
        "The Ministry of Industry and Information Technology issued a document"
    )
    assert lines[1] == "Key points of the plan include:"
    assert lines[5] == (
        "The plan requires all relevant departments and local governments to implement the"
        " measures and achieve the goals outlined above, and to report on their progress regularly."
    )


DEPARTMENTS_EN = [
    "Ministry of Industry and Information Technology",
    "National Development and Reform Commission",
    "Ministry of Natural Resources",
    "Ministry of Ecology and Environment",
    "Ministry of Commerce",
    "Ministry of Emergency Management",
    "State-owned Assets Supervision and Administration Commission of the State Council",
    "General Administration of Customs",
    "State Administration for Market Regulation",
    "National Mine Safety Administration",
]


def test_read_export_sections(seeds: Path) -> None:
    export = read_export((seeds / SEED).read_text(encoding="utf-8"))
    assert export.machine_translated
    assert [name for name, _ in export.fields] == [
        "Published",
        "Type",
        "Subtype",
        "Level",
        "Length",
        "Department",
    ]
    assert len(export.summary) == 6
    assert len(export.original) == 14
    assert export.original[0] == "工信部联原〔2025〕62号"
    assert export.original[-1] == "2025年3月11日"
    assert export.warnings == ()


def test_length_counts_original_characters_without_whitespace() -> None:
    original = ("工信部联原〔2025〕62号", "现将 方案 印发给你们。")
    assert length_warning("24 characters, 2 paragraphs", original) is None
    assert length_warning("24 characters, 3 paragraphs", original) == (
        "Length: declared 3 paragraphs, parsed 2"
    )
    assert length_warning("30 characters, 2 paragraphs", original) == (
        "Length: declared 30 characters, parsed 24"
    )
    assert length_warning("about a page", original) == "Length field not understood: 'about a page'"


def test_disagreeing_export_gives_warnings(tmp_path: Path) -> None:
    fixture = Path(__file__).parent / "fixtures" / "reconnect_short.txt"
    [record] = parse(_doc(fixture), ParseOptions())
    assert record.title == "国务院办公厅关于示例事项的通知"
    assert record.title_en == "Notice on an example matter"
    assert not record.en_machine_translated  # the label does not say machine-translated
    assert record.doc_number == "国办发〔2020〕1号"
    assert record.departments == ("国务院办公厅",)
    assert record.issued == "2020-01-02"
    assert record.published is None
    assert record.warnings == (
        "Original: paragraph (4) follows (2)",
        "Department field and signature block differ: 国务院 / 国务院办公厅",
        "Published date not understood: 'not a date'",
        "Length: declared 5 paragraphs, parsed 4; declared 99 characters, parsed 34",
    )


def test_missing_original_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="no Original section"):
        read_export("标题\nEnglish title\nA title\nPublished\n2020-01-01\nSummary\n(1)  x\n")
