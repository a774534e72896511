#!/usr/bin/env python3
"""Search quality on the development topics and questions, and on known-item search.

Usage: .venv/bin/python scripts/evaluate.py [--topics FILE ...] [--corpus DIR] [--work DIR]
                                            [--rebuild] [--json FILE] [--by-topic]

Builds (once, under --work) an index of the judged part of ../shared/corpus with the
Chinese side only, and beside it the naive baseline's index of the same documents
(whoosh + jieba's ChineseAnalyzer, Traditional folded to Simplified, OR of the words,
BM25F). For each topic file (by default both the keyword topics, dev_topics.jsonl, and
the natural-language questions, dev_questions.jsonl) it prints nDCG@10, nDCG@20, MRR,
Recall@100 and the topics with a relevant document but no hit, for six runs side by
side: Chinese queries (ours, naive), English queries (structured, first-sense and no
translation; naive), then the issue's targets, and known-item MRR@10 for the official
English titles of the Taiwan laws. Topic file format: tests/topics/README.md.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from alucorpus.errors import IndexOutdatedError
from alucorpus.evaluation import (
    METRICS,
    TARGET_KNOWN_ITEM,
    as_documents,
    build_index,
    document_aliases,
    evaluate_with_baseline,
    evaluation_records,
    index_search,
    known_item_mrr,
    load_topics,
    naive_baseline_run,
    naive_index_exists,
    runs_table,
    taiwan_known_items,
    target_lines,
)
from alucorpus.index import Index

REPO = Path(__file__).resolve().parent.parent
TOPIC_FILES = (REPO / "tests/topics/dev_topics.jsonl", REPO / "tests/topics/dev_questions.jsonl")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--topics",
        type=Path,
        action="append",
        help="a topic file (repeat for several); default: "
        + ", ".join(p.name for p in TOPIC_FILES),
    )
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared/corpus")
    parser.add_argument("--seeds", type=Path, default=REPO / "data/raw")
    parser.add_argument("--work", type=Path, default=Path("/tmp/alucorpus-eval"))
    parser.add_argument(
        "--rebuild", action="store_true", help="rebuild the evaluation and baseline indexes"
    )
    parser.add_argument("--json", type=Path, help="also write the numbers as JSON here")
    parser.add_argument("--by-topic", action="store_true", help="print per-topic nDCG@20")
    parser.add_argument(
        "--copies",
        action="store_true",
        help="index every copy as its own document (as before documents were merged), "
        "to compare; use another --work folder",
    )
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(f"corpus not found at {args.corpus}", file=sys.stderr)
        return 2
    topic_files = args.topics or list(TOPIC_FILES)

    index_dir = args.work / "index"
    naive_dir = args.work / "naive-index"
    started = time.perf_counter()
    stale = False
    if not args.rebuild and Index.exists(index_dir):
        try:
            Index.open(index_dir).close()
        except IndexOutdatedError:
            stale = True  # built by an older analyzer or schema: rebuild it
    build_ours = args.rebuild or stale or not Index.exists(index_dir)
    # The baseline indexes the same documents: rebuilt whenever ours is.
    build_naive = build_ours or not naive_index_exists(naive_dir)
    records = None
    kind = "copies" if args.copies else "documents"
    if build_ours or build_naive:
        records = evaluation_records(args.corpus, args.seeds)
        if not args.copies:
            records = as_documents(records)
    if build_ours:
        build_index(records or [], index_dir).close()
        print(f"indexed {len(records or [])} {kind} in {time.perf_counter() - started:.1f} s")
    naive_started = time.perf_counter()
    naive = naive_baseline_run(records if build_naive else None, naive_dir)
    if build_naive:
        took = time.perf_counter() - naive_started
        print(f"naive baseline: indexed {len(records or [])} {kind} in {took:.1f} s")
    index = Index.open(index_dir)
    run = index_search(index, cache_dir=args.work / "cache")
    aliases = document_aliases(index)

    data: dict[str, object] = {}
    for path in topic_files:
        topics = load_topics(path)
        results = evaluate_with_baseline(topics, run, naive, aliases)
        print(f"\n{len(topics)} topics ({path.name})\n")
        print(runs_table(results))
        print()
        for line in target_lines(results):
            print(f"  {line}")
        if args.by_topic:
            print("\nper-topic nDCG@20 (" + " / ".join(r.name for r in results) + "):")
            for topic in topics:
                row = " / ".join(f"{r.per_topic[topic.id]['ndcg@20']:.2f}" for r in results)
                print(f"  {topic.id} {row}  {topic.en!r} | {topic.zh}")
        data[path.name] = {
            "topics": len(topics),
            "runs": {
                r.name: {**{m: r.mean(m) for m in METRICS}, "zero_hits": r.zero_hits}
                for r in results
            },
        }

    items = taiwan_known_items(args.corpus)
    mrr, ranks = known_item_mrr(items, run, aliases=aliases)
    found = sum(1 for _, r in ranks if r)
    verdict = "met" if mrr >= TARGET_KNOWN_ITEM else "NOT met"
    print(f"\nknown-item: {len(items)} official English titles of Taiwan laws against the")
    print(f"Chinese side only: MRR@10 = {mrr:.3f} (target >= {TARGET_KNOWN_ITEM}: {verdict});")
    print(f"target in top 10 for {found}/{len(items)}")
    missed = [(i.query, r) for i, r in ranks if r != 1]
    for query, rank in missed[:15]:
        print(f"  rank {rank or '>10'}: {query}")

    if args.json:
        data["known_item"] = {"items": len(items), "mrr@10": mrr, "in_top10": found}
        args.json.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    index.close()
    print(f"\ntotal {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
