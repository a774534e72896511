"""Canonical names of Chinese government bodies: lookup, English names, issuer lists.

The table ships as package data (``alucorpus/data/departments.tsv``: full
official name, official English name, ``|``-separated aliases) and is read once.
Every function here is pure and never raises on odd input: an unknown name is
returned cleaned but unchanged, so a caller can keep it and warn.

The second half is about jurisdictions, where a document applies
(:attr:`~alucorpus.records.Record.jurisdiction`): :func:`jurisdiction_of` reads it
from a record's issuers, and ``alucorpus/data/places.tsv`` names the places
(every province-level division, the provincial capitals and a few more cities).
Taiwan's agencies are rows of the departments table marked ``taiwan``; the names
Taiwan shares with PRC bodies (财政部, 交通部 …) are :data:`TAIWAN_SHARED_EN`.

>>> canonical_department("发改委")
'国家发展和改革委员会'
>>> split_departments("工业和信息化部国家发展改革委、国 务 院")
['工业和信息化部', '国家发展和改革委员会', '国务院']
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .analysis import CJK_IDEOGRAPHS, has_cjk, parse_doc_number, to_simplified
from .records import Record

__all__ = [
    "NATIONAL",
    "TAIWAN",
    "TAIWAN_QUALIFIER",
    "TAIWAN_SHARED_EN",
    "UNKNOWN",
    "Department",
    "Place",
    "all_departments",
    "all_places",
    "canonical_department",
    "department_en",
    "department_terms",
    "department_terms_en",
    "departments_at_end",
    "departments_in_signature",
    "is_department_like",
    "jurisdiction_en",
    "jurisdiction_of",
    "jurisdiction_within",
    "lookup_department",
    "lookup_place",
    "province_of",
    "qualified_department",
    "resolve_jurisdiction",
    "split_departments",
    "split_qualifier",
    "taiwan_department",
    "with_jurisdiction",
]

#: Values of :attr:`~alucorpus.records.Record.jurisdiction` besides a place's name.
NATIONAL = "national"  # the PRC's central bodies: 国务院, its ministries, the NPC …
TAIWAN = "taiwan"  # Taiwan's agencies (the Laws & Regulations Database, 行政院 …)
UNKNOWN = "unknown"  # nothing in the record names an issuer (news pages, blogs)


@dataclass(frozen=True)
class Department:
    """One government body as the table lists it."""

    name: str  # full official name, Simplified
    name_en: str  # official English name
    aliases: tuple[str, ...]  # short forms, older spellings, English abbreviations
    jurisdiction: str = NATIONAL  # NATIONAL or TAIWAN (the table's fourth column)


# Whitespace that appears inside names: letter-spaced signatures use U+3000, HTML gives NBSP.
_SPACE_RE = re.compile(r"[\s\u3000\xa0]+")
_CJK_GAP_RE = re.compile(rf"(?<=[{CJK_IDEOGRAPHS}])[\s\u3000\xa0]+(?=[{CJK_IDEOGRAPHS}])")
# Strong separators between joint issuers; spaces are handled token by token because a
# letter-spaced name ("国 务 院") is one name.
_STRONG_SEP_RE = re.compile(r"[、,，;；/\r\n]+")
# The state's name often precedes a body's ("中华人民共和国商务部"); the body is the same.
_STATE_PREFIXES = ("中华人民共和国", "中華人民共和國")
# Generic organ endings: a signature line made only of such names is still a signature
# even when the body is not in the table (a province, a bureau of a ministry, ...).
_ORGAN_RE = re.compile(
    rf"^[{CJK_IDEOGRAPHS}（）()]{{2,24}}"
    r"(?:人民政府|政府|委员会|委員會|办公厅|辦公廳|办公室|辦公室|部|局|署|院|厅|廳|委|总社|總社"
    r"|总公司|總公司|银行|銀行|军区|軍區|总部|總部|总会|總會|联合会|聯合會|协会|協會)$"
)
_NOT_ORGAN_CHARS = re.compile(r"[的了是在为和与及或，。：；！？]")


def _normalise(name: str) -> str:
    """Key used for lookup: no whitespace, no state-name prefix, English lower-cased."""
    key = _SPACE_RE.sub("", name)
    for prefix in _STATE_PREFIXES:
        if key.startswith(prefix) and len(key) > len(prefix):
            key = key[len(prefix) :]
            break
    return key.lower()


def _normalise_en(name: str) -> str:
    """English key: case- and space-insensitive, without "the" and the country suffix."""
    key = " ".join(name.replace("’", "'").split()).lower()
    key = key.removeprefix("the ")
    for suffix in (" of the people's republic of china", " of china", " (prc)", ", prc"):
        if key.endswith(suffix) and key != suffix.strip():
            key = key[: -len(suffix)]
            break
    return key.replace(" ", "")


@lru_cache(maxsize=1)
def all_departments() -> tuple[Department, ...]:
    """Every row of the packaged table, in file order (read once)."""
    text = resources.files("alucorpus").joinpath("data/departments.tsv").read_text("utf-8")
    rows: list[Department] = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#") or line.startswith("name\t"):
            continue
        cells = line.split("\t")
        name, name_en = cells[0].strip(), cells[1].strip()
        aliases = tuple(a.strip() for a in (cells[2] if len(cells) > 2 else "").split("|"))
        where = (cells[3].strip() if len(cells) > 3 else "") or NATIONAL
        rows.append(Department(name, name_en, tuple(a for a in aliases if a), where))
    return tuple(rows)


@lru_cache(maxsize=1)
def _index() -> tuple[dict[str, Department], dict[str, Department]]:
    """(Chinese key → row, English key → row). The first row to claim a key keeps it."""
    zh: dict[str, Department] = {}
    en: dict[str, Department] = {}
    for dep in all_departments():
        for alias in (dep.name, *dep.aliases):
            if has_cjk(alias):
                zh.setdefault(_normalise(alias), dep)
            else:
                en.setdefault(_normalise_en(alias), dep)
        en.setdefault(_normalise_en(dep.name_en), dep)
    return zh, en


@lru_cache(maxsize=1)
def _max_key_len() -> int:
    return max(len(k) for k in _index()[0])


@lru_cache(maxsize=4096)
def _to_simplified(text: str) -> str:
    """Traditional → Simplified (cached: the same names come back again and again)."""
    return to_simplified(text)


def lookup_department(name: str) -> Department | None:
    """Find a body by full name, alias, English name or abbreviation.

    Spaces inside the name are ignored (``"国 务 院"``), a leading
    ``中华人民共和国`` is dropped, Traditional script is folded to Simplified.

    >>> lookup_department("NDRC").name
    '国家发展和改革委员会'
    """
    if not isinstance(name, str) or not name.strip():
        return None
    zh, en = _index()
    key = _normalise(name)
    if key in zh:
        return zh[key]
    found = en.get(_normalise_en(name))
    if found is not None:
        return found
    if has_cjk(key):
        simplified = _normalise(_to_simplified(_SPACE_RE.sub("", name)))
        return zh.get(simplified)
    return None


def clean_name(name: str) -> str:
    """Strip a name and drop the letter-spacing between its CJK characters."""
    return _CJK_GAP_RE.sub("", name.strip().replace("\xa0", " ")).strip()


def canonical_department(name: str) -> str:
    """Full official name of a body; an unknown name comes back cleaned but unchanged."""
    dep = lookup_department(name)
    return dep.name if dep is not None else clean_name(name)


def department_en(name: str, jurisdiction: str | None = None) -> str:
    """Official English name of a body, or ``""`` when the body is unknown.

    ``jurisdiction="taiwan"``: the name is a Taiwan agency's, and a name Taiwan
    shares with a PRC body has Taiwan's English (交通部: Ministry of Transportation
    and Communications, not the PRC's Ministry of Communications).
    """
    dep = lookup_department(name)
    if dep is None:
        return ""
    if jurisdiction == TAIWAN and dep.name in TAIWAN_SHARED_EN:
        return TAIWAN_SHARED_EN[dep.name]
    return dep.name_en


def _segment(run: str) -> list[str] | None:
    """Split a run of names written without separators, when every piece is a known body.

    Dynamic programming over the lookup keys; among full segmentations the one with the
    fewest pieces wins, so "国务院办公厅" stays one body.
    """
    zh = _index()[0]
    key = _normalise(run)
    n = len(key)
    if n == 0:
        return None
    limit = _max_key_len()
    best: list[list[str] | None] = [None] * (n + 1)
    best[0] = []
    for end in range(1, n + 1):
        for start in range(max(0, end - limit), end):
            prev = best[start]
            piece = key[start:end]
            if prev is None or piece not in zh:
                continue
            candidate = [*prev, zh[piece].name]
            current = best[end]
            if current is None or len(candidate) < len(current):
                best[end] = candidate
    return best[n]


def _split_chunk(chunk: str) -> list[str]:
    """Names in one chunk that has no strong separator: whitespace-separated tokens."""
    tokens = _SPACE_RE.split(chunk.strip())
    tokens = [t for t in tokens if t]
    out: list[str] = []
    i = 0
    while i < len(tokens):
        # Longest group of tokens that is one known name ("国 务 院 办 公 厅").
        for j in range(min(len(tokens), i + 16), i, -1):
            dep = lookup_department("".join(tokens[i:j]))
            if dep is not None:
                out.append(dep.name)
                i = j
                break
        else:
            pieces = _segment(tokens[i])
            if pieces:
                out.extend(pieces)
                i += 1
                continue
            # Unknown: keep as written, but a letter-spaced unknown name is still one name.
            j = i + 1
            if len(tokens[i]) == 1:
                while j < len(tokens) and len(tokens[j]) == 1:
                    j += 1
            out.append("".join(tokens[i:j]))
            i = j
    return out


def split_departments(text: str) -> list[str]:
    """Split a list of joint issuers into canonical names, in order, duplicates dropped.

    Separators: 、 , ， ; spaces, U+3000, line breaks. A run of known names written
    together ("工业和信息化部国家发展改革委") is split too; unknown names stay as written.
    """
    if not isinstance(text, str):
        return []
    seen: set[str] = set()
    result: list[str] = []
    for chunk in _STRONG_SEP_RE.split(text):
        for name in _split_chunk(chunk):
            if name and name not in seen:
                seen.add(name)
                result.append(name)
    return result


def is_department_like(name: str) -> bool:
    """A known body, or a name shaped like one (…人民政府, …部, …局)."""
    if lookup_department(name) is not None:
        return True
    return bool(_ORGAN_RE.match(name)) and not _NOT_ORGAN_CHARS.search(name)


def departments_in_signature(lines: list[str]) -> list[str]:
    """Canonical issuers of a signature block (one or more per line), or ``[]``.

    Returns ``[]`` as soon as a non-empty line holds something that is not a body
    (a person's name, a date, a sentence), so a caller can use it to recognise a
    signature block.
    """
    names: list[str] = []
    for line in lines:
        if not isinstance(line, str) or not line.strip():
            continue
        pieces = split_departments(line)
        if not pieces or not all(is_department_like(p) for p in pieces):
            return []
        for piece in pieces:
            if piece not in names:
                names.append(piece)
    return names


_END_SEP = " \t\r\n\u3000\xa0、，,"


def departments_at_end(text: str) -> tuple[list[str], int]:
    """The run of known bodies that ends ``text``, and the index where the run starts.

    For flattened text whose line breaks were lost, the signature block runs into the
    body: "…请认真贯彻执行。国土资源部国家发展改革委" → two issuers. Matching goes
    backwards, longest known name first. Returns ``([], len(text))`` when ``text``
    does not end with a body.
    """
    if not isinstance(text, str):
        return [], 0
    zh = _index()[0]
    limit = _max_key_len() + len(_STATE_PREFIXES[0])
    found: list[str] = []
    end = len(text)
    start = len(text)
    pos = len(text)
    while pos > 0:
        while pos > 0 and text[pos - 1] in _END_SEP:
            pos -= 1
        match_start = -1
        for k in range(min(limit, pos), 0, -1):
            piece = text[pos - k : pos]
            if _normalise(piece) in zh and not _SPACE_RE.match(piece):
                match_start = pos - k
                break
        if match_start < 0:
            break
        found.append(zh[_normalise(text[match_start:pos])].name)
        start = match_start
        pos = match_start
    if not found:
        return [], end
    ordered: list[str] = []
    for name in reversed(found):
        if name not in ordered:
            ordered.append(name)
    return ordered, start


# -- jurisdictions --------------------------------------------------------------------------------

#: Names a PRC body and a Taiwan agency share, with the Taiwan agency's English name.
#: The departments table's row is the PRC body's; a record's jurisdiction says whose it is.
TAIWAN_SHARED_EN = {
    "财政部": "Ministry of Finance",
    "交通部": "Ministry of Transportation and Communications",
    "农业部": "Ministry of Agriculture",
    "劳动部": "Ministry of Labor",
    "教育部": "Ministry of Education",
    "外交部": "Ministry of Foreign Affairs",
    "国防部": "Ministry of National Defense",
    "文化部": "Ministry of Culture",
}

#: How a Taiwan agency is indexed and shown in the department facet: "财政部 (Taiwan)".
TAIWAN_QUALIFIER = " (Taiwan)"
_QUALIFIER_RE = re.compile(r"\s*[(（]\s*(?:taiwan|台湾|臺灣|台灣|臺湾)\s*[)）]\s*$", re.IGNORECASE)

# A name that both could use: decided by the record (script, other issuers), not the name.
_SHARED = "shared"
# Central prefixes of bodies the table does not list (国家石油和化学工业局 …).
_CENTRAL_PREFIXES = ("中华人民共和国", "国务院", "国家", "全国", "中共中央", "中央")
# Document-number codes of the State Council and the Party centre (国发, 国办发, 国函 …).
_CENTRAL_CODES = ("国发", "国办", "国函", "国令", "中发", "中办")
# A city named in an issuer: two to six characters and 市 (not 市场: 国家市场监督管理总局).
_CITY_RE = re.compile(rf"^[{CJK_IDEOGRAPHS}]{{2,6}}?市(?!场)")
_NOT_CITY_START = ("国家", "全国", "中国", "中华", "中央", "城市", "都市")
# How many opening paragraphs may hold a title or number the parser did not take as such.
_OPENING_LINES = 6
_TITLE_ISSUER_MAX = 40  # characters before 关于 that can still be an issuer's name


@dataclass(frozen=True)
class Place:
    """A province-level division or a city, as ``alucorpus/data/places.tsv`` lists it."""

    name: str  # full name, Simplified: 海南省, 新疆维吾尔自治区, 新余市
    name_en: str  # Hainan, Xinjiang, Xinyu
    province: str  # a city's province (TAIWAN for Taiwan's cities); "" for a province
    aliases: tuple[str, ...]  # short names (海南, 新疆) and English spellings
    codes: tuple[str, ...]  # 机关代字 prefixes of its government (琼府, 余府)

    @property
    def jurisdiction(self) -> str:
        """The value a document issued here gets: the place's name, TAIWAN for Taiwan's."""
        return TAIWAN if self.province == TAIWAN else self.name


@lru_cache(maxsize=1)
def all_places() -> tuple[Place, ...]:
    """Every row of the packaged places table, in file order (read once)."""
    text = resources.files("alucorpus").joinpath("data/places.tsv").read_text("utf-8")
    rows: list[Place] = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#") or line.startswith("name\t"):
            continue
        cells = [c.strip() for c in line.split("\t")] + [""] * 5

        def split(cell: str) -> tuple[str, ...]:
            return tuple(a.strip() for a in cell.split("|") if a.strip())

        rows.append(Place(cells[0], cells[1], cells[2], split(cells[3]), split(cells[4])))
    return tuple(rows)


def _place_key(text: str) -> str:
    """Lookup key of a place: NFKC, Simplified, no spaces; Latin lower-cased, suffixes dropped."""
    key = to_simplified(unicodedata.normalize("NFKC", text)).strip()
    if has_cjk(key):
        return _SPACE_RE.sub("", key)
    key = " ".join(key.replace("’", "'").lower().split())
    key = re.sub(r"\s*\([^)]*\)$", "", key)  # "xinyu (jiangxi)": the province in brackets
    for suffix in (" province", " city", " municipality", " autonomous region", " sar"):
        key = key.removesuffix(suffix)
    return key


@lru_cache(maxsize=1)
def _places() -> tuple[dict[str, Place], dict[str, Place], list[tuple[str, Place]]]:
    """(typed key → place, full name → place, issuer prefixes longest first).

    Issuer prefixes are provinces' full and short Chinese names and cities' full names:
    a city's short name starts too many other names (海口海关 is the customs office).
    """
    typed: dict[str, Place] = {}
    names: dict[str, Place] = {}
    prefixes: list[tuple[str, Place]] = []
    for place in all_places():
        names[place.name] = place
        for alias in (place.name, place.name_en, *place.aliases):
            typed.setdefault(_place_key(alias), place)
        prefixes.append((place.name, place))
        if not place.province:
            prefixes += [(a, place) for a in place.aliases if has_cjk(a)]
    prefixes.sort(key=lambda item: -len(item[0]))
    return typed, names, prefixes


def lookup_place(name: str) -> Place | None:
    """A tabled place by its full or short name, either script, or English (Hainan, Xinyu)."""
    if not isinstance(name, str) or not name.strip():
        return None
    return _places()[0].get(_place_key(name))


def _place_at_start(key: str) -> str | None:
    """The jurisdiction of the place an issuer's name starts with (Simplified key), if any.

    The most specific place wins: 江西省新余市人民政府 is 新余市. A short province name
    followed by 市 is a city of that name (吉林市). A city not in the table is its name
    (无锡市人民政府 → 无锡市).
    """
    _, names, prefixes = _places()
    province: Place | None = None
    rest = key
    for prefix, place in prefixes:
        if not place.province and key.startswith(prefix):
            if prefix != place.name and key[len(prefix) :].startswith("市"):
                continue
            province, rest = place, key[len(prefix) :]
            break
    for prefix, place in prefixes:
        in_province = province is None or place.province == province.name
        if place.province and in_province and rest.startswith(prefix):
            return place.jurisdiction
    city = _CITY_RE.match(rest)
    if city and not rest.startswith(_NOT_CITY_START):
        name = city.group()
        return names[name].jurisdiction if name in names else name
    return province.jurisdiction if province is not None else None


def _body_at_start(key: str) -> Department | None:
    """A known body whose name starts ``key`` (经济部标准检验局 → 经济部), the longest."""
    zh = _index()[0]
    for length in range(min(len(key) - 1, _max_key_len()), 2, -1):
        found = zh.get(key[:length])
        if found is not None:
            return found
    return None


def _jurisdiction_of_body(dep: Department) -> str:
    return _SHARED if dep.name in TAIWAN_SHARED_EN else dep.jurisdiction


def _issuer_jurisdiction(name: str, traditional: bool) -> str | None:
    """NATIONAL, TAIWAN, a place, _SHARED, or None when the name says nothing."""
    if not isinstance(name, str) or not has_cjk(name):
        dep = lookup_department(name) if isinstance(name, str) else None
        return _jurisdiction_of_body(dep) if dep is not None else None
    dep = lookup_department(name)
    if dep is not None:
        return _jurisdiction_of_body(dep)
    key = _normalise(_to_simplified(_SPACE_RE.sub("", name)))
    place = _place_at_start(key)
    if place is not None:
        return place
    dep = _body_at_start(key)
    if dep is not None:
        return _jurisdiction_of_body(dep)
    if key.startswith(_CENTRAL_PREFIXES):
        return _SHARED if traditional else NATIONAL
    return None


def _doc_number_jurisdiction(number: str) -> str | None:
    """What a 发文字号's 机关代字 says: 国发 national, 余府发 新余市, 工信部联原 national."""
    parsed = parse_doc_number(_to_simplified(number.strip().strip("（）() \u3000")))
    if parsed is None:
        return None
    agency = parsed.agency.removesuffix("令")
    if agency.startswith(_CENTRAL_CODES):
        return NATIONAL
    best: tuple[int, str] | None = None
    for place in all_places():
        for code in place.codes:
            if agency.startswith(code) and (best is None or len(code) > best[0]):
                best = (len(code), place.jurisdiction)
    if best is not None:
        return best[1]
    for length in range(len(agency), 1, -1):
        dep = lookup_department(agency[:length])
        if dep is not None:
            return _jurisdiction_of_body(dep)
    return None


def _title_issuers(title: str) -> list[str]:
    """The issuers a title opens with, before its 关于 (新余市人民政府办公室关于印发…)."""
    text = _to_simplified(title.strip())
    at = text.find("关于")
    if not 2 <= at <= _TITLE_ISSUER_MAX:
        return []
    return [n for n in split_departments(text[:at]) if is_department_like(n)]


def _findings(record: Record, traditional: bool) -> Iterator[str | None]:
    """What each piece of the record says about its jurisdiction, most telling first."""
    for name in record.departments:
        yield _issuer_jurisdiction(name, traditional)
    for name in _title_issuers(record.title):
        yield _issuer_jurisdiction(name, traditional)
    if record.doc_number:
        yield _doc_number_jurisdiction(record.doc_number)
    # The body's opening lines, for a title or number the parser did not take as such
    # (a pkulaw export opens with its 法宝引证码 line, then the title and the number).
    for line in record.paragraphs[:_OPENING_LINES]:
        if len(line) > 150:
            continue
        for name in _title_issuers(line):
            yield _issuer_jurisdiction(name, traditional)
        yield _doc_number_jurisdiction(line) if "号" in line or "號" in line else None
    title = _to_simplified(record.title.strip())
    if title.startswith("中华人民共和国"):  # a national law or regulation (监察法 on a school site)
        yield NATIONAL
    elif title.startswith("中华民国"):
        yield TAIWAN


def jurisdiction_of(record: Record) -> str:
    """Where a record applies: NATIONAL, TAIWAN, a province or city (新余市), or UNKNOWN.

    Taiwan's Laws & Regulations Database (format ``tw_moj``) is TAIWAN. Otherwise the
    first issuer that places the record decides, looking at: its departments, the
    issuer its title opens with (海口市水务局关于…), its document number's 机关代字
    (余府发 → 新余市, 工信部联原 → national), the same in the body's opening lines, and a
    title that opens with 中华人民共和国 (a national law). A central body is NATIONAL, a
    Taiwan agency (行政院, 经济部 …) TAIWAN, a local one its place, the most specific
    named (新疆维吾尔自治区质量技术监督局 → 新疆维吾尔自治区). A name both use (财政部,
    交通部: :data:`TAIWAN_SHARED_EN`) decides only when nothing else does: TAIWAN in a
    Traditional-script record, NATIONAL otherwise.

    A record with no issuer at all (a news page, a blog, an English article) is UNKNOWN,
    never NATIONAL by default: a wrong "national" would mix it into the central documents.
    """
    if record.format == "tw_moj":
        return TAIWAN
    traditional = record.script == "traditional"
    shared = False
    for found in _findings(record, traditional):
        if found == _SHARED:
            shared = True
        elif found:
            return found
    if shared:
        return TAIWAN if traditional else NATIONAL
    return UNKNOWN


def with_jurisdiction(record: Record) -> Record:
    """The record with its jurisdiction filled in (one already set is kept)."""
    if record.jurisdiction:
        return record
    return record.with_changes(jurisdiction=jurisdiction_of(record))


def province_of(jurisdiction: str) -> str | None:
    """The province of a tabled city (新余市 → 江西省); a province is its own; else None."""
    place = _places()[1].get(jurisdiction)
    if place is None or place.province == TAIWAN:
        return None
    return place.province or place.name


def jurisdiction_within(jurisdiction: str) -> list[str]:
    """The jurisdiction and the province a tabled city lies in: what a filter on either finds."""
    province = province_of(jurisdiction)
    return [jurisdiction] + ([province] if province and province != jurisdiction else [])


def jurisdiction_en(jurisdiction: str) -> str:
    """English name: "PRC (national)", "Taiwan", "Hainan", "Xinyu (Jiangxi)"; "" if untabled.

    Provinces and the cities of ``alucorpus/data/places.tsv`` only: a city recognised
    by its name alone (无锡市) has no English name here.
    """
    fixed = {NATIONAL: "PRC (national)", TAIWAN: "Taiwan", UNKNOWN: "unknown"}
    if jurisdiction in fixed:
        return fixed[jurisdiction]
    _, names, _ = _places()
    place = names.get(jurisdiction)
    if place is None:
        return ""
    if place.province and place.province in names:
        return f"{place.name_en} ({names[place.province].name_en})"
    return place.name_en


_NATIONAL_INPUT = {"national", "prc", "china", "central", "中央", "全国", "国家", "中国"}
_TAIWAN_INPUT = {"taiwan", "tw", "roc", "republic of china", "台湾", "中华民国"}


def resolve_jurisdiction(text: str) -> str | None:
    """The jurisdiction a user means: national/taiwan/unknown, or a place in any script or English.

    台灣, Taiwan → "taiwan"; 海南, Hainan → "海南省"; 新余, Xinyu → "新余市"; a Chinese
    name the table does not know is taken as written (无锡市). None for Latin text
    that names nothing known.
    """
    if not isinstance(text, str) or not text.strip():
        return None
    key = _place_key(text)
    if key in _NATIONAL_INPUT or key == "中华人民共和国" or key.startswith("prc ("):
        return NATIONAL
    if key in _TAIWAN_INPUT:
        return TAIWAN
    if key in (UNKNOWN, "未知"):
        return UNKNOWN
    place = lookup_place(text)
    if place is not None:
        return place.jurisdiction
    return key if has_cjk(key) else None


def split_qualifier(name: str) -> tuple[str, bool]:
    """A department as typed without its "(Taiwan)" (also （台湾）), and whether it had one."""
    match = _QUALIFIER_RE.search(name)
    return (name[: match.start()].strip(), True) if match else (name.strip(), False)


def qualified_department(name: str, jurisdiction: str | None) -> str:
    """The index term and facet label of a department: Taiwan's get " (Taiwan)"."""
    return f"{name}{TAIWAN_QUALIFIER}" if jurisdiction == TAIWAN else name


def taiwan_department(name: str) -> str | None:
    """The Chinese name of the Taiwan agency ``name`` names only in Taiwan, if it does.

    A Taiwan row of the table (行政院, 经济部, Executive Yuan), or the English name of a
    Taiwan agency that shares its Chinese name with a PRC body (Ministry of
    Transportation and Communications → 交通部). None for everything else, 财政部 included.
    """
    dep = lookup_department(name)
    if dep is not None:
        return dep.name if dep.jurisdiction == TAIWAN else None
    key = _normalise_en(name) if isinstance(name, str) else ""
    for zh, en in TAIWAN_SHARED_EN.items():
        if key and _normalise_en(en) == key:
            return zh
    return None


def department_terms(names: Iterable[str], jurisdiction: str | None) -> list[str]:
    """Department index terms of a record: its names, qualified when it is Taiwan's."""
    return [qualified_department(name, jurisdiction) for name in names]


def department_terms_en(
    names: Iterable[str], names_en: Iterable[str], jurisdiction: str | None
) -> list[str]:
    """English department index terms, lower-cased; Taiwan's with Taiwan's English, qualified."""
    if jurisdiction != TAIWAN:
        return [en.lower() for en in names_en if en]
    given = list(names_en)
    out: list[str] = []
    for i, name in enumerate(names):
        english = department_en(name, TAIWAN) or (given[i] if i < len(given) else "")
        if english:
            out.append(qualified_department(english, TAIWAN).lower())
    return out
