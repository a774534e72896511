"""Measure search quality: graded topics (nDCG, MRR, Recall) and known-item search.

The topic file format is documented in ``tests/topics/README.md``: one JSON object
per line with ``id``, ``en``, ``zh`` and ``judgments`` (``{"doc", "grade"}``), where a
``doc`` is a path relative to the corpus root (``#row=N`` for a table row,
``seeds/NAME`` for the seed documents).

The evaluation index holds the **Chinese side only** of every document that has
both (English titles, translations and summaries are removed before indexing), plus
documents that exist only in English. English queries can therefore reach Chinese
documents only through query translation, which is what is being measured.

Beside alucorpus's own runs stands a **naive baseline** (:func:`naive_baseline_run`):
the same documents in a plain whoosh index with jieba's stock ``ChineseAnalyzer`` on
title and body, Traditional folded to Simplified on both sides, and whoosh's
``MultifieldParser`` with ``OrGroup`` and BM25F. It is what anyone gets from the two
libraries in an afternoon; alucorpus has to beat it.

``scripts/evaluate.py`` prints the tables; ``tests/test_evaluation.py`` pins floors.
"""

from __future__ import annotations

import json
import logging
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
    # What a user gets by default: the Chinese query also carried into English.
    ("zh, structured translation (default)", "zh", "structured"),
)

#: The naive baseline's runs: (run name, query field). It has no translation.
NAIVE_RUNS: tuple[tuple[str, str], ...] = (
    ("naive zh (whoosh+jieba ChineseAnalyzer, OR)", "zh"),
    ("naive en (whoosh+jieba ChineseAnalyzer, OR)", "en"),
)

#: The order of the side-by-side report: each Chinese run, then each English one.
REPORT_ORDER = (
    "zh (monolingual ceiling)",
    "naive zh (whoosh+jieba ChineseAnalyzer, OR)",
    "zh, structured translation (default)",
    "en, structured translation",
    "en, first-sense translation",
    "en, no translation",
    "naive en (whoosh+jieba ChineseAnalyzer, OR)",
)
assert sorted(REPORT_ORDER) == sorted(n for n, *_ in (*RUNS, *NAIVE_RUNS)), "a run is missing"


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
    #: Topics with a relevant document for which the run returned nothing at all.
    zero_hits: list[str] = field(default_factory=list)

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


# -- the naive baseline --------------------------------------------------------------------------


def _naive_text(record: Record) -> tuple[str, str]:
    """A record's title and body for the naive index, folded to Simplified.

    The body is what alucorpus indexes as body (:func:`alucorpus.index.segments`):
    paragraphs, English paragraphs and summary (empty here, see :func:`chinese_side`)
    and attachments.
    """
    from .analysis import to_simplified
    from .index import segments

    title = " ".join(t for t in (record.title, record.title_en) if t)
    body = "\n".join(text for _, _, text in segments(record))
    return to_simplified(title), to_simplified(body)


def build_naive_index(records: Iterable[Record], path: Path) -> Any:
    """A fresh plain whoosh index of these records at ``path``: the naive baseline.

    Fields ``title`` and ``body`` use jieba's stock ``jieba.analyse.ChineseAnalyzer``
    (search-mode segmentation with jieba's own dictionary, English stop words and
    Porter stemming); ``source`` is stored to map hits back to judgment keys. Nothing
    of alucorpus's analysis is used except the Traditional→Simplified folding.
    """
    import jieba
    from jieba.analyse import ChineseAnalyzer
    from whoosh import fields, index

    jieba.setLogLevel(logging.WARNING)  # jieba logs its dictionary load at DEBUG
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    analyzer = ChineseAnalyzer()
    schema = fields.Schema(
        source=fields.ID(stored=True, unique=True),
        title=fields.TEXT(analyzer=analyzer),
        body=fields.TEXT(analyzer=analyzer),
    )
    naive = index.create_in(str(path), schema)
    writer = naive.writer(limitmb=256)
    for record in records:
        title, body = _naive_text(record)
        writer.add_document(source=record.source, title=title, body=body)
    writer.commit(optimize=True)
    return naive


def naive_search(naive: Any, *, limit: int = 100) -> SearchFn:
    """A function (query, lang, translation) → ranked judgment keys, over a naive index.

    The query is folded to Simplified and parsed by
    ``MultifieldParser(["title", "body"], schema, group=OrGroup)``; whoosh ranks with
    BM25F (its default). ``lang`` and ``translation`` are ignored: the baseline has
    no translation, so an English query is searched as typed.
    """
    import jieba
    from whoosh.qparser import MultifieldParser, OrGroup

    from .analysis import to_simplified

    jieba.setLogLevel(logging.WARNING)
    parser = MultifieldParser(["title", "body"], naive.schema, group=OrGroup)

    def run(query: str, lang: str, translation: str) -> list[str]:
        parsed = parser.parse(to_simplified(query))
        with naive.searcher() as searcher:
            return [doc_key(hit["source"]) for hit in searcher.search(parsed, limit=limit)]

    return run


def naive_baseline_run(
    records: Iterable[Record] | None, index_dir: Path, *, limit: int = 100
) -> SearchFn:
    """The naive baseline as a run like :func:`index_search`'s.

    Builds the index at ``index_dir`` from ``records`` (replacing what is there), or,
    when ``records`` is None, opens the index already there.

    Example::

        run = naive_baseline_run(as_documents(evaluation_records(corpus, seeds)), work)
        run("如何征收矿产资源补偿费", "zh", "none")[:1]
        # ['lawrefbook/行政法规/矿产资源补偿费征收管理规定(1997-07-03).md']
    """
    from whoosh import index

    if records is None:
        naive = index.open_dir(str(index_dir))
    else:
        naive = build_naive_index(records, index_dir)
    return naive_search(naive, limit=limit)


