"""Measure search quality: graded topics (nDCG, MRR, Recall) and known-item search.

The topic file format is documented in ``tests/topics/README.md``: one JSON object
per line with ``id``, ``en``, ``zh`` and ``judgments`` (``{"doc", "grade"}``), where a
``doc`` is a path relative to the corpus root (``#row=N`` for a table row,
``seeds/NAME`` for the seed documents).

The evaluation index holds the **Chinese side only** of every document that has
both (English titles, translations and summaries are removed before indexing), plus
documents that exist only in English. English queries can therefore reach Chinese
documents only through query translation, which is what is being measured.

``scripts/evaluate.py`` prints the tables; ``tests/test_evaluation.py`` pins floors.
"""

from __future__ import annotations

import json
import math
import shutil
import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import NotADocumentError
from .ingest import merge_bilingual, parse_path
from .records import Record

#: Folders and files of ../shared/corpus that hold the judged documents.
EVAL_SOURCES = (
    "gccmpd_govprc/raw/GOV_PRC.csv",
    "lawrefbook",
    "tw_mojlaw_bilingual/FalVMingLing",
    "govcn_zhouynf_sql/derived/html_fragments",
    "aluminium/raw",
)
SEED_FILES = ("reconnect_gxbl_2025_62.txt", "aluminum_six_tasks_en.txt")

RUNS: tuple[tuple[str, str, str], ...] = (
    # (run name, query field, translation mode)
    ("zh (monolingual ceiling)", "zh", "none"),
    ("en, structured translation", "en", "structured"),
    ("en, first-sense translation", "en", "first"),
    ("en, no translation", "en", "none"),
)


@dataclass(frozen=True)
class Topic:
    """One information need with graded judgments (doc key → grade)."""

    id: str
    en: str
    zh: str
    judgments: dict[str, int]
    focus: str = ""


def load_topics(path: Path) -> list[Topic]:
    """Read a topic file (JSON Lines)."""
    topics = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            data = json.loads(line)
            judgments = {j["doc"]: int(j["grade"]) for j in data["judgments"]}
            topics.append(
                Topic(data["id"], data["en"], data["zh"], judgments, data.get("focus", ""))
            )
    return topics


# -- metrics -------------------------------------------------------------------------------------


def dcg(gains: Sequence[float]) -> float:
    """Discounted cumulative gain with the log2(rank + 1) discount."""
    return sum(g / math.log2(rank + 2) for rank, g in enumerate(gains))


def ndcg(ranked: Sequence[str], judgments: dict[str, int], k: int) -> float:
    """nDCG@k with the grades as gains; 0 when nothing is relevant."""
    ideal = dcg(sorted(judgments.values(), reverse=True)[:k])
    if ideal == 0:
        return 0.0
    return dcg([judgments.get(doc, 0) for doc in ranked[:k]]) / ideal


def reciprocal_rank(
    ranked: Sequence[str], judgments: dict[str, int], k: int | None = None
) -> float:
    """1 / rank of the first relevant (grade ≥ 1) document within k, else 0."""
    for rank, doc in enumerate(ranked[:k] if k else ranked, 1):
        if judgments.get(doc, 0) > 0:
            return 1.0 / rank
    return 0.0


def recall(ranked: Sequence[str], judgments: dict[str, int], k: int) -> float:
    """Share of the relevant documents found in the top k."""
    relevant = {d for d, g in judgments.items() if g > 0}
    if not relevant:
        return 0.0
    return len(relevant & set(ranked[:k])) / len(relevant)


@dataclass
class RunResult:
    """Mean metrics of one run over the topics, and per-topic values."""

    name: str
    per_topic: dict[str, dict[str, float]] = field(default_factory=dict)

    def mean(self, metric: str) -> float:
        """Mean of a metric over topics."""
        values = [m[metric] for m in self.per_topic.values()]
        return statistics.fmean(values) if values else 0.0


METRICS = ("ndcg@10", "ndcg@20", "mrr", "recall@100")


def score_ranking(ranked: Sequence[str], judgments: dict[str, int]) -> dict[str, float]:
    """All four metrics for one ranking."""
    return {
        "ndcg@10": ndcg(ranked, judgments, 10),
        "ndcg@20": ndcg(ranked, judgments, 20),
        "mrr": reciprocal_rank(ranked, judgments),
        "recall@100": recall(ranked, judgments, 100),
    }


# -- building the evaluation index --------------------------------------------------------------


def doc_key(source: str) -> str:
    """The judgment key of a record's source: the path below ``shared/corpus/``."""
    for marker in ("/shared/corpus/", "shared/corpus/"):
        if marker in source:
            return source.split(marker, 1)[1]
    if "/shared/seeds/" in source or source.startswith("seeds/"):
        return "seeds/" + source.rsplit("/", 1)[-1]
    return "seeds/" + Path(source.split("#", 1)[0]).name if source else source


def chinese_side(record: Record) -> Record:
    """A Chinese record without its English title, translation and summary."""
    if record.lang != "zh":
        return record
    return record.with_changes(
        title_en="", paragraphs_en=(), summary_en="", departments_en=(), en_machine_translated=False
    )


def evaluation_records(corpus_root: Path, seeds_root: Path) -> list[Record]:
    """Parse the judged part of the corpus, Chinese side only."""
    records: list[Record] = []
    for rel in EVAL_SOURCES:
        path = corpus_root / rel
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            if file.name in {"db.sqlite3"} or file.name.startswith("."):
                continue
            try:
                records.extend(parse_path(str(file)))
            except NotADocumentError:
                continue  # lawrefbook/SOURCE_FILES.tsv: a provenance table, not judged
    for name in SEED_FILES:
        records.extend(parse_path(str(seeds_root / name)))
    return [chinese_side(r) for r in merge_bilingual(records)]


