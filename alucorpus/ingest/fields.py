"""Parse the fields of Chinese official documents: numbers, dates, titles, citations.

Pure functions shared by every ingester. Public functions raise
:class:`~alucorpus.errors.ParseError` for input they cannot parse and nothing else.

Canonical document numbers (发文字号), as stored in ``Record.doc_number``:

* ``机关代字〔YYYY〕N号`` for the usual form, whatever brackets, spaces or digits
  the source used: ``国发 [2011] １２ 号`` → ``国发〔2011〕12号``. A ``第`` before the
  serial is dropped (``国发〔1991〕第5号`` → ``国发〔1991〕5号``).
* A two-digit year is widened to ``19YY`` when it is 49 or more (the PRC wrote
  two-digit years only before 2000: ``（65）林经政字第13号`` → ``林经政字〔1965〕13号``);
  a smaller two-digit year is ambiguous and kept as written (``〔05〕``).
* When the year stands between two code parts (``中石化〔1996〕办字392号``) the order
  is kept, only brackets and digits are normalised.
* Decrees: ``国务院令第706号`` for 国令第706号, 中华人民共和国国务院令 第706号 …;
  a ministry's decree is named by the body's full name: 工信部令第12号 →
  ``工业和信息化部令第12号``; joint decrees join the bodies with ``、``.
* Numbered announcements: ``海关总署公告2025年第12号`` (body's full name again).
* Taiwan numbers (``華總一義字第09100116830號``) keep their script and ``號``; only
  whitespace is removed, and a leading ROC year in brackets is kept as ``（88）``.

Not document numbers: NPC proposals and CPPCC motions (``第7264号建议``,
``第3号提案``), standards amendments (``第1号修改单``) — they carry no code and year.

The canonical form itself is :class:`alucorpus.analysis.DocNumber`'s, which the index
and queries parse numbers into; this module is the reader of numbers as documents
write them, which only ingest needs in full: it finds them in running text (the code
cut off the title before it), widens two-digit years, and names the issuers of
decrees and announcements by the department table, which sits above the analysis
layer. Queries read a number with :func:`canonical_doc_number` too, so a query for
工信部令第12号 carries the 工业和信息化部令第12号 the record stores
(:func:`alucorpus.search.plan.number_query_tokens`).
"""

from __future__ import annotations

import calendar
import itertools
import re
from dataclasses import dataclass
from datetime import date

from ..analysis import CJK_IDEOGRAPHS, DocNumber
from ..departments import clean_name, departments_at_end, is_department_like, lookup_department
from ..errors import ParseError

__all__ = [
    "DocNumberMatch",
    "canonical_doc_number",
    "clean_title",
    "doc_type_of",
    "find_citations",
    "find_dates",
    "find_doc_numbers",
    "leading_doc_number",
    "parse_date",
]


@dataclass(frozen=True)
class DocNumberMatch:
    """One document number found in text."""

    raw: str  # as written, e.g. "工信部联原[2011]177号"
    canonical: str  # e.g. "工信部联原〔2011〕177号"
    start: int
    end: int


# ---------------------------------------------------------------------------
# character classes

_CJK = CJK_IDEOGRAPHS  # inside [...]: what a Chinese character is, analysis's rule
_SP = r"[ \t\r\n\u3000\xa0]*"  # spaces, ideographic spaces and line breaks inside a number
_D = "[0-9０-９]"
_OPEN = "[〔\\[［(（【〖｛{]"
_CLOSE = "[〕\\]］)）】〗｝}]"
_HAO = "[号號]"
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_WS_RE = re.compile(r"[ \t\r\n\u3000\xa0]+")


def _digits(text: str) -> str:
    """ASCII digits of a number written with full-width digits and stray spaces."""
    return _WS_RE.sub("", text).translate(_FULLWIDTH_DIGITS)


# ---------------------------------------------------------------------------
# document numbers

