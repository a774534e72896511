"""Shared fixtures: where the real corpus in ../shared/corpus lives."""

from __future__ import annotations

from pathlib import Path

import pytest

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


@pytest.fixture(scope="session")
def seeds() -> Path:
    """The bundled sample in data/raw (the two seed documents)."""
    return SEEDS
