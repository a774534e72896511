"""Known-item search: official English titles of Taiwan laws find their Chinese text.

The index holds the Chinese side only of the 101 laws in
``tw_mojlaw_bilingual/FalVMingLing`` (English titles and translations removed), so
an English title can reach its law only through query translation. The floor
catches a change to the lexicon or the ranking that loses known items; the full
measurement (with the other judged documents as distractors) is
``scripts/evaluate.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from alucorpus.evaluation import (
    chinese_side,
    doc_key,
    index_search,
    known_item_mrr,
    taiwan_known_items,
)
from alucorpus.index import Index
from alucorpus.ingest import merge_bilingual, parse_path

#: Measured 0.958 on this index (101 laws, 100 in the top 10); the floor leaves room.
MRR_FLOOR = 0.85
#: Known items whose law must be the first hit: short titles whose every word the
#: lexicon translates.
FIRST = (
    "Customs Act",
    "Trademark Act",
    "Mining Act",
    "Labor Standards Act",
    "The Environmental Education Act",
)


@pytest.fixture(scope="session")
def taiwan_index(shared_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Index:
    """An index of the Chinese side of the Taiwan laws, built once per session."""
    folder = shared_corpus / "tw_mojlaw_bilingual" / "FalVMingLing"
    records = [r for path in sorted(folder.glob("*.json")) for r in parse_path(str(path))]
    path = tmp_path_factory.mktemp("known-item") / "index"
    with Index.create(path) as index:
        index.add(chinese_side(r) for r in merge_bilingual(records))
    opened = Index.open(path)
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def known_item_ranks(
    shared_corpus: Path, taiwan_index: Index, tmp_path_factory: pytest.TempPathFactory
) -> tuple[float, dict[str, int | None]]:
    items = taiwan_known_items(shared_corpus)
    assert len(items) == 101
    run = index_search(taiwan_index, limit=10, cache_dir=tmp_path_factory.mktemp("cache"))
    mrr, ranks = known_item_mrr(items, run)
    return mrr, {item.query: rank for item, rank in ranks}


def test_the_index_has_no_english(taiwan_index: Index) -> None:
    with taiwan_index.searcher() as searcher:
        assert searcher.doc_count() == 101
        assert not list(searcher.lexicon("title_en"))


def test_known_item_mrr_floor(known_item_ranks: tuple[float, dict[str, int | None]]) -> None:
    mrr, ranks = known_item_ranks
    missed = sorted(q for q, r in ranks.items() if r is None)
    assert mrr >= MRR_FLOOR, f"known-item MRR@10 {mrr:.3f} < {MRR_FLOOR}; missed: {missed}"


@pytest.mark.parametrize("query", FIRST)
def test_short_titles_rank_first(
    query: str, known_item_ranks: tuple[float, dict[str, int | None]]
) -> None:
    assert known_item_ranks[1][query] == 1


def test_targets_are_judgment_keys(shared_corpus: Path, taiwan_index: Index) -> None:
    with taiwan_index.searcher() as searcher:
        keys = {doc_key(fields["data"]["source"]) for fields in searcher.all_stored_fields()}
    targets = {item.target for item in taiwan_known_items(shared_corpus)}
    assert targets <= keys
