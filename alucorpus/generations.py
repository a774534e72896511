"""Index generations: a full rebuild is written beside the live index and swapped in.

``HOME/index/CURRENT`` names the live generation (``gen-<time>-<random>``); a
rebuild writes a new folder, then replaces the pointer in one atomic rename, and the
older generations are removed. A search that read the pointer a moment before keeps
the files it has open (POSIX unlink semantics).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
import uuid
from pathlib import Path

#: Name prefix of a pointer file a killed switch can leave behind.
POINTER_TMP_PREFIX = ".CURRENT."


class IndexGenerations:
    """The generations under one index root folder (``HOME/index``)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def current(self) -> Path | None:
        """The live generation named by CURRENT, if any."""
        try:
            name = (self.root / "CURRENT").read_text(encoding="utf-8").strip()
        except OSError:
            return None
        path = self.root / name
        return path if name and path.is_dir() else None

    def new(self) -> Path:
        """A fresh generation's folder name (not created: whoosh creates it)."""
        self.root.mkdir(parents=True, exist_ok=True)
        return self.root / f"gen-{time.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:6]}"

    def switch(self, generation: Path) -> None:
        """Make ``generation`` the live index in one atomic rename, then drop older ones."""
        pointer = self.root / "CURRENT"
        tmp = self.root / f"{POINTER_TMP_PREFIX}{uuid.uuid4().hex}"
        try:
            with open(tmp, "w", encoding="utf-8") as handle:
                handle.write(generation.name)
                handle.flush()
                os.fsync(handle.fileno())  # the pointer must never name a half-written file
            os.replace(tmp, pointer)
        except BaseException:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise
        for other in self.root.iterdir():
            if other.is_dir() and other.name.startswith("gen-") and other != generation:
                shutil.rmtree(other, ignore_errors=True)

    def remove_leftovers(self) -> Path | None:
        """Remove what a killed rebuild or switch left; return the live generation.

        A generation that never became live (a rebuild killed before its switch), or
        one a killed switch did not get to remove, and stray pointer files.
        """
        current = self.current()
        for entry in self.root.iterdir():
            if entry.name.startswith(POINTER_TMP_PREFIX):
                with contextlib.suppress(OSError):
                    entry.unlink()
            elif entry.is_dir() and entry.name.startswith("gen-") and entry != current:
                shutil.rmtree(entry, ignore_errors=True)
        return current


__all__ = ["POINTER_TMP_PREFIX", "IndexGenerations"]
