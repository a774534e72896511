"""Canonical names of Chinese government bodies: lookup, English names, issuer lists.

The table ships as package data (``alucorpus/data/departments.tsv``: full
official name, official English name, ``|``-separated aliases) and is read once.
Every function here is pure and never raises on odd input: an unknown name is
returned cleaned but unchanged, so a caller can keep it and warn.

>>> canonical_department("发改委")
'国家发展和改革委员会'
>>> split_departments("工业和信息化部国家发展改革委、国 务 院")
['工业和信息化部', '国家发展和改革委员会', '国务院']
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .analysis import CJK_IDEOGRAPHS, has_cjk, to_simplified

__all__ = [
    "Department",
    "all_departments",
    "canonical_department",
    "department_en",
    "departments_at_end",
    "departments_in_signature",
    "is_department_like",
    "lookup_department",
    "split_departments",
]


@dataclass(frozen=True)
class Department:
    """One government body as the table lists it."""

    name: str  # full official name, Simplified
    name_en: str  # official English name
    aliases: tuple[str, ...]  # short forms, older spellings, English abbreviations


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
        rows.append(Department(name, name_en, tuple(a for a in aliases if a)))
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


def department_en(name: str) -> str:
    """Official English name of a body, or ``""`` when the body is unknown."""
    dep = lookup_department(name)
    return dep.name_en if dep is not None else ""


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
