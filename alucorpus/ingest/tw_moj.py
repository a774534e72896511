"""Taiwan Laws & Regulations Database JSON (law.moj.gov.tw open data).

One JSON object per law, as split by ``kong0107/mojLawSplitJSON``: the Chinese
file (``法規名稱``, ``法規內容`` with ``第 N 條``) and the English file
(``英文法規名稱``, ``法規內容`` with ``Article N``) share the PCODE, which is both
the file name and the ``pcode=`` of ``法規網址``. :func:`merge_pairs` joins the
two sides into one bilingual record.

Decisions:

* ``issued`` is the date of the latest numbered 沿革 entry (its first ROC date:
  the promulgation of the version the file holds); ``最新異動日期`` is the
  fallback. Text appended to an entry after its own date (a later 行政院 公告
  that moves competent authorities) is not a new version.
* ``departments``: for 命令 (regulations) the agencies whose 令 the latest entry
  names, in Simplified script (行政院環境保護署 → 行政院环境保护署). For 法律
  (statutes) the entry names only the President's promulgation decree; the
  Legislative Yuan that passed the law is not named, so departments stay empty.
* Titles and text keep their Traditional script; ``script`` says so.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import PurePath
from typing import Any

from ..analysis import CJK_IDEOGRAPHS, to_simplified
from ..departments import canonical_department, department_en
from ..errors import ParseError
from ..records import Record, record_id
from . import ParseOptions, SourceText
from .fields import parse_date
from .plaintext import json_error

__all__ = [
    "FORMAT",
    "history_entries",
    "law_paragraphs",
    "merge_pairs",
    "pair_key",
    "parse",
    "pcode_of",
    "sniff",
    "tw_doc_type",
]

FORMAT = "tw_moj"

_PCODE = re.compile(r"pcode=([A-Za-z0-9]+)", re.IGNORECASE)
_ENTRY_START = re.compile(r"(?:^|\n)\s*\d{1,3}\s*\.\s*")
_ROC_DATE = re.compile(
    r"中華民國[一二三四五六七八九十百零〇○]+年[一二三四五六七八九十]+月[一二三四五六七八九十]+日"
)
# An agency's 令 in a 沿革 entry: "經濟部經標字第 10804602220 號令",
# "行政院環境保護署環署空字第…號令".
_AGENCY = re.compile(
    rf"(?P<agency>行政院(?:[{CJK_IDEOGRAPHS}]{{1,8}}?(?:部|署|委員會|局))?"
    rf"|[{CJK_IDEOGRAPHS}]{{1,10}}?(?:部|署|委員會|院|局))"
    rf"(?P<prefix>[{CJK_IDEOGRAPHS}]{{1,6}})字第"
)
# Traditional title endings → Simplified doc_type, longest first.
_TITLE_TYPES = (
    ("施行細則", "细则"),
    ("細則", "细则"),
    ("條例", "条例"),
    ("辦法", "办法"),
    ("標準", "标准"),
    ("準則", "准则"),
    ("規則", "规则"),
    ("規程", "规程"),
    ("規定", "规定"),
    ("通則", "通则"),
    ("稅則", "税则"),
    ("綱要", "纲要"),
    ("法", "法"),
)
# "第 一 章 總則" → "第一章 總則": the spacing inside a heading number is layout.
_HEADING_NUMBER = re.compile(r"第\s*([一二三四五六七八九十百零〇]+)\s*([編章節款目])")
_WS_NEWLINE = re.compile(r"[ \t\u3000]*\r?\n[ \t\u3000]*")


def sniff(path: str, text: str) -> bool:
    """A JSON object with 法規名稱 or 英文法規名稱, and 法規內容."""
    head = text.lstrip("\ufeff \t\r\n")
    if not head.startswith("{") or "法規內容" not in text:
        return False
    return '"法規名稱"' in text or '"英文法規名稱"' in text


def parse(doc: SourceText, options: ParseOptions) -> list[Record]:
    """Read one law (Chinese or English side) as one record."""
    data = _load(doc)
    if "法規名稱" in data:
        return [_chinese(doc, data)]
    return [_english(doc, data)]


def _load(doc: SourceText) -> dict[str, Any]:
    try:
        data = json.loads(doc.text.lstrip("\ufeff"))
    except json.JSONDecodeError as error:
        raise ParseError(f"{doc.path}: not valid JSON ({json_error(error)})") from error
    if not isinstance(data, dict) or not isinstance(data.get("法規內容"), list):
        raise ParseError(f"{doc.path}: not a Laws & Regulations Database law (no 法規內容 list)")
    if not (data.get("法規名稱") or data.get("英文法規名稱")):
        raise ParseError(f"{doc.path}: no 法規名稱 or 英文法規名稱")
    return data


def _chinese(doc: SourceText, data: dict[str, Any]) -> Record:
    title = _text(data.get("法規名稱"))
    history = _text(data.get("沿革內容"))
    entries = history_entries(history)
    warnings = list(doc.warnings)
    issued = _issued(entries, _text(data.get("最新異動日期")), warnings)
    nature = _text(data.get("法規性質"))
    departments = _agencies(entries[-1]) if entries and nature != "法律" else []
    paragraphs = law_paragraphs(data["法規內容"])
    preface = _text(data.get("前言"))
    if preface:
        paragraphs.insert(0, preface)
    if not paragraphs:
        warnings.append("no articles (法規內容 is empty)")
    meta = _meta(data, doc.path, history)
    return Record(
        id=record_id(doc.sha256),
        source=doc.path,
        format=FORMAT,
        lang="zh",
        sha256=doc.sha256,
        title=title,
        title_en=_text(data.get("英文法規名稱")),
        departments=tuple(departments),
        departments_en=tuple(department_en(name) for name in departments),
        issued=issued,
        doc_type=tw_doc_type(title),
        paragraphs=tuple(paragraphs),
        url=_text(data.get("法規網址")) or None,
        script="traditional",
        warnings=tuple(dict.fromkeys(warnings)),
        meta=meta,
    )


def _english(doc: SourceText, data: dict[str, Any]) -> Record:
    title = _text(data.get("英文法規名稱"))
    paragraphs = law_paragraphs(data["法規內容"])
    meta = _meta(data, doc.path, _text(data.get("沿革內容")))
    updated = _text(data.get("最新英文異動日期"))
    return Record(
        id=record_id(doc.sha256),
        source=doc.path,
        format=FORMAT,
        lang="en",
        sha256=doc.sha256,
        title=title,
        title_en=title,
        issued=_yyyymmdd(updated),
        doc_type=tw_doc_type(_text(data.get("中文法規名稱"))),
        paragraphs=tuple(paragraphs),
        url=_text(data.get("法規網址")) or None,
        warnings=tuple(doc.warnings),
        meta=(*meta, ("title_zh", _text(data.get("中文法規名稱")))),
    )


def _meta(data: dict[str, Any], path: str, history: str) -> tuple[tuple[str, str], ...]:
    meta = [("pcode", pcode_of(data, path))]
    for key in ("法規類別", "法規性質", "最新異動日期", "最新英文異動日期", "廢止註記", "生效日期"):
        value = _text(data.get(key))
        if value:
            meta.append((key, value))
    if history:
        meta.append(("history", history))
    return tuple(meta)


def pcode_of(data: dict[str, Any], path: str) -> str:
    """The PCODE of a law: from ``法規網址`` (``?pcode=J0020001``), else the file name."""
    match = _PCODE.search(_text(data.get("法規網址")))
    return match.group(1).upper() if match else PurePath(path).stem.upper()


def _text(value: object) -> str:
    """A JSON string with CRLF normalised and outer space stripped ("" for anything else)."""
    if not isinstance(value, str):
        return ""
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


def law_paragraphs(items: list[Any]) -> list[str]:
    """Paragraphs of ``法規內容``: 編章節 headings, and "第 N 條 text" / "Article N text".

    Line breaks inside an article (its 項 and 款) are kept as separate paragraphs
    after the first, which carries the article number.
    """
    paragraphs: list[str] = []
    for item in items:
        if not isinstance(item, dict):
            continue
        heading = _text(item.get("編章節"))
        if heading:
            paragraphs.append(_HEADING_NUMBER.sub(r"第\1\2", re.sub(r"\s+", " ", heading)))
            continue
        number = _text(item.get("條號"))
        lines = [line.strip() for line in _text(item.get("條文內容")).split("\n") if line.strip()]
        if number and lines:
            paragraphs.append(f"{number} {lines[0]}")
            paragraphs.extend(lines[1:])
        elif number:
            paragraphs.append(number)
        else:
            paragraphs.extend(lines)
    return paragraphs


def history_entries(history: str) -> list[str]:
    """The numbered entries of ``沿革內容``, each on one line (wrapped lines joined)."""
    text = history.replace("\r\n", "\n")
    starts = [match.end() for match in _ENTRY_START.finditer(text)]
    if not starts:
        return [_WS_NEWLINE.sub("", text).strip()] if text.strip() else []
    bounds = [match.start() for match in _ENTRY_START.finditer(text)][1:]
    bounds.append(len(text))
    return [
        _WS_NEWLINE.sub("", text[start:end]).strip()
        for start, end in zip(starts, bounds, strict=True)
    ]


def _issued(entries: list[str], updated: str, warnings: list[str]) -> str | None:
    """Date of the latest 沿革 entry; ``最新異動日期`` (YYYYMMDD) when it has none."""
    if entries:
        match = _ROC_DATE.search(entries[-1])
        if match:
            try:
                return parse_date(match.group(0))
            except ParseError as error:
                warnings.append(f"沿革 date: {error}")
    fallback = _yyyymmdd(updated)
    if fallback is None and updated:
        warnings.append(f"最新異動日期 {updated!r} is not YYYYMMDD")
    return fallback


def _yyyymmdd(value: str) -> str | None:
    match = re.fullmatch(r"(\d{4})(\d{2})(\d{2})", value)
    return f"{match.group(1)}-{match.group(2)}-{match.group(3)}" if match else None


def _agencies(entry: str) -> list[str]:
    """Agencies whose 令 a 沿革 entry names, in Simplified script, in order."""
    date = _ROC_DATE.search(entry)
    if date is None:
        return []
    # Only the entry's own act: text after a second ROC date is a later 公告.
    end = _ROC_DATE.search(entry, date.end())
    own = entry[date.end() : end.start() if end else len(entry)]
    names: list[str] = []
    for match in _AGENCY.finditer(own):
        if match.start() and own[match.start() - 1] not in "、，, ":
            continue
        name = canonical_department(to_simplified(match.group("agency")))
        if name not in names:
            names.append(name)
    return names


def tw_doc_type(title: str) -> str | None:
    """Simplified doc_type from a Traditional title: 礦業法 → 法, 再生能源發展條例 → 条例."""
    bare = re.sub(r"[（(][^（）()]*[）)]$", "", title).strip()
    return next((kind for ending, kind in _TITLE_TYPES if bare.endswith(ending)), None)


def pair_key(record: Record) -> str | None:
    """The key the Chinese and English records of one law share (its PCODE), if any.

    >>> pair_key(Record(id="x", source="J0020001.json", format=FORMAT, lang="en", sha256="",
    ...                 title="Mining Act", meta=(("pcode", "J0020001"),)))
    'pcode:J0020001'
    """
    if record.format != FORMAT:
        return None
    pcode = dict(record.meta).get("pcode")
    return f"pcode:{pcode}" if pcode else None


def merge_pairs(records: list[Record]) -> list[Record]:
    """Join the Chinese and English records of one PCODE into one bilingual record.

    The merged record has the Chinese fields, ``paragraphs_en`` and ``title_en``
    from the English side, ``sha256`` = SHA-256 of the two hashes joined
    (Chinese first) and its id from that; ``source`` stays the Chinese path and
    the English path goes to meta ``source_en``. It takes the place of the
    Chinese record; the English record is dropped. Other records pass through
    unchanged, in order.
    """
    chinese: dict[str, int] = {}
    english: dict[str, int] = {}
    for index, record in enumerate(records):
        key = pair_key(record)
        if key is None:
            continue
        side = chinese if record.lang == "zh" else english
        side.setdefault(key, index)
    pairs = {chinese[code]: english[code] for code in chinese if code in english}
    consumed = set(pairs.values())
    merged: list[Record] = []
    for index, record in enumerate(records):
        if index in consumed:
            continue
        if index in pairs:
            merged.append(_merge(record, records[pairs[index]]))
        else:
            merged.append(record)
    return merged


def _merge(zh: Record, en: Record) -> Record:
    sha = hashlib.sha256((zh.sha256 + en.sha256).encode("ascii")).hexdigest()
    en_meta = dict(en.meta)
    meta = [*zh.meta, ("source_en", en.source)]
    if "最新英文異動日期" in en_meta:
        meta.append(("最新英文異動日期", en_meta["最新英文異動日期"]))
    return zh.with_changes(
        id=record_id(sha),
        sha256=sha,
        title_en=en.title or zh.title_en,
        paragraphs_en=en.paragraphs,
        warnings=tuple(dict.fromkeys((*zh.warnings, *en.warnings))),
        meta=tuple(meta),
    )