# 机关代字 + 〔year〕 + serial + 号. The code before the bracket is taken greedily and
# trimmed afterwards (see _trim_code); a second code part may follow the bracket.
_BRACKET_RE = re.compile(
    rf"(?P<code>[{_CJK}]{{0,20}}){_SP}{_OPEN}{_SP}(?P<year>{_D}{{4}}|{_D}{{2}}){_SP}{_CLOSE}"
    rf"{_SP}(?P<infix>[{_CJK}]{{0,10}}?){_SP}(?P<di>第?){_SP}(?P<serial>{_D}{{1,6}}){_SP}{_HAO}"
)
# Decrees: <issuers>令 第N号, or <issuers> 第N号令.
_DECREE_RE = re.compile(
    rf"(?P<issuer>[{_CJK}、 \u3000]{{1,60}}?){_SP}令{_SP}第{_SP}(?P<serial>{_D}{{1,6}}){_SP}{_HAO}"
    rf"|(?P<issuer2>[{_CJK}、 \u3000]{{1,60}}?){_SP}第{_SP}(?P<serial2>{_D}{{1,6}}){_SP}{_HAO}令"
)
# Numbered announcements: <issuers>公告 2025年第12号.
_ANNOUNCE_RE = re.compile(
    rf"(?P<issuer>[{_CJK}、 \u3000]{{1,60}}?){_SP}公告{_SP}(?P<year>{_D}{{4}}){_SP}年{_SP}第{_SP}"
    rf"(?P<serial>{_D}{{1,6}}){_SP}{_HAO}"
)
# Taiwan: <code>字第 N 號, serial digits may be split by spaces or a line break.
_TAIWAN_RE = re.compile(
    rf"(?:(?P<roc>[（(]{_SP}{_D}{{2,3}}{_SP}[）)]){_SP})?"
    rf"(?P<code>[{_CJK}]{{1,12}}(?:[（(][一二三四五六七八九十][）)][{_CJK}]{{1,4}})?字)"
    rf"{_SP}第{_SP}(?P<serial>{_D}(?:{_SP}{_D}){{0,14}}){_SP}(?P<hao>{_HAO})"
)

# Codes that are known to be whole 机关代字: when the run before the bracket ends with
# one of them, that is the code ("…的复函国办函〔1997〕23号" → 国办函).
_KNOWN_CODES = (
    "国办发明电",
    "国发明电",
    "国办明电",
    "国办发",
    "国办函",
    "国发",
    "国函",
    "中办发",
    "中发",
    "法释",
    "法发",
    "高检发",
)
# Words after which a code cannot continue: title endings and the words that introduce
# a citation in running text. The code starts after the last one.
_CODE_STOP_WORDS = (
    "通知",
    "意见",
    "决定",
    "规定",
    "报告",
    "公告",
    "通告",
    "批复",
    "复函",
    "方案",
    "规划",
    "办法",
    "条例",
    "细则",
    "规则",
    "请示",
    "通报",
    "纪要",
    "答复",
    "决议",
    "纲要",
    "预案",
    "讲话",
    "关于",
    "按照",
    "根据",
    "依据",
    "参照",
    "执行",
    "落实",
    "贯彻",
    "印发",
    "转发",
    "批转",
    "号文",
    "文件",
)
# Single characters that never occur inside a code (function words, title endings).
# 法, 函, 报 are missing on purpose: 法发, 环办函, 津政报 are real codes.
_CODE_STOP_CHARS = frozenset(
    "的知见复告案划例则示要议你我和及与并或即将把对由在是了等为以其该此按仍日"
)
_MAX_CODE = 12
_ADDRESS_NOUNS = frozenset(
    (
        "部",
        "委",
        "省",
        "市",
        "局",
        "们",
        "公司",
        "院",
        "厅",
        "办",
        "区",
        "县",
        "会",
        "司",
        "处",
        "署",
    )
)


