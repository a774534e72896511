"""The citation graph: which documents cite, implement, amend or issue which.

Links are read from a record's title, body and attachments:

* cited document numbers (国发〔2009〕14号, whatever brackets the text uses), found
  by :func:`alucorpus.ingest.fields.find_doc_numbers`;
* 《titles》 of other documents; a number right after a title (《…》（国发〔2016〕7号）)
  belongs to it and makes one link. Aliases (以下简称《公司法》) resolve to the full
  title, and generic self-references (本《通知》) are skipped;
* the attachment that a 印发/转发/批转 notice carries (``issues``).

Each link gets the relation its sentence states, nearest keyword first (a keyword
before the citation wins a tie). Keywords inside a cited title (the 印发 of
《国务院关于印发…的通知》) do not count:

============== ==================================================
relation       keywords
============== ==================================================
basis          根据, 依据, 依照, 按照
implementation 贯彻, 落实, 执行
repeal         废止, 替代, 代替, 停止执行, 失效 (also after: 《X》同时废止)
amendment      修订, 修正, 修改 (also after)
issues         印发, 转发, 批转 (also after; the notice → the document it carries)
cites          none of these in the sentence
============== ==================================================

A link is resolved to corpus records by canonical document number, else by title:
exact after normalisation (NFKC, Simplified, no spaces or quotes), then — for a title
cited without its issuer (《关于…的通知》) or a law without 中华人民共和国 — the one
corpus title that ends with it. A title that names one of the citing record's own
attachments resolves to that attachment. Anything else stays an external node, named
by its number or title.

>>> [(l.relation, l.number) for l in corpus.cites("f4a87909")]  # doctest: +SKIP
[('implementation', '国发〔2009〕14号'), ('implementation', '国发〔2009〕38号')]
"""

from __future__ import annotations

import csv
import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .analysis import title_key
from .errors import AlucorpusError
from .ingest.fields import find_doc_numbers
from .records import Record, Version

RELATIONS = ("basis", "implementation", "repeal", "amendment", "issues", "cites")
GRAPH_FORMATS = ("graphml", "csv")
#: Columns of the edge list (``alucorpus graph --format csv``), in order.
EDGE_COLUMNS = (
    "source",
    "source_number",
    "source_title",
    "source_date",
    "target",
    "kind",
    "relation",
    "number",
    "title",
    "field",
    "paragraph",
    "context",
)

# Longer keywords first: at one position the regex takes the first alternative, so
# 停止执行 is a repeal, not an 执行.
_KEYWORDS = {
    "停止执行": "repeal",
    "同时废止": "repeal",
    "废止": "repeal",
    "替代": "repeal",
    "代替": "repeal",
    "失效": "repeal",
    "修订": "amendment",
    "修正": "amendment",
    "修改": "amendment",
    "根据": "basis",
    "依据": "basis",
    "依照": "basis",
    "按照": "basis",
    "贯彻": "implementation",
    "落实": "implementation",
    "执行": "implementation",
    "印发": "issues",
    "转发": "issues",
    "批转": "issues",
}
# Relations a keyword *after* the citation can state: 《X》同时废止, 《X》…现转发给你们.
# 根据/落实 after a citation govern another object (《方案》由你委根据本批复…).
_AFTER_RELATIONS = frozenset({"repeal", "amendment", "issues"})
_KEYWORD_RE = re.compile("|".join(sorted(_KEYWORDS, key=len, reverse=True)))
_TITLE_RE = re.compile(r"《([^《》\n]{2,120})》")
_SENTENCE_END = "。；;！？!?\n"
_ISSUING_TITLE_RE = re.compile(r"印发|转发|批转")
# 《…》 that name the citing document itself or a kind of document, not another one.
_GENERIC_TITLES = frozenset(
    "通知 意见 决定 办法 规定 条例 规划 方案 纲要 细则 批复 报告 请示 函 公告 通告 决议 "  # noqa: SIM905 - one line beats forty
    "命令 指示 规则 实施方案 实施意见 实施细则 暂行规定 暂行办法 若干意见 若干规定 本通知 本办法 "
    "本意见 本决定 本条例 本规定 本方案".split()
)
_ALIAS_BEFORE_RE = re.compile(r"(?:以下)?简称$")
_CONTEXT_CHARS = 80


