"""LawRefBook Markdown: PRC laws, State Council regulations and ministry rules.

The layout (see ``法律法规模版.md`` in the LawRefBook repository)::

    # 中华人民共和国能源法

    2024年11月8日 第十四届全国人民代表大会常务委员会第十二次会议通过

    <!-- INFO END -->

    ## 第一章 总 则

    第一条 为了推动能源高质量发展，……

The header lines between the title and ``<!-- INFO END -->`` give the history of
the text (adopted, amended, promulgated by decree N, in force). Conventions
(``shared/NOTES.md``):

* ``issued`` is the date of the version the file holds: the latest
  通过/公布/发布/修正/修订 date of the header, not a 施行 date. LawRefBook names
  each file after that date (``能源法(2024-11-08).md``) and some headers stop
  before the latest amendment, so a later date in the file name wins.
* ``doc_number`` of a State Council decree is ``国务院令第N号``: the decree on the
  line of the version's date, else the latest number in the header.
* ``departments``: NPC Standing Committee or NPC for laws, 国务院 for State
  Council regulations, the ministry for 部门规章 (from the decree or the
  number's 机关代字, else the folder name), the courts for 司法解释.

Folder indexes (``_index.md``, front matter only) and the template are not
documents: :func:`parse` returns ``[]`` for them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePath

from ..analysis import CJK_IDEOGRAPHS
from ..departments import canonical_department, department_en, split_departments
from ..errors import ParseError
from ..records import Record, record_id
from . import ParseOptions, SourceText
from .fields import canonical_doc_number, doc_type_of, find_citations, find_doc_numbers

__all__ = ["FORMAT", "LawHeader", "law_paragraphs", "parse", "parse_header", "sniff"]

FORMAT = "markdown_law"

_INFO_END = "<!-- INFO END -->"
# The marker as LawRefBook writes it, on a line of its own: a text that only quotes it
# (the corpus MANIFEST.md describes the layout) is not a LawRefBook file.
_INFO_END_LINE = re.compile(r"^[ \t]*<!-- INFO END -->[ \t]*\r?$", re.MULTILINE)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*(?:\n|\Z)", re.DOTALL)
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_FILE_DATE = re.compile(r"\((\d{4})-(\d{2})-(\d{2})\)")
# A decree as the header writes it: 中华人民共和国国务院令第696号, 公安部令第127号,
# 国家市场监督管理总局令第46号, 食品药品监管局、海关总署第4号令.
_DECREE = re.compile(
    rf"(?:中华人民共和国)?(?P<issuer>[{CJK_IDEOGRAPHS}、]{{2,40}}?)"
    r"(?:令第(?P<n1>\d+)号|第(?P<n2>\d+)号令)"
)
# Joint issuers in a version note: "…国务院、中央军事委员会发布".
_JOINT_ISSUERS = re.compile(rf"((?:[{CJK_IDEOGRAPHS}]+、)+[{CJK_IDEOGRAPHS}]+?)发布")
_NPCSC = "全国人民代表大会常务委员会"
_NPC = "全国人民代表大会"
_NPC_SESSION = re.compile(
    r"第[一二三四五六七八九十]+届全国人民代表大会第[一二三四五六七八九十]+次会议"
)
_STATE_COUNCIL = re.compile(r"国务院(?:令|第.{1,6}次常务会议|常务会议|批准|发布)")
# Version events, the strongest first; 施行 is never one.
_EVENT = re.compile(r"修正|修订|修改|公布|发布|通过|批准")
_HEADING = re.compile(r"^(第[一二三四五六七八九十百零〇\d]+[编章节分])\s*(.*)$")
_WIDE = f"[\u3000-\u303f{CJK_IDEOGRAPHS}\uff00-\uffef]"
_HEADING_GAP = re.compile(rf" (?={_WIDE})|(?<={_WIDE}) ")
_ARTICLE = re.compile(r"^第[一二三四五六七八九十百零〇\d]+条")
_INDENT = " \t\u3000\u00a0"
# Title endings → doc_type, longest first (used when fields.doc_type_of knows none).
_TITLE_TYPES = (
    "实施细则",
    "细则",
    "条例",
    "办法",
    "规定",
    "规则",
    "规范",
    "决定",
    "通知",
    "命令",
    "解释",
    "意见",
    "规程",
    "法",
)


@dataclass(frozen=True)
class LawHeader:
    """What the header block says about the version a file holds."""

    lines: tuple[str, ...]  # header lines, continuation lines joined
    issued: str | None
    doc_number_raw: str | None
    doc_number: str | None
    decree_issuer: str | None  # "国家市场监督管理总局" for 国家市场监督管理总局令第46号


def sniff(path: str, text: str) -> bool:
    """A LawRefBook file: a ``# `` title and a ``<!-- INFO END -->`` line, or a folder index."""
    head = text[:20000]
    if _INFO_END_LINE.search(head) and re.search(r"^# \S", head, re.MULTILINE):
        return True
    # Folder indexes are part of the layout; claiming them keeps the plain-text
    # reader from turning their front matter into a record.
    return PurePath(path).name == "_index.md" and _FRONT_MATTER.match(text) is not None


