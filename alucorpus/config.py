"""Where a corpus lives on disk. Every path alucorpus uses is resolved here."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

HOME_ENV = "ALUCORPUS_HOME"
DEFAULT_HOME = "data"


def resolve_home(home: str | os.PathLike[str] | None = None) -> Path:
    """The corpus folder: the argument, else ``$ALUCORPUS_HOME``, else ``./data``."""
    if home is not None and str(home) != "":
        return Path(home)
    env = os.environ.get(HOME_ENV)
    if env:
        return Path(env)
    return Path(DEFAULT_HOME)


@dataclass(frozen=True)
class Layout:
    """The files and folders inside a corpus home."""

    home: Path

    @property
    def raw(self) -> Path:
        """Raw files, byte for byte as received: the source of truth for a reindex."""
        return self.home / "raw"

    @property
    def index(self) -> Path:
        """The live whoosh index (generated)."""
        return self.home / "index"

    @property
    def store(self) -> Path:
        """SQLite database of parsed records and ingested files (generated)."""
        return self.home / "records.sqlite3"

    @property
    def lock(self) -> Path:
        """Writers take an exclusive lock on this file; readers never do."""
        return self.home / ".write.lock"

    @property
    def cache(self) -> Path:
        """Derived data that can be rebuilt at any time (dictionary caches, segmentations)."""
        return self.home / "cache"