def as_documents(records: Sequence[Record]) -> list[Record]:
    """The evaluation's copies as documents, as ingest makes them (alucorpus.documents)."""
    from .documents import group_copies, merge_copies

    return [merge_copies(group) for group in group_copies(records)]


def document_aliases(index: Any) -> dict[str, str]:
    """Judgment key of every copy in the index → the key of its document (its source).

    Judgments name files (copies); an index of documents answers with one source per
    document. Each judged copy then counts for its document, with the highest grade
    any of its copies has (:func:`document_judgments`).
    """
    aliases: dict[str, str] = {}
    with index.searcher() as searcher:
        for stored in searcher.all_stored_fields():
            data = stored.get("data", {})
            own = doc_key(data.get("source", ""))
            for copy in data.get("copies", ()):
                aliases[doc_key(copy[1])] = own
    return aliases


def document_judgments(judgments: dict[str, int], aliases: dict[str, str]) -> dict[str, int]:
    """Judgments of copies as judgments of their documents: the highest grade wins."""
    out: dict[str, int] = {}
    for key, grade in judgments.items():
        target = aliases.get(key, key)
        out[target] = max(grade, out.get(target, 0))
    return out


def build_index(records: Iterable[Record], path: Path) -> Any:
    """A fresh search index of these records at ``path``."""
    from .index import Index

    if path.exists():
        shutil.rmtree(path)
    index = Index.create(path)
    index.add_prepared(_prepared(records), replace=False)
    return index


def _prepared(records: Iterable[Record]) -> Iterable[dict[str, Any]]:
    from concurrent.futures import ProcessPoolExecutor

    from .index import prepare_document

    records = list(records)
    with ProcessPoolExecutor(max_workers=2) as pool:
        yield from pool.map(prepare_document, records, chunksize=16)


SearchFn = Callable[[str, str, str], list[str]]


def index_search(index: Any, *, limit: int = 100, cache_dir: Path | None = None) -> SearchFn:
    """A function (query, lang, translation) → ranked judgment keys, over an index."""
    from .search import search

    def run(query: str, lang: str, translation: str) -> list[str]:
        kwargs: dict[str, Any] = {"lang": lang, "limit": limit, "translation": translation}
        if cache_dir is not None:
            kwargs["cache_dir"] = cache_dir
        results = search(index, query, **kwargs)
        return [doc_key(hit.source) for hit in results.hits]

    return run


def evaluate_topics(
    topics: Sequence[Topic], run_search: SearchFn, aliases: dict[str, str] | None = None
) -> list[RunResult]:
    """The four runs of :data:`RUNS` over the topics.

    ``aliases`` (:func:`document_aliases`): the index holds documents, so judged
    copies count for their documents.
    """
    results = []
    for name, field_name, translation in RUNS:
        result = RunResult(name)
        for topic in topics:
            query = topic.zh if field_name == "zh" else topic.en
            ranked = run_search(query, field_name, translation)
            judgments = document_judgments(topic.judgments, aliases or {})
            result.per_topic[topic.id] = score_ranking(ranked, judgments)
        results.append(result)
    return results


def runs_table(results: Sequence[RunResult]) -> str:
    """Markdown table of mean metrics; the last column compares nDCG@20 to the first run."""
    ceiling = results[0].mean("ndcg@20") if results else 0.0
    lines = [
        "| run | nDCG@10 | nDCG@20 | MRR | Recall@100 | nDCG@20 vs zh |",
        "|---|---|---|---|---|---|",
    ]
    for result in results:
        ratio = result.mean("ndcg@20") / ceiling if ceiling else 0.0
        cells = " | ".join(f"{result.mean(m):.3f}" for m in METRICS)
        lines.append(f"| {result.name} | {cells} | {ratio:.0%} |")
    return "\n".join(lines)


# -- known-item search ---------------------------------------------------------------------------


@dataclass(frozen=True)
class KnownItem:
    """An official English title and the Chinese record it names."""

    query: str
    target: str  # judgment key of the Chinese file


def taiwan_known_items(corpus_root: Path) -> list[KnownItem]:
    """Official English titles of the Taiwan laws, each pointing at its Chinese file."""
    items = []
    english = corpus_root / "tw_mojlaw_bilingual" / "Eng_FalVMingLing"
    for path in sorted(english.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8-sig"))
        title = str(data.get("英文法規名稱", "")).strip()
        if title:
            items.append(KnownItem(title, f"tw_mojlaw_bilingual/FalVMingLing/{path.name}"))
    return items


def known_item_mrr(
    items: Sequence[KnownItem],
    run_search: SearchFn,
    translation: str = "structured",
    k: int = 10,
    aliases: dict[str, str] | None = None,
) -> tuple[float, list[tuple[KnownItem, int | None]]]:
    """MRR@k of the targets, and each item's rank (None when not in the top k)."""
    ranks: list[tuple[KnownItem, int | None]] = []
    for item in items:
        ranked = run_search(item.query, "en", translation)[:k]
        target = (aliases or {}).get(item.target, item.target)
        rank = ranked.index(target) + 1 if target in ranked else None
        ranks.append((item, rank))
    mrr = statistics.fmean(1.0 / r if r else 0.0 for _, r in ranks) if ranks else 0.0
    return mrr, ranks
