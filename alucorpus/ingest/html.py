"""HTML pages: gov.cn policy pages with their metadata table, and any other page.

Two kinds of page:

* **gov.cn policy pages** (format ``govcn_html``): the ``table.bd1`` metadata
  table (索引号, 主题分类, 发文机关, 成文日期, 标题, 发文字号, 发布日期, 主题词; the
  labels are letter-spaced) gives title, number, issuers and both dates; the
  ``#UCAP-CONTENT`` body goes through
  :func:`~alucorpus.ingest.notice.split_notice` for the addressee, the body
  proper, the signature and the attachments.
* **any other page** (format ``html``): the main text is the element with the
  most Chinese text in its paragraph-like children (a text-density heuristic);
  script, style, navigation, header, footer, link lists and boilerplate lines
  are dropped. When a news page carries an official notice (a title paragraph
  followed by a paragraph that is only a 发文字号, e.g. ``工信部联原[2011]177号``),
  the record is the notice and the news lead goes to meta ``news_lead``; the
  page's own date goes to meta ``page_date`` (a reprint's date is not the
  notice's 发布日期, so ``published`` stays None).

Every record says where the date it was given came from (``date_source``, see
:mod:`alucorpus.dates`): a gov.cn page's table dates are ``metadata``, the date under
a signature (or a law's adoption note) is ``document``, any other page's own date is
``page``.

Parsing uses BeautifulSoup with the standard library's ``html.parser``.
Pathologically nested HTML that exhausts Python's recursion limit falls back to
a flat, regex-based text extraction with a warning.
"""

from __future__ import annotations

import html as html_lib
import re
import warnings
from collections.abc import Iterable
from typing import Any

from bs4 import (
    BeautifulSoup,
    MarkupResemblesLocatorWarning,
    NavigableString,
    Tag,
    XMLParsedAsHTMLWarning,
)
from bs4.element import Comment, Doctype, ProcessingInstruction

from ..analysis import CJK_IDEOGRAPHS
from ..dates import DOCUMENT, METADATA, PAGE
from ..departments import canonical_department, department_en, split_departments
from ..errors import ParseError
from ..records import Record, record_id
from . import ParseOptions, SourceText
from .fields import canonical_doc_number, clean_title, doc_type_of, find_citations, find_doc_numbers
from .fields import parse_date as parse_cn_date
from .notice import NoticeParts, split_notice
from .plaintext import leading_departments

__all__ = [
    "BOILERPLATE",
    "block_lines",
    "flat_text",
    "govcn_table",
    "main_element",
    "markup_depth",
    "page_paragraphs",
    "parse",
    "sniff",
]

FORMAT_GOVCN = "govcn_html"
FORMAT_HTML = "html"

# Lines that sites put around an article. A line equal to one of these, or
# starting with one that ends in a colon or space, is dropped.
BOILERPLATE: tuple[str, ...] = (
    "扫一扫在手机打开当前页",
    "打印本页",
    "关闭窗口",
    "【打印本页】",
    "【关闭窗口】",
    "【字体：大 中 小】",
    "【字体：大中小】",
    "字体：大 中 小",
    "字号：默认 大 超大",
    "分享到：",
    "分享到",
    "分享",
    "打印",
    "收藏",
    "纠错",
    "返回顶部",
    "相关稿件",
    "相关新闻",
    "相关阅读",
    "责任编辑：",
    "责编：",
    "编辑：",
    "版权所有：",
    "版权所有",
    "网站地图",
    "联系我们",
    "主办单位：",
    "网站标识码",
    "京ICP备",
    "京公网安备",
    "【纠错】",
    "（责任编辑：",
    "(责任编辑：",
    "[责任编辑：",
    "声明：",
    "免责声明",
    "(责编：",
    "（责编：",
)
# Patterns of advert and contact lines pasted under reprinted notices.
_ADVERT = re.compile(
    r"^(?:【\d{1,3}】)+$|QQ\s*群|QQ\s*[：:]\s*\d{5,}|微信(?:公众)?号\s*[：:]|客服热线|扫码关注"
)