def _trim_code(run: str) -> str:
    """The 机关代字 at the end of a run of CJK characters that precedes a bracketed year."""
    for known in _KNOWN_CODES:
        if run.endswith(known):
            return known
    cut = 0
    for word in _CODE_STOP_WORDS:
        at = run.rfind(word)
        if at >= 0:
            cut = max(cut, at + len(word))
    for i in range(len(run) - 1, cut - 1, -1):
        if run[i] in _CODE_STOP_CHARS:
            cut = i + 1
            break
    code = run[cut:]
    if cut and run[cut - 1] in "你我贵本该" and code in _ADDRESS_NOUNS:
        return ""  # 你部(85)煤财字第817号: "你部" is the addressee, the code follows the year
    return code[-_MAX_CODE:]


def widen_year(raw: str) -> str | None:
    """Four-digit year, 19YY for a two-digit year ≥ 49, the two digits otherwise.

    How a number's year is read at ingest; the query side (``search.numbers_en``) reads
    a typed year the same way, so that index and query agree.
    """
    year = _digits(raw)
    if len(year) == 4:
        return year if 1900 <= int(year) <= 2099 else None
    return f"19{year}" if int(year) >= 49 else year


def _issuers(run: str) -> tuple[list[str], int] | None:
    """Issuing bodies that end ``run`` (before 令 or 公告), and where they start in it."""
    names, start = departments_at_end(run)
    if names:
        return names, start
    # 国令第706号: the State Council's short form.
    if run.endswith("国"):
        return ["国务院"], len(run) - 1
    # A body missing from the table but shaped like one (…部, …局, …委员会).
    stripped = run.rstrip(" \u3000")
    tail = re.search(rf"[{_CJK}]{{2,15}}$", stripped)
    if tail:
        code = _trim_code(tail.group(0)).removeprefix("原")  # 原国家工商行政管理局: "formerly"
        if len(code) >= 2 and is_department_like(code):
            return [clean_name(code)], len(stripped) - len(code)
    return None


def _bracket_match(text: str, m: re.Match[str]) -> DocNumberMatch | None:
    code = _trim_code(m.group("code"))
    infix = m.group("infix").removesuffix("第")
    year = widen_year(m.group("year"))
    if year is None or not (code or infix):
        return None
    if m.group(0).endswith("號") and infix.endswith("字"):
        return None  # Taiwan: （88）華總一義字第…號 carries an ROC year, see _taiwan_match
    if code and infix and departments_at_end(code)[0]:
        # "林业部（65）林经政字第13号": the body is named before the number, the code
        # is the part after the year.
        code = ""
    serial = str(int(_digits(m.group("serial"))))
    # 代字 on both sides of the year keep their order; a lone one is the 机关代字.
    number = DocNumber(code, year, serial, infix) if code else DocNumber(infix, year, serial)
    canonical = number.canonical
    start = m.end("code") - len(code)
    while not code and text[start] in " \t\r\n\u3000\xa0":
        start += 1  # year-first numbers begin at the bracket
    return DocNumberMatch(text[start : m.end()], canonical, start, m.end())


def _decree_match(text: str, m: re.Match[str]) -> DocNumberMatch | None:
    run = m.group("issuer") or m.group("issuer2")
    serial = m.group("serial") or m.group("serial2")
    run_start = m.start("issuer") if m.group("issuer") else m.start("issuer2")
    found = _issuers(run)
    if found is None:
        return None
    names, offset = found
    canonical = DocNumber(f"{'、'.join(names)}令", None, str(int(_digits(serial)))).canonical
    start = run_start + offset
    return DocNumberMatch(text[start : m.end()], canonical, start, m.end())


def _announce_match(text: str, m: re.Match[str]) -> DocNumberMatch | None:
    found = _issuers(m.group("issuer"))
    if found is None:
        return None
    names, offset = found
    year = _digits(m.group("year"))
    canonical = f"{'、'.join(names)}公告{year}年第{int(_digits(m.group('serial')))}号"
    start = m.start("issuer") + offset
    return DocNumberMatch(text[start : m.end()], canonical, start, m.end())


