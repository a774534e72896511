"""HTML pages: gov.cn policy pages (measured over 60 real fragments), other pages, fallbacks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from alucorpus.departments import canonical_department, split_departments
from alucorpus.ingest import detect_format, parse_bytes, parse_path, read_source
from alucorpus.ingest.html import block_lines, flat_text, govcn_table, markup_depth, sniff
from alucorpus.records import Record

FIXTURES = Path(__file__).parent / "fixtures"
ALUMINIUM = "aluminium/raw/likgjava_eb/ff8080812f71626e012f76fda0a90274.jsp"


@pytest.fixture(scope="module")
def govcn(shared_corpus: Path) -> list[tuple[dict, Record]]:
    derived = shared_corpus / "govcn_zhouynf_sql" / "derived"
    rows = [
        json.loads(line) for line in (derived / "records.jsonl").read_text("utf-8").splitlines()
    ]
    return [(row, parse_path(str(derived / row["html_fragment_file"]))[0]) for row in rows]


def _by_file(govcn: list[tuple[dict, Record]], name: str) -> Record:
    return next(record for row, record in govcn if row["html_fragment_file"].endswith(name))


# --------------------------------------------------------------------------- gov.cn pages


def test_govcn_fields_match_ground_truth_on_all_60_pages(govcn: list[tuple[dict, Record]]) -> None:
    assert len(govcn) == 60
    titles = numbers = departments = 0
    for row, record in govcn:
        assert record.format == "govcn_html"
        titles += record.title == row["title"]
        numbers += record.doc_number_raw == row["release_number"]
        expected = [canonical_department(name) for name in split_departments(row["release_office"])]
        departments += list(record.departments) == expected
    assert (titles, numbers, departments) == (60, 60, 60)


def test_govcn_dates_come_from_the_table_and_agree_with_signatures(
    govcn: list[tuple[dict, Record]],
) -> None:
    disagree = []
    for row, record in govcn:
        assert record.issued and record.published, row["html_fragment_file"]
        assert record.issued <= record.published
        # The SQL columns are known to be wrong: the table must not be confused with them.
        assert record.issued != row["wiritten_time"][:10]
        disagree += [name for name in record.warnings if "under the signature" in name]
    # Two pages where the body and the table differ, both checked by hand:
    # content_5345284 (the signature found is the forwarded 国家教委 report's, 1996-05-13)
    # content_5351624 (the body is signed 二〇〇四年四月二十七日, the table says 2004-04-17).
    assert len(disagree) == 2


def test_govcn_notice_with_attachment(govcn: list[tuple[dict, Record]]) -> None:
    record = _by_file(govcn, "content_5338761.html")
    assert record.title == "国务院办公厅关于印发《政府网站集约化试点工作方案》的通知"
    assert record.doc_number == "国办函〔2018〕71号"
    assert record.departments == ("国务院办公厅",)
    assert record.departments_en == ("General Office of the State Council",)
    assert record.issued == "2018-10-27"
    assert record.published == "2018-11-09"
    assert record.doc_type == "通知"
    assert record.addressee == "各省、自治区、直辖市人民政府，国务院各部委、各直属机构"
    assert record.paragraphs == (
        "《政府网站集约化试点工作方案》已经国务院领导同志同意，现印发给你们，请认真贯彻执行。",
    )
    assert [a.title for a in record.attachments] == ["政府网站集约化试点工作方案"]
    assert record.attachments[0].paragraphs[0].startswith("为贯彻落实党中央、国务院关于加强")
    meta = dict(record.meta)
    assert meta["索引号"] == "000014349/2018-00204"
    assert meta["主题分类"] == "综合政务\\政务公开"
    assert "主题词" not in meta  # empty on this page


def test_govcn_decree_and_joint_issuers(govcn: list[tuple[dict, Record]]) -> None:
    decree = _by_file(govcn, "content_5341736.html")
    assert decree.doc_number == "国务院令第706号"
    assert decree.departments == ("国务院",)
    joint = _by_file(govcn, "content_5345407.html")
    assert joint.doc_number == "国函〔1996〕95号"
    assert joint.departments == ("国务院", "中央军事委员会")


def test_govcn_table_labels_are_normalised() -> None:
    soup = BeautifulSoup(
        '<table class="bd1"><tr><td><b>索 引 号：</b></td><td>000014349/2019-00007</td>'
        "<td><b>标　　题：</b></td><td>国务院关于某事的通知</td></tr>"
        "<tr><td><b>发文字号：</b></td><td>国发〔2019〕5号</td>"
        "<td><b>主 题 词：</b></td><td></td></tr></table>",
        "html.parser",
    )
    assert govcn_table(soup) == {
        "索引号": "000014349/2019-00007",
        "标题": "国务院关于某事的通知",
        "发文字号": "国发〔2019〕5号",
        "主题词": "",
    }


# --------------------------------------------------------------------------- other pages


@pytest.fixture(scope="module")
def aluminium(shared_corpus: Path) -> Record:
    return parse_path(str(shared_corpus / ALUMINIUM))[0]


def test_aluminium_notice_in_a_news_page(shared_corpus: Path, aluminium: Record) -> None:
    expected = json.loads(
        (shared_corpus / "aluminium/derived/gongxinbu_lianyuan_2011_177.json").read_text("utf-8")
    )
    record = aluminium
    assert record.format == "html"
    assert record.title == expected["doc_title"]
    assert record.doc_number == "工信部联原〔2011〕177号"
    assert record.doc_number_raw == "工信部联原[2011]177号"
    assert list(record.departments) == expected["issuers"]
    assert record.addressee == expected["addressee"].rstrip("：")  # split_notice drops the colon
    assert record.issued is None  # no signature, no 成文日期
    assert record.published is None  # 2011-04-21 is the reprint's date, not the notice's
    assert record.doc_type == "通知"
    assert record.cites == ("国发〔2009〕14号", "国发〔2009〕38号")
    meta = dict(record.meta)
    assert meta["page_date"] == "2011-04-21"
    assert meta["page_title"] == expected["page_title"]
    assert meta["news_lead"].split("\n") == expected["news_lead"]


def test_aluminium_body_matches_the_derived_text(shared_corpus: Path, aluminium: Record) -> None:
    lines = (
        (shared_corpus / "aluminium/derived/gongxinbu_lianyuan_2011_177_notice.txt")
        .read_text("utf-8")
        .splitlines()
    )
    assert len(lines) == 15
    # Title, number and addressee are fields; the preamble and sections 一–七 are the body.
    assert list(aluminium.paragraphs) == lines[3:]
    assert not any("QQ" in p or "电线电缆" in p for p in aluminium.paragraphs)


def test_aluminium_is_sniffed_as_html(shared_corpus: Path) -> None:
    path = shared_corpus / ALUMINIUM
    assert detect_format(read_source(str(path), path.read_bytes())) == "html"


@pytest.fixture(scope="module")
def gne(shared_corpus: Path) -> dict[str, Record]:
    base = shared_corpus / "gne_testpages" / "tests"
    return {
        name: parse_path(str(base / name))[0]
        for name in (
            "163/9.html",
            "other/1.html",
            "people/1.html",
            "qq/2.html",
            "shanxi/1.html",
            "sxmu/1.html",
        )
    }


def test_govcn_gazette_page(gne: dict[str, Record]) -> None:
    record = gne["other/1.html"]
    assert record.title == (
        "全国人民代表大会常务委员会关于批准财政部发行特别国债购买外汇及调整2007年末国债余额限额的决议"
    )
    assert record.published == "2007-08-20"  # meta firstpublishedtime
    assert record.issued == "2007-06-29"  # （2007年6月29日…会议通过）
    assert record.departments == ("全国人民代表大会常务委员会",)
    assert record.doc_type == "决议"
    assert record.paragraphs[1].startswith("第十届全国人民代表大会常务委员会第二十八次会议，听取了")
    assert len(record.paragraphs) == 2  # 扫一扫, 相关稿件, footer links all dropped


def test_law_on_a_university_site(gne: dict[str, Record]) -> None:
    record = gne["sxmu/1.html"]
    assert record.title == "中华人民共和国监察法"
    assert record.doc_type == "法"
    assert "第一章 总则" in record.paragraphs
    assert any(p.startswith("第一条 为了深化国家监察体制改革") for p in record.paragraphs)
    assert (
        record.paragraphs[-1]
        == "第六十九条 本法自公布之日起施行。《中华人民共和国行政监察法》同时废止。"
    )


def test_provincial_government_news(gne: dict[str, Record]) -> None:
    record = gne["shanxi/1.html"]
    assert record.title == "山西品牌丝路行（南美站）正式启动"  # meta ArticleTitle
    assert record.published == "2019-09-18"  # meta PubDate
    assert len(record.paragraphs) == 9
    assert record.paragraphs[-1].endswith("南美站活动将先后在巴西、乌拉圭、阿根廷举行。（张巨峰）")
    assert not any(p in ("打印", "分享", "放大") for p in record.paragraphs)


@pytest.mark.parametrize("page", ["people/1.html", "qq/2.html", "163/9.html"])
def test_news_pages_declaring_gb2312(gne: dict[str, Record], page: str) -> None:
    record = gne[page]
    assert "declared gb2312 but bytes are utf-8" in record.warnings
    assert record.title and len(record.paragraphs) > 20
    assert "\ufffd" not in record.text
    assert not any(p.startswith(("(责编", "【1】")) for p in record.paragraphs)
    assert record.doc_number is None and record.departments == ()


def test_people_page_date(gne: dict[str, Record]) -> None:
    assert gne["people/1.html"].title == "女儿出嫁，郑板桥画了几笔兰花当嫁妆"
    assert gne["people/1.html"].published == "2019-06-15"


def test_fixture_embedded_notice() -> None:
    record = parse_bytes("notice.html", (FIXTURES / "html_notice_fragment.html").read_bytes())[0]
    assert record.title == "关于测试工作的通知"
    assert record.doc_number == "工信部联节〔2020〕12号"
    assert record.departments == ("工业和信息化部", "国家发展和改革委员会", "生态环境部")
    assert record.addressee == "各省、自治区、直辖市工业和信息化主管部门"
    assert record.paragraphs == (
        "为做好测试工作，根据《有色金属产业调整和振兴规划》（国发[2009]14号），现就有关事项通知如下：",
        "一、高度重视测试工作。各地要统一思想认识，切实把测试工作放在重要位置，认真落实各项要求，"
        "确保各项工作取得实效，为行业健康发展作出贡献。",
        "二、加强组织领导。",
    )
    assert record.cites == ("国发〔2009〕14号",)
    assert dict(record.meta)["page_date"] == "2020-05-06"
    assert record.published is None


# --------------------------------------------------------------------------- helpers and fallbacks


def test_sniff() -> None:
    assert sniff("a.jsp", '<meta http-equiv="Content-Type" content="text/html" />\n<script>')
    assert sniff("a.html", "<!DOCTYPE html>\n<html><head>")
    assert sniff("a.htm", "<p>国务院</p>")
    assert not sniff("a.txt", "国务院关于某事的通知\n国发〔2019〕5号")
    assert not sniff("a.md", "# 中华人民共和国能源法\n\n<!-- INFO END -->")
    # RSS/Atom feeds are markup whose text a user wants: read by the HTML reader.
    assert sniff("a.xml", '<?xml version="1.0"?><rss><channel><title>x</title>')


def test_block_lines_split_blocks_and_join_broken_sentences() -> None:
    soup = BeautifulSoup(
        "<div><p>第一段　文字</p><p>第三条　监察机关依照本法规定收集的物证<br>\n、书证</p>"
        "<p>切实把思想和行动统一到党中央、国务院的决策部署上来，认真贯彻落实科学发展观统一到党"
        "<br />\n中央、国务院的决策部署上来。</p><p>一、总体要求<br>（一）指导思想。</p></div>",
        "html.parser",
    )
    assert block_lines(soup) == [
        "第一段文字",
        "第三条 监察机关依照本法规定收集的物证",
        "、书证",
        "切实把思想和行动统一到党中央、国务院的决策部署上来，认真贯彻落实科学发展观统一到党中央、国务院的决策部署上来。",
        "一、总体要求",
        "（一）指导思想。",
    ]


def test_deeply_nested_html_is_read_flat_with_a_warning() -> None:
    depth = 3000
    markup = "<html><body>" + "<div>" * depth + "<p>国务院关于测试的通知</p><p>各地要认真执行。</p>"
    markup += "</div>" * depth + "</body></html>"
    assert markup_depth(markup) == depth + 3
    record = parse_bytes("deep.html", markup.encode())[0]
    assert record.paragraphs[-1] == "各地要认真执行。"
    assert any("nested too deeply" in warning for warning in record.warnings)


def test_recursion_error_falls_back(monkeypatch: pytest.MonkeyPatch) -> None:
    import alucorpus.ingest.html as html_module

    def explode(*args: object, **kwargs: object) -> None:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(html_module, "BeautifulSoup", explode)
    markup = "<html><title>测试</title><p>正文第一段。</p></html>"
    record = parse_bytes("x.html", markup.encode())[0]
    assert record.title == "测试"
    assert record.paragraphs == ("正文第一段。",)
    assert any("nested too deeply" in warning for warning in record.warnings)


def test_flat_text() -> None:
    markup = "<style>p{}</style><p>第一段&nbsp;文字</p><div>打印本页</div><p>第二段<br>第三段</p>"
    assert flat_text(markup) == ["第一段文字", "第二段", "第三段"]


def test_empty_page_raises() -> None:
    from alucorpus.errors import ParseError

    with pytest.raises(ParseError):
        parse_bytes("empty.html", b"<html><body><script>var a;</script></body></html>")