# XML feeds (RSS/Atom) are read as markup too: their text is what a user wants.
_SNIFF = re.compile(
    r"<(?:!doctype\s+html|html|head|body|div|p|table|meta|\?xml|rss|feed)[\s>/]", re.I
)
_DROP_TAGS = (
    "script",
    "style",
    "noscript",
    "nav",
    "header",
    "footer",
    "iframe",
    "template",
    "svg",
    "head",
)
_BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "center",
        "dd",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    ]
)
# Containers whose text counts as one paragraph when they hold no other block.
_PARAGRAPH_LIKE = frozenset(
    ("p", "div", "span", "font", "section", "center", "blockquote", "td", "li")
)
_PARA_MARK = "\u2029"  # inserted around block elements
_BREAK_MARK = "\u2028"  # inserted for <br>
_CJK = re.compile(f"[{CJK_IDEOGRAPHS}]")
_WORD = re.compile(r"[A-Za-z]{2,}")
_SPACES = re.compile(r"[ \t\r\n\f\v\u00a0\u3000\u2002\u2003\u2009\u200b]+")
_CJK_OR_PUNCT = f"[\u3000-\u303f{CJK_IDEOGRAPHS}\uff00-\uffef]"
# A space between two Chinese characters, or between a digit and a Chinese
# character ("2007　年末"), is letter-spacing or a line wrap.
_SPACE_BETWEEN_CJK = re.compile(
    rf"(?<={_CJK_OR_PUNCT}) (?={_CJK_OR_PUNCT})"
    rf"|(?<=\d) (?={_CJK_OR_PUNCT})"
    rf"|(?<={_CJK_OR_PUNCT}) (?=\d)"
)
_ARTICLE_HEAD = re.compile(r"(第[一二三四五六七八九十百千零〇\d]+[条章节编])\s+(?=\S)")
_SENTENCE_END = tuple("。；：！？…”’）)」』】;:!?")
_TITLE_SEPARATORS = re.compile(r"__?|\s[-–—|]\s|--")
_ISO_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_DATE_LABEL = re.compile(
    r"(?:发布时间|发布日期|发文日期|发稿时间|日期|时间)\s*[：:]\s*(\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2})"
)
_DATE_META = ("firstpublishedtime", "pubdate", "publishdate", "article:published_time", "dc.date")
# Issuers named in a news lead: "工业和信息化部、…、国家能源局等部门联合印发了《…》".
_LEAD_ISSUERS = re.compile(
    rf"((?:[{CJK_IDEOGRAPHS}（）()]{{2,30}}、)+[{CJK_IDEOGRAPHS}（）()]{{2,30}}?)"
    r"(?:等(?:[一二三四五六七八九十\d]+个?)?(?:部门|单位|部委))?(?:近日|日前)?(?:联合)?(?:印发|发布|下发|出台)"
)
_TITLE_WORDS = re.compile(
    r"(?:通知|决定|意见|办法|规定|条例|方案|规划|细则|公告|通告|批复|函|规则|决议)$"
)
_ADOPTED = re.compile(
    r"^[（(]\s*(\d{4}年\d{1,2}月\d{1,2}日)[^（）()]{0,80}?(?:通过|公布|发布|批准)[^（）()]{0,20}[）)]$"
)
_GOVCN_LABELS = (
    "索引号",
    "主题分类",
    "发文机关",
    "成文日期",
    "标题",
    "发文字号",
    "发布日期",
    "主题词",
)
_RECURSION_WARNING = "HTML nested too deeply for the parser; text extracted without structure"
# Real pages nest a few dozen levels. Far deeper markup is broken or hostile:
# tree walks over it grow quadratically (60,000 levels took minutes) or hit
# Python's recursion limit, so it is read flat instead.
_MAX_DEPTH = 500
_TAG = re.compile(r"<(/?)([A-Za-z][\w:-]*)[^>]*?(/?)>")
_VOID_TAGS = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    ]
)