def _trim_taiwan_code(code: str) -> str:
    """The 字號 code of a Taiwan number without the date and issuer written before it."""
    # "…二十三日總統華總一義字": the code starts after the date and the issuer.
    for i in range(len(code) - 2, -1, -1):
        if code[i] in "日年月的及和與与、":
            code = code[i + 1 :]
            break
    for k in range(min(len(code) - 2, 8), 1, -1):
        if lookup_department(code[:k]) is not None:
            code = code[k:]
            break
    # An issuer missing from the table (衛生署, 數位發展部): a name of three or more
    # characters ending like a body, followed by a code of three or more.
    for i, ch in enumerate(code):
        if ch in "部署院會会局府" and i >= 2 and len(code) - i - 1 >= 3:
            return code[i + 1 :]
    return code


def _taiwan_match(text: str, m: re.Match[str]) -> DocNumberMatch | None:
    code = _trim_taiwan_code(m.group("code"))
    serial = _digits(m.group("serial"))
    # With the Simplified 号 only Taiwan's long serials count: a bare "X字第12号" in
    # mainland text is a licence or file reference, not a 发文字号.
    if len(code) < 2 or (m.group("hao") == "号" and len(serial) < 7):
        return None
    start = m.end("code") - len(code)
    roc = ""
    if m.group("roc") and start == m.start("code"):
        roc = f"（{_digits(m.group('roc')[1:-1])}）"
        start = m.start("roc")
    canonical = f"{roc}{code}第{serial}{m.group('hao')}"
    return DocNumberMatch(text[start : m.end()], canonical, start, m.end())


# Each pattern with its anchor: a short, cheap regex that every match of the pattern
# contains. The patterns open with a lazy run of up to 60 characters, so searching a
# whole text tries that run at every position (a third of all parsing time); searching
# only near the anchors finds the same matches (tests/test_fields.py compares the two
# on every paragraph of the shared corpus).
_PATTERNS = (
    (_DECREE_RE, re.compile(rf"第{_SP}{_D}{{1,6}}{_SP}{_HAO}"), _decree_match),
    (_ANNOUNCE_RE, re.compile("公告"), _announce_match),
    (_BRACKET_RE, re.compile(rf"{_OPEN}{_SP}(?:{_D}{{4}}|{_D}{{2}}){_SP}{_CLOSE}"), _bracket_match),
    (_TAIWAN_RE, re.compile(rf"字{_SP}第"), _taiwan_match),
)
# How far a match may start before its anchor and end after it: every pattern's parts
# are bounded (an issuer of 60 characters, a serial of 15 digits) but for the spaces
# between them, which real text keeps short.
_ANCHOR_BEFORE = 200
_ANCHOR_AFTER = 200


def _search_near_anchors(
    regex: re.Pattern[str], anchor: re.Pattern[str], text: str, pos: int
) -> re.Match[str] | None:
    """``regex.search(text, pos)``, tried only in windows around ``anchor``'s matches."""
    for hit in anchor.finditer(text, pos):
        window_start = max(pos, hit.start() - _ANCHOR_BEFORE)
        m = regex.search(text, window_start, hit.end() + _ANCHOR_AFTER)
        if m is not None:
            return m
    return None


def _all_matches(text: str, *, anchored: bool = True) -> list[DocNumberMatch]:
    """Every match of every pattern, overlapping ones resolved left-most, then longest.

    ``anchored=False`` searches the whole text with each pattern: the reference the
    anchored search is tested against.
    """
    found: list[DocNumberMatch] = []
    for regex, anchor, build in _PATTERNS:
        pos = 0
        while True:
            if anchored:
                m = _search_near_anchors(regex, anchor, text, pos)
            else:
                m = regex.search(text, pos)
            if m is None:
                break
            built = build(text, m)
            if built is not None and built.end > built.start:
                found.append(built)
            # Restart just after the match's first character: a rejected long issuer run
            # must not hide a number that starts inside it.
            pos = m.end() if built is not None else m.start() + 1
    found.sort(key=lambda d: (d.start, -(d.end - d.start)))
    result: list[DocNumberMatch] = []
    last_end = -1
    for item in found:
        if item.start >= last_end:
            result.append(item)
            last_end = item.end
    return result