def parse(doc: SourceText, options: ParseOptions) -> list[Record]:
    """Read one LawRefBook Markdown file as one record (``[]`` for indexes and the template)."""
    text = doc.text.replace("\ufeff", "").replace("\r\n", "\n")
    front = _FRONT_MATTER.match(text)
    if front and re.search(r"^book(?:Hidden|CollapseSection):\s*true", front.group(1), re.M):
        return []
    if _INFO_END not in text:
        raise ParseError(f"{doc.path}: no '{_INFO_END}' line; not a LawRefBook Markdown file")
    head, body = text.split(_INFO_END, 1)
    title, subtitle, raw_header = _split_head(head)
    if not title:
        raise ParseError(f"{doc.path}: no '# ' title line before '{_INFO_END}'")
    header = parse_header(raw_header, file_date=_file_date(doc.path))
    folder = _folder(doc.path)
    paragraphs = law_paragraphs(body)
    addressee = None
    if paragraphs and _is_addressee(paragraphs[0]):
        # Without the colon, as notice.split_notice gives it for every other format.
        addressee, paragraphs = paragraphs[0].rstrip("：: "), paragraphs[1:]
    if not paragraphs:
        raise ParseError(f"{doc.path}: no text after '{_INFO_END}'")
    departments = law_departments(title, header, folder)
    warnings = list(doc.warnings)
    try:
        cites = find_citations("\n".join(paragraphs), header.doc_number)
    except ParseError as error:
        cites = []
        warnings.append(f"citations: {error}")
    meta: list[tuple[str, str]] = []
    if subtitle:
        meta.append(("subtitle", subtitle))
    if header.lines:
        meta.append(("history", "\n".join(header.lines)))
    if folder:
        meta.append(("category", folder[0]))
    return [
        Record(
            id=record_id(doc.sha256),
            source=doc.path,
            format=FORMAT,
            lang="zh",
            sha256=doc.sha256,
            title=title,
            doc_number=header.doc_number,
            doc_number_raw=header.doc_number_raw,
            departments=tuple(departments),
            departments_en=tuple(department_en(name) for name in departments),
            issued=header.issued,
            doc_type=law_doc_type(title),
            addressee=addressee,
            paragraphs=tuple(paragraphs),
            cites=tuple(cites),
            warnings=tuple(dict.fromkeys(warnings)),
            meta=tuple(meta),
        )
    ]


def _split_head(head: str) -> tuple[str, str, list[str]]:
    """Title, subtitle and raw header lines of the part before ``<!-- INFO END -->``."""
    head = _COMMENT.sub("", _FRONT_MATTER.sub("", head, count=1))
    title = subtitle = ""
    lines: list[str] = []
    for raw in head.split("\n"):
        line = raw.strip(_INDENT)
        if not line:
            continue
        if line.startswith("# "):
            if not title:
                title = line[2:].strip()
            elif not subtitle:
                subtitle = line[2:].strip()
            continue
        lines.append(line)
    return title, subtitle, lines