def sniff(path: str, text: str) -> bool:
    """HTML: an <html>, <body>, <div>, <p>, <table> or <meta> tag near the start."""
    return _SNIFF.search(text[:2048]) is not None


def parse(doc: SourceText, options: ParseOptions) -> list[Record]:
    """Read one HTML page as one record."""
    if not doc.text.strip():
        raise ParseError(f"{doc.path}: empty HTML file")
    if markup_depth(doc.text) > _MAX_DEPTH:
        return [_flat_record(doc)]
    try:
        with warnings.catch_warnings():
            # XML feeds and HTML fragments are read as HTML on purpose; bs4's advice
            # to install lxml is noise for our users.
            warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
            warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
            soup = BeautifulSoup(doc.text, "html.parser")
        table = govcn_table(soup)
        if table:
            return [_govcn_record(doc, soup, table)]
        return [_page_record(doc, soup)]
    except RecursionError:
        return [_flat_record(doc)]


# --------------------------------------------------------------------------- text


def block_lines(element: Tag) -> list[str]:
    """The text of an element as paragraphs: one per block element, <br> lines split.

    A line broken by ``<br>`` in the middle of a sentence (a long line that ends
    without punctuation) is joined to the next: editors paste hard line breaks
    from Word (``…统一到党<br />中央、国务院…``).
    """
    for br in element.find_all("br"):
        br.replace_with(_BREAK_MARK)
    for tag in element.find_all(_BLOCK_TAGS):
        tag.insert_before(_PARA_MARK)
        tag.insert_after(_PARA_MARK)
    text = "".join(_strings(element))
    paragraphs: list[str] = []
    for block in text.split(_PARA_MARK):
        lines = [_squeeze(line) for line in block.split(_BREAK_MARK)]
        paragraphs.extend(_join_broken_lines([line for line in lines if line]))
    return paragraphs


def _strings(element: Tag) -> Iterable[str]:
    """Text nodes in document order, without comments, doctypes and processing instructions."""
    for node in element.descendants:
        if isinstance(node, NavigableString) and not isinstance(
            node, Comment | Doctype | ProcessingInstruction
        ):
            yield str(node)


def _squeeze(text: str) -> str:
    """Collapse HTML whitespace; drop it between Chinese characters (layout, not text).

    The gap after an article or chapter number ("第三条　监察机关…") is kept as
    one space: it separates the number from the text.
    """
    text = _SPACES.sub(" ", text).strip()
    head = _ARTICLE_HEAD.match(text)
    if head:
        rest = _SPACE_BETWEEN_CJK.sub("", text[head.end() :])
        return f"{head.group(1)} {rest}" if rest else head.group(1)
    return _SPACE_BETWEEN_CJK.sub("", text)


def _join_broken_lines(lines: list[str]) -> list[str]:
    joined: list[str] = []
    for line in lines:
        previous = joined[-1] if joined else ""
        if (
            len(previous) >= 30
            and not previous.endswith(_SENTENCE_END)
            and _CJK.match(line[:1] or " ")
            and _CJK.search(previous[-1:])
        ):
            joined[-1] = previous + line
        else:
            joined.append(line)
    return joined


def _weight(text: str) -> int:
    """Amount of text: Chinese characters, or English words for English pages."""
    cjk = len(_CJK.findall(text))
    return cjk if cjk else len(_WORD.findall(text))


def _link_share(tag: Tag) -> float:
    total = _weight(tag.get_text())
    if not total:
        return 0.0
    linked = sum(_weight(a.get_text()) for a in tag.find_all("a"))
    return linked / total


