"""Field parsers on real strings from ../shared/corpus, plus a fuzz test of their error contract."""

from __future__ import annotations

import contextlib
import csv
import html
import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alucorpus.analysis import doc_number_tokens
from alucorpus.departments import departments_at_end
from alucorpus.errors import ParseError
from alucorpus.ingest.fields import (
    DocNumberMatch,
    _all_matches,
    canonical_doc_number,
    clean_title,
    doc_type_of,
    find_citations,
    find_dates,
    find_doc_numbers,
    leading_doc_number,
    parse_date,
)
from alucorpus.search.plan import number_query_tokens

# --------------------------------------------------------------------------- numbers


# Numbers as documents write them, and their canonical form.
_NUMBERS = [
    ("工信部联原[2011]177号", "工信部联原〔2011〕177号"),  # aluminium notice, ASCII brackets
    ("国发 〔2011〕 12 号", "国发〔2011〕12号"),  # gccmpd, spaces inside
    ("国办发 〔2010〕1号", "国办发〔2010〕1号"),
    ("国函〔\n2006\n〕38号", "国函〔2006〕38号"),  # gov.cn page, year on its own line
    ("国发［２０２５］３号", "国发〔2025〕3号"),  # full-width brackets and digits
    ("国发(2016)7号", "国发〔2016〕7号"),
    ("国发（2016）7号", "国发〔2016〕7号"),
    ("国发【2016】7号", "国发〔2016〕7号"),
    ("国发〔1991〕第5号", "国发〔1991〕5号"),  # 第 dropped
    ("国办发明电〔2010〕36号", "国办发明电〔2010〕36号"),
    ("劳社部发[2000]8号", "劳社部发〔2000〕8号"),
    ("津政报[1989]26号", "津政报〔1989〕26号"),
    ("发改能源〔2003〕1287号", "发改能源〔2003〕1287号"),
    ("（65）林经政字第13号", "林经政字〔1965〕13号"),  # two-digit year → 19YY
    ("(85)煤财字第817号", "煤财字〔1985〕817号"),
    ("〔92〕中油办字第598号", "中油办字〔1992〕598号"),
    ("中石化〔1996〕办字392号", "中石化〔1996〕办字392号"),  # code on both sides: order kept
    ("国令第706号", "国务院令第706号"),
    ("国务院令第706号", "国务院令第706号"),
    ("中华人民共和国国务院令 第707号", "国务院令第707号"),
    ("中华人民共和国国务院令第　606　号", "国务院令第606号"),  # gccmpd, U+3000 inside
    ("工业和信息化部令第12号", "工业和信息化部令第12号"),
    ("工信部令第12号", "工业和信息化部令第12号"),
    ("中华人民共和国公安部令第１３２号", "公安部令第132号"),  # LawRefBook
    ("农业部、财政部、国家物价局令第1号", "农业部、财政部、国家物价局令第1号"),
    ("食品药品监管局、海关总署第4号令", "国家食品药品监督管理局、海关总署令第4号"),
    (
        "中华人民共和国国务院、中华人民共和国中央军事委员会令第54号",
        "国务院、中央军事委员会令第54号",
    ),
    ("海关总署公告2025年第12号", "海关总署公告2025年第12号"),
    ("国家发展改革委公告2025年第12号", "国家发展和改革委员会公告2025年第12号"),
    ("華總一義字第09100116830號", "華總一義字第09100116830號"),  # Taiwan: script kept
    ("（88）華總一義字第 8800027120 號", "（88）華總一義字第8800027120號"),
]


@pytest.mark.parametrize(("raw", "canonical"), _NUMBERS)
def test_canonical_doc_number(raw: str, canonical: str) -> None:
    assert canonical_doc_number(raw) == canonical


@pytest.mark.parametrize(("raw", "canonical"), _NUMBERS)
def test_a_query_for_a_number_finds_what_the_index_stores(raw: str, canonical: str) -> None:
    # The index holds doc_number_tokens(canonical); a query written the way the
    # document wrote it must ask for one of those tokens, whatever its brackets,
    # issuer names or two-digit year.
    assert set(number_query_tokens(raw)) <= set(doc_number_tokens(canonical))


@pytest.mark.parametrize(
    "raw",
    ["第7264号建议", "第3号提案", "2025年第1号修改单", "", "国发", "2018年1月8日", "〔2011〕12号"],
)
def test_not_doc_numbers(raw: str) -> None:
    with pytest.raises(ParseError):
        canonical_doc_number(raw)