def parse_header(lines: list[str], file_date: str | None = None) -> LawHeader:
    """Version date, decree number and history of a header block.

    >>> parse_header(["2005年7月9日 中华人民共和国国务院令第440号公布", "2005年9月1日 施行"]).issued
    '2005-07-09'
    """
    joined = _join_continuations(lines)
    dated: list[tuple[str, str]] = []  # (ISO date, line) of version events
    for line in joined:
        normal = line.translate(_FULLWIDTH_DIGITS)
        match = _DATE.search(normal)
        if match is None:
            continue
        rest = normal[match.end() :]
        if "施行" in rest and not _EVENT.search(rest):
            continue  # an entry-into-force date is never the version's date
        dated.append((_iso(match), normal))
    issued = max((date for date, _ in dated), default=None)
    if file_date and (issued is None or file_date > issued):
        issued = file_date
    numbered = [(date, line) for date, line in dated if _numbers_in(line)]
    undated = [line.translate(_FULLWIDTH_DIGITS) for line in joined if not _DATE.search(line)]
    version_line = next((line for date, line in numbered if date == issued), None)
    if version_line is None and numbered:
        version_line = max(numbered, key=lambda item: item[0])[1]
    if version_line is None:
        version_line = next((line for line in undated if _numbers_in(line)), None)
    raw = canonical = issuer = None
    if version_line is not None:
        raw, canonical, issuer = _numbers_in(version_line)[0]
    return LawHeader(tuple(joined), issued, raw, canonical, issuer)


def _join_continuations(lines: list[str]) -> list[str]:
    """Join a line without a date to the dated line above it.

    "1984年1月7日 国务院" + "中央军委发布" → "1984年1月7日 国务院、中央军委发布".

    A closing bracket left over from the source's "（根据…修订）" wrapping is dropped.
    """
    joined: list[str] = []
    for raw in lines:
        line = raw
        if line.endswith(("）", ")")) and "（" not in line and "(" not in line:
            line = line.rstrip("）)").strip(_INDENT)
        normal = line.translate(_FULLWIDTH_DIGITS)
        previous = joined[-1].translate(_FULLWIDTH_DIGITS) if joined else ""
        is_continuation = (
            previous
            and _DATE.search(previous)
            and not _DATE.search(normal)
            and not find_doc_numbers(normal)
        )
        if is_continuation:
            joined[-1] = (
                f"{joined[-1]}、{line}" if joined[-1].endswith("国务院") else joined[-1] + line
            )
        else:
            joined.append(line)
    return joined


def _numbers_in(line: str) -> list[tuple[str, str, str | None]]:
    """(raw, canonical, decree issuer) of each document number a header line names."""
    found: list[tuple[str, str, str | None]] = []
    for match in _DECREE.finditer(line):
        issuer = re.sub(r"^.*?(?:日|\s)", "", match.group("issuer")).strip("、 ")
        issuer = re.sub(r"^中华人民共和国", "", issuer)
        if not issuer or issuer.startswith("《"):
            continue
        raw = match.group(0)
        number = match.group("n1") or match.group("n2")
        if issuer == "国务院":
            canonical = f"国务院令第{number}号"
        else:
            try:
                canonical = canonical_doc_number(raw)
            except ParseError:
                canonical = f"{issuer}令第{number}号"
        found.append((raw, canonical, issuer))
    if not found:
        for number in find_doc_numbers(line):
            found.append((number.raw, number.canonical, None))
    return found


def law_departments(title: str, header: LawHeader, folder: tuple[str, ...]) -> list[str]:
    """Issuing bodies of a law, regulation, rule or judicial interpretation."""
    history = "\n".join(header.lines)
    latest = _latest_line(header)
    for line in (latest, history):
        if _NPCSC in line:
            return [_NPCSC]
        if _NPC_SESSION.search(line):
            return [_NPC]
    if folder and folder[0] == "部门规章":
        return _ministry(header, folder)
    if folder and folder[0] == "司法解释":
        head = title.split("关于", 1)[0]
        return [canonical_department(name) for name in split_departments(head)] if head else []
    if (folder and folder[0] == "行政法规") or _STATE_COUNCIL.search(history):
        issuer = header.decree_issuer or ""
        if "国务院" in issuer and "、" in issuer:  # 国务院、中央军事委员会令第54号
            return [canonical_department(name) for name in issuer.split("、") if name]
        joint = _JOINT_ISSUERS.search(history)
        if joint and "国务院" in joint.group(1):
            names = re.sub(r"^中华人民共和国", "", joint.group(1)).split("、")
            return [canonical_department(name) for name in names if name]
        return ["国务院"]
    return []