@dataclass(frozen=True)
class Link:
    """One citation from a record to another document.

    ``targets`` are the corpus records it resolves to (a number can be shared by
    duplicate records): empty for an external document. ``attachment`` is set when
    the link points to one of the citing record's own attachments (1-based).
    """

    source: str  # id of the citing record
    relation: str  # one of RELATIONS
    number: str | None  # canonical document number cited, if any
    title: str | None  # cited title, without 《》, if any
    field: str  # where: "title", "paragraphs", "attachments"
    paragraph: int  # 1-based within field (0 for the title)
    context: str  # the sentence, clipped
    targets: tuple[str, ...] = ()
    attachment: int | None = None
    source_number: str | None = None  # the citing record's number, title and date,
    source_title: str = ""  # so a list of links reads without the records at hand
    source_date: str | None = None

    @property
    def target(self) -> str | None:
        """The corpus record this link resolves to (the first, when several share a number)."""
        return self.targets[0] if self.targets else None

    @property
    def kind(self) -> str:
        """ "document" (resolved), "attachment" (of the citing record) or "external"."""
        if self.attachment is not None:
            return "attachment"
        return "document" if self.targets else "external"

    @property
    def node(self) -> str:
        """The graph node it points to: a record id, ``ID#attachment=N`` or ``ext:NAME``."""
        if self.attachment is not None:
            return f"{self.source}#attachment={self.attachment}"
        if self.targets:
            return self.targets[0]
        return f"ext:{self.number or self.title}"

    def to_dict(self) -> dict[str, Any]:
        """Plain values (a CSV or DataFrame row)."""
        return {
            "source": self.source,
            "source_number": self.source_number,
            "source_title": self.source_title,
            "source_date": self.source_date,
            "target": self.node,
            "kind": self.kind,
            "relation": self.relation,
            "number": self.number,
            "title": self.title,
            "field": self.field,
            "paragraph": self.paragraph,
            "context": self.context,
        }


# -- title keys -----------------------------------------------------------------------------------


# -- extraction -----------------------------------------------------------------------------------


@dataclass
class _Mention:
    start: int
    end: int
    number: str | None = None
    title: str | None = None


