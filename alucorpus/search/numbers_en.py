"""Document numbers as the English press writes them, read into the canonical number.

English sources cite a 发文字号 in pinyin or in English words: "Guofa [1991] No. 5",
"Guobanfa (2018) 123", "Document No. 62 [2025] of MIIT", "State Council Decree
No. 706". :func:`rewrite_query` finds such a span in a query string and puts the
query-language term for it in its place (``number:国发〔1991〕5号``), so that the rest
of the query is searched as typed and the number is matched on the index's
``doc_number`` field, not as English words that no Chinese document contains.

What is read (case-insensitive; brackets ``[] () 〔〕 ［］ （） 【】`` or none; "No." optional
where a number cannot be read otherwise):

* a 机关代字 in pinyin from :data:`PINYIN_CODES`, with a year and a serial in either
  order ("Guofa [1991] No. 5", "Guo Ban Fa No. 123 [2018]") → the canonical number;
  with only a year or a serial, or alone as one word ("Guofa"), → the parts, which
  match a number by its index tokens (国发, 1991, 5号);
* a ministry's number in words, the issuer named by its English name or
  abbreviation from :mod:`alucorpus.departments` ("Document No. 62 [2025] of MIIT",
  "MIIT [2025] No. 62") → the year and serial of a number that body issued
  (``(number:"2025 62号" dept:工业和信息化部)``): see :func:`_document` for why the
  issuer, not a 代字, carries "of MIIT";
* decrees ("State Council Decree No. 706", "Decree No. 706 of the State Council",
  "MIIT Order No. 12") → ``number:国务院令第706号``;
* numbered announcements ("GACC Announcement No. 12 [2025]") → ``number:海关总署公告2025年第12号``.

What is not: a span inside quotes or inside a field's value (the user spelled out what
they want), and English without a number: "No. 5", "State Council opinions",
"Decree" or "State Council decree" alone stay words.

>>> rewrite_query("Guofa [1991] No. 5")
'number:国发〔1991〕5号'
>>> rewrite_query("rare earth Guobanfa (2018) 123")
'rare earth number:国办发〔2018〕123号'
>>> rewrite_query("Decree No. 706 of the State Council")
'number:国务院令第706号'
>>> rewrite_query("State Council opinions on No. 5")
'State Council opinions on No. 5'
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from .. import departments as deps
from ..analysis import DocNumber, has_cjk
from ..ingest.fields import widen_year
from .parse import FIELD_PREFIXES, QUOTES
from .results import TermTranslation, Translation

__all__ = [
    "PINYIN_CODES",
    "PINYIN_FAMILIES",
    "EnglishNumber",
    "explain",
    "find_english_numbers",
    "rewrite_query",
    "understood_numbers",
]

#: 机关代字 and their pinyin, one syllable per word as the regex reads them (so
#: "Guobanfa", "Guo Ban Fa" and "guo-ban-fa" all match). Chosen from the corpus's own
#: numbers and citations (国发, 国办发, 国函, 国办函, 国办发明电, 工信部联原, 劳社部发,
#: 发改能源, 发改农经, 中发, 中办发, 财税, 国土资发, 法释 …) and the codes of the same
#: bodies that English sources cite most; a code that is also an ordinary English word
#: would rewrite English, and none here is one. Longer codes win over their prefixes
#: ("Guofa Mingdian" is 国发明电, not 国发 and a stray word).
PINYIN_CODES: tuple[tuple[str, str], ...] = (
    # State Council and its General Office
    ("国发", "guo fa"),
    ("国办发", "guo ban fa"),
    ("国函", "guo han"),
    ("国办函", "guo ban han"),
    ("国发明电", "guo fa ming dian"),
    ("国办发明电", "guo ban fa ming dian"),
    ("国办明电", "guo ban ming dian"),
    # Party Central Committee and its General Office
    ("中发", "zhong fa"),
    ("中办发", "zhong ban fa"),
    # Supreme People's Court and Procuratorate
    ("法释", "fa shi"),
    ("法发", "fa fa"),
    ("高检发", "gao jian fa"),
    # Ministry of Finance and the tax administration
    ("财税", "cai shui"),
    ("财关税", "cai guan shui"),
    ("财建", "cai jian"),
    ("财金", "cai jin"),
    ("财预", "cai yu"),
    ("国税发", "guo shui fa"),
    ("国税函", "guo shui han"),
    ("税总发", "shui zong fa"),
    # NDRC: 发改 + the department's code
    ("发改能源", "fa gai neng yuan"),
    ("发改价格", "fa gai jia ge"),
    ("发改产业", "fa gai chan ye"),
    ("发改运行", "fa gai yun xing"),
    ("发改环资", "fa gai huan zi"),
    ("发改投资", "fa gai tou zi"),
    ("发改农经", "fa gai nong jing"),
    ("发改高技", "fa gai gao ji"),
    ("发改外资", "fa gai wai zi"),
    ("发改规划", "fa gai gui hua"),
    ("发改体改", "fa gai ti gai"),
    ("发改地区", "fa gai di qu"),
    # MIIT: 工信部 (联 for joint documents) + the department's code
    ("工信部联原", "gong xin bu lian yuan"),
    ("工信部原", "gong xin bu yuan"),
    ("工信部联节", "gong xin bu lian jie"),
    ("工信部节", "gong xin bu jie"),
    ("工信部联产业", "gong xin bu lian chan ye"),
    ("工信部产业", "gong xin bu chan ye"),
    ("工信部联规", "gong xin bu lian gui"),
    ("工信部规", "gong xin bu gui"),
    ("工信部联科", "gong xin bu lian ke"),
    ("工信部科", "gong xin bu ke"),
    ("工信部联装", "gong xin bu lian zhuang"),
    ("工信部装", "gong xin bu zhuang"),
    ("工信部联消费", "gong xin bu lian xiao fei"),
    ("工信部消费", "gong xin bu xiao fei"),
    ("工信部联企业", "gong xin bu lian qi ye"),
    ("工信部企业", "gong xin bu qi ye"),
    ("工信部运行", "gong xin bu yun xing"),
    ("工信部信软", "gong xin bu xin ruan"),
    ("工信部信管", "gong xin bu xin guan"),
    ("工信部电子", "gong xin bu dian zi"),
    ("工信部政法", "gong xin bu zheng fa"),
    ("工信厅联原", "gong xin ting lian yuan"),
    ("工信厅原", "gong xin ting yuan"),
    # Other ministries cited in the corpus
    ("劳社部发", "lao she bu fa"),
    ("人社部发", "ren she bu fa"),
    ("人社部函", "ren she bu han"),
    ("国土资发", "guo tu zi fa"),
    ("国科发", "guo ke fa"),
    ("环发", "huan fa"),
    ("银发", "yin fa"),
)

#: A ministry's pinyin stem without the department code ("Gongxinbu [2025] No. 62"),
#: and the body (a name :func:`alucorpus.departments.lookup_department` knows) whose
#: numbers it begins. The index keeps a 代字 whole (工信部联原, not 工信部), so a stem
#: cannot be matched as a code; it is read as "a number of this body", like "of MIIT".
PINYIN_FAMILIES: tuple[tuple[str, str], ...] = (
    ("gong xin bu", "工信部"),
    ("fa gai", "发改委"),
    ("ren she bu", "人社部"),
)

# -- the pieces of a number -----------------------------------------------------------------------

_OPEN = r"[\[(〔［（【]"
_CLOSE = r"[\])〕］）】]"
# "No. 5", "No 5", "no.5", "Number 5", "#5"; never "No" glued to letters ("Nov 5").
_NO = r"(?:No\.?|Nos?\.|Number|Nr\.?|\#)\s*"
_SERIAL = r"(?P<{name}>\d{{1,6}})(?:\s*号)?"
_YEAR_B = rf"{_OPEN}\s*(?P<{{name}}>\d{{{{4}}}}|\d{{{{2}}}})\s*{_CLOSE}"
_YEAR_BARE = r"(?P<{name}>(?:19|20)\d{{2}})"
_END = r"(?![A-Za-z0-9])"
_START = r"(?<![A-Za-z0-9])"
# A number's year and serial in either order: "[2025] No. 62", "[2025] 62",
# "No. 62 [2025]", "No. 12 of 2025".
_NUMBER_BODY = (
    rf"(?:{_YEAR_B.format(name='y1')}\s*(?:{_NO})?{_SERIAL.format(name='s1')}"
    rf"|{_NO}{_SERIAL.format(name='s2')}\s*"
    rf"(?:{_YEAR_B.format(name='y2')}|,?\s*(?:of\s+|in\s+)?{_YEAR_BARE.format(name='y3')}))"
)
_NOUN = r"(?:(?:Document|Doc\.?|Circular|Notice|File)\s+)"
_BY = r"\s+(?:(?:issued|released|published)\s+)?(?:of|by|from)\s+"
_DECREE = r"(?:Decree|Order)"


def _syllables(pinyin: str) -> str:
    """A pinyin code as a regex: its syllables glued, or apart by a space or a hyphen."""
    return r"[ \-]?".join(re.escape(s) for s in pinyin.split())


@lru_cache(maxsize=1)
def _code_pattern() -> re.Pattern[str]:
    codes = sorted(PINYIN_CODES, key=lambda c: -len(c[1]))
    alternation = "|".join(_syllables(p) for _, p in codes)
    return re.compile(
        rf"{_START}(?P<code>{alternation}){_END}"
        rf"(?:\s*(?:{_YEAR_B.format(name='y1')}|{_YEAR_BARE.format(name='y4')}{_END})"
        rf"(?:\s*(?:{_NO})?{_SERIAL.format(name='s1')}{_END})?"
        rf"|\s*{_NO}{_SERIAL.format(name='s2')}{_END}(?:\s*{_YEAR_B.format(name='y2')})?"
        rf"|\s+{_SERIAL.format(name='s3')}{_END})?",
        re.IGNORECASE,
    )


@lru_cache(maxsize=1)
def _family_pattern() -> re.Pattern[str]:
    alternation = "|".join(_syllables(p) for p, _ in PINYIN_FAMILIES)
    return re.compile(
        rf"{_START}(?P<family>{alternation})\s*"
        rf"(?:(?:{_YEAR_B.format(name='y1')}|{_YEAR_BARE.format(name='y3')})\s*(?:{_NO})?"
        rf"{_SERIAL.format(name='s1')}"
        rf"|{_NO}{_SERIAL.format(name='s2')}\s*{_YEAR_B.format(name='y2')}){_END}",
        re.IGNORECASE,
    )


@lru_cache(maxsize=1)
def _department_regex() -> str:
    """Every English name and abbreviation of a PRC body in the departments table.

    Taiwan's agencies are left out: their numbers (華總一義字第…號) are not written
    in these English forms. Longest first, so "General Office of the State Council"
    wins over "State Council"; "the" and the country suffix are optional, as
    :func:`~alucorpus.departments.lookup_department` ignores them.
    """
    names: set[str] = set()
    for dep in deps.all_departments():
        if dep.jurisdiction != deps.NATIONAL:
            continue
        for name in (dep.name_en, *dep.aliases):
            if name and not has_cjk(name):
                names.add(name.strip())
    names.add("President")  # 中华人民共和国主席: "Presidential Decree", "Order of the President"

    def pattern(name: str) -> str:
        words = [re.escape(w).replace("'", "['’]") for w in name.split()]
        return r"\s+".join(words)

    alternation = "|".join(pattern(n) for n in sorted(names, key=lambda n: (-len(n), n)))
    suffix = r"(?:\s+of\s+(?:the\s+)?(?:People['’]s\s+Republic\s+of\s+)?China|\s+\(PRC\))?"
    return rf"(?:the\s+)?(?P<dept>{alternation}){suffix}{_END}"


@lru_cache(maxsize=1)
def _issuer_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """(kind, pattern) for the numbers that name their issuer in English."""
    dept = _department_regex()
    owner = r"(?:['’]s)?\s+"
    presidential = r"(?P<pres>Presidential)\s+"
    decree_serial = rf"(?:{_NO})?{_SERIAL.format(name='s1')}{_END}"
    # A decree carries no year; one written after it is read and dropped, so it
    # does not stay behind as a stray word that no document has.
    decree_year = rf"(?:\s*{_YEAR_B.format(name='y1')})?"
    rules = (
        ("decree", rf"{_START}{dept}{owner}{_DECREE}\s+{decree_serial}{decree_year}"),
        ("decree", rf"{_START}{presidential}{_DECREE}\s+{decree_serial}{decree_year}"),
        ("decree", rf"{_START}{_DECREE}\s+{decree_serial}{decree_year}{_BY}{dept}"),
        ("decree", rf"{_START}{_DECREE}\s+of\s+{dept}\s*{decree_serial}"),
        ("announcement", rf"{_START}{dept}{owner}Announcement\s+{_NUMBER_BODY}{_END}"),
        ("announcement", rf"{_START}Announcement\s+{_NUMBER_BODY}{_BY}{dept}"),
        ("document", rf"{_START}{dept}{owner}{_NOUN}?{_NUMBER_BODY}{_END}"),
        ("document", rf"{_START}{_NOUN}?{_NUMBER_BODY}{_BY}{dept}"),
        ("document", rf"{_START}{_NOUN}{_NUMBER_BODY}{_END}"),
    )
    return tuple((kind, re.compile(rule, re.IGNORECASE)) for kind, rule in rules)


# -- what was understood --------------------------------------------------------------------------


@dataclass(frozen=True)
class EnglishNumber:
    """One document number found in a query written in pinyin or English.

    ``number`` is the canonical number when the span gives all of it
    (国发〔1991〕5号), else the parts it gives, space-separated as a ``number:`` value
    takes them (国发 1991, 2025 62号); ``department`` the issuer's canonical name when
    the span names the body instead of a 代字 (工业和信息化部 for "of MIIT").
    """

    text: str  # the span as typed
    start: int
    end: int
    number: str
    department: str | None = None

    @property
    def query(self) -> str:
        """The query-language term that replaces the span."""
        value = f'"{self.number}"' if re.search(r"[\s\"()]", self.number) else self.number
        term = f"number:{value}"
        if self.department is None:
            return term
        return f"({term} dept:{self.department})"


def _group(m: re.Match[str], *names: str) -> str | None:
    for name in names:
        if name in m.re.groupindex and m.group(name):
            return m.group(name)
    return None


def _year(raw: str | None) -> str | None:
    """A four-digit year; a two-digit one widened as ingest widens it (≥ 49 → 19YY)."""
    return None if raw is None else widen_year(raw)


def _number(code: str, year: str | None, serial: str | None) -> str:
    """The canonical number, or its parts when the year or the serial is missing.

    Built from its parts by :class:`~alucorpus.analysis.DocNumber`, whose form the
    index stores, not re-read from text: ingest's reader trims a code at title words,
    and 发改规划 ends in one (规划).
    """
    if year and serial:
        return DocNumber(code, year, serial).canonical
    parts = [code] + ([year] if year else []) + ([f"{serial}号"] if serial else [])
    return " ".join(p for p in parts if p)


_CODES_BY_PINYIN: dict[str, str] = {p.replace(" ", ""): c for c, p in PINYIN_CODES}
_FAMILIES_BY_PINYIN: dict[str, str] = {p.replace(" ", ""): d for p, d in PINYIN_FAMILIES}


def _squash(pinyin: str) -> str:
    return re.sub(r"[\s\-]", "", pinyin).lower()


def _code(m: re.Match[str]) -> tuple[str, str | None] | None:
    """A pinyin 代字 and what follows it: (number, None)."""
    code = _CODES_BY_PINYIN[_squash(m.group("code"))]
    year = _year(_group(m, "y1", "y2", "y4"))
    if _group(m, "y1", "y2", "y4") and year is None:
        return None  # [1800]: not a year, so not a number
    serial = _group(m, "s1", "s2", "s3")
    spaced = re.search(r"[\s\-]", m.group("code"))
    if year is None and serial is None and spaced and len(code) < 4:
        # Without a number, "Guo Han" or "Guo Ban Fa" is more likely a person's name
        # (two or three syllables) than the code 国函: such a code stands for itself
        # alone only written as one word. "Gongxinbu Lianyuan" is no one's name.
        return None
    return _number(code, year, str(int(serial)) if serial else None), None


def _family(m: re.Match[str]) -> tuple[str, str | None] | None:
    return _document(m, _FAMILIES_BY_PINYIN[_squash(m.group("family"))])


def _department(m: re.Match[str]) -> deps.Department | None:
    # "Presidential Decree" names the body by an adjective the table does not list.
    name = "President" if "pres" in m.re.groupindex else m.group("dept")
    found = deps.lookup_department(name)
    if found is None or found.jurisdiction != deps.NATIONAL:
        return None
    return found


def _document(m: re.Match[str], issuer: str | None = None) -> tuple[str, str | None] | None:
    """A number given by its year and serial, and by its issuer when it names one.

    "of MIIT" becomes the issuer (the department filter), not a 代字 family: MIIT's
    codes all begin with 工信部, but the index keeps a code whole (工信部联原), so
    ``number:工信部`` would match none of them, while the departments field holds every
    body that issued the document, under the names the table resolves (MIIT, 工信部).
    """
    if issuer is not None:
        found = deps.lookup_department(issuer)
        department = found.name if found is not None else None
    else:
        dep = _department(m) if "dept" in m.re.groupindex and m.group("dept") else None
        if "dept" in m.re.groupindex and m.group("dept") and dep is None:
            return None
        department = dep.name if dep is not None else None
    year = _year(_group(m, "y1", "y2", "y3"))
    serial = _group(m, "s1", "s2")
    if year is None or serial is None:
        return None
    return f"{year} {int(serial)}号", department


def _decree(m: re.Match[str]) -> tuple[str, str | None] | None:
    dep = _department(m)
    if dep is None:
        return None
    return DocNumber(f"{dep.name}令", None, str(int(m.group("s1")))).canonical, None


def _announcement(m: re.Match[str]) -> tuple[str, str | None] | None:
    dep = _department(m)
    year = _year(_group(m, "y1", "y2", "y3"))
    serial = _group(m, "s1", "s2")
    if dep is None or year is None or len(year) != 4 or serial is None:
        return None
    return f"{dep.name}公告{year}年第{int(serial)}号", None


_Reader = Callable[[re.Match[str]], tuple[str, str | None] | None]


def _patterns(with_issuers: bool = True) -> list[tuple[re.Pattern[str], _Reader]]:
    """The patterns to try; ``with_issuers=False`` leaves out those that name an issuer.

    Those need a serial number, so a query without a digit never matches them: not
    compiling their department-name alternations then saves a tenth of a second on
    every fresh ``alucorpus search``.
    """
    readers: dict[str, _Reader] = {
        "decree": _decree,
        "announcement": _announcement,
        "document": _document,
    }
    found: list[tuple[re.Pattern[str], _Reader]] = [
        (_code_pattern(), _code),
        (_family_pattern(), _family),
    ]
    if with_issuers:
        found += [(pattern, readers[kind]) for kind, pattern in _issuer_patterns()]
    return found


_FIELD_RE = re.compile(rf"(?<![^\s(])-?(?:{'|'.join(FIELD_PREFIXES)}):", re.IGNORECASE)


def _protected(query: str) -> list[tuple[int, int]]:
    """Spans the rewrite leaves alone: quoted phrases and field values, as typed."""
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(query):
        field = _FIELD_RE.match(query, i)
        start = i
        if field:
            i = field.end()
        if i < len(query) and query[i] in QUOTES:
            close = query.find(QUOTES[query[i]], i + 1)
            i = len(query) if close < 0 else close + 1
            spans.append((start, i))
        elif field:
            while i < len(query) and not query[i].isspace():
                i += 1
            spans.append((start, i))
        else:
            i += 1
    return spans


def find_english_numbers(query: str) -> list[EnglishNumber]:
    """Every document number written in pinyin or English in ``query``, in order.

    Overlapping readings are resolved left-most, then longest.

    >>> [(n.text, n.number) for n in find_english_numbers("Guohan [2003] 26 and Guofa")]
    [('Guohan [2003] 26', '国函〔2003〕26号'), ('Guofa', '国发')]
    >>> n = find_english_numbers("Document No. 62 [2025] of MIIT")[0]
    >>> n.number, n.department
    ('2025 62号', '工业和信息化部')
    """
    if not isinstance(query, str) or not query.strip():
        return []
    protected = _protected(query)
    found: list[EnglishNumber] = []
    for pattern, read in _patterns(with_issuers=re.search(r"\d", query) is not None):
        pos = 0
        while (m := pattern.search(query, pos)) is not None:
            start, end = m.start(), m.end()
            inside = any(s < end and start < e for s, e in protected)
            result = None if inside else read(m)
            if result is not None:
                number, department = result
                found.append(EnglishNumber(m.group(0), start, end, number, department))
                pos = end
            else:
                pos = start + 1
    found.sort(key=lambda n: (n.start, -(n.end - n.start)))
    kept: list[EnglishNumber] = []
    for item in found:
        if not kept or item.start >= kept[-1].end:
            kept.append(item)
    return kept


def _rewrite(query: str, numbers: list[EnglishNumber]) -> str:
    out: list[str] = []
    last = 0
    for n in numbers:
        start, term = n.start, n.query
        if term.startswith("(") and start > 0 and query[start - 1] == "-":
            start -= 1  # the parser negates a word with "-", a group only with NOT
            term = f"NOT {term}"
        before = query[last:start]
        out.append(before)
        if before and not before[-1].isspace() and before[-1] not in "(-":
            out.append(" ")  # 稀土Guofa… → 稀土 number:…: a field prefix starts a word
        out.append(term)
        after = query[n.end : n.end + 1]
        if after and not after.isspace() and after != ")":
            out.append(" ")
        last = n.end
    out.append(query[last:])
    return "".join(out)


def understood_numbers(query: str) -> tuple[str, list[TermTranslation]]:
    """The query with its English or pinyin numbers rewritten, and what was understood.

    The second item explains each rewrite as a :class:`TermTranslation` of the span
    into the ``number:`` term (source "doc_number"), so ``--explain`` shows it among
    the translations: "Guofa [1991] No. 5 [en] → number:国发〔1991〕5号".

    >>> rewritten, understood = understood_numbers("Guofa [1991] No. 5 tungsten")
    >>> rewritten
    'number:国发〔1991〕5号 tungsten'
    >>> understood[0].translations[0].text
    'number:国发〔1991〕5号'
    """
    numbers = find_english_numbers(query)
    if not numbers:
        return query, []
    return _rewrite(query, numbers), explain(numbers)


def explain(numbers: list[EnglishNumber]) -> list[TermTranslation]:
    """Each number as the explanation entry ``--explain`` renders."""
    return [
        TermTranslation(n.text, "en", (Translation(n.query, 1.0, "doc_number"),)) for n in numbers
    ]


def rewrite_query(query: str) -> str:
    """``query`` with each document number in pinyin or English as a ``number:`` term."""
    return understood_numbers(query)[0]
