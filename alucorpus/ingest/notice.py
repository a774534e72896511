"""The structure of an official notice (GB/T 9704): title, number, addressee, body, signature, date.

Every ingester that sees the body of a notice ends up here: :func:`split_notice`
takes paragraphs in reading order and says which of them are the title, the
发文字号, the 主送机关, the body proper, the signature block, the 成文日期 and the
attachments. :func:`unflatten` first restores paragraphs for texts whose line
breaks were lost (the GCCMPD ``Policy_Content`` column runs title, number,
addressee, body, signature and date together).

Example::

    >>> parts = split_notice(
    ...     ["关于某事的通知", "国发〔1991〕5号", "各省：", "正文。", "国务院", "1991年1月15日"]
    ... )
    >>> parts.doc_number, parts.signatories, parts.signed
    ('国发〔1991〕5号', ('国务院',), '1991-01-15')
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from ..analysis import CJK_IDEOGRAPHS
from ..departments import departments_at_end, departments_in_signature, lookup_department
from ..errors import ParseError
from ..records import Attachment
from .fields import (
    DocNumberMatch,
    clean_title,
    find_dates,
    find_doc_numbers,
    leading_doc_number,
    parse_date,
)

__all__ = ["NoticeParts", "detect_lang", "split_notice", "unflatten"]

_SPACE = re.compile(r"[\s\u3000\u00a0]+")
_CJK = re.compile(f"[{CJK_IDEOGRAPHS}]")
_LATIN = re.compile(r"[A-Za-z]")
# Private-use characters are web-extraction debris (gov.cn pages leave U+E003/U+E004
# where their icon fonts were), never text.
_PRIVATE = re.compile(r"[\ue000-\uf8ff]")
# Nested title quotes are written 〈〉 inside 《》 but 《》 when the title stands alone.
_FOLD = str.maketrans("〈〉", "《》")
# A State Council decree is signed by the premier: "总　理　 温家宝".
_PREMIER = re.compile(rf"(?:中华人民共和国)?(?:国务院)?总理([{CJK_IDEOGRAPHS}]{{2,3}})$")
_PREMIER_ISSUER = "国务院"

# Publication notes printed after the date: （此件公开发布）, （本文有删减）, (此件有删减) ...
_NOTE = re.compile(r"^[（(](?:此件|本件|本文|此文|有删减)[^（()）]{0,20}[）)]")
# A 附件 list line: "附件：1. xxx 2. yyy", "附件1：xxx", "附件: xxx".
_ATTACH_LIST = re.compile(r"^附\s*件\s*(?:\d{1,2})?\s*[：:]\s*(?P<rest>.*)$")
# A bare 附件 marker in front of attachment text: "附件", "附件2", "附件：".
_ATTACH_MARK = re.compile(r"^附\s*件\s*(?:\d{1,2})?\s*[：:]?$")
_LIST_ITEM = re.compile(r"^\s*\d{1,2}\s*[.．、]\s*")
_ITEM_SPLIT = re.compile(r"(?:^|(?<=\s)|(?<=[；;。]))\d{1,2}\s*[.．、]\s*")
_QUOTED = re.compile(r"《([^《》]{2,120})》")
# Verbs that make a notice carry another document (印发/转发/批转 notices).
_CARRY = re.compile(r"印发|转发|批转|颁发|发布")
_SENTENCE_END = "。；！？!?;"
_CLOSERS = "”」』）)】"
# Where a run of department names may begin a signature in flattened text.
_SIG_BEFORE = _SENTENCE_END + _CLOSERS + "：:"
_ORG_SUFFIX = re.compile(
    r"(?:部|委|局|院|政府|厅|署|行|会|总公司|公司|机构|单位|办公室|办|司|处|兵团|部门|海关)$"
)
# Headings that start a paragraph when they follow the end of a sentence or a colon.
_HEADING = re.compile(
    r"(?:[一二三四五六七八九十]{1,3}、"
    r"|[（(][一二三四五六七八九十]{1,3}[）)]"
    r"|第[一二三四五六七八九十百零〇]{1,4}[章节条]"
    r"|(?<!\d)\d{1,2}[.．、](?!\d)"
    r"|附件[：:])"
)


@dataclass(frozen=True)
class NoticeParts:
    """The parts of an official notice, as found by :func:`split_notice`."""

    title: str
    doc_number_raw: str | None
    doc_number: str | None
    addressee: str | None
    body: tuple[str, ...]  # after title/number/addressee, up to the signature block
    signatories: tuple[str, ...]  # canonical department names from the signature block
    signed: str | None  # 成文日期 (ISO); for joint documents the last date
    attachments: tuple[Attachment, ...]
    notes: tuple[str, ...] = ()  # （此件公开发布）, （本文有删减）: printed notes, not body


def detect_lang(text: str) -> str:
    """Return ``"zh"`` or ``"en"``: the language of most of ``text``.

    A Chinese character carries about as much as an English word of ~5 letters,
    so a text is Chinese when CJK characters are at least a fifth of the letters.

    >>> detect_lang("国务院关于印发的通知"), detect_lang("Comments are closed.")
    ('zh', 'en')
    """
    cjk = len(_CJK.findall(text))
    latin = len(_LATIN.findall(text))
    if cjk == 0:
        return "en"
    return "zh" if cjk * 5 >= cjk + latin else "en"


def _squeeze(text: str) -> str:
    """Text without any whitespace (letter-spaced names like ``国 务 院`` become words)."""
    return _SPACE.sub("", text)


def _fold(text: str) -> str:
    """Comparison key of a title: no whitespace, full-width folded (（→(), 〈〉 as 《》."""
    return unicodedata.normalize("NFKC", _squeeze(text)).translate(_FOLD)


def _number_line(line: str) -> DocNumberMatch | None:
    """The document number when ``line`` is nothing but a number (brackets allowed)."""
    core = _squeeze(line).strip("()（）")
    if not core or len(core) > 40:
        return None
    for candidate in (line, core):
        for match in find_doc_numbers(candidate):
            if len(_squeeze(match.raw)) >= len(core) - 1:
                return match
    return None


def _date_only(text: str) -> str | None:
    """ISO date when ``text`` is a date and nothing else."""
    core = _squeeze(text).strip("()（）")
    if not core or len(core) > 24:
        return None
    dates = find_dates(core)
    if len(dates) == 1 and dates[0][1] == 0 and dates[0][2] >= len(core) - 1:
        return dates[0][0]
    if not dates and core.endswith("日"):
        try:
            return parse_date(core)
        except ParseError:
            return None
    return None


def _signature_names(line: str) -> list[str]:
    """Canonical department names when ``line`` is a signature line, else []."""
    if len(line) > 120 or any(ch in line for ch in "。，,；：:"):
        return []
    names = departments_in_signature([line])
    if not names and _SPACE.search(line):
        names = departments_in_signature([_squeeze(line)])
    if not names and _PREMIER.fullmatch(_squeeze(line)):
        # The issuer of a decree signed by the premier is the State Council (NOTES.md).
        names = [_PREMIER_ISSUER]
    return list(names)


def _signature_and_date(line: str) -> tuple[list[str], str] | None:
    """``(names, iso)`` when ``line`` is a date, or signature names followed by a date."""
    iso = _date_only(line)
    if iso is not None:
        return [], iso
    core = _squeeze(line)
    if len(core) > 120:
        return None
    dates = find_dates(core)
    if not dates:
        return None
    iso, start, end = dates[-1]
    if end < len(core) - 1 or start == 0:
        return None
    names = _signature_names(core[:start])
    return (names, iso) if names else None


def _is_note(line: str) -> bool:
    return bool(_NOTE.match(line.strip()))


def _looks_like_title(line: str) -> bool:
    """A short line without sentence punctuation at its end."""
    text = line.strip()
    return 0 < len(text) <= 100 and text[-1] not in "。；：:，,！？!?" and "。" not in text


def _is_addressee(line: str) -> bool:
    """主送机关 line: a list of bodies ending with a colon (not "现通知如下：")."""
    text = line.strip()
    if not text or text[-1] not in "：:" or len(text) > 400:
        return False
    head = text[:-1].strip()
    if not head or any(ch in head for ch in "。；！？《》") or "如下" in head:
        return False
    return bool(
        head.startswith("各")
        or "、" in head
        or "，" in head
        or "," in head
        or lookup_department(head) is not None
        or _ORG_SUFFIX.search(head)
    )


def _take_title(lines: list[str], title_hint: str | None) -> tuple[str, int]:
    """The title and how many leading lines it spans (0 when the lines do not repeat it)."""
    if title_hint:
        key = _fold(title_hint)
        joined = ""
        for count, line in enumerate(lines[:4], start=1):
            joined += _fold(line)
            if joined == key:
                return clean_title(lines[:count]), count
            if not key.startswith(joined):
                break
    # Without a usable hint, the title is whatever precedes the number line.
    for index, line in enumerate(lines[:4]):
        if _number_line(line) is not None:
            if index == 0:
                break
            if all(_looks_like_title(x) for x in lines[:index]):
                title = clean_title(lines[:index])
                return (clean_title(title_hint) if title_hint else title), index
            break
    if title_hint:
        return clean_title(title_hint), 0
    if (
        lines
        and _looks_like_title(lines[0])
        and not _is_addressee(lines[0])
        and _number_line(lines[0]) is None
        and _signature_and_date(lines[0]) is None
    ):
        return clean_title(lines[0]), 1
    return "", 0


def _list_titles(rest: str) -> list[str]:
    """Titles in one 附件 list line: "1. xxx 2. yyy" → [xxx, yyy]; "xxx" → [xxx]."""
    items = [x.strip(" ；;，,。") for x in _ITEM_SPLIT.split(rest)]
    return [x for x in items if x]


def _take_attachment_list(body: list[str]) -> tuple[list[str], list[str]]:
    """Split the 附件 list off the body: (body without it, attachment titles)."""
    for index in range(1, len(body)):
        match = _ATTACH_LIST.match(body[index])
        if match is None:
            continue
        titles = _list_titles(match.group("rest"))
        end = index + 1
        while end < len(body) and _LIST_ITEM.match(body[end]) and len(body[end]) <= 100:
            titles.extend(_list_titles(body[end]))
            end += 1
        return body[:index] + body[end:], titles
    return body, []


def _carried_title(title: str, body: Sequence[str]) -> str | None:
    """The 《…》 document a 印发/转发/批转 notice carries, or None."""
    if not _CARRY.search(title):
        return None
    quoted = _QUOTED.findall(title)
    if quoted:
        return quoted[-1]
    for paragraph in body[:3]:
        if _CARRY.search(paragraph) or "同意" in paragraph:
            quoted = _QUOTED.findall(paragraph)
            if quoted:
                return quoted[0]
    return None


def _same_title(line: str, title: str) -> bool:
    return _fold(line).strip("《》") == _fold(title).strip("《》")


def _attachments(tail: list[str], listed: list[str], carried: str | None) -> tuple[Attachment, ...]:
    """Attachments from the titles the notice names and the text after its signature."""
    found: list[tuple[str, list[str]]] = []
    current: list[str] | None = None
    expect_title = False
    pending = list(listed)
    for line in tail:
        if _ATTACH_MARK.match(line):
            expect_title = True
            continue
        listed_match = next((t for t in pending if _same_title(line, t)), None)
        if expect_title or listed_match is not None:
            title = listed_match or line
            if listed_match is not None:
                pending.remove(listed_match)
            current = []
            found.append((clean_title(title), current))
            expect_title = False
            continue
        if current is None:
            if pending:
                title = pending.pop(0)
                current = [] if _same_title(line, title) else [line]
            elif carried is not None:
                title = carried
                current = [] if _same_title(line, carried) else [line]
            elif _looks_like_title(line):
                title, current = line, []
            else:
                title, current = "", [line]
            found.append((clean_title(title) if title else "", current))
            continue
        current.append(line)
    seen = {_squeeze(t) for t, _ in found}
    for title in pending:
        if _squeeze(title) not in seen:
            found.append((title, []))
    if carried is not None and not found:
        found.append((carried, []))
    return tuple(Attachment(title, tuple(paras)) for title, paras in found)


def _find_signature(lines: list[str], start: int) -> tuple[int, int, list[str], str] | None:
    """``(block_start, block_end, names, signed)`` of the signature block, or None.

    The block is the first date line preceded by signature lines (or carrying the
    names itself); joint documents may repeat names and dates, and the last date counts.
    """
    fallback: tuple[int, int, list[str], str] | None = None
    for index in range(start, len(lines)):
        found = _signature_and_date(lines[index])
        if found is None:
            continue
        names, iso = found
        first = index
        while first > start and _signature_names(lines[first - 1]):
            first -= 1
        names = [n for line in lines[first:index] for n in _signature_names(line)] + names
        if not names:
            # A bare date closes the notice only when nothing but notes/attachments follow.
            rest = lines[index + 1 :]
            if fallback is None and (
                not rest or _is_note(rest[0]) or _ATTACH_MARK.match(rest[0]) is not None
            ):
                fallback = (index, index + 1, [], iso)
            continue
        end = index + 1
        # Joint documents: further names and dates directly under the first.
        while end < len(lines):
            more = end
            extra: list[str] = []
            while more < len(lines) and _signature_names(lines[more]):
                extra.extend(_signature_names(lines[more]))
                more += 1
            again = _signature_and_date(lines[more]) if more < len(lines) else None
            if again is None:
                break
            names = names + extra + again[0]
            iso = again[1]
            end = more + 1
        return first, end, _dedupe(names), iso
    return fallback


def _dedupe(names: list[str]) -> list[str]:
    return list(dict.fromkeys(names))


def split_notice(paragraphs: Sequence[str], title_hint: str | None = None) -> NoticeParts:
    """Split the paragraphs of an official notice into its parts.

    Args:
        paragraphs: the notice in reading order, possibly starting with the title
            (over 1–3 lines), then the number, addressee, body, 附件 list,
            signature block, date, notes and attachment text.
        title_hint: the title when the source gives it separately (it is then
            used to recognise the title lines, and as the title when the
            paragraphs do not repeat it).

    Returns:
        A :class:`NoticeParts`; the body holds none of the title, number,
        addressee, signature or date.
    """
    lines = [_PRIVATE.sub("", p).strip() for p in paragraphs]
    lines = [line for line in lines if line]
    title, index = _take_title(lines, title_hint)
    number = _number_line(lines[index]) if index < len(lines) else None
    if number is not None:
        index += 1
    addressee = None
    if index < len(lines) and _is_addressee(lines[index]):
        addressee = lines[index].rstrip("：: ").strip()
        index += 1
    signature = _find_signature(lines, index)
    notes: list[str] = []
    if signature is None:
        body, tail = lines[index:], []
        while body and _is_note(body[-1]):
            notes.insert(0, body.pop())
        names: list[str] = []
        signed = None
    else:
        first, end, names, signed = signature
        body, tail = lines[index:first], lines[end:]
        while tail and _is_note(tail[0]):
            notes.append(tail.pop(0))
        kept = [line for line in tail if not _is_note(line)]
        notes.extend(line for line in tail if _is_note(line))
        tail = kept
    body, listed = _take_attachment_list(body)
    carried = _carried_title(title, body)
    attachments = _attachments(tail, listed, carried)
    canonical = None
    if number is not None:
        canonical = number.canonical
    return NoticeParts(
        title=title,
        doc_number_raw=number.raw if number is not None else None,
        doc_number=canonical,
        addressee=addressee,
        body=tuple(body),
        signatories=tuple(names),
        signed=signed,
        attachments=attachments,
        notes=tuple(notes),
    )


# ---------------------------------------------------------------------------
# Flattened text


class _Squeezed:
    """Text without whitespace, with a map back to offsets in the original."""

    def __init__(self, text: str) -> None:
        self.text = text
        keep = [i for i, ch in enumerate(text) if not _SPACE.match(ch)]
        self.sq = "".join(text[i] for i in keep)
        self.offsets = [*keep, len(text)]

    def orig(self, index: int) -> int:
        """Offset in the original text of squeezed offset ``index``."""
        return self.offsets[min(index, len(self.offsets) - 1)]


def _title_end(text: str, title_hint: str | None) -> int:
    """Offset where the title ends in flattened text (0 when no title is found)."""
    if title_hint:
        key = _fold(title_hint)
        t = 0
        h = 0
        while h < len(key) and t < len(text):
            if _SPACE.match(text[t]):
                t += 1
            elif _fold(text[t]) == key[h]:
                t += 1
                h += 1
            else:
                break
        if h == len(key):
            # The text's title may run longer than the hint: extend to the number.
            number = leading_doc_number(text)
            if number is not None and t <= number.start <= t + 60:
                return number.start
            return t
    number = leading_doc_number(text)
    if number is not None and 0 < number.start <= 200:
        return number.start
    return 0


def _number_at(text: str, pos: int) -> DocNumberMatch | None:
    """The document number starting at ``pos`` (whitespace allowed), or None."""
    number = leading_doc_number(text)
    if number is not None and pos <= number.start and not text[pos : number.start].strip():
        return number
    window = text[pos : pos + 60]
    for match in find_doc_numbers(window):
        if not window[: match.start].strip():
            return DocNumberMatch(match.raw, match.canonical, pos + match.start, pos + match.end)
        break
    return None


def _addressee_end(text: str, pos: int, limit: int = 200) -> int:
    """Offset after the addressee's colon when one starts at ``pos``, else ``pos``."""
    window = text[pos : pos + limit + 1]
    colon = min((i for i in (window.find("："), window.find(":")) if i >= 0), default=-1)
    if colon <= 0:
        return pos
    return pos + colon + 1 if _is_addressee(window[: colon + 1]) else pos


def _find_flat_signature(text: str, pos: int) -> tuple[int, list[str], int, int] | None:
    """``(names_start, names, date_start, date_end)`` of the signature in flattened text.

    A signature is a run of department names directly before a full date, at a
    sentence boundary (or just before the end, a note or a 附件 marker). The first
    one after ``pos`` is the notice's own; later ones belong to forwarded reports.
    """
    squeezed = _Squeezed(text)
    sq = squeezed.sq
    for iso, start, end in find_dates(sq):
        if squeezed.orig(start) < pos or not iso:
            continue
        names, run_start = departments_at_end(sq[:start])
        premier = _PREMIER.search(sq[max(0, start - 14) : start])
        if not names and premier is not None:
            names = [f"总理 {premier.group(1)}"]
            run_start = start - len(premier.group(0))
        if not names or squeezed.orig(run_start) < pos:
            continue
        after = sq[end : end + 4]
        boundary = (
            run_start == 0 or sq[run_start - 1] in _SIG_BEFORE or not after or after[0] in "（(附"
        )
        # A name in the middle of a sentence ("要按国务院一九八〇年…批转的") is no signature.
        if not boundary:
            continue
        return squeezed.orig(run_start), list(names), squeezed.orig(start), squeezed.orig(end)
    return None


def _split_body(text: str) -> list[str]:
    """Paragraphs of flattened body text: cut before numbered headings after a sentence end."""
    text = text.strip()
    if not text:
        return []
    cuts = [0]
    for match in _HEADING.finditer(text):
        start = match.start()
        if start == 0:
            continue
        before = text[:start].rstrip()
        if before and before[-1] in _SENTENCE_END + "：:" + "”":
            cuts.append(start)
    cuts.append(len(text))
    parts = [text[a:b].strip() for a, b in itertools.pairwise(cuts)]
    return [p for p in parts if p]


def _split_tail(text: str, known: list[str]) -> list[str]:
    """Paragraphs after the date: notes, then attachment markers, titles and text."""
    out: list[str] = []
    rest = text.strip()
    while rest:
        note = _NOTE.match(rest)
        if note is None:
            break
        out.append(note.group(0))
        rest = rest[note.end() :].strip()
    if not rest:
        return out
    marker = re.match(r"附\s*件\s*\d{0,2}\s*[：:]?", rest)
    if marker is not None:
        out.append("附件")
        rest = rest[marker.end() :].strip()
    for title in known:
        key = _fold(title).strip("《》")
        if _fold(rest).startswith(key):
            cut = _Squeezed(rest).orig(len(key))
            out.append(rest[:cut].strip())
            rest = rest[cut:].strip()
            break
    # A forwarded report's subtitle "（国土资源部 二○○一年十月十日）" and its own addressee.
    subtitle = re.match(r"[（(][^（()）]{2,40}[）)]", rest)
    if subtitle is not None and find_dates(_squeeze(subtitle.group(0))):
        out.append(subtitle.group(0))
        rest = rest[subtitle.end() :].strip()
    addressee_end = _addressee_end(rest, 0, limit=60)
    if addressee_end:
        out.append(rest[:addressee_end].strip())
        rest = rest[addressee_end:].strip()
    signature = _find_flat_signature(rest, 0)
    if signature is not None and not rest[signature[3] :].strip():
        names_start, names, date_start, date_end = signature
        out.extend(_split_body(rest[:names_start]))
        out.extend(names)
        out.append(rest[date_start:date_end].strip())
        return out
    out.extend(_split_body(rest))
    return out


def _known_titles(body: str, title: str) -> list[str]:
    """Titles the notice names that may open the attachment text (附件 list, 《…》)."""
    titles: list[str] = []
    for match in re.finditer(r"附\s*件\s*\d{0,2}\s*[：:]", body):
        segment = body[match.end() : match.end() + 120]
        segment = re.split(r"[。；]|附\s*件", segment)[0]
        titles.extend(_list_titles(segment))
    titles.extend(_QUOTED.findall(title))
    titles.extend(_QUOTED.findall(body[:400]))
    # Longest first, so that a title is not cut at a shorter one it starts with.
    return sorted(dict.fromkeys(t for t in titles if t), key=len, reverse=True)


def unflatten(text: str, title_hint: str | None = None) -> list[str]:
    """Restore paragraphs of a notice whose line breaks were lost.

    The flattened form looks like
    ``TITLE国发〔1991〕5号ADDRESSEE：BODY…国务院一九九一年一月十五日ATTACHMENT…``.

    Args:
        text: the flattened text.
        title_hint: the title as the source gives it separately (a table column);
            without it the title is what precedes the leading document number.

    Returns:
        Paragraphs in the layout :func:`split_notice` reads: title, number,
        addressee, body paragraphs, one line per signatory, the date, notes and
        attachment text.
    """
    text = _PRIVATE.sub("", text.replace("\ufeff", "")).strip()
    if not text:
        return []
    out: list[str] = []
    pos = _title_end(text, title_hint)
    if pos:
        out.append(text[:pos].strip())
    number = _number_at(text, pos)
    if number is not None:
        out.append(number.raw.strip())
        pos = number.end
    end = _addressee_end(text, pos)
    if end > pos:
        out.append(text[pos:end].strip())
        pos = end
    signature = _find_flat_signature(text, pos)
    if signature is None:
        out.extend(_split_body(text[pos:]))
        return out
    names_start, names, date_start, date_end = signature
    body = text[pos:names_start]
    out.extend(_split_body(body))
    out.extend(names)
    out.append(text[date_start:date_end].strip())
    out.extend(_split_tail(text[date_end:], _known_titles(body, out[0] if pos else "")))
    return out