def main_element(soup: BeautifulSoup | Tag) -> Tag:
    """The element whose paragraph-like children hold the most text (links excluded).

    ``#UCAP-CONTENT`` (the gov.cn body) wins when present.
    """
    ucap = soup.find(id="UCAP-CONTENT")
    if isinstance(ucap, Tag):
        return ucap
    best: Tag | None = None
    best_score = 0
    for element in soup.find_all(True):
        score = 0
        for child in element.children:
            if isinstance(child, NavigableString):
                if not isinstance(child, Comment):
                    score += _weight(str(child))
            elif (
                isinstance(child, Tag)
                and child.name in _PARAGRAPH_LIKE
                and child.find(_BLOCK_TAGS - {"span", "font"}) is None
                and _link_share(child) < 0.5
            ):
                score += _weight(child.get_text())
        if score > best_score:
            best, best_score = element, score
    if best is not None:
        return best
    body = soup.find("body")
    return body if isinstance(body, Tag) else soup


def _is_boilerplate(line: str) -> bool:
    bare = line.strip("【】[]　 ")
    for item in BOILERPLATE:
        if line == item or bare == item.strip("【】[]　 "):
            return True
        if item.endswith(("：", ":", " ")) and line.startswith(item):
            return True
        if (
            item in ("京ICP备", "京公网安备", "网站标识码", "版权所有")
            and item in line
            and len(line) < 80
        ):
            return True
    return _ADVERT.search(line) is not None and len(line) < 60


def page_paragraphs(element: Tag, *, drop_links: bool = True) -> list[str]:
    """Paragraphs of a main element, with link lists, adverts and boilerplate dropped."""
    if drop_links:
        for tag in element.find_all(_PARAGRAPH_LIKE):
            if tag.find(_BLOCK_TAGS - {"span", "font"}) is None and _link_share(tag) > 0.6:
                text = tag.get_text().strip()
                if not text.startswith("附件"):
                    tag.decompose()
    return [line for line in block_lines(element) if not _is_boilerplate(line)]


def _drop_title_lines(paragraphs: list[str], title: str) -> list[str]:
    """Drop leading paragraphs that together spell the title (gov.cn splits it with <br>)."""
    target = re.sub(r"\s", "", title)
    if not target:
        return paragraphs
    joined = ""
    for index, line in enumerate(paragraphs[:6]):
        joined += re.sub(r"\s", "", line)
        if joined == target:
            return paragraphs[index + 1 :]
        if not target.startswith(joined):
            break
    return paragraphs


# --------------------------------------------------------------------------- gov.cn


def govcn_table(soup: BeautifulSoup | Tag) -> dict[str, str]:
    """Label → value of the gov.cn ``table.bd1`` metadata table (empty dict if none).

    Labels are normalised ("索 引 号：" → "索引号", "标　　题" → "标题").
    """
    values: dict[str, str] = {}
    for table in soup.select("table.bd1"):
        cells = table.find_all("td")
        for cell, following in zip(cells, [*cells[1:], None], strict=True):
            label = re.sub(r"[\s\u3000\u00a0：:]", "", cell.get_text())
            if label in _GOVCN_LABELS and following is not None and label not in values:
                value = _squeeze(following.get_text())
                if re.sub(r"[\s\u3000\u00a0：:]", "", value) not in _GOVCN_LABELS:
                    values[label] = value
    return values if {"标题", "发文字号"} & values.keys() else {}


