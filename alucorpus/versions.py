"""Version chains and status: which texts are versions of one law, and which are in force.

Versions of one law or regulation (same title and issuer, different version dates) form
one *chain*, oldest first. Each document gets a status, one of
:data:`alucorpus.records.STATUSES`:

* ``in_force``: the newest version of a chain of two or more; or a lone version that the
  evidence says is in force (LawRefBook's database lists it as not expired, or it is a
  Taiwan law without 廢止註記: that database holds only current law);
* ``superseded``: an older version of a chain; or a lone version of which a later one is
  known (LawRefBook's database lists a later version, or an amending decision of a later
  date cites it: 国务院关于修改《X》的决定);
* ``repealed``: evidence says the law is no longer in force: a repeal the citation graph
  found (本条例自…起施行，《X》同时废止), Taiwan's 廢止註記 = 廢, or LawRefBook's
  ``expired`` flag without a later version of the same name;
* ``unknown``: nothing says. A lone PRC notice, opinion or reply that no evidence names
  stays unknown: policy documents are often left to lapse without a word, and a date alone
  says nothing about whether one still applies.

Everything here is a pure function of the records and evidence passed in:
:func:`assign_versions` gives each document its status and chain, and
:func:`pick_version` says which version of a chain a citation names. The store, index and
search wire them in.

The chain key (:func:`chain_key`):

* PRC texts: the title normalised (NFKC, Simplified, no spaces, quotes or bracket
  variants, no leading 中华人民共和国, no trailing version note such as （2009年修正）) and
  the lead issuer (the NPC and its Standing Committee count as one: a law adopted by the
  one is amended by the other). Only laws, regulations and rules are versioned texts
  (:data:`VERSIONED_TYPES`); a notice, opinion, reply or decision is its own document, so
  two 国务院关于修改《…》的决定 of the same title are two decisions, not two versions.
* A PRC text whose issuer is unknown keys on its title alone, and joins the one chain of
  that title whose issuer is known (when there is exactly one).
* Taiwan texts key on their PCODE: the Laws & Regulations Database's own identity of a law
  across amendments (and renames). Taiwan and PRC texts never share a chain.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date as _date
from datetime import timedelta
from pathlib import PurePath
from typing import Protocol

from .analysis import title_key
from .errors import ParseError
from .ingest.fields import canonical_doc_number, parse_date
from .ingest.lawref_db import LawRow
from .records import Record, Version

__all__ = [
    "LAWREF_DATE_TOLERANCE_DAYS",
    "VERSIONED_TYPES",
    "Act",
    "StatusEvidence",
    "assign_versions",
    "chain_key",
    "evidence_status",
    "lawref_key",
    "number_dates",
    "pick_version",
    "version_date",
]

#: Document types whose texts are amended and reissued as versions of one text.
VERSIONED_TYPES = frozenset(
    "法 条例 规定 办法 细则 实施细则 规则 规程 规范 标准 准则 通则 税则 解释 章程 目录 清单".split()  # noqa: SIM905
)

#: A LawRefBook row matches a record whose version date is this close to its ``publish``
#: (a 成文 and a 公布 date of one decree can differ by a few days; two versions cannot).
LAWREF_DATE_TOLERANCE_DAYS = 10

_TAIWAN_FORMAT = "tw_moj"
_LAWREF_FORMAT = "markdown_law"
_PRC_PREFIX = "中华人民共和国"
# The NPC and its Standing Committee: one legislature for the chain key.
_LEGISLATURE = {"全国人民代表大会": "全国人大", "全国人民代表大会常务委员会": "全国人大"}
# Bracket variants title_key leaves (NFKC already turns （） into ()).
_BRACKETS = str.maketrans({"〔": "(", "〕": ")", "[": "(", "]": ")", "【": "(", "】": ")"})
# A trailing version note: (2009修正), (2009年修订), (2018年修正本), (93.03.05订定), (2019年版).
_VERSION_NOTE = re.compile(
    r"\((?:\d{2,4}年?|\d{2,4}[.\-/年]\d{1,2}[.\-/月]\d{1,2}日?)"
    r"(?:第[一二三四五六七八九十]+次)?"
    r"(?:修正本|修订本|修正|修订|修改|订定|制定|公布|发布|颁布|版|本)?\)$"
)
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_FILE_DATE = re.compile(r"\((\d{4}-\d{2}-\d{2})\)")
_YEAR_OR_DATE = re.compile(r"(\d{4})(?:\s*[-年./]\s*(\d{1,2})(?:\s*[-月./]\s*(\d{1,2}))?)?")
# A decision or amendment act: its amendment links are amendments made, not planned.
_AMENDING_TITLE = re.compile(r"(?:修改|修正|修订).*(?:决定|修正案)$")
# 《X》中关于…的规定同时废止, 《X》第五条废止: only part of X is repealed.
_PARTIAL_REPEAL = re.compile(
    r"》(?:[（(][^）)]{0,40}[）)])?(?:中|的)?(?:关于|有关|第[一二三四五六七八九十百零〇\d]+条)"
)
# 凡与《X》不一致的…停止执行: the conflicting rules stop, not X.
_CONFLICT = re.compile(r"不一致|相抵触|抵触|相悖|不符")


# -- chain keys and version dates -------------------------------------------------------------


def _normal_title(title: str) -> str:
    """Title for a chain key: title_key, 《》 and bracket variants and a version note gone."""
    key = title_key(title).translate(_BRACKETS)
    for _ in range(3):  # 《X》(2009修订) → X, X(试行)(2009修订) → X(试行)
        stripped = _VERSION_NOTE.sub("", key).strip("《》")
        if stripped == key:
            break
        key = stripped
    return key


def lawref_key(title: str) -> str:
    """A PRC title as LawRefBook's database names it: normalised, 中华人民共和国 left out.

    >>> lawref_key("中华人民共和国矿产资源法（2009年修正）")
    '矿产资源法'
    """
    key = _normal_title(title)
    # LawRefBook drops it inside a title too: 国际航行船舶进出口岸检查办法.
    return key.replace(_PRC_PREFIX, "") or key


def _issuer(record: Record) -> str | None:
    if not record.departments:
        return None
    lead = title_key(record.departments[0])
    return _LEGISLATURE.get(lead, lead) or None


def _is_taiwan(record: Record) -> bool:
    return record.format == _TAIWAN_FORMAT or record.jurisdiction == "taiwan"


def _chain_parts(record: Record) -> tuple[str, str, str | None] | None:
    """(family, title or PCODE, issuer) of a versioned text, ``None`` for any other."""
    if record.lang != "zh" or not record.title or record.doc_type not in VERSIONED_TYPES:
        return None
    if _is_taiwan(record):
        pcode = dict(record.meta).get("pcode")
        if pcode:
            return "tw", f"pcode:{pcode.upper()}", None
        return "tw", _normal_title(record.title), _issuer(record)
    title = lawref_key(record.title)
    return ("cn", title, _issuer(record)) if title else None


def chain_key(record: Record) -> str | None:
    """The key under which the versions of one law or regulation meet; ``None`` otherwise.

    ``cn|TITLE|ISSUER`` for a PRC text (``cn|TITLE`` when its issuer is unknown),
    ``tw|pcode:PCODE`` for a Taiwan one. Only :data:`VERSIONED_TYPES` are versioned, and
    only Chinese-language records (an English translation on its own is not a version).

    >>> chain_key(Record(id="x", source="a.md", format="markdown_law", lang="zh", sha256="",
    ...                  title="中华人民共和国矿产资源法", doc_type="法",
    ...                  departments=("全国人民代表大会常务委员会",)))
    'cn|矿产资源法|全国人大'
    """
    parts = _chain_parts(record)
    if parts is None:
        return None
    family, title, issuer = parts
    return f"{family}|{title}|{issuer}" if issuer else f"{family}|{title}"


def _yyyymmdd(value: str) -> str | None:
    match = re.fullmatch(r"(\d{4})(\d{2})(\d{2})", value.strip())
    return f"{match.group(1)}-{match.group(2)}-{match.group(3)}" if match else None


def version_date(record: Record) -> str | None:
    """The date that orders versions, ``YYYY-MM-DD``.

    LawRefBook: ``issued`` (the version's date: its latest amendment); Taiwan: 最新異動日期
    (the last change of the text), else ``issued``; any other: ``issued``, else ``published``.
    """
    if _is_taiwan(record):
        changed = _yyyymmdd(dict(record.meta).get("最新異動日期", ""))
        if changed:
            return changed
    if record.format == _LAWREF_FORMAT:
        return record.issued
    return record.issued or record.published


def _lawref_file_date(record: Record) -> str | None:
    """The date in a LawRefBook file name, ``矿产资源法(2009-08-27).md``: the database's key."""
    if record.format != _LAWREF_FORMAT:
        return None
    match = _FILE_DATE.search(PurePath(record.source.split("#", 1)[0]).name)
    return match.group(1) if match else None


# -- evidence -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Act:
    """A repeal or an amendment of a document, as the citation graph found it."""

    source: str  # id of the repealing or amending document
    date: str | None  # its date
    context: str = ""  # the sentence that says so


class RelationLink(Protocol):
    """What status needs of a citation link (alucorpus.citations.Link, which sits above)."""

    @property
    def source(self) -> str: ...
    @property
    def relation(self) -> str: ...
    @property
    def context(self) -> str: ...
    @property
    def targets(self) -> tuple[str, ...]: ...
    @property
    def attachment(self) -> int | None: ...
    @property
    def source_title(self) -> str: ...
    @property
    def source_date(self) -> str | None: ...


@dataclass(frozen=True)
class StatusEvidence:
    """What is known about documents' status besides their version chains.

    ``lawref``: LawRefBook database rows by :func:`lawref_key` of their name, oldest first.
    ``repeals`` and ``amendments``: record id → the acts that repeal or amend it. Taiwan's
    廢止註記 is read from each record's ``meta`` (the tw_moj reader keeps it there).
    """

    lawref: Mapping[str, tuple[LawRow, ...]] = field(default_factory=dict)
    repeals: Mapping[str, tuple[Act, ...]] = field(default_factory=dict)
    amendments: Mapping[str, tuple[Act, ...]] = field(default_factory=dict)

    @classmethod
    def build(
        cls, lawref_rows: Iterable[LawRow] = (), links: Iterable[RelationLink] = ()
    ) -> StatusEvidence:
        """Evidence from LawRefBook rows and from citation links (``build_graph(...).links``).

        Of the links, only those that resolve to corpus records count:

        * ``repeal``: except a partial repeal (《X》中关于…的规定同时废止) and the rules that
          stop because they conflict with another (凡与《X》不一致的，停止执行);
        * ``amendment``: only from an amending act, a document whose title says it amends
          (国务院关于修改《X》的决定, …修正案): elsewhere 修订 mostly plans an amendment
          (抓紧修订《X》) that may never come.
        """
        lawref: dict[str, list[LawRow]] = defaultdict(list)
        for row in lawref_rows:
            key = lawref_key(row.name)
            if key:
                lawref[key].append(row)
        repeals: dict[str, list[Act]] = defaultdict(list)
        amendments: dict[str, list[Act]] = defaultdict(list)
        for link in links:
            if not link.targets or link.attachment is not None:
                continue
            act = Act(link.source, link.source_date, link.context)
            if link.relation == "repeal":
                if _PARTIAL_REPEAL.search(link.context) or _CONFLICT.search(link.context):
                    continue
                bucket = repeals
            elif link.relation == "amendment" and _AMENDING_TITLE.search(
                title_key(link.source_title)
            ):
                bucket = amendments
            else:
                continue
            for target in link.targets:
                if act not in bucket[target]:
                    bucket[target].append(act)
        return cls(
            {k: tuple(sorted(v, key=lambda r: r.publish or "")) for k, v in lawref.items()},
            {k: tuple(v) for k, v in repeals.items()},
            {k: tuple(v) for k, v in amendments.items()},
        )


def _days(a: str, b: str) -> int | None:
    try:
        return abs((_date.fromisoformat(a) - _date.fromisoformat(b)).days)
    except ValueError:
        return None


def _lawref_status(record: Record, rows: Sequence[LawRow]) -> tuple[str, str] | None:
    """(status, reason) from LawRefBook rows of the record's name, or ``None``."""
    when = version_date(record)
    candidates = [d for d in (_lawref_file_date(record), when) if d]
    if not candidates:
        if rows and all(row.expired for row in rows):
            return "repealed", "LawRefBook: every version of the name has expired"
        return None
    matched: LawRow | None = None
    best: int | None = None
    for row in rows:
        if not row.publish:
            continue
        gap = min((g for d in candidates if (g := _days(row.publish, d)) is not None), default=None)
        if gap is not None and gap <= LAWREF_DATE_TOLERANCE_DAYS and (best is None or gap < best):
            matched, best = row, gap
    own = matched.publish if matched and matched.publish else max(candidates)
    limit = (_date.fromisoformat(own) + timedelta(days=LAWREF_DATE_TOLERANCE_DAYS)).isoformat()
    later = [row for row in rows if row is not matched and row.publish and row.publish > limit]
    if later:
        return "superseded", f"LawRefBook: a later version dated {later[-1].publish}"
    if matched is None:
        return None  # the database knows only older versions: it says nothing of this one
    if matched.expired:
        return "repealed", f"LawRefBook: {matched.name} ({matched.publish}) expired"
    return "in_force", f"LawRefBook: {matched.name} ({matched.publish}) not expired"


_RANK = {"repealed": 3, "superseded": 2, "in_force": 1}


def evidence_status(
    record: Record, evidence: StatusEvidence, *, ignore: Iterable[str] = ()
) -> tuple[str | None, list[str]]:
    """The status the evidence gives one record on its own, and why (``None``: no evidence).

    Repealed beats superseded beats in force: the later news wins (a text amended, then
    repealed, is repealed). Acts by the records in ``ignore`` (other versions of its own
    chain, whose order already says it) do not count; nor does a repeal dated before the
    record's own version date, nor an amendment not after it.
    """
    skip = set(ignore)
    when = version_date(record)
    found: list[tuple[str, str]] = []
    if _is_taiwan(record):
        mark = dict(record.meta).get("廢止註記", "")
        if "廢" in mark or "废" in mark:
            found.append(("repealed", "Taiwan: 廢止註記 廢"))
        elif record.format == _TAIWAN_FORMAT:
            found.append(("in_force", "Taiwan: current database text, no 廢止註記"))
    else:
        rows = evidence.lawref.get(lawref_key(record.title)) if record.title else None
        if rows:
            lawref = _lawref_status(record, rows)
            if lawref:
                found.append(lawref)
    for act in evidence.repeals.get(record.id, ()):
        if act.source in skip or (act.date and when and act.date < when):
            continue
        found.append(("repealed", f"repealed by {act.source} ({act.date}): {act.context}"))
    for act in evidence.amendments.get(record.id, ()):
        if act.source in skip or not (act.date and when and act.date > when):
            continue
        found.append(("superseded", f"amended by {act.source} ({act.date}): {act.context}"))
    if not found:
        return None, []
    status = max((s for s, _ in found), key=_RANK.__getitem__)
    return status, [reason for _, reason in found]


# -- chains -------------------------------------------------------------------------------------


def _combined(
    records: Sequence[Record], evidence: StatusEvidence, ignore: Iterable[str]
) -> str | None:
    """The strongest evidence status over the copies of one version."""
    ignored = list(ignore)
    statuses = [evidence_status(r, evidence, ignore=ignored)[0] for r in records]
    known = [s for s in statuses if s is not None]
    return max(known, key=_RANK.__getitem__) if known else None


def _group_chains(documents: Sequence[Record]) -> list[list[Record]]:
    """Dated versioned documents grouped by chain; an issuer-less title joins the one
    chain of that title whose issuer is known."""
    groups: dict[tuple[str, str, str | None], list[Record]] = defaultdict(list)
    for record in documents:
        parts = _chain_parts(record)
        if parts is not None and version_date(record):
            groups[parts].append(record)
    by_title: dict[tuple[str, str], list[tuple[str, str, str | None]]] = defaultdict(list)
    for parts in groups:
        if parts[2] is not None:
            by_title[(parts[0], parts[1])].append(parts)
    for parts in [p for p in groups if p[2] is None]:
        known = by_title.get((parts[0], parts[1]), [])
        if len(known) == 1:
            groups[known[0]].extend(groups.pop(parts))
    return list(groups.values())


def _representative(copies: Sequence[Record]) -> Record:
    """The copy that stands for a version in other documents' chains."""
    return min(copies, key=lambda r: (r.format not in (_LAWREF_FORMAT, _TAIWAN_FORMAT), r.id))


def assign_versions(
    documents: Iterable[Record], evidence: StatusEvidence | None = None
) -> dict[str, tuple[str, tuple[Version, ...]]]:
    """Document id → (status, version chain oldest first) for every document given.

    * A chain of two or more version dates: the newest is ``in_force`` unless evidence says
      it is repealed (or that a later version exists outside the corpus: superseded);
      every older one is ``superseded``.
    * A lone version, or a document that is not a versioned text: the status the evidence
      gives (:func:`evidence_status`), else ``unknown``.

    Copies of one version (same chain, same date: duplicates not yet merged) share its
    status; in another document's chain the version is named by one of them. Its own chain
    names the document itself. A versioned text has at least itself as its chain (one
    without a date cannot be placed among others: it stands alone, undated); a document
    that is not a versioned text (a notice, a decision) has an empty one.
    """
    evidence = evidence or StatusEvidence()
    docs = list({r.id: r for r in documents}.values())
    result: dict[str, tuple[str, tuple[Version, ...]]] = {}
    for chain in _group_chains(docs):
        by_date: dict[str, list[Record]] = defaultdict(list)
        for record in chain:
            by_date[version_date(record) or ""].append(record)
        dates = sorted(by_date)
        members = [r.id for r in chain]
        status_of: dict[str, str] = {}
        for when in dates:
            combined = _combined(by_date[when], evidence, members)
            if len(dates) == 1:
                status_of[when] = combined or "unknown"
            elif when != dates[-1]:
                status_of[when] = "superseded"
            else:
                status_of[when] = combined if combined in ("repealed", "superseded") else "in_force"
        standing = {when: _representative(by_date[when]).id for when in dates}
        for record in chain:
            own = version_date(record) or ""
            versions = tuple(
                Version(record.id if when == own else standing[when], when, status_of[when])
                for when in dates
            )
            result[record.id] = (status_of[own], versions)
    for record in docs:
        if record.id in result:
            continue
        status = evidence_status(record, evidence)[0] or "unknown"
        alone: tuple[Version, ...] = ()
        if _chain_parts(record) is not None:  # a versioned text without a date
            alone = (Version(record.id, None, status),)
        result[record.id] = (status, alone)
    return result


# -- citations to a version ---------------------------------------------------------------------


def _canonical(number: str) -> str:
    try:
        return canonical_doc_number(number)
    except ParseError:
        return number.strip()


def number_dates(records: Iterable[Record]) -> dict[str, str]:
    """Canonical document number → the date of the version it promulgated.

    From LawRefBook header lines (``2005年7月9日 中华人民共和国国务院令第440号公布``: the
    history of every version names each decree with its date) and, for other formats, a
    record's own number and version date. A LawRefBook record's ``doc_number`` is not used:
    it can be an earlier version's decree (the 2023 工业产品生产许可证管理条例 carries 440).
    The earliest date wins when sources differ.
    """
    from .ingest.markdown_law import parse_header

    found: dict[str, str] = {}

    def note(number: str | None, when: str | None) -> None:
        if number and when:
            key = _canonical(number)
            if key not in found or when < found[key]:
                found[key] = when

    for record in records:
        if record.format == _LAWREF_FORMAT:
            history = dict(record.meta).get("history", "")
            for line in history.split("\n"):
                header = parse_header([line]) if line.strip() else None
                if header is not None:
                    note(header.doc_number, header.issued)
        elif record.doc_number and _chain_parts(record) is not None:
            note(record.doc_number, version_date(record))
    return found


def _bounds(named: str) -> tuple[str, str] | None:
    """First and last day a written date or year names: 2005 → 2005-01-01 … 2005-12-31."""
    try:
        day = parse_date(named)  # 2005年7月9日, 二〇〇五年七月九日, 2005-07-09, ROC dates
        return day, day
    except ParseError:
        pass
    match = _YEAR_OR_DATE.search(named.translate(_FULLWIDTH_DIGITS))
    if match is None:
        return None
    year, month, day = match.group(1), match.group(2), match.group(3)
    if month and day:
        text = f"{year}-{int(month):02d}-{int(day):02d}"
        return text, text
    if month:
        return f"{year}-{int(month):02d}-01", f"{year}-{int(month):02d}-31"
    return f"{year}-01-01", f"{year}-12-31"


def _as_of(dated: Sequence[Version], last_day: str) -> Version | None:
    """The version in force on ``last_day``: the latest dated on or before it."""
    before = [v for v in dated if v.date and v.date <= last_day]
    return before[-1] if before else None


def pick_version(
    versions: Sequence[Version],
    number: str | None = None,
    date: str | None = None,
    *,
    at: str | None = None,
    numbers: Mapping[str, str] | None = None,
) -> str:
    """The id of the version a citation names.

    Args:
        versions: the chain (as :func:`assign_versions` gives it).
        number: the document number the citation gives (国务院令第440号): with ``numbers``
            (:func:`number_dates`), it names the version that decree promulgated, or the one
            in force when it was issued.
        date: a date or year the citation gives (2005年, 2005年7月9日, 2005-07-09): the
            version of that date or year, else the one in force then.
        at: the citing document's date: without a number or date that says which, the
            version in force on that day; when it predates the whole chain, the oldest.
        numbers: canonical number → date, from :func:`number_dates`.

    Without any of these, the newest version.

    Raises:
        ValueError: ``versions`` is empty.
    """
    if not versions:
        raise ValueError("pick_version: no versions")
    dated = sorted((v for v in versions if v.date), key=lambda v: v.date or "")
    if not dated:
        return versions[-1].id
    if number and numbers:
        when = numbers.get(_canonical(number)) or numbers.get(number)
        pick = _as_of(dated, when) if when else None
        if pick is not None:
            return pick.id
    bounds = _bounds(date) if date else None
    if bounds is not None:
        first, last = bounds
        within = [v for v in dated if v.date and first <= v.date <= last]
        pick = within[-1] if within else _as_of(dated, last)
        if pick is not None:
            return pick.id
    if at:
        pick = _as_of(dated, at)
        return pick.id if pick is not None else dated[0].id
    return dated[-1].id
