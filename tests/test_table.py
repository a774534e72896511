"""table.py: CSV/TSV/JSONL files, one document per row."""

from __future__ import annotations

from pathlib import Path

import pytest

from alucorpus.errors import ParseError
from alucorpus.ingest import ParseOptions, SourceText, read_source
from alucorpus.ingest.table import parse, read_rows, resolve_columns, sniff
from alucorpus.records import Record, record_id

FIXTURES = Path(__file__).parent / "fixtures"


def _doc(path: Path) -> SourceText:
    return read_source(str(path), path.read_bytes())


def _parse(path: Path, **columns: str) -> list[Record]:
    return parse(_doc(path), ParseOptions(columns=columns))


def test_sniff() -> None:
    assert sniff("a.csv", "\ufeffPolicy,Year,Policy_Content\r\nx,1,y\r\n")
    assert sniff("a.tsv", "标题\t正文\nx\ty\n")
    assert sniff("a.jsonl", '{"title": "x"}\n{"title": "y"}\n')
    assert not sniff("a.txt", "国务院关于示例的通知，请执行。\n")
    assert not sniff("a.txt", "Aluminum Industry Needs to Exert Itself to Six Tasks.\n")
    assert not sniff("a.jsonl", '{"title": "x"}\nnot json\n')
    assert not sniff("a.csv", "a,b,c\n1,2,3\n")  # no recognised column


def test_resolve_columns_gccmpd_english_side() -> None:
    header = [
        "Policy_raw",
        "Year",
        "Country",
        "Policy_Content_raw",
        "URL",
        "Policy",
        "Policy_Content",
    ]
    assert resolve_columns(header) == {
        "title": "Policy_raw",
        "title_en": "Policy",
        "content": "Policy_Content_raw",
        "content_en": "Policy_Content",
        "url": "URL",
        "date": "Year",
    }
    assert resolve_columns(["Policy", "Policy_Content"]) == {
        "title": "Policy",
        "content": "Policy_Content",
    }


def test_resolve_columns_overrides() -> None:
    assert resolve_columns(["名", "文"], {"title": "名", "content": "文"}) == {
        "title": "名",
        "content": "文",
    }
    with pytest.raises(ParseError, match="no column 'x'"):
        resolve_columns(["名"], {"title": "x"})
    with pytest.raises(ParseError, match="unknown field"):
        resolve_columns(["名"], {"colour": "名"})


def test_tsv_fixture() -> None:
    path = FIXTURES / "table_small.tsv"
    first, second = _parse(path)
    doc = _doc(path)
    assert first.id == record_id(doc.sha256, "row=1")
    assert first.source == f"{path}#row=1"
    assert first.format == "table"
    assert first.title == "国务院关于示例事项的通知"
    assert first.doc_number == "国发〔2016〕7号"
    assert first.departments == ("国务院",)
    assert first.addressee == "各省、自治区、直辖市人民政府"
    assert first.paragraphs == ("请认真贯彻执行。",)
    assert first.issued == "2016-02-01"
    assert first.url == "http://www.gov.cn/zhengce/content/2016-02/05/content_1.htm"
    assert first.warnings == ()
    # No body: a record from the columns, and a warning.
    assert second.source == f"{path}#row=2"
    assert second.title == "工业和信息化部关于示例的公告"
    assert second.departments == ("工业和信息化部",)
    assert second.issued == "2020-05-06"  # from the 成文日期 column
    assert second.doc_number is None
    assert second.paragraphs == ()
    assert second.warnings == ("no body text",)