def _govcn_record(doc: SourceText, soup: BeautifulSoup, table: dict[str, str]) -> Record:
    warnings = list(doc.warnings)
    title = clean_title(table["标题"]) if table.get("标题") else ""
    body_element = soup.find(id="UCAP-CONTENT")
    paragraphs = (
        page_paragraphs(body_element, drop_links=False) if isinstance(body_element, Tag) else []
    )
    if not paragraphs:
        warnings.append("no #UCAP-CONTENT body")
    parts = split_notice(paragraphs, title_hint=title or None) if paragraphs else None
    raw_number = table.get("发文字号") or (parts.doc_number_raw if parts else None) or None
    number = _canonical_number(raw_number, warnings) if raw_number else None
    if table.get("发文机关"):
        departments = _canonical_departments(split_departments(table["发文机关"]))
    else:
        departments = list(parts.signatories) if parts else []
    issued = _date(table.get("成文日期"), warnings, "成文日期")
    source = METADATA if issued else DOCUMENT  # the table's 成文日期, else the signature's
    issued = issued or (parts.signed if parts else None)
    if parts and parts.signed and issued and parts.signed != issued:
        # The date under the issuer's own signature is the 成文日期 by definition; the
        # table is retyped by web staff. Trust the signature only when it is signed by
        # the table's issuers, so a forwarded report's signature never wins.
        own_signature = bool(parts.signatories) and set(parts.signatories) <= set(departments)
        warnings.append(
            f"成文日期 {issued} in the table, {parts.signed} under the signature"
            + ("; the signature date is used" if own_signature else "")
        )
        if own_signature:
            issued, source = parts.signed, DOCUMENT
    published = _date(table.get("发布日期"), warnings, "发布日期")
    meta = [(key, table[key]) for key in ("索引号", "主题分类", "主题词") if table.get(key)]
    return _record(
        doc,
        FORMAT_GOVCN,
        title=title or (parts.title if parts else ""),
        doc_number=number,
        doc_number_raw=raw_number,
        departments=departments,
        issued=issued,
        published=published,
        date_source=source if issued else METADATA if published else None,
        parts=parts,
        full_text="\n".join(paragraphs),
        url=_page_url(soup),
        warnings=warnings,
        meta=meta,
    )


# --------------------------------------------------------------------------- other pages


def _page_record(doc: SourceText, soup: BeautifulSoup) -> Record:
    warnings = list(doc.warnings)
    page_title, title_tag = _page_title(soup)
    page_date = _page_date(soup)
    url = _page_url(soup)
    for name in _DROP_TAGS:
        for tag in soup.find_all(name):
            tag.decompose()
    paragraphs = page_paragraphs(main_element(soup))
    if (
        paragraphs
        and title_tag
        and page_title == title_tag
        and _is_title_prefix(paragraphs[0], title_tag)
    ):
        # "<title>中华人民共和国监察法-纪检</title>" and a first paragraph
        # "中华人民共和国监察法": the paragraph is the title, the rest is the site.
        page_title = clean_title(paragraphs[0])
    paragraphs = _drop_title_lines(paragraphs, page_title)
    if not paragraphs:
        raise ParseError(f"{doc.path}: no text found in the HTML page")
    start = _embedded_notice(paragraphs)
    meta: list[tuple[str, str]] = []
    if start is None:
        departments = leading_departments(page_title) if doc_type_of(page_title) else []
        adopted = _adoption_date(paragraphs)
        return _record(
            doc,
            FORMAT_HTML,
            title=page_title,
            departments=departments,
            issued=adopted,
            published=page_date,
            date_source=DOCUMENT if adopted else PAGE if page_date else None,
            body=paragraphs,
            full_text="\n".join(paragraphs),
            url=url,
            warnings=warnings,
            meta=meta,
        )
    lead, notice = paragraphs[:start], paragraphs[start:]
    parts = split_notice(notice, title_hint=notice[0])
    departments = list(parts.signatories) or _lead_issuers(lead) or leading_departments(parts.title)
    if lead:
        meta.append(("news_lead", "\n".join(lead)))
    if page_title:
        meta.append(("page_title", page_title))
    if page_date:
        meta.append(("page_date", page_date))
    return _record(
        doc,
        FORMAT_HTML,
        title=parts.title or clean_title(notice[0]),
        doc_number=parts.doc_number,
        doc_number_raw=parts.doc_number_raw,
        departments=departments,
        issued=parts.signed,
        date_source=DOCUMENT if parts.signed else None,  # else the year of meta page_date
        parts=parts,
        full_text="\n".join(notice),
        url=url,
        warnings=warnings,
        meta=meta,
    )


def _is_title_prefix(paragraph: str, title_tag: str) -> bool:
    """Whether <title> is the paragraph followed by a separator and the site's name."""
    bare, whole = re.sub(r"\s", "", paragraph), re.sub(r"\s", "", title_tag)
    return (
        4 <= len(bare) <= 80
        and whole.startswith(bare)
        and whole[len(bare) : len(bare) + 1] in ("-", "_", "|", "—", "–", "·")
    )