def test_find_doc_numbers_does_not_swallow_the_title() -> None:
    text = "国务院批转地质部关于切实保障野外地质工作条件的报告国发〔1980〕82号各省、市"
    [match] = find_doc_numbers(text)
    assert match == DocNumberMatch("国发〔1980〕82号", "国发〔1980〕82号", 25, 36)
    assert text[match.start : match.end] == match.raw


@pytest.mark.parametrize(
    ("text", "raw"),
    [
        ("关于…的复函国办函〔1997〕23号山西省", "国办函〔1997〕23号"),
        ("请　示　的　通　知国发〔1981〕172号各省", "国发〔1981〕172号"),
        ("按照工信部联原〔2011〕177号文件", "工信部联原〔2011〕177号"),
        ("的复函环办函〔2010〕1号", "环办函〔2010〕1号"),
        ("你部(85)煤财字第817号《关于", "(85)煤财字第817号"),
        ("林业部（65）林经政字第13号", "（65）林经政字第13号"),
        ("1994年1月28日中华人民共和国国务院令第142号发布", "中华人民共和国国务院令第142号"),
        ("行政院院臺規字第 1030158355 號", "院臺規字第 1030158355 號"),
    ],
)
def test_find_doc_numbers_raw_span(text: str, raw: str) -> None:
    [match] = find_doc_numbers(text)
    assert match.raw == raw
    assert text[match.start : match.end] == raw


def test_proposal_numbers_are_not_found() -> None:
    text = "国务院办公厅对十届全国人大四次会议第7264号建议的答复国办函〔2006〕69号邓明义代表："
    assert [m.canonical for m in find_doc_numbers(text)] == ["国办函〔2006〕69号"]


def test_leading_doc_number() -> None:
    text = "国务院关于提高煤炭价格的通知国发〔1990〕47号各省、自治区、直辖市人民政府"
    match = leading_doc_number(text)
    assert match is not None
    assert text[: match.start] == "国务院关于提高煤炭价格的通知"
    assert text[match.end :].startswith("各省")
    # A number cited inside the title is not the document's own.
    assert leading_doc_number("关于贯彻《国务院关于X的通知》（国发〔2016〕7号）的意见") is None
    assert leading_doc_number("") is None


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2018年01月08日", "2018-01-08"),
        ("2018年1月8日", "2018-01-08"),
        ("一九八〇年三月三十一日", "1980-03-31"),
        ("二〇一六年十一月二日", "2016-11-02"),
        ("二○○七年九月十八日", "2007-09-18"),  # gccmpd uses U+25CB ○
        ("一九九六年十一月五日", "1996-11-05"),
        ("２０２５年３月１１日", "2025-03-11"),
        ("2019年 1月 27日", "2019-01-27"),
        ("2018-01-08", "2018-01-08"),
        ("2018.1.8", "2018-01-08"),
        ("2018/1/8", "2018-01-08"),
        ("20241011", "2024-10-11"),  # Taiwan 最新異動日期
        ("中華民國一百十二年五月三日", "2023-05-03"),
        ("中华民国一百零一年十二月二十八日", "2012-12-28"),
        ("民國112年5月3日", "2023-05-03"),
        ("中華民國112年5月3日", "2023-05-03"),
    ],
)
def test_parse_date(text: str, iso: str) -> None:
    assert parse_date(text) == iso


@pytest.mark.parametrize(
    "text",
    ["2019年2月30日", "2019年13月1日", "二〇一六年十一月", "2018.1", "abc", "", "十二年五月三日"],
)
def test_parse_date_rejects(text: str) -> None:
    with pytest.raises(ParseError):
        parse_date(text)


def test_find_dates_in_running_text() -> None:
    # gccmpd row: signature and date run into the next document's title.
    text = "自公布之日起施行。总　理　 温家宝二○○七年九月十八日国务院关于修改…2月30日"
    assert find_dates(text) == [("2007-09-18", 17, 27)]
    assert find_dates("v1.2.3 和 2019年2月30日") == []


# --------------------------------------------------------------------------- titles