def _latest_line(header: LawHeader) -> str:
    """The header line of the version's date (or the last line)."""
    if header.issued:
        year, month, day = (int(part) for part in header.issued.split("-"))
        wanted = f"{year}年{month}月{day}日"
        for line in header.lines:
            if (
                line.translate(_FULLWIDTH_DIGITS)
                .replace("年0", "年")
                .replace("月0", "月")
                .startswith(wanted)
            ):
                return line
    return header.lines[-1] if header.lines else ""


def _ministry(header: LawHeader, folder: tuple[str, ...]) -> list[str]:
    """The ministry of a 部门规章: decree issuer, then the number's 机关代字, then the folder."""
    if header.decree_issuer and header.decree_issuer != "国务院":
        return [canonical_department(name) for name in split_departments(header.decree_issuer)]
    if header.doc_number:
        code = re.split(r"[〔\[［(（]", header.doc_number, maxsplit=1)[0]
        for candidate in (code, re.sub(r"[发函令字]$", "", code)):
            name = canonical_department(candidate)
            if name != candidate:
                return [name]
    return [canonical_department(folder[1])] if len(folder) > 1 else []


def law_doc_type(title: str) -> str | None:
    """Document type from a title: 中华人民共和国能源法 → 法, 乡镇煤矿管理条例 → 条例."""
    bare = re.sub(r"[（(][^（）()]*[）)]$", "", title).strip()
    found = doc_type_of(bare)
    if found:
        return found
    return next((kind for kind in _TITLE_TYPES if bare.endswith(kind)), None)


def law_paragraphs(body: str) -> list[str]:
    """Paragraphs of the body: headings without '#', one paragraph per line, indents removed."""
    paragraphs: list[str] = []
    for raw in _COMMENT.sub("", body).split("\n"):
        line = raw.strip(_INDENT)
        if not line or line == "---":
            continue
        if line.startswith("#"):
            line = _heading(line.lstrip("#").strip(_INDENT))
            if not line:
                continue
        paragraphs.append(line)
    return paragraphs


def _heading(text: str) -> str:
    """ "第一章 总 则" → "第一章 总则", "一、 制度 工作" → "一、制度工作".

    Letter-spacing inside a heading is layout, not text; the one space after a
    chapter or section number is kept.
    """
    text = re.sub(r"[ \t\u3000]+", " ", text).strip()
    match = _HEADING.match(text)
    if match and match.group(2):
        return f"{match.group(1)} {_HEADING_GAP.sub('', match.group(2))}"
    return _HEADING_GAP.sub("", text)


def _is_addressee(line: str) -> bool:
    """The 主送机关 line of a notice: "各省、自治区、直辖市劳动和社会保障厅（局）：".

    A preamble that ends with a colon ("为依法惩处…，现就…解释如下：") is not one:
    an addressee is a list of bodies without a comma or a sentence.
    """
    if not line.endswith(("：", ":")) or len(line) > 200 or _ARTICLE.match(line):
        return False
    if re.match(r"^(?:为|根据|依据|按照|经|现|本)", line):
        return False
    return line.startswith("各") or ("、" in line and "，" not in line and len(line) <= 100)


def _file_date(path: str) -> str | None:
    match = _FILE_DATE.search(PurePath(path).name)
    return f"{match.group(1)}-{match.group(2)}-{match.group(3)}" if match else None


def _folder(path: str) -> tuple[str, ...]:
    """Folders of the path from the first known LawRefBook category on."""
    parts = PurePath(path).parts[:-1]
    for index, part in enumerate(parts):
        if part in {
            "法律",
            "行政法规",
            "部门规章",
            "司法解释",
            "宪法",
            "宪法相关法",
            "民法典",
            "民法商法",
            "行政法",
            "经济法",
            "社会法",
            "刑法",
            "诉讼与非诉讼程序法",
            "地方性法规",
            "案例",
        }:
            return tuple(parts[index:])
    return ()


def _iso(match: re.Match[str]) -> str:
    return f"{int(match.group(1)):04d}-{int(match.group(2)):02d}-{int(match.group(3)):02d}"