def _mask(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """The text with the given spans blanked out (keywords inside a cited title don't count)."""
    chars = list(text)
    for start, end in spans:
        chars[start:end] = "□" * (end - start)
    return "".join(chars)


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    """Bounds of the sentence around ``text[start:end]``."""
    left = max((text.rfind(ch, 0, start) for ch in _SENTENCE_END), default=-1) + 1
    rights = [i for ch in _SENTENCE_END if (i := text.find(ch, end)) >= 0]
    return left, min(rights) + 1 if rights else len(text)


def relation_near(
    text: str,
    start: int,
    end: int,
    masked: str | None = None,
    others: Iterable[int] = (),
) -> str:
    """The relation stated in the sentence around ``text[start:end]`` ("cites" if none).

    The nearest keyword wins; one before the citation wins a tie. After the citation
    only repeal, amendment and issues keywords count (《X》同时废止), and only when no
    other citation (``others``: their start offsets) follows the keyword in its clause:
    in 《A》和国务院批转《B》 the 批转 is B's.

    >>> relation_near("认真落实《有色金属产业调整和振兴规划》", 4, 20)
    'implementation'
    """
    masked = masked if masked is not None else text
    left, right = _sentence(text, start, end)
    best: tuple[int, int, str] | None = None
    for m in _KEYWORD_RE.finditer(masked, left, right):
        if m.end() <= start:
            candidate = (start - m.end(), 0, _KEYWORDS[m.group()])
        elif m.start() >= end and _KEYWORDS[m.group()] in _AFTER_RELATIONS:
            clause_end = min(
                (i for ch in "，,。；;" if (i := text.find(ch, m.end(), right)) >= 0),
                default=right,
            )
            if any(m.end() <= other < clause_end for other in others):
                continue
            candidate = (m.start() - end, 1, _KEYWORDS[m.group()])
        else:
            continue
        if best is None or candidate < best:
            best = candidate
    return best[2] if best else "cites"


def _mentions(text: str, own_number: str | None, aliases: dict[str, str]) -> list[_Mention]:
    """Titles and numbers cited in one paragraph, a number right after a title joined to it."""
    mentions: list[_Mention] = []
    for m in _TITLE_RE.finditer(text):
        title = m.group(1).strip()
        before = text[: m.start()].rstrip()
        if _ALIAS_BEFORE_RE.search(before) and mentions and mentions[-1].title:
            aliases[title_key(title)] = mentions[-1].title  # 以下简称《公司法》
            continue
        title = aliases.get(title_key(title), title)
        if title_key(title) in _GENERIC_TITLES or len(title_key(title)) < 3:
            continue
        mentions.append(_Mention(m.start(), m.end(), title=title))
    numbers = [n for n in find_doc_numbers(text) if n.canonical != own_number]
    for number in numbers:
        owner = next(
            (
                t
                for t in mentions
                if t.title
                and t.number is None
                and t.end <= number.start
                and re.fullmatch(r"\s*[（(]\s*", text[t.end : number.start])
            ),
            None,
        )
        if owner is not None:
            owner.number = number.canonical
            owner.end = max(owner.end, number.end)
            continue
        if any(t.start <= number.start < t.end for t in mentions):
            continue  # a number quoted inside a cited title
        mentions.append(_Mention(number.start, number.end, number=number.canonical))
    mentions.sort(key=lambda x: x.start)
    return mentions


def _runs(text: str, mentions: list[_Mention]) -> list[tuple[int, int]]:
    """For each mention, the span of the list it stands in (《A》、《B》和《C》): the
    keyword before a list applies to every item of it."""
    spans = [(m.start, m.end) for m in mentions]
    run_start = [s for s, _ in spans]
    run_end = [e for _, e in spans]
    for i in range(1, len(spans)):
        gap = text[spans[i - 1][1] : spans[i][0]]
        if re.fullmatch(r"[\s、，,和及与以及或）)文件]*", gap):
            run_start[i] = run_start[i - 1]
    for i in range(len(spans) - 2, -1, -1):
        gap = text[spans[i][1] : spans[i + 1][0]]
        if re.fullmatch(r"[\s、，,和及与以及或）)文件]*", gap):
            run_end[i] = run_end[i + 1]
    return list(zip(run_start, run_end, strict=True))


def _clip(text: str, start: int, end: int) -> str:
    left, right = _sentence(text, start, end)
    sentence = text[left:right].strip()
    if len(sentence) <= _CONTEXT_CHARS:
        return sentence
    offset = max(0, start - left - 20)
    cut = sentence[offset : offset + _CONTEXT_CHARS]
    return ("…" if offset else "") + cut + ("…" if offset + _CONTEXT_CHARS < len(sentence) else "")


def _segments(record: Record) -> Iterator[tuple[str, int, str]]:
    """(field, 1-based paragraph, text): body paragraphs, then attachments flattened."""
    for number, text in enumerate(record.paragraphs, 1):
        yield "paragraphs", number, text
    flat = [p for a in record.attachments for p in (a.title, *a.paragraphs)]
    for number, text in enumerate(flat, 1):
        yield "attachments", number, text


def extract_links(record: Record) -> list[Link]:
    """The citations of one record, unresolved, one link per cited document.

    When a document is cited more than once, the first mention with a relation other
    than "cites" gives the link its relation, and a number and a title seen for the
    same document are merged.
    """
    own = record.doc_number
    aliases: dict[str, str] = {}
    links: list[Link] = []
    if record.title and _ISSUING_TITLE_RE.search(record.title):
        # 关于印发《X》的通知 issues X; a 转发 notice without 《》 issues its attachments.
        titled = [m.group(1).strip() for m in _TITLE_RE.finditer(record.title)]
        for title in titled or [a.title for a in record.attachments if a.title]:
            links.append(Link(record.id, "issues", None, title, "title", 0, record.title))
    for field_name, paragraph, text in _segments(record):
        mentions = _mentions(text, own, aliases)
        if not mentions:
            continue
        masked = _mask(text, [(m.start, m.end) for m in mentions])
        for mention, (run_start, run_end) in zip(mentions, _runs(text, mentions), strict=True):
            others = [m.start for m in mentions if m is not mention]
            relation = relation_near(text, run_start, run_end, masked, others)
            links.append(
                Link(
                    record.id,
                    relation,
                    mention.number,
                    mention.title,
                    field_name,
                    paragraph,
                    _clip(text, mention.start, mention.end),
                )
            )
    return [
        replace(
            link,
            source_number=record.doc_number,
            source_title=record.title,
            source_date=record.issued or record.published,
        )
        for link in _merge(links)
    ]


def _merge(links: list[Link]) -> list[Link]:
    """One link per cited document: merged by number, then by title."""
    merged: list[Link] = []
    by_number: dict[str, int] = {}
    by_title: dict[str, int] = {}
    for link in links:
        key_t = title_key(link.title) if link.title else None
        index = by_number.get(link.number) if link.number else None
        if index is None and key_t is not None:
            index = by_title.get(key_t)
            if (
                index is not None
                and link.number
                and merged[index].number not in (None, link.number)
            ):
                index = None  # same title, another number: another document (or version)
        if index is None:
            by_number.update({link.number: len(merged)} if link.number else {})
            by_title.update({key_t: len(merged)} if key_t else {})
            merged.append(link)
            continue
        old = merged[index]
        new = replace(old, number=old.number or link.number, title=old.title or link.title)
        if old.relation == "cites" and link.relation != "cites":
            # The mention that states the relation is the one worth showing.
            new = replace(
                new,
                relation=link.relation,
                field=link.field,
                paragraph=link.paragraph,
                context=link.context,
            )
        merged[index] = new
        if link.number:
            by_number[link.number] = index
        if key_t:
            by_title[key_t] = index
    return merged


# -- resolution -----------------------------------------------------------------------------------


@dataclass
class Resolver:
    """Finds the corpus records a cited number or title names."""

    by_number: dict[str, list[str]] = field(default_factory=dict)
    by_title: dict[str, list[str]] = field(default_factory=dict)
    # Each versioned document's chain, and decree number → the date of the version it
    # promulgated: a citation of a law with several versions names one of them.
    chains: dict[str, tuple[Version, ...]] = field(default_factory=dict)
    numbers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_records(cls, records: Iterable[Record]) -> Resolver:
        """Index records by canonical number and title key (in id order, for stable output)."""
        from .versions import number_dates

        records = list(records)
        by_number: dict[str, list[str]] = defaultdict(list)
        by_title: dict[str, list[str]] = defaultdict(list)
        for record in sorted(records, key=lambda r: (r.issued or "9999", r.source, r.id)):
            if record.doc_number:
                by_number[record.doc_number].append(record.id)
            if record.title:
                by_title[title_key(record.title)].append(record.id)
        chains = {r.id: r.versions for r in records if len(r.versions) > 1}
        numbers = number_dates(r for r in records if r.id in chains)
        return cls(dict(by_number), dict(by_title), chains, numbers)

    def one_version(self, targets: list[str], link: Link) -> list[str]:
        """Of several versions of one law, the one the citation names (see pick_version).

        Its number or the citing document's date decides; targets that are not all
        versions of one chain are left as they are.
        """
        from .versions import pick_version

        if len(targets) < 2 or any(t not in self.chains for t in targets):
            return targets
        chain = self.chains[targets[0]]
        members = {v.id for v in chain}
        if not all(t in members for t in targets):
            return targets
        return [pick_version(chain, link.number, at=link.source_date, numbers=self.numbers)]

    def find_title(self, title: str) -> list[str]:
        """Records whose title is ``title``: exactly, else the one title ending with it."""
        key = title_key(title)
        if key in self.by_title:
            return list(self.by_title[key])
        if key.startswith("关于") or not key.startswith("中华人民共和国"):
            # Cited without its issuer (《关于…的通知》) or a law without its prefix.
            suffix = key if key.startswith("关于") else None
            candidates = [
                k
                for k in self.by_title
                if (suffix and k.endswith(suffix)) or k == "中华人民共和国" + key
            ]
            if len(candidates) == 1:
                return list(self.by_title[candidates[0]])
        return []

    def resolve(self, link: Link, record: Record | None = None) -> Link:
        """The link with its targets (or the citing record's attachment) filled in."""
        if record is not None and link.title:
            key = title_key(link.title)
            for number, attachment in enumerate(record.attachments, 1):
                if attachment.title and title_key(attachment.title) == key:
                    return replace(link, attachment=number, targets=())
        targets: list[str] = []
        if link.number:
            targets = list(self.by_number.get(link.number, ()))
        if not targets and link.title:
            targets = self.find_title(link.title)
        targets = self.one_version([t for t in targets if t != link.source], link)
        return replace(link, targets=tuple(targets))


def links_of(record: Record, resolver: Resolver) -> list[Link]:
    """The resolved links of one record."""
    return [resolver.resolve(link, record) for link in extract_links(record)]


# -- the graph ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Node:
    """A graph node: a corpus record, an attachment of one, or an external document."""

    id: str
    kind: str  # "document", "attachment" or "external"
    title: str = ""
    doc_number: str = ""
    issued: str = ""


@dataclass
class CitationGraph:
    """Every record as a node, every resolved or external citation as an edge."""

    nodes: dict[str, Node]
    links: list[Link]

    def cites(self, record_id: str) -> list[Link]:
        """Links out of a record."""
        return [link for link in self.links if link.source == record_id]

    def cited_by(self, record_id: str) -> list[Link]:
        """Links into a record (from any record whose citation resolves to it)."""
        return [link for link in self.links if record_id in link.targets]

    def write(self, path: str | Path, fmt: str) -> int:
        """Write the graph as "graphml" (nodes and edges) or "csv" (edges); return edge count.

        Raises:
            AlucorpusError: unknown format or the file cannot be written.
        """
        if fmt not in GRAPH_FORMATS:
            raise AlucorpusError(f"unknown graph format {fmt!r}; use one of graphml, csv")
        target = Path(path)
        try:
            if fmt == "csv":
                self._write_csv(target)
            else:
                ET.ElementTree(self.to_graphml()).write(
                    target, encoding="utf-8", xml_declaration=True
                )
        except OSError as exc:
            raise AlucorpusError(f"{target}: cannot write ({exc.strerror or exc})") from None
        return len(self.links)

    def _write_csv(self, target: Path) -> None:
        columns = list(EDGE_COLUMNS)
        # utf-8-sig: the BOM makes Excel read the file as UTF-8 (see alucorpus.tables).
        with target.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(columns)
            for link in self.links:
                row = link.to_dict()
                writer.writerow(["" if row[c] is None else row[c] for c in columns])

    def to_graphml(self) -> ET.Element:
        """The graph as a GraphML element (directed; attributes declared as keys)."""
        ns = "http://graphml.graphdrawing.org/xmlns"
        root = ET.Element("graphml", {"xmlns": ns})
        node_keys = ("kind", "title", "doc_number", "issued")
        edge_keys = ("relation", "number", "title", "field", "paragraph", "context")
        for name in node_keys:
            ET.SubElement(
                root,
                "key",
                {"id": f"n_{name}", "for": "node", "attr.name": name, "attr.type": "string"},
            )
        for name in edge_keys:
            kind = "int" if name == "paragraph" else "string"
            ET.SubElement(
                root,
                "key",
                {"id": f"e_{name}", "for": "edge", "attr.name": name, "attr.type": kind},
            )
        graph = ET.SubElement(root, "graph", {"id": "citations", "edgedefault": "directed"})
        for node in self.nodes.values():
            element = ET.SubElement(graph, "node", {"id": node.id})
            for name in node_keys:
                value = getattr(node, name)
                if value:
                    ET.SubElement(element, "data", {"key": f"n_{name}"}).text = value
        for number, link in enumerate(self.links):
            element = ET.SubElement(
                graph, "edge", {"id": f"e{number}", "source": link.source, "target": link.node}
            )
            values = link.to_dict()
            for name in edge_keys:
                value = values[name]
                if value not in (None, ""):
                    ET.SubElement(element, "data", {"key": f"e_{name}"}).text = str(value)
        ET.indent(root)
        return root


#: The relations a document's status is read from (alucorpus.versions.StatusEvidence).
STATUS_RELATIONS = frozenset({"repeal", "amendment"})
_STATUS_KEYWORD_RE = re.compile(
    "|".join(k for k, relation in _KEYWORDS.items() if relation in STATUS_RELATIONS)
)


def status_links(records: Iterable[Record]) -> list[Link]:
    """The repeal and amendment links among ``records``, resolved: what statuses need.

    The same links as ``build_graph(records).links`` of those relations, but only the
    documents that use a repeal or amendment keyword (废止, 修改 …) are read: reading
    every citation of the corpus after each batch cost 2.8 ms a document (8.5 s of a
    3000-document ingest), and most documents repeal and amend nothing.
    """
    records = list(records)
    resolver = Resolver.from_records(records)
    links: list[Link] = []
    for record in sorted(records, key=lambda r: (r.issued or "9999", r.source, r.id)):
        if not any(_STATUS_KEYWORD_RE.search(text) for _, _, text in _segments(record)):
            continue
        links.extend(
            link for link in links_of(record, resolver) if link.relation in STATUS_RELATIONS
        )
    return links


def build_graph(records: Iterable[Record]) -> CitationGraph:
    """The citation graph of a set of records."""
    records = list(records)
    resolver = Resolver.from_records(records)
    nodes: dict[str, Node] = {}
    for record in sorted(records, key=lambda r: (r.issued or "9999", r.source, r.id)):
        nodes[record.id] = Node(
            record.id, "document", record.title, record.doc_number or "", record.issued or ""
        )
    links: list[Link] = []
    by_id = {r.id: r for r in records}
    for record_id in nodes:
        links.extend(links_of(by_id[record_id], resolver))
    for link in links:
        if link.node not in nodes:
            if link.kind == "attachment":
                nodes[link.node] = Node(link.node, "attachment", link.title or "")
            else:
                nodes[link.node] = Node(link.node, "external", link.title or "", link.number or "")
    return CitationGraph(nodes, links)


__all__ = [
    "EDGE_COLUMNS",
    "GRAPH_FORMATS",
    "RELATIONS",
    "STATUS_RELATIONS",
    "CitationGraph",
    "Link",
    "Node",
    "Resolver",
    "build_graph",
    "extract_links",
    "links_of",
    "relation_near",
    "status_links",
    "title_key",
]
