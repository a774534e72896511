#!/usr/bin/env python3
"""Merging accuracy: are the stored copies of one document grouped together, and only those?

Usage: .venv/bin/python scripts/merge_accuracy.py [--corpus DIR] [--home DIR] [--gold FILE] [--json]

The yardstick is tests/annotations/merge_pairs.tsv: hand-checked pairs of stored copies, each
labelled ``same`` (two copies of one document) or ``different`` (two documents). For every
pair the script asks each method whether the two copies are one document and reports
pair-level precision (of the pairs put together, how many are gold ``same``) and recall (of
the gold ``same`` pairs, how many are put together).

Methods, all run on the same stored copies:

- ``group_copies``: alucorpus.documents.group_copies, the library's merging;
- ``title``: the same title, exactly as parsed (an empty title is a title too);
- ``body_sha256``: the same sha256 of the body text, ``"\\n".join(paragraphs)`` (an empty
  body hashes like any other, so every bodiless copy falls into one group);
- ``doc_number``: the same canonical doc_number alone (copies without a number match nothing).

The naive keys are applied literally, as a user of the records would. The documents column
counts the groups each method makes over the whole corpus; copies are the stored records.

Nothing is ingested when ``--home`` names an alucorpus home where the corpus was ingested.
Without ``--home`` the corpus is ingested into a temporary home first (about 30 s).
A gold source that no stored copy has is reported, never silently dropped.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sqlite3
import sys
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from alucorpus import Corpus
from alucorpus.records import Record

REPO = Path(__file__).resolve().parent.parent
GOLD = REPO / "tests" / "annotations" / "merge_pairs.tsv"
LABELS = ("same", "different")


@dataclass(frozen=True)
class GoldPair:
    """One hand-checked pair of stored copies (sources relative to the corpus root)."""

    label: str  # "same" or "different"
    a: str
    b: str
    note: str
    line: int


def load_gold(path: Path) -> list[GoldPair]:
    """Read the gold TSV: ``label<TAB>source_a<TAB>source_b<TAB>note``, one pair a line."""
    pairs = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip():
            continue
        cells = raw.split("\t")
        if len(cells) != 4:
            raise ValueError(f"{path}:{number}: expected 4 tab-separated cells, got {len(cells)}")
        label, a, b, note = cells
        if label not in LABELS:
            raise ValueError(f"{path}:{number}: label {label!r} is neither 'same' nor 'different'")
        pairs.append(GoldPair(label, a, b, note, number))
    return pairs


def relative_source(source: str, corpus: Path) -> str:
    """A record's ``source`` relative to the corpus root, ``#row=N`` kept.

    The source is the path as it was given to ingest: absolute, or relative to the directory
    ingest ran in. When neither resolves under the corpus, the path from the last component
    named like the corpus folder is used; failing that the source is returned unchanged.
    """
    path, sep, fragment = source.partition("#")
    root = corpus.resolve()
    try:
        relative = Path(path).resolve().relative_to(root).as_posix()
    except ValueError:
        parts = Path(path).parts
        if root.name not in parts:
            return source
        last = len(parts) - 1 - parts[::-1].index(root.name)
        relative = "/".join(parts[last + 1 :])
    return relative + sep + fragment


def read_copies(home: Path) -> list[Record]:
    """Every stored copy in an alucorpus home (``Corpus.copies`` where it exists)."""
    corpus = Corpus(home)
    reader = getattr(corpus, "copies", None) or corpus.records
    return list(reader())


def stored_documents(home: Path) -> int | None:
    """How many documents the store holds, when it keeps documents beside the copies."""
    corpus = Corpus(home)
    if getattr(corpus, "copies", None) is None:
        return None
    try:
        return sum(1 for _ in corpus.records())
    except sqlite3.Error:  # a home written before the store kept documents
        return None


def ingest_into(home: Path, corpus: Path) -> None:
    """Ingest the corpus into ``home`` (used when no --home is given)."""
    print(f"ingesting {corpus} into {home} ...", file=sys.stderr)
    report = Corpus(home).ingest([str(corpus)])
    print(report.summary(), file=sys.stderr)


# -- the methods ---------------------------------------------------------------------------------


def body_sha256(record: Record) -> str:
    return hashlib.sha256("\n".join(record.paragraphs).encode("utf-8")).hexdigest()


#: The naive keys: two copies are one document when their keys are equal (None matches nothing).
NAIVE_KEYS: dict[str, Callable[[Record], str | None]] = {
    "title": lambda r: r.title,
    "body_sha256": body_sha256,
    "doc_number": lambda r: r.doc_number,
}


def groups_by_key(copies: Sequence[Record], key: Callable[[Record], str | None]) -> list[list[str]]:
    """Copy ids grouped by a key; a copy without a key is a group of its own."""
    groups: dict[object, list[str]] = {}
    for record in copies:
        value = key(record)
        groups.setdefault(("key", value) if value is not None else ("id", record.id), []).append(
            record.id
        )
    return list(groups.values())


def library_grouping() -> Callable[[Iterable[Record]], list[list[Record]]] | None:
    """alucorpus.documents.group_copies, or None while the library has no merging yet."""
    try:
        from alucorpus.documents import group_copies
    except ImportError:
        return None
    return group_copies


# -- scoring -------------------------------------------------------------------------------------


@dataclass
class MethodResult:
    name: str
    documents: int
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    wrong: list[GoldPair] = field(default_factory=list)

    @property
    def precision(self) -> float | None:
        predicted = self.tp + self.fp
        return self.tp / predicted if predicted else None

    @property
    def recall(self) -> float | None:
        gold_same = self.tp + self.fn
        return self.tp / gold_same if gold_same else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.name,
            "documents": self.documents,
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "tn": self.tn,
            "precision": self.precision,
            "recall": self.recall,
            "wrong": [
                {"label": p.label, "a": p.a, "b": p.b, "note": p.note, "line": p.line}
                for p in self.wrong
            ],
        }


def score(
    name: str, groups: list[list[str]], pairs: Sequence[GoldPair], ids: dict[str, str]
) -> MethodResult:
    """Score one grouping (copy ids) on the gold pairs whose both sources are stored."""
    group_of = {copy_id: n for n, group in enumerate(groups) for copy_id in group}
    result = MethodResult(name, documents=len(groups))
    for pair in pairs:
        together = group_of[ids[pair.a]] == group_of[ids[pair.b]]
        if pair.label == "same":
            if together:
                result.tp += 1
            else:
                result.fn += 1
                result.wrong.append(pair)
        elif together:
            result.fp += 1
            result.wrong.append(pair)
        else:
            result.tn += 1
    return result


@dataclass
class Report:
    corpus: str
    home: str
    copies: int
    stored_documents: int | None
    gold_pairs: int
    scored_same: int
    scored_different: int
    missing: list[tuple[GoldPair, list[str]]]
    duplicate_sources: list[str]
    results: list[MethodResult]
    notes: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {
            "corpus": self.corpus,
            "home": self.home,
            "copies": self.copies,
            "stored_documents": self.stored_documents,
            "gold_pairs": self.gold_pairs,
            "scored_pairs": {"same": self.scored_same, "different": self.scored_different},
            "missing": [
                {"line": p.line, "label": p.label, "a": p.a, "b": p.b, "missing": m}
                for p, m in self.missing
            ],
            "duplicate_sources": self.duplicate_sources,
            "methods": [r.to_dict() for r in self.results],
            "notes": self.notes,
        }

    def table(self) -> str:
        def pct(value: float | None) -> str:
            return "n/a" if value is None else f"{value:.1%}"

        lines = [
            f"gold pairs scored: {self.scored_same} same + {self.scored_different} different"
            f" (of {self.gold_pairs}; {len(self.missing)} with a source not in the store)",
            f"whole corpus: {self.copies} stored copies; the store holds"
            f" {'no documents table' if self.stored_documents is None else self.stored_documents}"
            f"{'' if self.stored_documents is None else ' documents'}",
            "",
            "| method | precision | recall | TP | FP | FN | TN | documents | copies |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for r in self.results:
            lines.append(
                f"| {r.name} | {pct(r.precision)} | {pct(r.recall)} | {r.tp} | {r.fp} | {r.fn}"
                f" | {r.tn} | {r.documents} | {self.copies} |"
            )
        return "\n".join(lines)


def measure(
    copies: Sequence[Record],
    corpus: Path,
    gold: Sequence[GoldPair],
    home: str,
    stored: int | None = None,
) -> Report:
    """Score every method on the gold pairs over these stored copies."""
    ids: dict[str, str] = {}
    duplicates = []
    for record in copies:
        source = relative_source(record.source, corpus)
        if source in ids and ids[source] != record.id:
            duplicates.append(source)
        ids.setdefault(source, record.id)
    scored, missing = [], []
    for pair in gold:
        absent = [s for s in (pair.a, pair.b) if s not in ids]
        if absent:
            missing.append((pair, absent))
        else:
            scored.append(pair)

    notes = []
    results = []
    group_copies = library_grouping()
    if group_copies is None:
        notes.append("alucorpus.documents.group_copies is not available: library row skipped")
    else:
        groups = [[r.id for r in group] for group in group_copies(copies)]
        results.append(score("group_copies (alucorpus)", groups, scored, ids))
    for name, key in NAIVE_KEYS.items():
        results.append(score(f"naive: same {name}", groups_by_key(copies, key), scored, ids))
    return Report(
        corpus=str(corpus),
        home=home,
        copies=len(copies),
        stored_documents=stored,
        gold_pairs=len(gold),
        scored_same=sum(p.label == "same" for p in scored),
        scored_different=sum(p.label == "different" for p in scored),
        missing=missing,
        duplicate_sources=sorted(set(duplicates)),
        results=results,
        notes=notes,
    )


def print_text(report: Report) -> None:
    print(report.table())
    for note in report.notes:
        print(f"\nNOTE   {note}")
    for pair, absent in report.missing:
        print(f"MISSING line {pair.line} ({pair.label}): not in the store: {', '.join(absent)}")
    for source in report.duplicate_sources:
        print(f"DUPLICATE source {source}: more than one stored copy; the first is scored")
    for result in report.results:
        if result.name.startswith("group_copies"):
            for pair in result.wrong:
                verdict = "apart" if pair.label == "same" else "together"
                print(
                    f"WRONG  line {pair.line}: gold {pair.label}, put {verdict}: {pair.a}  ~  "
                    f"{pair.b}  ({pair.note})"
                )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    parser.add_argument("--home", type=Path, help="an alucorpus home holding the ingested corpus")
    parser.add_argument("--gold", type=Path, default=GOLD)
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"corpus not found at {args.corpus}", file=sys.stderr)
        return 2
    gold = load_gold(args.gold)
    with tempfile.TemporaryDirectory(prefix="merge-accuracy-") as scratch:
        home = args.home
        if home is None:
            home = Path(scratch) / "home"
            ingest_into(home, args.corpus)
        copies = read_copies(home)
        stored = stored_documents(home)
        report = measure(copies, args.corpus, gold, str(args.home or "(temporary)"), stored)
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        print_text(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
