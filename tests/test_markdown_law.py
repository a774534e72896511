"""LawRefBook Markdown: real files of every kind, and a sweep over all 183."""

from __future__ import annotations

from pathlib import Path

import pytest

from alucorpus.ingest import parse_bytes, parse_path, read_source
from alucorpus.ingest.markdown_law import law_paragraphs, parse_header, sniff

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def laws(shared_corpus: Path) -> Path:
    return shared_corpus / "lawrefbook"


def _one(laws: Path, relative: str):
    records = parse_path(str(laws / relative))
    assert len(records) == 1
    return records[0]


def test_npcsc_law_energy_law(laws: Path) -> None:
    record = _one(laws, "行政法/能源法(2024-11-08).md")
    assert record.format == "markdown_law"
    assert record.title == "中华人民共和国能源法"
    assert record.departments == ("全国人民代表大会常务委员会",)
    assert record.departments_en == ("Standing Committee of the National People's Congress",)
    assert record.issued == "2024-11-08"
    assert record.doc_type == "法"
    assert record.doc_number is None
    assert record.paragraphs[0] == "第一章 总则"
    assert record.paragraphs[1].startswith("第一条 为了推动能源高质量发展")
    assert (
        dict(record.meta)["history"]
        == "2024年11月8日 第十四届全国人民代表大会常务委员会第十二次会议通过"
    )


def test_amended_law_takes_the_latest_revision(laws: Path) -> None:
    record = _one(laws, "经济法/矿产资源法(2024-11-08).md")
    assert record.issued == "2024-11-08"  # 修订, not the 1986 adoption
    assert record.departments == ("全国人民代表大会常务委员会",)
    history = dict(record.meta)["history"].split("\n")
    assert history[0] == "1986年3月19日 第六届全国人民代表大会常务委员会第十五次会议通过"
    assert len(history) == 4
    assert not any(line.endswith("）") for line in history)


def test_state_council_regulation_with_decree_lines(laws: Path) -> None:
    record = _one(laws, "行政法规/国务院关于经营者集中申报标准的规定(2024-01-22).md")
    assert record.doc_number == "国务院令第773号"  # the decree of the version's date
    assert record.doc_number_raw == "中华人民共和国国务院令第773号"
    assert record.issued == "2024-01-22"
    assert record.departments == ("国务院",)
    assert record.doc_type == "规定"


def test_regulation_promulgated_then_in_force(laws: Path) -> None:
    record = _one(laws, "行政法规/人力资源市场暂行条例(2018-06-29).md")
    assert record.doc_number == "国务院令第700号"
    assert record.issued == "2018-06-29"  # 公布, not 2018-10-01 施行
    assert record.departments == ("国务院",)
    assert record.doc_type == "条例"


def test_regulation_whose_header_stops_before_the_version(laws: Path) -> None:
    # The header lists only the 2007 decree; the file holds the 2019 version.
    record = _one(laws, "行政法规/企业所得税法实施条例(2019-04-23).md")
    assert record.issued == "2019-04-23"
    assert record.doc_number == "国务院令第512号"


def test_joint_decree_of_state_council_and_cmc(laws: Path) -> None:
    record = _one(laws, "行政法规/国防计量监督管理条例(1990-04-05).md")
    assert record.departments == ("国务院", "中央军事委员会")


def test_ministry_notice_with_bare_number_and_addressee(laws: Path) -> None:
    record = _one(
        laws,
        "部门规章/人力资源社会保障部/关于职工全年月平均工作时间和工资折算问题的通知(2009-03-29).md",
    )
    assert record.doc_number == "劳社部发〔2008〕3号"
    assert record.doc_number_raw == "劳社部发[2008]3号"
    assert record.departments == ("劳动和社会保障部",)  # the number's 机关代字
    assert record.addressee == "各省、自治区、直辖市劳动和社会保障厅（局）"
    assert record.doc_type == "通知"
    assert record.paragraphs[0].startswith("根据《全国年节及纪念日放假办法》（国务院令第513号）")
    assert record.paragraphs[1] == "一、制度工作时间的计算"
    assert "国务院令第513号" in record.cites
    assert "劳社部发〔2000〕8号" in record.cites