def find_doc_numbers(text: str) -> list[DocNumberMatch]:
    """Every document number in running text, in order of appearance.

    >>> [m.canonical for m in find_doc_numbers("…的通知国发〔1980〕82号各省…（国发[2009]14号）")]
    ['国发〔1980〕82号', '国发〔2009〕14号']
    """
    if not isinstance(text, str) or not text:
        return []
    return _all_matches(text)


def canonical_doc_number(raw: str) -> str:
    """Canonical form of one document number (see the module docstring).

    Raises:
        ParseError: ``raw`` is not exactly one document number.
    """
    if not isinstance(raw, str):
        raise ParseError(f"not a document number: {raw!r}")
    text = raw.strip(" \t\r\n\u3000\xa0")
    # Also accept a number wrapped in brackets as cited: （国发〔2016〕7号）.
    for candidate in (text, text[1:-1].strip(" \t\r\n\u3000\xa0")):
        matches = _all_matches(candidate)
        if len(matches) == 1 and matches[0].start == 0 and matches[0].end == len(candidate):
            return matches[0].canonical
    raise ParseError(f"not a document number: {raw!r}")


# Characters after a leading number that show it is cited, not the document's own number.
_CITED_AFTER = re.compile(r"^[ \u3000]*(?:[）)\]］〕」』]|文件|文)")
_CITED_BEFORE = "（(《〈「『“\"'"


def leading_doc_number(text: str, window: int = 150) -> DocNumberMatch | None:
    """The document's own number near the start of flattened text, or ``None``.

    In flattened text the number follows the title: "…的通知国发〔1991〕5号各省、…".
    Returns the first number starting within ``window`` characters that is not inside
    brackets or quotes (a citation in the title) and is followed by more text. The
    ingester cuts the title at ``match.start`` and the addressee at ``match.end``.
    """
    if not isinstance(text, str) or not text:
        return None
    for m in find_doc_numbers(text[: window + 80]):
        if m.start > window:
            break
        before = text[: m.start].rstrip(" \u3000\t\r\n")
        if before and before[-1] in _CITED_BEFORE:
            continue
        if _CITED_AFTER.match(text[m.end :]):
            continue
        return m
    return None


# ---------------------------------------------------------------------------
# dates

