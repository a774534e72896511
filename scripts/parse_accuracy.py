#!/usr/bin/env python3
"""Parsing accuracy against the hand-checked gold annotations in tests/annotations/.

Usage: .venv/bin/python scripts/parse_accuracy.py [--gold FILE] [--corpus DIR] [--show-errors]
Prints a Markdown table (the one in README) and every mismatch.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from alucorpus.quality import load_gold, measure

REPO = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=REPO / "tests/annotations/parse_gold.jsonl")
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared/corpus")
    parser.add_argument("--seeds", type=Path, default=REPO / "data/raw")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(f"corpus not found at {args.corpus}", file=sys.stderr)
        return 2
    report = measure(load_gold(args.gold), args.corpus, args.seeds)
    print(report.table())
    for error in report.errors:
        print(f"ERROR  {error}")
    for m in report.mismatches:
        row = f"#row={m.row}" if m.row else ""
        print(f"MISS   {m.path}{row}  {m.field}: expected {m.expected!r}, got {m.got!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