def test_ministry_rule_by_decree(laws: Path) -> None:
    record = _one(laws, "部门规章/市场监督管理总局/化妆品生产经营监督管理办法(2021-08-02).md")
    assert record.doc_number == "国家市场监督管理总局令第46号"
    assert record.departments == ("国家市场监督管理总局",)
    assert record.issued == "2021-08-02"
    assert record.doc_type == "办法"


def test_ministry_rule_without_header_uses_the_folder(laws: Path) -> None:
    record = _one(laws, "部门规章/公安部/机动车登记规定(2021-12-17).md")
    assert record.departments == ("公安部",)
    assert record.issued == "2021-12-17"  # from the file name: the header is empty
    assert record.doc_number is None


def test_full_width_digits_in_header(laws: Path) -> None:
    record = _one(laws, "部门规章/公安部/公安机关办理行政案件程序规定(2019-04-27).md")
    assert record.issued == "2019-04-27"
    assert record.doc_number == "公安部令第149号"


def test_judicial_interpretation(laws: Path) -> None:
    record = _one(
        laws,
        "司法解释/最高人民法院、最高人民检察院关于办理非法采矿、破坏性采矿刑事案件适用法律若干问题的解释(2016-11-28).md",
    )
    assert record.departments == ("最高人民法院", "最高人民检察院")
    assert record.doc_type == "解释"
    assert record.addressee is None  # the preamble ends with a colon but is not an addressee
    assert record.issued == "2016-11-28"


def test_indexes_and_template_are_not_documents(laws: Path) -> None:
    for relative in ("部门规章/_index.md", "部门规章/公安部/_index.md", "法律法规模版.md"):
        path = laws / relative
        doc = read_source(str(path), path.read_bytes())
        assert sniff(doc.path, doc.text), relative
        assert parse_path(str(path)) == [], relative


def test_sweep_all_files(laws: Path) -> None:
    paths = sorted(laws.rglob("*.md"))
    assert len(paths) == 183
    documents = 0
    for path in paths:
        records = parse_path(str(path))
        if path.name == "_index.md" or path.name == "法律法规模版.md":
            assert records == []
            continue
        assert len(records) == 1, path
        record = records[0]
        assert record.format == "markdown_law", path
        assert record.title and record.paragraphs, path
        assert record.issued, path
        assert record.departments, path
        assert all(not p.startswith("#") and "<!--" not in p for p in record.paragraphs), path
        assert all(p == p.strip(" \u3000") for p in record.paragraphs), path
        documents += 1
    assert documents == 179


def test_fixture_notice_strips_indent_comments_and_heading_spacing() -> None:
    data = (FIXTURES / "md_notice.md").read_bytes()
    record = parse_bytes("部门规章/人力资源社会保障部/md_notice.md", data)[0]
    assert record.addressee == "各省、自治区、直辖市劳动和社会保障厅（局）"
    assert record.paragraphs == (
        "根据《全国年节及纪念日放假办法》（国务院令第513号）的规定，现将有关问题通知如下：",
        "一、制度工作时间的计算",
        "年工作日：365天-104天（休息日）-11天（法定节假日）＝250天",
    )
    assert record.departments == ("劳动和社会保障部",)


def test_parse_header_skips_in_force_dates() -> None:
    header = parse_header(
        [
            "2011年6月15日 国务院第159次常务会议通过",
            "2011年7月7日 中华人民共和国国务院令第599号公布",
            "2011年9月1日 施行",
        ]
    )
    assert header.issued == "2011-07-07"
    assert header.doc_number == "国务院令第599号"


def test_law_paragraphs_headings() -> None:
    assert law_paragraphs("## 第一章 总 则\n\n第一条　内容。\u3000\n### 第一节 一般规定\n") == [
        "第一章 总则",
        "第一条　内容。",
        "第一节 一般规定",
    ]
