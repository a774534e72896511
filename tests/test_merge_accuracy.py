"""Merging on the hand-checked pairs: the same document is one document, two are never one.

tests/annotations/merge_pairs.tsv lists pairs of stored copies from the shared corpus, each
judged ``same`` or ``different`` by reading both texts (see tests/annotations/README.md).
alucorpus.documents.group_copies must put every ``same`` pair in one group and no
``different`` pair: precision and recall of 1 on the gold list (scripts/merge_accuracy.py
prints both beside the naive ways: same title, same body hash, same number).
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from alucorpus import Corpus
from alucorpus.records import Record

REPO = Path(__file__).resolve().parent.parent
GOLD = Path(__file__).parent / "annotations" / "merge_pairs.tsv"


def _load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "merge_accuracy", REPO / "scripts" / "merge_accuracy.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


merge_accuracy = _load_script()
PAIRS = merge_accuracy.load_gold(GOLD)

#: Gold pairs the library's rules are known to get wrong: line number -> reason. Each is an
#: xfail with strict=True, so a fix shows up as XPASS and the entry has to go.
KNOWN_WRONG: dict[int, str] = {}


def test_gold_list_is_well_formed() -> None:
    assert len(PAIRS) >= 60
    labels = {p.label for p in PAIRS}
    assert labels == {"same", "different"}
    assert sum(p.label == "same" for p in PAIRS) >= 20
    assert sum(p.label == "different" for p in PAIRS) >= 20
    seen = set()
    for pair in PAIRS:
        assert pair.a != pair.b, pair
        assert pair.note.strip(), f"line {pair.line}: every pair says why"
        key = frozenset((pair.a, pair.b))
        assert key not in seen, f"line {pair.line}: pair listed twice"
        seen.add(key)


def test_gold_labels_are_consistent() -> None:
    """'same' is transitive: no 'different' pair joins two copies that 'same' pairs link."""
    parent: dict[str, str] = {}

    def find(item: str) -> str:
        parent.setdefault(item, item)
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    for pair in PAIRS:
        if pair.label == "same":
            parent[find(pair.a)] = find(pair.b)
    clashes = [p for p in PAIRS if p.label == "different" and find(p.a) == find(p.b)]
    assert clashes == []


@pytest.fixture(scope="module")
def copies(shared_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> list[Record]:
    """Every stored copy of the shared corpus, ingested once for this module (~30 s)."""
    home = tmp_path_factory.mktemp("merge-accuracy")
    Corpus(home).ingest([str(shared_corpus)])
    return merge_accuracy.read_copies(home)


@pytest.fixture(scope="module")
def copy_ids(copies: list[Record], shared_corpus: Path) -> dict[str, str]:
    """Corpus-relative source -> copy id."""
    return {merge_accuracy.relative_source(r.source, shared_corpus): r.id for r in copies}


def test_every_gold_source_is_a_stored_copy(copy_ids: dict[str, str]) -> None:
    sources = {s for p in PAIRS for s in (p.a, p.b)}
    assert sorted(sources - copy_ids.keys()) == []


@pytest.fixture(scope="module")
def group_of(copies: list[Record]) -> dict[str, int]:
    """Copy id -> the number of its document under alucorpus.documents.group_copies."""
    documents = pytest.importorskip("alucorpus.documents")
    group_copies: Callable[[Any], list[list[Record]]] = documents.group_copies
    groups = group_copies(copies)
    assert sorted(r.id for group in groups for r in group) == sorted(r.id for r in copies)
    return {r.id: n for n, group in enumerate(groups) for r in group}


def _param(pair: Any) -> Any:
    marks = []
    if pair.line in KNOWN_WRONG:
        marks.append(pytest.mark.xfail(reason=KNOWN_WRONG[pair.line], strict=True))
    return pytest.param(pair, marks=marks, id=f"line{pair.line}-{pair.label}")


@pytest.mark.parametrize("pair", [_param(p) for p in PAIRS])
def test_group_copies_agrees_with_gold_pair(
    pair: Any, group_of: dict[str, int], copy_ids: dict[str, str]
) -> None:
    absent = [s for s in (pair.a, pair.b) if s not in copy_ids]
    assert absent == [], f"line {pair.line}: not among the stored copies"
    together = group_of[copy_ids[pair.a]] == group_of[copy_ids[pair.b]]
    verdict = "together" if together else "apart"
    assert together == (pair.label == "same"), (
        f"gold {pair.label} but put {verdict}: {pair.a} ~ {pair.b} ({pair.note})"
    )
