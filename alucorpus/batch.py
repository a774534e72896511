"""Reading, parsing and storing one batch of input files (ingest and reindex).

Files are read, parsed (in worker processes when it pays) and stored in chunks, the
raw bytes kept under HOME/raw first, each file's copies committed in one transaction.
:class:`alucorpus.corpus.Corpus` holds the write lock around a batch and refreshes
documents and the index after it.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .errors import NotADocument, ParseError
from .ingest import join_bilingual, read_input_bytes
from .ingest.files import FileOutcome, InputFile, parse_one, read_failure
from .ingest.lawref_db import looks_like_lawref_db, read_law_rows
from .records import Record, sha256_hex
from .store import Store
from .workers import crash_point, process_pool

#: Called as work advances with (phase, done, total); phase is "parse" or "index".
Progress = Callable[[str, int, int], None]

#: Below this many files a process pool costs more to start than it saves.
PARALLEL_THRESHOLD = 8
#: Files read, parsed and stored per step of an ingest (bounds its memory).
_INGEST_CHUNK = 1000
#: Name prefix of the temporary files raw bytes are written to (a killed writer's are
#: cleared by the next one).
INCOMING_PREFIX = ".incoming-"


@dataclass
class IngestReport:
    """Summary of an ``ingest`` or ``reindex`` batch."""

    outcomes: list[FileOutcome] = field(default_factory=list)
    removed: int = 0  # files gone from HOME/raw whose records were dropped (reindex)
    indexed: int = 0  # records written to the search index

    def count(self, status: str) -> int:
        """Number of files with this status."""
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def failed(self) -> list[FileOutcome]:
        """The files that could not be read or parsed."""
        return [o for o in self.outcomes if o.status == "failed"]

    @property
    def skipped(self) -> list[FileOutcome]:
        """The files that are not documents (manifests, data tables): nothing is stored."""
        return [o for o in self.outcomes if o.status == "skipped"]

    def summary(self) -> str:
        """One line: added, updated, unchanged, not documents (when any), failed."""
        parts = [f"{self.count(s)} {s}" for s in ("added", "updated", "unchanged")]
        if self.skipped:
            skipped = len(self.skipped)
            parts.append(f"{skipped} not {'a document' if skipped == 1 else 'documents'}")
        parts.append(f"{self.count('failed')} failed")
        if self.removed:
            parts.append(f"{self.removed} removed")
        return ", ".join(parts)


@dataclass
class _Parsed:
    item: InputFile
    data: bytes = b""
    sha256: str = ""
    records: list[Record] = field(default_factory=list)
    error: str | None = None


class FileBatch:
    """One batch of input files going into a store, raw bytes kept under ``raw``."""

    def __init__(self, raw: Path) -> None:
        self.raw = raw

    def ingest_items(
        self,
        store: Store,
        items: list[InputFile],
        columns: dict[str, str],
        report: IngestReport,
        progress: Progress | None,
        *,
        force: bool,
        keep_raw: bool = True,
    ) -> None:
        """Read, parse and store a batch of files (parsing in parallel when it pays).

        Files go through in chunks of :data:`_INGEST_CHUNK`, each stored before the
        next is read: memory stays bounded however large the batch (two language
        sides in different chunks still meet, through the store).
        """
        total = len(items)
        for start in range(0, total, _INGEST_CHUNK):

            def chunk_progress(phase: str, done: int, _: int, start: int = start) -> None:
                if progress:
                    progress(phase, start + done, total)

            self._ingest_chunk(
                store,
                items[start : start + _INGEST_CHUNK],
                columns,
                report,
                chunk_progress,
                force=force,
                keep_raw=keep_raw,
            )

    def _ingest_chunk(
        self,
        store: Store,
        items: list[InputFile],
        columns: dict[str, str],
        report: IngestReport,
        progress: Progress,
        *,
        force: bool,
        keep_raw: bool,
    ) -> None:
        """One chunk of :meth:`_ingest_items` (``progress`` counts within the chunk)."""
        total = len(items)
        done = 0
        todo: list[_Parsed] = []
        for item in items:
            parsed = _Parsed(item)
            try:
                parsed.data = read_input_bytes(item.real)
            except (OSError, ParseError) as exc:
                parsed.error = read_failure(item.given, exc)
            if parsed.error is None:
                parsed.sha256 = sha256_hex(parsed.data)
                if not force and store.file_hash(item.raw_path) == parsed.sha256:
                    report.outcomes.append(FileOutcome(item.given, "unchanged"))
                    done += 1
                    progress("parse", done, total)
                    continue
                if looks_like_lawref_db(parsed.data):
                    # Not documents, but the status of LawRefBook's laws (in force, expired).
                    report.outcomes.append(self._store_law_db(store, parsed, keep_raw))
                    done += 1
                    progress("parse", done, total)
                    continue
            todo.append(parsed)

        file_columns = {
            p.item.raw_path: (columns or store.file_options(p.item.raw_path)) for p in todo
        }
        for parsed, result in zip(todo, self._parse_all(todo, file_columns), strict=True):
            if isinstance(result, str):
                parsed.error = result
            else:
                parsed.records = result
            done += 1
            progress("parse", done, total)

        self._store_parsed(
            store, [p for p in todo if p.error is None], file_columns, report, keep_raw
        )
        for parsed in todo:
            if parsed.error is None:
                continue
            skipped = isinstance(parsed.error, NotADocument)
            if skipped and store.file_hash(parsed.item.raw_path) is not None:
                # Nothing is kept for a file that is not a document: records that an
                # older alucorpus made of it go too.
                store.forget_file(parsed.item.raw_path)
            status = "skipped" if skipped else "failed"
            report.outcomes.append(FileOutcome(parsed.item.given, status, error=parsed.error))

    def _store_law_db(self, store: Store, parsed: _Parsed, keep_raw: bool) -> FileOutcome:
        """Keep a LawRefBook ``db.sqlite3``: its rows decide which laws are in force."""
        try:
            rows = read_law_rows(parsed.data)
        except ParseError as exc:
            return FileOutcome(
                parsed.item.given, "failed", error=read_failure(parsed.item.given, exc)
            )
        previous = store.file_hash(parsed.item.raw_path)
        if keep_raw:
            self._keep_raw(parsed.item, parsed.data)
        store.replace_law_rows(
            parsed.item.raw_path,
            parsed.sha256,
            len(parsed.data),
            rows,
            given=parsed.item.given,
        )
        if previous is None:
            return FileOutcome(parsed.item.given, "added")
        return FileOutcome(
            parsed.item.given, "unchanged" if previous == parsed.sha256 else "updated"
        )

    def _parse_all(
        self, todo: list[_Parsed], file_columns: dict[str, dict[str, str]]
    ) -> Iterator[list[Record] | str]:
        jobs = [
            (p.item.given, p.data, file_columns[p.item.raw_path]) for p in todo if p.error is None
        ]
        workers = min(os.cpu_count() or 1, 2 if len(jobs) >= PARALLEL_THRESHOLD else 1)
        if workers > 1:
            with process_pool(workers) as pool:
                results = iter(pool.map(parse_one, *zip(*jobs, strict=True), chunksize=4))
                for parsed in todo:
                    yield parsed.error if parsed.error is not None else next(results)
        else:
            for parsed in todo:
                if parsed.error is not None:
                    yield parsed.error
                else:
                    yield parse_one(
                        parsed.item.given, parsed.data, file_columns[parsed.item.raw_path]
                    )

    def _store_parsed(
        self,
        store: Store,
        parsed: list[_Parsed],
        file_columns: dict[str, dict[str, str]],
        report: IngestReport,
        keep_raw: bool,
    ) -> None:
        """Keep raw bytes, join bilingual pairs, and commit each file's records."""
        # Two language sides of one document become one record, whether the other
        # side is in this batch or was ingested before.
        joined = join_bilingual({p.item.raw_path: p.records for p in parsed}, store.by_pair_key)
        records_of, extra_paths = joined.records, joined.other_files

        for number, p in enumerate(parsed):
            raw_path = p.item.raw_path
            if keep_raw:
                self._keep_raw(p.item, p.data)
                if number == 0:
                    crash_point("after-raw")
            if number == len(parsed) // 2 and number:
                crash_point("mid-store")
            previous = store.file_hash(raw_path)
            store.replace_file(
                raw_path,
                p.sha256,
                len(p.data),
                records_of[raw_path],
                options=file_columns.get(raw_path) or {},
                extra_paths=extra_paths[raw_path],
                given=p.item.given,
            )
            status = (
                "added"
                if previous is None
                else ("unchanged" if previous == p.sha256 else "updated")
            )
            report.outcomes.append(FileOutcome(p.item.given, status, len(records_of[raw_path])))
        # A stored side that is now part of a joint record is replaced by it.
        if joined.replaced:
            store.delete_records(joined.replaced)

    def _keep_raw(self, item: InputFile, data: bytes) -> None:
        """Write the raw bytes under HOME/raw atomically (temp file, then rename)."""
        target = self.raw / item.raw_path
        with contextlib.suppress(OSError):
            if target.exists() and target.resolve() == item.real.resolve():
                return
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=INCOMING_PREFIX)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise


__all__ = ["INCOMING_PREFIX", "PARALLEL_THRESHOLD", "FileBatch", "IngestReport", "Progress"]
