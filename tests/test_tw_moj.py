"""Taiwan Laws & Regulations Database JSON: Chinese and English files, bilingual merge."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from alucorpus.errors import ParseError
from alucorpus.ingest import ParseOptions, parse_bytes, parse_path, read_source
from alucorpus.ingest.tw_moj import history_entries, merge_pairs, parse, sniff, tw_doc_type
from alucorpus.records import record_id, sha256_hex

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def tw(shared_corpus: Path) -> Path:
    return shared_corpus / "tw_mojlaw_bilingual"


def test_mining_act_chinese(tw: Path) -> None:
    record = parse_path(str(tw / "FalVMingLing" / "J0020001.json"))[0]
    assert record.format == "tw_moj"
    assert record.lang == "zh"
    assert record.script == "traditional"
    assert record.title == "礦業法"
    assert record.title_en == "Mining Act"
    assert record.issued == "2023-06-21"  # 18. 中華民國一百十二年六月二十一日…修正公布全文 87 條
    assert record.doc_type == "法"
    assert record.departments == ()  # a statute: the 沿革 names only the President's decree
    assert record.paragraphs[0] == "第一章 總則"
    assert record.paragraphs[1] == (
        "第 1 條 為合理利用國家礦產，並兼顧經濟、環境及文化永續發展，保障人民權利，"
        "增進社會福祉，特制定本法。"
    )
    assert "\r" not in record.text
    meta = dict(record.meta)
    assert meta["pcode"] == "J0020001"
    assert meta["法規類別"] == "行政＞經濟部＞地礦目"
    assert meta["法規性質"] == "法律"
    assert meta["history"].startswith("1.中華民國十九年五月二十六日國民政府制定公布全文")
    assert record.url == "https://law.moj.gov.tw/LawClass/LawAll.aspx?pcode=J0020001"


def test_mining_act_english(tw: Path) -> None:
    record = parse_path(str(tw / "Eng_FalVMingLing" / "J0020001.json"))[0]
    assert record.lang == "en"
    assert record.title == record.title_en == "Mining Act"
    assert record.paragraphs[0] == "Chapter 1 General"
    assert record.paragraphs[1].startswith("Article 1 This Act is enacted to reasonably utilize")
    assert dict(record.meta)["pcode"] == "J0020001"


def test_merge_mining_act(tw: Path) -> None:
    zh = parse_path(str(tw / "FalVMingLing" / "J0020001.json"))[0]
    en = parse_path(str(tw / "Eng_FalVMingLing" / "J0020001.json"))[0]
    other = parse_path(str(tw / "FalVMingLing" / "J0030011.json"))[0]  # 電業法, no English here
    merged = merge_pairs([other, en, zh])
    assert len(merged) == 2
    assert merged[0] is other
    record = merged[1]
    assert record.title == "礦業法"
    assert record.title_en == "Mining Act"
    assert record.lang == "zh"
    assert record.paragraphs == zh.paragraphs
    assert record.paragraphs_en == en.paragraphs
    assert record.sha256 == sha256_hex((zh.sha256 + en.sha256).encode())
    assert record.id == record_id(record.sha256)
    assert record.source == zh.source
    assert dict(record.meta)["source_en"] == en.source
    # 352 paragraphs on each side: chapters and articles align one to one.
    assert len(record.paragraphs) == len(record.paragraphs_en) == 352


def test_all_pairs_merge(tw: Path) -> None:
    zh = [parse_path(str(path))[0] for path in sorted((tw / "FalVMingLing").glob("*.json"))]
    en = [parse_path(str(path))[0] for path in sorted((tw / "Eng_FalVMingLing").glob("*.json"))]
    assert len(zh) == len(en) == 101
    merged = merge_pairs(zh + en)
    assert len(merged) == 101
    assert all(record.paragraphs_en and record.title_en for record in merged)
    assert len({record.id for record in merged}) == 101


def test_issued_is_the_latest_history_entry_for_every_law(tw: Path) -> None:
    # The latest 沿革 entry and 最新異動日期 agree for all 101 laws of the corpus.
    for path in sorted((tw / "FalVMingLing").glob("*.json")):
        record = parse_path(str(path))[0]
        updated = dict(record.meta)["最新異動日期"]
        assert record.issued == f"{updated[:4]}-{updated[4:6]}-{updated[6:]}", path.name
        assert record.title and record.paragraphs and record.doc_type, path.name


@pytest.mark.parametrize(
    ("pcode", "departments", "doc_type"),
    [
        ("O0020044", ("行政院环境保护署",), "标准"),  # 煉鋼業電弧爐戴奧辛管制及排放標準
        ("J0130009", ("经济部", "交通部"), "办法"),  # 會銜: two agencies
        ("J0130003", ("经济部",), "细则"),  # 能源管理法施行細則
        ("O0020103", ("环境部",), "细则"),
        ("A0030055", (), "法"),  # 行政程序法: a statute
    ],
)
def test_departments_of_regulations(
    tw: Path, pcode: str, departments: tuple, doc_type: str
) -> None:
    record = parse_path(str(tw / "FalVMingLing" / f"{pcode}.json"))[0]
    assert record.departments == departments
    assert record.doc_type == doc_type


def test_small_fixture_with_two_agencies_and_crlf() -> None:
    data = (FIXTURES / "tw_small_zh.json").read_bytes()
    record = parse_bytes("tw_small_zh.json", data)[0]
    assert record.title == "測試排放標準"
    assert record.issued == "2024-01-02"
    assert record.departments == ("环境部", "经济部")
    assert record.paragraphs == (
        "第一章 總則",
        "第 1 條 本標準依測試法第二條規定訂定之。",
        "第 2 條 本標準用詞，定義如下：",
        "一、排放：測試用語。",
        "二、標準：測試用語。",
        "第 3 條 本標準自發布日施行。",
    )
    assert dict(record.meta)["pcode"] == "O9999999"


def test_history_entries_join_wrapped_lines() -> None:
    entries = history_entries(
        "1.中華民國十九年五月二十六日公布全文 121  條；並自十\r\n"
        "  九年起施行\r\n2.中華民國二十一年修正"
    )
    assert entries == [
        "中華民國十九年五月二十六日公布全文 121  條；並自十九年起施行",
        "中華民國二十一年修正",
    ]


def test_sniff() -> None:
    assert sniff("x.json", '{\n\t"法規名稱": "礦業法",\n\t"法規內容": []\n}')
    assert sniff("x.json", '{"英文法規名稱": "Mining Act", "法規內容": []}')
    assert not sniff("x.json", '{"title": "x"}')
    assert not sniff("x.md", "# 礦業法\n法規內容")


@pytest.mark.parametrize(
    "text",
    ['{"法規名稱": "x", "法規內容": ', '{"法規名稱": "x", "法規內容": "not a list"}', "[1, 2]"],
)
def test_bad_json_raises_parse_error(text: str) -> None:
    doc = read_source("bad.json", text.encode())
    with pytest.raises(ParseError):
        parse(doc, ParseOptions())


def test_doc_type_from_traditional_titles() -> None:
    assert tw_doc_type("再生能源發展條例") == "条例"
    assert tw_doc_type("食米重金屬限量標準（93.03.05訂定）") == "标准"
    assert tw_doc_type("能源管理法施行細則") == "细则"
    assert tw_doc_type("Mining Act") is None


def test_json_round_trip(tw: Path) -> None:
    record = parse_path(str(tw / "FalVMingLing" / "J0020001.json"))[0]
    assert json.loads(json.dumps(record.to_dict()))["title"] == "礦業法"
