"""Measure parsing accuracy against hand-checked gold annotations.

The gold file (``tests/annotations/parse_gold.jsonl``) has one JSON object per
document: ``path`` (relative to the corpus root; ``seeds/NAME`` for the seed
documents), ``row`` (1-based data row of a table file, else null) and the
expected ``title``, ``doc_number``, ``departments``, ``issued``, ``published``
and ``lang``. ``scripts/parse_accuracy.py`` prints the report; a test pins a
floor on it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .ingest import parse_path
from .records import Record

FIELDS = ("title", "doc_number", "departments", "issued", "published", "lang")


@dataclass
class Mismatch:
    """One field of one document that the parser got wrong."""

    path: str
    row: int | None
    field: str
    expected: Any
    got: Any


@dataclass
class AccuracyReport:
    """Per-field and per-document accuracy."""

    documents: int = 0
    documents_right: int = 0
    field_right: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    mismatches: list[Mismatch] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # documents that failed to parse at all

    @property
    def field_checks(self) -> int:
        """Fields compared in all."""
        return self.documents * len(FIELDS)

    @property
    def field_accuracy(self) -> float:
        """Share of (document, field) pairs parsed right."""
        return sum(self.field_right.values()) / self.field_checks if self.field_checks else 0.0

    @property
    def document_accuracy(self) -> float:
        """Share of documents with every field right."""
        return self.documents_right / self.documents if self.documents else 0.0

    def table(self) -> str:
        """A Markdown table of per-field accuracy."""
        lines = ["| field | right | of | accuracy |", "|---|---|---|---|"]
        for name in FIELDS:
            right = self.field_right[name]
            lines.append(
                f"| {name} | {right} | {self.documents} | {right / max(self.documents, 1):.1%} |"
            )
        lines.append(
            f"| **all six fields** | {sum(self.field_right.values())} | {self.field_checks} "
            f"| **{self.field_accuracy:.1%}** |"
        )
        lines.append(
            f"| documents with every field right | {self.documents_right} | {self.documents} "
            f"| {self.document_accuracy:.1%} |"
        )
        return "\n".join(lines)


def load_gold(path: Path) -> list[dict[str, Any]]:
    """Read a gold annotation file (JSON Lines)."""
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def resolve_gold_path(entry: dict[str, Any], corpus_root: Path, seeds_root: Path) -> Path:
    """The file a gold entry describes."""
    rel = str(entry["path"])
    if rel.startswith("seeds/"):
        return seeds_root / rel.removeprefix("seeds/")
    return corpus_root / rel


def _comparable(name: str, value: Any) -> Any:
    if name == "departments":
        return list(value or [])
    return value or None


def measure(gold: Iterable[dict[str, Any]], corpus_root: Path, seeds_root: Path) -> AccuracyReport:
    """Parse every gold document and compare the six fields."""
    report = AccuracyReport()
    cache: dict[Path, list[Record] | str] = {}
    for entry in gold:
        path = resolve_gold_path(entry, corpus_root, seeds_root)
        if path not in cache:
            try:
                cache[path] = parse_path(str(path))
            except Exception as exc:  # noqa: BLE001  the report must say which document broke, not stop
                cache[path] = f"{type(exc).__name__}: {exc}"
        parsed = cache[path]
        row = entry.get("row")
        report.documents += 1
        if isinstance(parsed, str):
            report.errors.append(f"{entry['path']}: {parsed}")
            continue
        record = _pick(parsed, row)
        if record is None:
            report.errors.append(f"{entry['path']} row {row}: no such record")
            continue
        all_right = True
        for name in FIELDS:
            expected = _comparable(name, entry.get(name))
            got = _comparable(name, getattr(record, name))
            if expected == got:
                report.field_right[name] += 1
            else:
                all_right = False
                report.mismatches.append(Mismatch(str(entry["path"]), row, name, expected, got))
        report.documents_right += all_right
    return report


def _pick(records: list[Record], row: int | None) -> Record | None:
    if row is None:
        return records[0] if records else None
    suffix = f"#row={row}"
    return next((r for r in records if r.source.endswith(suffix)), None)