def test_csv_crlf_bom_fixture() -> None:
    first, second, third = _parse(FIXTURES / "table_crlf.csv")
    assert first.title == "国务院关于示例矿产保护的通知"
    assert first.doc_number == "国发〔1991〕5号"
    assert first.issued == "1991-01-15"
    assert first.paragraphs == ("一、加强保护。", "二、严格管理。")
    assert first.meta == (("year", "1991"),)
    # A bare year is not an issue date, and the URL's date is a republication date.
    assert second.issued is None and second.published is None
    assert second.meta == (("year", "1982"),)
    assert second.departments == ("国务院",)
    assert second.warnings == ("no body text",)
    # A body with its line breaks kept is read line by line.
    assert third.doc_number == "国发〔1990〕3号"
    assert third.addressee == "各部委"
    assert third.paragraphs == ("请执行。",)
    assert third.issued == "1990-01-18"
    assert third.url is None


def test_read_rows_jsonl_nulls() -> None:
    header, rows = read_rows('{"title": "a", "content": null}\n\n{"title": "b", "n": 3}\n')
    assert header == ["title", "content", "n"]
    assert rows == [{"title": "a", "content": ""}, {"title": "b", "n": "3"}]


def test_no_title_or_content_column(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(ParseError, match="no title or content column"):
        _parse(path)


def test_gov_prc_csv(shared_corpus: Path) -> None:
    records = _parse(shared_corpus / "gccmpd_govprc" / "raw" / "GOV_PRC.csv")
    assert len(records) == 108
    assert sum(1 for r in records if r.paragraphs or r.attachments) == 100
    assert len({r.id for r in records}) == 108
    first = records[0]
    assert first.source.endswith("GOV_PRC.csv#row=1")
    assert first.title == "国务院批转地质部关于切实保障野外地质工作条件的报告"
    assert first.doc_number == "国发〔1980〕82号"
    assert first.departments == ("国务院",)
    assert first.departments_en == ("State Council",)
    assert first.issued == "1980-03-31"
    assert first.published is None  # 2018-04/17 in the URL is a republication date
    assert first.url == "http://www.gov.cn/zhengce/content/2018-04/17/content_5281662.htm"
    assert first.addressee == "各省、市、自治区人民政府（革命委员会），国务院各部委、各直属机构"
    assert first.meta == (
        ("year", "1980"),
        ("Country", "China"),
        ("Scope", "National"),
        ("Source", "GOV_CHN"),
    )
    [report] = first.attachments
    assert report.title == "关于切实保障野外地质工作条件的报告"
    assert report.paragraphs[-2:] == ("地质部", "一九八〇年二月二十日")
    assert not first.en_machine_translated

    ninth = records[8]
    assert (
        ninth.title == "国务院关于将钨、锡、锑、离子型稀土矿产列为国家实行保护性开采特定矿种的通知"
    )
    assert ninth.doc_number == "国发〔1991〕5号"
    assert ninth.departments == ("国务院",)
    assert ninth.issued == "1991-01-15"
    assert ninth.doc_type == "通知"
    assert ninth.paragraphs[1].startswith("一、钨、锡、锑和离子型稀土矿产分别由")
    assert ninth.paragraphs[-1].startswith("九、本通知自发出之日起施行。")

    empty = records[3]
    assert empty.title == "国务院批转地质矿产部关于切实加强地质矿产工作请示的通知"
    assert empty.paragraphs == ()
    assert empty.warnings == ("no body text",)


def test_gov_prc_jsonl_bilingual(shared_corpus: Path) -> None:
    records = _parse(shared_corpus / "gccmpd_govprc" / "derived" / "gov_prc_zh_en.jsonl")
    assert len(records) == 108
    first = records[0]
    assert first.source.endswith("gov_prc_zh_en.jsonl#row=1")
    assert first.lang == "zh"
    assert first.title == "国务院批转地质部关于切实保障野外地质工作条件的报告"
    assert first.doc_number == "国发〔1980〕82号"
    assert first.issued == "1980-03-31"
    assert first.title_en.startswith("The State Council approved and forwarded the report")
    assert first.paragraphs_en and first.paragraphs_en[0].startswith("The State Council")
    assert first.en_machine_translated
    assert ("year", "1980") in first.meta