def _adoption_date(paragraphs: list[str]) -> str | None:
    """The date of a "（2007年6月29日第十届…会议通过）" note under a law's or resolution's title."""
    for line in paragraphs[:3]:
        match = _ADOPTED.match(line)
        if match:
            return _iso_date(match.group(1))
    return None


def _embedded_notice(paragraphs: list[str]) -> int | None:
    """Index of the title paragraph of an official notice inside a page, or None.

    The notice starts with a title paragraph followed by a paragraph that is
    only a 发文字号.
    """
    for index in range(1, len(paragraphs)):
        line = paragraphs[index].strip()
        if len(line) > 40:
            continue
        numbers = find_doc_numbers(line)
        if len(numbers) != 1 or len(numbers[0].raw) < len(line) - 2:
            continue
        title = paragraphs[index - 1]
        if len(title) <= 120 and not title.endswith("。") and _TITLE_WORDS.search(title):
            return index - 1
    return None


def _lead_issuers(lead: list[str]) -> list[str]:
    """Issuers a news lead lists before 联合印发/发布 (for a reprint without signature)."""
    for line in lead:
        match = _LEAD_ISSUERS.search(line)
        if match:
            return _canonical_departments(split_departments(match.group(1)))
    return []


def _page_title(soup: BeautifulSoup) -> tuple[str, str]:
    """(title, <title> text): meta ArticleTitle, then <h1>, then <title> minus the site name."""
    tag = soup.find("title")
    title_tag = _squeeze(tag.get_text()) if isinstance(tag, Tag) else ""
    meta = soup.find("meta", attrs={"name": re.compile(r"^articletitle$", re.I)})
    if isinstance(meta, Tag) and str(meta.get("content") or "").strip():
        return clean_title(_squeeze(str(meta["content"]))), title_tag
    h1 = soup.find("h1")
    if isinstance(h1, Tag) and h1.get_text().strip():
        return clean_title(_squeeze(h1.get_text())), title_tag
    if title_tag:
        parts = [part for part in _TITLE_SEPARATORS.split(title_tag) if part.strip()]
        first = clean_title(_squeeze(parts[0] if parts else title_tag))
        return first, first
    return "", ""


def _page_date(soup: BeautifulSoup) -> str | None:
    """Publication date of a page: meta firstpublishedtime/PubDate/…, else a 发布时间 label."""
    for meta in soup.find_all("meta"):
        name = str(meta.get("name") or meta.get("property") or "").lower()
        if name in _DATE_META:
            found = _iso_date(str(meta.get("content") or ""))
            if found:
                return found
    body = soup.find("body") or soup
    text = _squeeze(body.get_text(" "))[:20000]
    label = _DATE_LABEL.search(text)
    return _iso_date(label.group(1)) if label else None


def _page_url(soup: BeautifulSoup) -> str | None:
    candidates: tuple[dict[str, Any], ...] = (
        {"rel": "canonical"},
        {"property": "og:url"},
        {"name": "url"},
    )
    for attrs in candidates:
        tag = soup.find("link" if "rel" in attrs else "meta", attrs=attrs)
        if isinstance(tag, Tag):
            value = str(tag.get("href") or tag.get("content") or "").strip()
            if value.startswith("http"):
                return value
    return None


def _iso_date(text: str) -> str | None:
    match = _ISO_DATE.search(text)
    if not match:
        return None
    year, month, day = (int(group) for group in match.groups())
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


# --------------------------------------------------------------------------- fallback


def markup_depth(markup: str) -> int:
    """Deepest element nesting of HTML, counted from the tag stream (no tree is built)."""
    depth = deepest = 0
    for match in _TAG.finditer(markup):
        closing, name, self_closing = match.groups()
        if name.lower() in _VOID_TAGS or self_closing:
            continue
        if closing:
            depth = max(depth - 1, 0)
        else:
            depth += 1
            deepest = max(deepest, depth)
    return deepest


