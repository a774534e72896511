#!/usr/bin/env python3
"""Search quality on the development topics and on known-item search.

Usage: .venv/bin/python scripts/evaluate.py [--topics FILE] [--corpus DIR] [--work DIR]
                                            [--rebuild] [--json FILE] [--by-topic]

Builds (once, under --work) an index of the judged part of ../shared/corpus with the
Chinese side only, then prints nDCG@10, nDCG@20, MRR and Recall@100 for four runs
(Chinese queries; English queries with structured, first-sense and no translation) and
known-item MRR@10 for the official English titles of the Taiwan laws.
Topic file format: tests/topics/README.md.
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
    as_documents,
    build_index,
    document_aliases,
    evaluate_topics,
    evaluation_records,
    index_search,
    known_item_mrr,
    load_topics,
    runs_table,
    taiwan_known_items,
)
from alucorpus.index import Index

REPO = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--topics", type=Path, default=REPO / "tests/topics/dev_topics.jsonl")
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared/corpus")
    parser.add_argument("--seeds", type=Path, default=REPO / "data/raw")
    parser.add_argument("--work", type=Path, default=Path("/tmp/alucorpus-eval"))
    parser.add_argument("--rebuild", action="store_true", help="rebuild the evaluation index")
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

    index_dir = args.work / "index"
    started = time.perf_counter()
    stale = False
    if not args.rebuild and Index.exists(index_dir):
        try:
            Index.open(index_dir).close()
        except IndexOutdatedError:
            stale = True  # built by an older analyzer or schema: rebuild it
    if args.rebuild or stale or not Index.exists(index_dir):
        records = evaluation_records(args.corpus, args.seeds)
        if not args.copies:
            records = as_documents(records)
        build_index(records, index_dir).close()
        kind = "copies" if args.copies else "documents"
        print(f"indexed {len(records)} {kind} in {time.perf_counter() - started:.1f} s")
    index = Index.open(index_dir)
    run = index_search(index, cache_dir=args.work / "cache")
    aliases = document_aliases(index)

    topics = load_topics(args.topics)
    results = evaluate_topics(topics, run, aliases)
    print(f"\n{len(topics)} topics ({args.topics.name})\n")
    print(runs_table(results))

    items = taiwan_known_items(args.corpus)
    mrr, ranks = known_item_mrr(items, run, aliases=aliases)
    found = sum(1 for _, r in ranks if r)
    print(f"\nknown-item: {len(items)} official English titles of Taiwan laws against the")
    print(f"Chinese side only: MRR@10 = {mrr:.3f}; target in top 10 for {found}/{len(items)}")
    missed = [(i.query, r) for i, r in ranks if r != 1]
    for query, rank in missed[:15]:
        print(f"  rank {rank or '>10'}: {query}")

    if args.by_topic:
        print("\nper-topic nDCG@20 (zh / en structured / en first / en none):")
        for topic in topics:
            row = " / ".join(f"{r.per_topic[topic.id]['ndcg@20']:.2f}" for r in results)
            print(f"  {topic.id} {row}  {topic.en!r} | {topic.zh}")
    if args.json:
        data = {
            "topics": len(topics),
            "runs": {r.name: {m: r.mean(m) for m in METRICS} for r in results},
            "known_item": {"items": len(items), "mrr@10": mrr, "in_top10": found},
        }
        args.json.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    index.close()
    print(f"\ntotal {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