def test_clean_title() -> None:
    lines = ["国务院办公厅关于推广第二批", "支持创新相关改革举措的通知"]
    assert clean_title(lines) == "国务院办公厅关于推广第二批支持创新相关改革举措的通知"
    assert clean_title("国 务 院 工 作 规 则") == "国务院工作规则"
    assert (
        clean_title("关于地方国营煤矿若干经济政策问题请　示　的　通　知")
        == "关于地方国营煤矿若干经济政策问题请示的通知"
    )
    assert clean_title(
        ["国务院办公厅、中央军委办公厅", "关于加强对侵华日军遗弃化学武器", " 调查和管理工作的通知"]
    ) == ("国务院办公厅、中央军委办公厅关于加强对侵华日军遗弃化学武器调查和管理工作的通知")
    # Two issuers separated by a space keep it; the title's own punctuation stays.
    assert clean_title("中共中央办公厅 国务院办公厅关于印发《X》的通知。") == (
        "中共中央办公厅 国务院办公厅关于印发《X》的通知。"
    )
    assert clean_title(["Notice on", "Aluminium"]) == "Notice on Aluminium"


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("国务院关于印发《国务院工作规则》的通知", "通知"),
        ("国务院办公厅关于确保居民生活用电和正常发用电秩序的紧急通知", "通知"),
        ("国务院办公厅关于科技节水建议的复函", "函"),
        ("国务院办公厅关于印发国 家 粮 食 应 急 预 案 的 函", "函"),
        ("国务院关于促进稀土行业持续健康发展的若干意见", "意见"),
        ("国务院关于河北雄安新区总体规划（2018—2035年）的批复", "批复"),
        ("国务院办公厅对十届全国人大四次会议第7264号建议的答复", "答复"),
        ("电力监管条例", "条例"),
        ("中华人民共和国矿产资源法", "法"),
        ("国务院关于保护国营矿业企业正常生产的决定", "决定"),
        ("某某管理暂行办法（2016年修订）", "办法"),
        ("国务院办公厅关于内蒙古自治区人民政府制止违规建设电站不力并酿成重大事故的通报", "通报"),
        ("Notice on aluminium", None),
    ],
)
def test_doc_type_of(title: str, kind: str | None) -> None:
    assert doc_type_of(title) == kind


# --------------------------------------------------------------------------- citations


def test_find_citations() -> None:
    text = (
        "《国务院关于坚决制止哄抢和侵占国家资财的决定》（国发〔1982〕82号文件）"
        "认真落实国务院《有色金属产业调整和振兴规划》（国发[2009]14号）、国发〔2009〕14号，"
        "本通知国发〔2019〕5号"
    )
    assert find_citations(text, own_number="国发[2019]5号") == [
        "国发〔1982〕82号",
        "国发〔2009〕14号",
    ]
    assert find_citations("no numbers here") == []


# --------------------------------------------------------------------------- the real corpus


def _govcn_body(fragment: str) -> str:
    body = fragment[fragment.find("UCAP-CONTENT") :]
    return html.unescape(re.sub(r"<[^>]+>", "\n", body))


def test_govcn_release_numbers_found_in_body(shared_corpus: Path) -> None:
    """All 60 gov.cn pages: the 发文字号 of the metadata table is found in the body."""
    folder = shared_corpus / "govcn_zhouynf_sql" / "derived"
    lines = (folder / "records.jsonl").read_text("utf-8").splitlines()
    found = 0
    for line in lines:
        row = json.loads(line)
        body = _govcn_body((folder / row["html_fragment_file"]).read_text("utf-8"))
        want = canonical_doc_number(row["release_number"])
        found += want in {m.canonical for m in find_doc_numbers(body)}
    assert len(lines) == 60
    assert found == 60  # measured: 60/60


def _gccmpd_rows(shared_corpus: Path) -> list[dict[str, str]]:
    path = shared_corpus / "gccmpd_govprc" / "raw" / "GOV_PRC.csv"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [row for row in csv.DictReader(handle) if row["Policy_Content"]]


def test_gccmpd_leading_number_follows_title(shared_corpus: Path) -> None:
    """Flattened gccmpd bodies: the number found first cuts the title off exactly."""
    rows = _gccmpd_rows(shared_corpus)
    found = title_cut = 0
    for row in rows:
        text = row["Policy_Content"]
        match = leading_doc_number(text)
        if match is None:
            continue
        found += 1
        title = clean_title(row["Policy"]).replace("(", "（").replace(")", "）")
        title_cut += match.start == 0 or clean_title(text[: match.start]) == title
    assert len(rows) == 100
    assert found == 100  # measured: 100/100 (4 decrees start with 中华人民共和国国务院令)
    assert title_cut == 100


def test_gccmpd_decree_row(shared_corpus: Path) -> None:
    rows = _gccmpd_rows(shared_corpus)
    decree = next(
        r for r in rows if r["Policy_Content"].startswith("中华人民共和国国务院令第　606")
    )
    match = leading_doc_number(decree["Policy_Content"])
    assert match is not None
    assert (match.start, match.canonical) == (0, "国务院令第606号")


