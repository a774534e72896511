"""notice.py: the structure of official notices, and restoring flattened ones."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from alucorpus.ingest.fields import clean_title
from alucorpus.ingest.notice import detect_lang, split_notice, unflatten
from alucorpus.ingest.plaintext import text_lines
from alucorpus.records import Attachment

FIXTURES = Path(__file__).parent / "fixtures"


def _gov_prc_rows(corpus: Path) -> list[dict[str, str]]:
    with open(
        corpus / "gccmpd_govprc" / "raw" / "GOV_PRC.csv", encoding="utf-8-sig", newline=""
    ) as f:
        return list(csv.DictReader(f))


def test_detect_lang() -> None:
    assert detect_lang("国务院关于印发《铝产业高质量发展实施方案》的通知") == "zh"
    assert detect_lang("Aluminum Industry Needs to Exert Itself to Six Tasks.") == "en"
    assert detect_lang("") == "en"
    # English names inside a Chinese text do not make it English.
    assert detect_lang("关于支持 Alcoa 和 Rio Tinto 在华投资的通知") == "zh"


def test_split_notice_full_layout() -> None:
    lines = text_lines((FIXTURES / "plain_notice_zh.txt").read_text(encoding="utf-8"))
    parts = split_notice(lines)
    assert parts.title == "工业和信息化部 国家发展改革委关于做好铝行业节能示例工作的通知"
    assert parts.doc_number == "工信部联节〔2024〕7号"
    assert parts.doc_number_raw == "工信部联节〔2024〕7号"
    assert parts.addressee == "各省、自治区、直辖市工业和信息化主管部门、发展改革委"
    assert parts.body == (
        "为推动铝行业节能降碳，现就有关事项通知如下：",
        "一、加强电解铝能效管理。各地要对照能效标杆水平开展诊断。",
        "二、推进再生铝利用。鼓励企业提高再生铝比例。",
    )
    assert parts.signatories == ("工业和信息化部", "国家发展和改革委员会")
    assert parts.signed == "2024-03-05"
    assert parts.notes == ("（此件公开发布）",)
    assert parts.attachments == (
        Attachment("电解铝能效诊断要点", ("一、诊断范围。", "二、诊断方法。")),
        Attachment("再生铝项目清单", ("（略）",)),
    )


def test_split_notice_title_hint_not_repeated() -> None:
    """A ReConnect "Original" section starts at the number; the title comes from elsewhere."""
    title = "工业和信息化部等十部门关于印发《铝产业高质量发展实施方案(2025—2027年)》的通知"
    parts = split_notice(
        [
            "工信部联原〔2025〕62号",
            "各省、自治区、直辖市工业和信息化主管部门:",
            "现将《铝产业高质量发展实施方案(2025—2027年)》印发给你们,请认真抓好落实。",
            "工业和信息化部",
            "国家发展改革委",
            "2025年3月11日",
        ],
        title_hint=title,
    )
    assert parts.title == title
    assert parts.doc_number == "工信部联原〔2025〕62号"
    assert parts.addressee == "各省、自治区、直辖市工业和信息化主管部门"
    assert parts.body == (
        "现将《铝产业高质量发展实施方案(2025—2027年)》印发给你们,请认真抓好落实。",
    )
    assert parts.signatories == ("工业和信息化部", "国家发展和改革委员会")
    assert parts.signed == "2025-03-11"
    # The carried plan is named but its text is not here.
    assert parts.attachments == (Attachment("铝产业高质量发展实施方案(2025—2027年)"),)


def test_split_notice_joint_dates_take_the_last() -> None:
    parts = split_notice(
        [
            "关于示例的通知",
            "请执行。",
            "工业和信息化部",
            "2024年3月1日",
            "生态环境部",
            "2024年3月5日",
        ]
    )
    assert parts.title == "关于示例的通知"
    assert parts.body == ("请执行。",)
    assert parts.signatories == ("工业和信息化部", "生态环境部")
    assert parts.signed == "2024-03-05"


def test_split_notice_signature_names_on_one_line_and_letter_spacing() -> None:
    parts = split_notice(["关于示例的通知", "请执行。", "国 务 院", "一九九一年一月十五日"])
    assert parts.signatories == ("国务院",)
    assert parts.signed == "1991-01-15"
    parts = split_notice(
        ["关于示例的通知", "请执行。", "工业和信息化部　生态环境部", "2024年3月5日"]
    )
    assert parts.signatories == ("工业和信息化部", "生态环境部")


def test_split_notice_without_signature() -> None:
    parts = split_notice(["关于示例的通知", "一、第一条。", "二、第二条。"])
    assert parts.body == ("一、第一条。", "二、第二条。")
    assert parts.signatories == ()
    assert parts.signed is None
    assert parts.attachments == ()


def test_split_notice_empty() -> None:
    parts = split_notice([], title_hint="国务院关于示例的通知")
    assert parts.title == "国务院关于示例的通知"
    assert parts.body == ()
    assert parts.doc_number is None


def test_unflatten_fixture() -> None:
    text = (FIXTURES / "plain_flat_zh.txt").read_text(encoding="utf-8")
    assert unflatten(text) == [
        "国务院关于加强稀土示例管理的通知",
        "国发〔1991〕5号",
        "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：",
        "为保护稀土资源，现通知如下：",
        "一、严格控制开采总量。各地不得超指标开采。",
        "二、加强冶炼分离管理。本通知自发布之日起施行。",
        "国务院",
        "一九九一年一月十五日",
        "（此件公开发布）",
    ]


def test_unflatten_is_read_by_split_notice() -> None:
    text = (FIXTURES / "plain_flat_zh.txt").read_text(encoding="utf-8")
    parts = split_notice(unflatten(text))
    assert parts.title == "国务院关于加强稀土示例管理的通知"
    assert parts.doc_number == "国发〔1991〕5号"
    assert parts.signatories == ("国务院",)
    assert parts.signed == "1991-01-15"
    assert parts.notes == ("（此件公开发布）",)
    assert len(parts.body) == 3


def test_unflatten_mid_sentence_name_and_date_is_no_signature() -> None:
    text = (
        "关于示例的通知要按国务院一九八〇年十二月十六日批转的办法执行。国务院一九八二年七月二十六日"
    )
    paragraphs = unflatten(text, "关于示例的通知")
    assert paragraphs[-2:] == ["国务院", "一九八二年七月二十六日"]


def test_unflatten_empty() -> None:
    assert unflatten("   ") == []


def test_unflatten_forwarded_report(shared_corpus: Path) -> None:
    """Row 1: a 批转 notice whose forwarded 地质部 report follows the signature."""
    row = _gov_prc_rows(shared_corpus)[0]
    paragraphs = unflatten(row["Policy_Content"], row["Policy"])
    assert paragraphs[:3] == [
        "国务院批转地质部关于切实保障野外地质工作条件的报告",
        "国发〔1980〕82号",
        "各省、市、自治区人民政府（革命委员会），国务院各部委、各直属机构：",
    ]
    parts = split_notice(paragraphs, row["Policy"])
    assert parts.signatories == ("国务院",)
    assert parts.signed == "1980-03-31"
    assert parts.body[0].startswith("国务院同意地质部《关于切实保障野外地质工作条件的报告》")
    assert parts.body[-1].endswith("各有关部门可参照执行。")
    [report] = parts.attachments
    assert report.title == "关于切实保障野外地质工作条件的报告"
    assert report.paragraphs[0] == "国务院："
    assert report.paragraphs[-2:] == ("地质部", "一九八〇年二月二十日")


def test_unflatten_decree(shared_corpus: Path) -> None:
    """A State Council decree: number, promulgation, premier's signature, then the regulation."""
    row = _gov_prc_rows(shared_corpus)[94]
    assert row["Policy"] == "电力监管条例"
    parts = split_notice(unflatten(row["Policy_Content"], row["Policy"]), row["Policy"])
    assert parts.title == "电力监管条例"
    assert parts.doc_number == "国务院令第432号"
    assert parts.signatories == ("国务院",)
    assert parts.signed == "2005-02-15"
    [regulation] = parts.attachments
    assert clean_title(regulation.title) == "电力监管条例"
    assert regulation.paragraphs[-1] == "第三十七条本条例自2005年5月1日起施行。"