def naive_index_exists(index_dir: Path) -> bool:
    """Whether a naive baseline index is at ``index_dir``."""
    from whoosh import index

    return index_dir.is_dir() and bool(index.exists_in(str(index_dir)))


def evaluate_run(
    name: str,
    topics: Sequence[Topic],
    run_search: SearchFn,
    field_name: str,
    translation: str = "none",
    aliases: dict[str, str] | None = None,
) -> RunResult:
    """One run: each topic's ``field_name`` query ("zh" or "en") through ``run_search``.

    ``aliases`` (:func:`document_aliases`): the index holds documents, so judged
    copies count for their documents.
    """
    result = RunResult(name)
    for topic in topics:
        query = topic.zh if field_name == "zh" else topic.en
        ranked = run_search(query, field_name, translation)
        judgments = document_judgments(topic.judgments, aliases or {})
        result.per_topic[topic.id] = score_ranking(ranked, judgments)
        if not ranked and any(g > 0 for g in judgments.values()):
            result.zero_hits.append(topic.id)
    return result


def evaluate_topics(
    topics: Sequence[Topic], run_search: SearchFn, aliases: dict[str, str] | None = None
) -> list[RunResult]:
    """The runs of :data:`RUNS` over the topics."""
    return [
        evaluate_run(name, topics, run_search, field_name, translation, aliases)
        for name, field_name, translation in RUNS
    ]


def evaluate_with_baseline(
    topics: Sequence[Topic],
    run_search: SearchFn,
    naive_search: SearchFn,
    aliases: dict[str, str] | None = None,
) -> list[RunResult]:
    """alucorpus's runs and the naive baseline's two, in :data:`REPORT_ORDER`.

    Both index the same documents, so the same ``aliases`` map judged copies to them.
    """
    results = evaluate_topics(topics, run_search, aliases)
    results += [
        evaluate_run(name, topics, naive_search, field_name, "none", aliases)
        for name, field_name in NAIVE_RUNS
    ]
    by_name = {r.name: r for r in results}
    return [by_name[name] for name in REPORT_ORDER]


def runs_table(results: Sequence[RunResult]) -> str:
    """Markdown table of mean metrics.

    "nDCG@20 vs zh" compares each run's nDCG@20 with the first run's ("–" when that is
    0); "zero hits" counts the topics with a relevant document that got no hit at all.
    """
    ceiling = results[0].mean("ndcg@20") if results else 0.0
    lines = [
        "| run | nDCG@10 | nDCG@20 | MRR | Recall@100 | nDCG@20 vs zh | zero hits |",
        "|---|---|---|---|---|---|---|",
    ]
    for result in results:
        ratio = f"{result.mean('ndcg@20') / ceiling:.0%}" if ceiling else "–"
        cells = " | ".join(f"{result.mean(m):.3f}" for m in METRICS)
        zero = f"{len(result.zero_hits)}/{len(result.per_topic)}"
        lines.append(f"| {result.name} | {cells} | {ratio} | {zero} |")
    return "\n".join(lines)


#: Targets of issue 14: Chinese nDCG@20 at least the naive baseline's plus this margin,
TARGET_ZH_MARGIN = 0.03
#: English (structured) nDCG@20 at least this share of the Chinese,
TARGET_EN_SHARE = 0.9
#: and known-item MRR@10 at least this.
TARGET_KNOWN_ITEM = 0.9


def target_lines(results: Sequence[RunResult]) -> list[str]:
    """The issue's targets against one topic set's runs (from :func:`evaluate_with_baseline`).

    Each line says the measured value, the target and whether it is met; a missing
    run is skipped.
    """
    by_name = {r.name: r for r in results}
    zh, naive = by_name.get(RUNS[0][0]), by_name.get(NAIVE_RUNS[0][0])
    en = by_name.get(RUNS[1][0])
    lines = []

    def verdict(ok: bool) -> str:
        return "met" if ok else "NOT met"

    # Both Chinese runs against the baseline: the monolingual one (the ceiling of the
    # English runs) and the default one, which is what a user's Chinese query gets.
    default = next(name for name, field, mode in RUNS if field == "zh" and mode == "structured")
    for run, label in ((zh, "zh"), (by_name.get(default), "zh default")):
        if run and naive:
            delta = run.mean("ndcg@20") - naive.mean("ndcg@20")
            lines.append(
                f"{label} nDCG@20 {run.mean('ndcg@20'):.3f} vs naive "
                f"{naive.mean('ndcg@20'):.3f}: {delta:+.3f} (target >= +{TARGET_ZH_MARGIN:.2f}): "
                f"{verdict(delta >= TARGET_ZH_MARGIN)}"
            )
    if zh and en:
        zh_ndcg, en_ndcg = zh.mean("ndcg@20"), en.mean("ndcg@20")
        share = f"{en_ndcg / zh_ndcg:.0%}" if zh_ndcg else f"{en_ndcg:.3f} against zh 0"
        lines.append(
            f"en structured / zh nDCG@20: {share} (target >= {TARGET_EN_SHARE:.0%}): "
            f"{verdict(en_ndcg >= TARGET_EN_SHARE * zh_ndcg)}"
        )
    for run in (zh, en):
        if run:
            missed = ", ".join(run.zero_hits) or "none"
            lines.append(
                f"{run.name}: topics with a relevant document and zero hits: {missed} "
                f"(target none): {verdict(not run.zero_hits)}"
            )
    return lines


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
