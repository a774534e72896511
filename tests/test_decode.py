"""Decoding: BOMs, UTF-8 that lies about its charset, GB18030 vs Big5, binary input."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from alucorpus.errors import DecodeError
from alucorpus.ingest.decode import cjk_plausibility, declared_charset, decode_bytes

# One word per chardet file, read from the decoded text by hand.
GB2312_WORDS = {
    "14.blog.westca.com.xml": "温哥华",
    "2.blog.westca.com.xml": "森林小屋",
    "_chromium_gb18030_with_no_encoding_specified.html.xml": "中国航天科技集团公司",
    "_mozilla_bug171813_text.html": "搜狐在线",
    "acnnewswire.net.xml": "中国银联",
    "bbs.blogsome.com.xml": "麦当劳",
    "cappuccinos.3322.org.xml": "日子如流沙",
    "chen56.blogcn.com.xml": "开发者日志",
    "cindychen.com.xml": "旧金山儿童医院",
    "cnblog.org.xml": "移动设备",
    "coverer.com.xml": "高质量的设计",
    "eighthday.blogspot.com.xml": "梦醒时分",
    "godthink.blogsome.com.xml": "终于考完了",
    "jjgod.3322.org.xml": "更换主题",
    "lily.blogsome.com.xml": "午后红茶",
    "luciferwang.blogcn.com.xml": "艺术家的作品",
    "pda.blogsome.com.xml": "操作系统",
    "softsea.net.xml": "系统工具",
    "w3cn.org.xml": "网页设计师",
    "xy15400.blogcn.com.xml": "打电话",
}
BIG5_WORDS = {
    "_chromium_Big5_with_no_encoding_specified.html": "台北看守所",
    "_ude_1.txt": "維基大典",
    "blog.worren.net.xml": "電子電路",
    "coolloud.org.tw.xml": "苦勞網",
    "digitalwall.com.xml": "數位之牆",
    "ebao.us.xml": "新年快樂",
    "myblog.pchome.com.tw.xml": "源頭",
    "sinica.edu.tw.xml": "部落格",
}
GNE_PAGES = (
    "163/9.html",
    "other/1.html",
    "people/1.html",
    "qq/2.html",
    "shanxi/1.html",
    "sxmu/1.html",
)
GNE_DECLARING_GB2312 = {"163/9.html", "people/1.html", "qq/2.html"}


@pytest.fixture(scope="module")
def chardet(shared_corpus: Path) -> Path:
    return shared_corpus / "chardet_legacy_cjk" / "tests"


@pytest.mark.parametrize(("name", "word"), sorted(GB2312_WORDS.items()))
def test_real_gb2312_files(chardet: Path, name: str, word: str) -> None:
    decoded = decode_bytes((chardet / "GB2312" / name).read_bytes(), name)
    assert decoded.encoding == "gb18030"
    assert "\ufffd" not in decoded.text
    assert word in decoded.text
    assert decoded.warnings == []


@pytest.mark.parametrize(("name", "word"), sorted(BIG5_WORDS.items()))
def test_real_big5_files(chardet: Path, name: str, word: str) -> None:
    decoded = decode_bytes((chardet / "Big5" / name).read_bytes(), name)
    assert decoded.encoding == "big5hkscs"
    assert "\ufffd" not in decoded.text
    assert word in decoded.text
    assert decoded.warnings == []


def test_every_chardet_file_is_covered(chardet: Path) -> None:
    assert {p.name for p in (chardet / "GB2312").iterdir()} == set(GB2312_WORDS)
    assert {p.name for p in (chardet / "Big5").iterdir()} == set(BIG5_WORDS)


def test_euc_tw_is_refused_not_turned_into_mojibake(chardet: Path) -> None:
    # Python has no EUC-TW codec and its bytes decode as GB18030 gibberish.
    data = (chardet / "EUC-TW" / "_ude_euc-tw1.txt").read_bytes()
    with pytest.raises(DecodeError, match="EUC-TW"):
        decode_bytes(data, "_ude_euc-tw1.txt")


@pytest.mark.parametrize("page", GNE_PAGES)
def test_utf8_pages_that_declare_gb2312(
    shared_corpus: Path, page: str, caplog: pytest.LogCaptureFixture
) -> None:
    data = (shared_corpus / "gne_testpages" / "tests" / page).read_bytes()
    with caplog.at_level(logging.WARNING, logger="alucorpus.ingest.decode"):
        decoded = decode_bytes(data, page)
    assert decoded.encoding == "utf-8"
    assert "\ufffd" not in decoded.text
    if page in GNE_DECLARING_GB2312:
        assert decoded.warnings == ["declared gb2312 but bytes are utf-8"]
        assert "declared gb2312 but bytes are utf-8" in caplog.text
    else:
        assert decoded.warnings == []


def test_utf8_bom_is_stripped() -> None:
    decoded = decode_bytes("\ufeff关于加强管理的通知".encode())
    assert decoded.text == "关于加强管理的通知"
    assert decoded.encoding == "utf-8"


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom(codec: str) -> None:
    data = "\ufeff国务院办公厅\n".encode(codec)
    decoded = decode_bytes(data)
    assert decoded.text == "国务院办公厅\n"
    assert decoded.encoding == codec


def test_short_gb2312_and_big5() -> None:
    assert decode_bytes("国务院关于促进稀土行业持续健康发展的若干意见".encode("gb2312")).text == (
        "国务院关于促进稀土行业持续健康发展的若干意见"
    )
    assert decode_bytes("礦業法第一條為合理開發國家礦產資源".encode("big5")).text == (
        "礦業法第一條為合理開發國家礦產資源"
    )


def test_declared_charset_that_lies_about_legacy_bytes() -> None:
    text = (
        "<meta charset=big5><p>国务院关于加强有色金属管理的决定，各省、自治区、直辖市人民政府</p>"
    )
    decoded = decode_bytes(text.encode("gb18030"), "x.html")
    assert decoded.encoding == "gb18030"
    assert decoded.text == text
    assert decoded.warnings == ["declared big5 but bytes are gb18030"]


def test_declared_charset_reading() -> None:
    assert declared_charset(b'<?xml version="1.0" encoding="GB2312"?>') == "gb2312"
    assert declared_charset(
        b'<meta http-equiv="Content-Type" content="text/html; charset=gbk">'
    ) == ("gbk")
    assert declared_charset(b"<!--\nExpect: GB18030\n-->") is None


def test_ascii_is_utf8_without_warning() -> None:
    decoded = decode_bytes(b'<meta charset="gb2312"><p>Mining Act</p>')
    assert decoded.encoding == "utf-8"
    assert decoded.warnings == []


def test_empty_input() -> None:
    assert decode_bytes(b"").text == ""


@pytest.mark.parametrize(
    "data",
    [b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", bytes(range(256)) * 4, b"PK\x03\x04\x14\x00\x06\x00"],
)
def test_binary_raises(data: bytes) -> None:
    with pytest.raises(DecodeError, match="binary"):
        decode_bytes(data, "blob.bin")


def test_broken_bytes_fall_back_to_replacement_with_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Truncated UTF-8 in the middle: nothing decodes strictly.
    data = "国务院关于".encode() + b"\xe5\x9b" + "的通知".encode() + b"\xff"
    with caplog.at_level(logging.WARNING, logger="alucorpus.ingest.decode"):
        decoded = decode_bytes(data, "broken.txt")
    assert decoded.encoding == "utf-8"
    assert decoded.text.startswith("国务院关于")
    assert "\ufffd" in decoded.text
    assert len(decoded.warnings) == 1
    assert "replacement" in decoded.warnings[0]
    assert "broken.txt" in caplog.text


def test_plausibility_score() -> None:
    assert cjk_plausibility("hello") == (1.0, 0)
    share, count = cjk_plausibility("中华人民共和国")
    assert (share, count) == (1.0, 7)
