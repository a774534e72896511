"""Shared fixtures: where the real corpus in ../shared/corpus lives."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from alucorpus import Corpus

REPO = Path(__file__).resolve().parent.parent
SHARED_CORPUS = REPO.parent / "shared" / "corpus"
SEEDS = REPO / "data" / "raw"


@pytest.fixture(scope="session")
def shared_corpus() -> Path:
    """The real test corpus, or skip: a user's clone has no ../shared (CI always has it)."""
    if not (SHARED_CORPUS / "MANIFEST.md").is_file():
        pytest.skip(
            f"real corpus not found at {SHARED_CORPUS} (present in CI, not in a user clone)"
        )
    return SHARED_CORPUS


#: The research-tools corpus: GOV_PRC.csv, the aluminium page, Taiwan's 礦業法 (Traditional
#: script) and the seeds. Shared by the kwic, trend, table and citation tests.
RESEARCH_FILES = (
    "gccmpd_govprc/raw/GOV_PRC.csv",
    "aluminium/raw",
    "tw_mojlaw_bilingual/FalVMingLing/J0020001.json",
)


@pytest.fixture(scope="session")
def research_corpus(shared_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    """A corpus built once per session for the researcher-tool tests."""
    corpus = Corpus(tmp_path_factory.mktemp("research-corpus"))
    report = corpus.ingest([str(shared_corpus / f) for f in RESEARCH_FILES] + [str(SEEDS)])
    assert not report.failed, [o.error for o in report.failed]
    return corpus


@pytest.fixture(scope="session")
def whole_corpus(shared_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    """The whole shared corpus ingested once per session, as a new user would (~20 s).

    Counts over it come from the corpus as it is today; tests that pin one say where
    it comes from (the corpus grows between issues).
    """
    corpus = Corpus(tmp_path_factory.mktemp("whole-corpus"))
    corpus.ingest([str(shared_corpus)])
    return corpus


@pytest.fixture(scope="session")
def seeds() -> Path:
    """The bundled sample in data/raw (the two seed documents)."""
    return SEEDS


@pytest.fixture(scope="session")
def research_searcher(research_corpus: Corpus) -> Iterator[Any]:
    """A whoosh searcher over the research corpus's index (read only, shared)."""
    index = research_corpus.open_index()
    try:
        with index.searcher() as searcher:
            yield searcher
    finally:
        index.close()


@pytest.fixture(scope="session")
def whoosh_matches() -> Callable[[Any, Any], set[int]]:
    """whoosh's own matches: the reference the evaluator is compared with."""
    import whoosh_reference

    return whoosh_reference.matches