# Measured on the 100 GOV_PRC rows with text (see the report); floors fail the
# test when a change makes structure recovery worse.
FLOORS = {"title": 100, "doc_number": 100, "signed": 100, "signatories": 100}


def test_unflatten_gov_prc_accuracy(shared_corpus: Path) -> None:
    rows = [r for r in _gov_prc_rows(shared_corpus) if r["Policy_Content"].strip()]
    assert len(rows) == 100
    found = dict.fromkeys(FLOORS, 0)
    for row in rows:
        paragraphs = unflatten(row["Policy_Content"], row["Policy"])
        parts = split_notice(paragraphs, row["Policy"])
        found["title"] += parts.title.replace("（", "(").replace("）", ")") == clean_title(
            row["Policy"]
        ).replace("（", "(").replace("）", ")")
        found["doc_number"] += parts.doc_number is not None
        found["signed"] += parts.signed is not None
        found["signatories"] += bool(parts.signatories)
    for key, floor in FLOORS.items():
        assert found[key] >= floor, (key, found[key], floor)


@pytest.mark.parametrize("index", [0, 8])
def test_unflatten_body_holds_no_header_or_signature(shared_corpus: Path, index: int) -> None:
    row = _gov_prc_rows(shared_corpus)[index]
    parts = split_notice(unflatten(row["Policy_Content"], row["Policy"]), row["Policy"])
    body = "".join(parts.body)
    assert row["Policy"] not in body
    assert parts.doc_number_raw is not None and parts.doc_number_raw not in body
    assert parts.addressee is not None and not body.startswith(parts.addressee)
    assert "一九九一年一月十五日" not in body