def _flat_record(doc: SourceText) -> Record:
    """Record from regex-extracted text, for HTML the parser cannot handle."""
    paragraphs = flat_text(doc.text)
    if not paragraphs:
        raise ParseError(f"{doc.path}: no text found in the HTML page")
    title_match = re.search(r"<title[^>]*>(.*?)</title>", doc.text, re.I | re.S)
    title = _squeeze(html_lib.unescape(title_match.group(1))) if title_match else paragraphs[0]
    return _record(
        doc,
        FORMAT_HTML,
        title=clean_title(title) if title else "",
        body=paragraphs,
        full_text="\n".join(paragraphs),
        warnings=[*doc.warnings, _RECURSION_WARNING],
        meta=[],
    )


_INVISIBLE = re.compile(r"<(script|style|noscript|head|title)\b.*?</\1\s*>", re.I | re.S)


def flat_text(markup: str) -> list[str]:
    """Paragraphs of HTML by regular expressions only: no tree, so no recursion."""
    text = _INVISIBLE.sub(" ", markup)
    text = re.sub(r"<!--.*?-->", " ", text, flags=re.S)
    text = re.sub(r"<br\s*/?>", "\n", text, flags=re.I)
    text = re.sub(rf"</?(?:{'|'.join(sorted(_BLOCK_TAGS))})\b[^>]*>", "\n", text, flags=re.I)
    text = html_lib.unescape(re.sub(r"<[^>]+>", "", text))
    lines = (_squeeze(line) for line in text.split("\n"))
    return [line for line in lines if line and not _is_boilerplate(line)]


# --------------------------------------------------------------------------- record


def _record(
    doc: SourceText,
    format_name: str,
    *,
    title: str,
    warnings: list[str],
    meta: list[tuple[str, str]],
    full_text: str,
    parts: NoticeParts | None = None,
    body: list[str] | None = None,
    doc_number: str | None = None,
    doc_number_raw: str | None = None,
    departments: list[str] | None = None,
    issued: str | None = None,
    published: str | None = None,
    date_source: str | None = None,
    url: str | None = None,
) -> Record:
    departments = departments or []
    try:
        cites = find_citations(full_text, doc_number) if full_text else []
    except ParseError as error:
        cites = []
        warnings.append(f"citations: {error}")
    paragraphs = tuple(parts.body) if parts else tuple(body or ())
    if not paragraphs and not (parts and parts.attachments):
        warnings.append("no body text")
    return Record(
        id=record_id(doc.sha256),
        source=doc.path,
        format=format_name,
        lang="zh" if _CJK.search(full_text or title) else "en",
        sha256=doc.sha256,
        title=title,
        doc_number=doc_number,
        doc_number_raw=doc_number_raw,
        departments=tuple(departments),
        departments_en=tuple(department_en(name) for name in departments),
        issued=issued,
        published=published,
        date_source=date_source,
        doc_type=doc_type_of(title) if title else None,
        addressee=parts.addressee if parts else None,
        paragraphs=paragraphs,
        attachments=tuple(parts.attachments) if parts else (),
        cites=tuple(cites),
        url=url,
        warnings=tuple(dict.fromkeys(warnings)),
        meta=tuple(meta),
    )


def _canonical_number(raw: str, warnings: list[str]) -> str | None:
    try:
        return canonical_doc_number(raw)
    except ParseError as error:
        warnings.append(f"发文字号 {raw!r}: {error}")
        return None


def _canonical_departments(names: list[str]) -> list[str]:
    result: list[str] = []
    for name in names:
        canonical = canonical_department(name)
        if canonical not in result:
            result.append(canonical)
    return result


def _date(value: str | None, warnings: list[str], label: str) -> str | None:
    if not value:
        return None
    try:
        return parse_cn_date(value)
    except ParseError as error:
        warnings.append(f"{label} {value!r}: {error}")
        return _iso_date(value)