_CN_DIGIT = {
    "〇": 0,
    "○": 0,
    "O": 0,
    "Ｏ": 0,
    "o": 0,
    "零": 0,
    "0": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_NUM = "〇○OＯo零一二两三四五六七八九十廿卅百"
_NUM = rf"(?:{_D}{{1,4}}|[{_CN_NUM}]{{1,6}})"
_DATE_CN_RE = re.compile(
    rf"(?P<roc>中華民國|中华民国|民國|民国)?{_SP}(?<![0-9０-９])(?P<y>{_NUM}){_SP}年{_SP}(?P<m>{_NUM}|正){_SP}月"
    rf"{_SP}(?P<d>{_NUM}){_SP}[日号號]"
)
_DATE_SEP_RE = re.compile(
    rf"(?<![0-9０-９.\-/])(?P<y>{_D}{{4}})(?P<s>[-./])(?P<m>{_D}{{1,2}})(?P=s)(?P<d>{_D}{{1,2}})(?![0-9０-９])"
)
_DATE_COMPACT_RE = re.compile(r"^([0-9]{4})([0-9]{2})([0-9]{2})$")


def _cn_int(text: str) -> int:
    """Integer from Arabic digits, digit-by-digit Chinese (二〇一六) or positional (一百十二)."""
    text = text.translate(_FULLWIDTH_DIGITS)
    if text.isdigit():
        return int(text)
    if not any(c in "十廿卅百" for c in text):
        value = 0
        for ch in text:
            if ch not in _CN_DIGIT:
                raise ParseError(f"not a number: {text!r}")
            value = value * 10 + _CN_DIGIT[ch]
        return value
    total = 0
    current = 0
    for ch in text:
        if ch in _CN_DIGIT:
            current = _CN_DIGIT[ch]
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch == "廿":
            total += 20
            current = 0
        elif ch == "卅":
            total += 30
            current = 0
        else:
            raise ParseError(f"not a number: {text!r}")
    return total + current


def _iso(year: int, month: int, day: int) -> str:
    if not 1000 <= year <= 2999:
        raise ParseError(f"implausible year {year}")
    if not 1 <= month <= 12:
        raise ParseError(f"no month {month} in a date")
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        raise ParseError(f"no day {day} in {year}-{month:02d}")
    return date(year, month, day).isoformat()


def _from_cn_match(m: re.Match[str]) -> str:
    year = _cn_int(m.group("y"))
    if m.group("roc"):
        year += 1911
    month = 1 if m.group("m") == "正" else _cn_int(m.group("m"))
    return _iso(year, month, _cn_int(m.group("d")))


def _from_sep_match(m: re.Match[str]) -> str:
    return _iso(int(_digits(m.group("y"))), int(_digits(m.group("m"))), int(_digits(m.group("d"))))


def parse_date(text: str) -> str:
    """``YYYY-MM-DD`` from one written date.

    Accepts 2018年1月8日, 2018年01月08日, 二〇一六年十一月二日, 2018-01-08, 2018.1.8,
    2018/1/8, 20180108, and ROC dates (中華民國一百十二年五月三日, 民國112年5月3日).

    Raises:
        ParseError: not a date, or a date that does not exist (2月30日).
    """
    if not isinstance(text, str):
        raise ParseError(f"not a date: {text!r}")
    value = text.strip().strip("（）() \u3000")
    compact = _DATE_COMPACT_RE.match(value.translate(_FULLWIDTH_DIGITS))
    if compact:
        return _iso(*(int(g) for g in compact.groups()))
    m = _DATE_CN_RE.fullmatch(value)
    if m:
        if not m.group("roc") and len(m.group("y")) < 4:
            raise ParseError(f"year needs four digits: {text!r}")
        return _from_cn_match(m)
    m = _DATE_SEP_RE.fullmatch(value)
    if m:
        return _from_sep_match(m)
    raise ParseError(f"not a date: {text!r}")


def find_dates(text: str) -> list[tuple[str, int, int]]:
    """``(iso, start, end)`` of every full date (year, month and day) in text, in order.

    Dates that do not exist are skipped.
    """
    if not isinstance(text, str) or not text:
        return []
    found: list[tuple[str, int, int]] = []
    for m in _DATE_CN_RE.finditer(text):
        y = m.group("y")
        if not m.group("roc") and len(y) != 4:
            continue  # "十二年五月三日" without a 4-digit year is not a full date
        try:
            iso = _from_cn_match(m)
        except ParseError:
            continue
        start = m.start("roc") if m.group("roc") else m.start("y")
        found.append((iso, start, m.end()))
    for m in _DATE_SEP_RE.finditer(text):
        try:
            found.append((_from_sep_match(m), m.start(), m.end()))
        except ParseError:
            continue
    found.sort(key=lambda t: t[1])
    return found


# ---------------------------------------------------------------------------
# titles

_TITLE_GAP_RE = re.compile(r"[ \t\u3000\xa0]+")


def _is_cjk(ch: str) -> bool:
    return bool(re.match(rf"[{_CJK}《》〈〉「」“”（）、，：；。！？—·]", ch))


def _collapse_spacing(line: str) -> str:
    """Remove letter-spacing: a gap next to a single CJK character between CJK text.

    "请　示　的　通　知" → "请示的通知"; "中共中央办公厅 国务院办公厅关于…" keeps its
    space (neither side is a lone character) because it separates two issuers.
    """
    tokens = _TITLE_GAP_RE.split(line.strip())
    if not tokens:
        return ""
    out = tokens[0]
    for prev, tok in itertools.pairwise(tokens):
        if not tok:
            continue
        joinable = _is_cjk(prev[-1:]) and _is_cjk(tok[:1])
        # A lone character is letter-spacing; a gap inside brackets or quotes is noise.
        lone = len(prev) == 1 or len(tok) == 1 or prev[-1] in "《“（" or tok[0] in "》”）"
        if joinable and lone:
            out += tok
        else:
            out += " " + tok
    return out


def clean_title(lines: str | list[str]) -> str:
    """One clean title from a title split over lines and/or letter-spaced.

    Lines are joined without a space (a space only between two Latin words),
    letter-spacing is collapsed, the title's own punctuation is kept.

    >>> clean_title(["国务院办公厅关于推广第二批", "支持创新相关改革举措的通知"])
    '国务院办公厅关于推广第二批支持创新相关改革举措的通知'
    """
    if isinstance(lines, str):
        parts = lines.splitlines()
    elif isinstance(lines, list | tuple):
        parts = [p for p in lines if isinstance(p, str)]
    else:
        return ""
    title = ""
    for part in parts:
        line = _collapse_spacing(part)
        if not line:
            continue
        if (
            title
            and title[-1].isascii()
            and title[-1].isalnum()
            and line[0].isascii()
            and line[0].isalnum()
        ):
            title += " " + line
        else:
            title += line
    return title.strip()


# Longest endings first; value is the type recorded in Record.doc_type.
_DOC_TYPES = (
    ("紧急通知", "通知"),
    ("补充通知", "通知"),
    ("通知", "通知"),
    ("指导意见", "意见"),
    ("实施意见", "意见"),
    ("意见", "意见"),
    ("决定", "决定"),
    ("决议", "决议"),
    ("规定", "规定"),
    ("实施细则", "细则"),
    ("细则", "细则"),
    ("办法", "办法"),
    ("条例", "条例"),
    ("规则", "规则"),
    ("规程", "规程"),
    ("方案", "方案"),
    ("规划", "规划"),
    ("纲要", "纲要"),
    ("计划", "计划"),
    ("预案", "预案"),
    ("批复", "批复"),
    ("复函", "函"),
    ("的函", "函"),
    ("答复", "答复"),
    ("通告", "通告"),
    ("公告", "公告"),
    ("通报", "通报"),
    ("公报", "公报"),
    ("报告", "报告"),
    ("请示", "请示"),
    ("纪要", "纪要"),
    ("命令", "令"),
    ("解释", "解释"),
    ("章程", "章程"),
    ("目录", "目录"),
    ("指南", "指南"),
    ("清单", "清单"),
    ("标准", "标准"),
    ("令", "令"),
    ("法", "法"),
    ("函", "函"),
)
# Trailing parts that are not the type: (试行), （2018年修订）, 《》 around a whole title.
_TITLE_TAIL_RE = re.compile(r"(?:[（(][^（）()]{1,20}[）)]|[》〉」』”\"'。．.\s])+$")


def doc_type_of(title: str) -> str | None:
    """Document type from the end of a title: 通知, 意见, 决定, 条例, 函, 法, …

    "关于印发《…办法》的通知" is a 通知, "…的复函" a 函, "…条例（试行）" a 条例.
    Returns ``None`` when the title ends with no known type.
    """
    if not isinstance(title, str):
        return None
    text = clean_title(title)
    for _ in range(3):
        stripped = _TITLE_TAIL_RE.sub("", text)
        if stripped == text:
            break
        text = stripped
    if text.endswith("方法"):  # a "method" is not a 办法
        return None
    for ending, kind in _DOC_TYPES:
        if text.endswith(ending):
            return kind
    return None


# ---------------------------------------------------------------------------
# citations


def find_citations(text: str, own_number: str | None = None) -> list[str]:
    """Canonical numbers of the other documents a text cites, in order, without repeats.

    Catches 《…》（国发〔2016〕7号）, （国发〔1982〕82号文件） and bare numbers in
    running text; the document's own number is left out.
    """
    if not isinstance(text, str):
        return []
    own: str | None = None
    if own_number:
        try:
            own = canonical_doc_number(own_number)
        except ParseError:
            own = own_number.strip()
    seen: set[str] = set()
    cites: list[str] = []
    for m in find_doc_numbers(text):
        if m.canonical == own or m.canonical in seen:
            continue
        seen.add(m.canonical)
        cites.append(m.canonical)
    return cites