def test_gccmpd_signature_before_date(shared_corpus: Path) -> None:
    """The issuer ends the text just before the first date that follows a body's name."""
    signed = 0
    rows = _gccmpd_rows(shared_corpus)
    for row in rows:
        text = row["Policy_Content"]
        for _iso, start, _end in find_dates(text):
            names, _ = departments_at_end(text[:start])
            if names:
                assert names in (["国务院"], ["国务院办公厅"])
                signed += 1
                break
    assert signed == 96  # the other 4 are decrees signed by the premier, not a body


def test_aluminium_notice(shared_corpus: Path) -> None:
    path = shared_corpus / "aluminium" / "derived" / "gongxinbu_lianyuan_2011_177_notice.txt"
    text = path.read_text("utf-8")
    match = leading_doc_number(text)
    assert match is not None
    assert (match.raw, match.canonical) == ("工信部联原[2011]177号", "工信部联原〔2011〕177号")
    assert clean_title(text[: match.start].splitlines()) == (
        "关于遏制电解铝行业产能过剩和重复建设引导产业健康发展的紧急通知"
    )
    cites = find_citations(text, own_number=match.raw)
    assert cites[:2] == ["国发〔2009〕14号", "国发〔2009〕38号"]
    assert "工信部联原〔2011〕177号" not in cites


def test_lawrefbook_header_lines(shared_corpus: Path) -> None:
    folder = shared_corpus / "lawrefbook"
    headers = []
    for path in sorted(folder.rglob("*.md")):
        text = path.read_text("utf-8")
        headers.extend(text.split("<!-- INFO END -->")[0].splitlines())
    line = "2019年5月28日 中华人民共和国国务院令第717号公布"
    assert line in headers
    assert find_dates(line) == [("2019-05-28", 0, 10)]
    assert [m.canonical for m in find_doc_numbers(line)] == ["国务院令第717号"]
    decrees = [h for h in headers if "国务院令第" in h]
    assert decrees
    for header in decrees:
        numbers = [m.canonical for m in find_doc_numbers(header)]
        assert numbers and numbers[0].startswith("国务院令第"), header


def test_taiwan_history_lines(shared_corpus: Path) -> None:
    path = shared_corpus / "tw_mojlaw_bilingual" / "FalVMingLing" / "A0030055.json"
    history = json.loads(path.read_text("utf-8"))["沿革內容"]
    dates = [d for d, _, _ in find_dates(history)]
    assert dates[0] == "1999-02-03"  # 中華民國八十八年二月三日
    numbers = [m.canonical for m in find_doc_numbers(history)]
    assert numbers[0] == "（88）華總一義字第8800027120號"
    assert "（89）華總一義字第8900305050號" in numbers  # serial broken over a line


# --------------------------------------------------------------------------- error contract

_TEXT = st.text(
    alphabet=st.sampled_from(
        list(
            "国发办函令第号號年月日〔〕[]()（）【】0123456789０１２３"
            "〇○零一二十百中華民國的通知、 \n\u3000"
        )
    )
    | st.characters(),
    max_size=80,
)


@settings(max_examples=300, deadline=None)
@given(_TEXT)
def test_parsers_raise_only_parse_error(text: str) -> None:
    for parse in (parse_date, canonical_doc_number):
        with contextlib.suppress(ParseError):
            parse(text)
    for match in find_doc_numbers(text):
        assert text[match.start : match.end] == match.raw
    find_citations(text, own_number=text[:10])
    find_dates(text)
    leading_doc_number(text)
    clean_title(text)
    doc_type_of(text)


# -- anchored search (a speed-up that must not change what is found) ----------------------


@pytest.mark.parametrize(
    "text",
    [
        "中华人民共和国国务院令第706号",
        "前" * 300 + "国务院令第5号",  # a long run before the issuer
        "国务院 令\n第 706 号" + "后" * 300,
        "中华人民共和国国务院" + " " * 120 + "令第1号",  # spaces longer than the issuer
        "财政部 海关总署 税务总局公告2019年第39号",
        "工信部联原［2011］177号",
        "（89）台內字第1234567號",
        "第1号" * 50 + "国发〔1991〕5号",
    ],
)
def test_anchored_number_search_finds_what_a_full_search_finds(text: str) -> None:
    assert _all_matches(text) == _all_matches(text, anchored=False)


def test_anchored_number_search_agrees_on_the_whole_corpus(whole_corpus: Any) -> None:
    """Every record of the shared corpus: its title and its paragraphs joined."""
    texts = [t for r in whole_corpus.records() for t in (r.title or "", "\n".join(r.paragraphs))]
    assert len(texts) > 500
    differ = [t[:60] for t in texts if _all_matches(t) != _all_matches(t, anchored=False)]
    assert differ == []
