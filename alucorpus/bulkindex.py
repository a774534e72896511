"""Build a new index with several processes, each analysing *and writing* its share.

Profiling a full rebuild (1000 synthetic 5 KB documents, 2 cores) showed whoosh's
writer, not jieba, to be the bottleneck once analysis ran in parallel: 12.8 s of
single-process writing (add_document 3.7 s; commit 9.1 s, mostly posting encoding,
per-posting field-length look-ups and block compression for 1.4 M postings, two
thirds of them in the bigram field) against 6 s of analysis. So here every worker
process owns a whoosh ``SegmentWriter`` over the same index directory (unlocked,
as whoosh's own ``MpWriter`` does it), analyses its contiguous share of the records
(word tokens through :mod:`alucorpus.segcache`) and finishes its own segment; the
parent holds the index's write lock throughout and commits one table of contents
naming every worker's segment. Readers see the new index whole, or not at all.

Workers are forked, so they inherit the records without pickling them.
"""

from __future__ import annotations

import contextlib
import logging
import marshal
import multiprocessing
import os
import queue as queue_module
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .errors import AlucorpusError, StoreBusyError
from .index import WRITE_TIMEOUT, Index, prepare_document
from .records import Record
from .segcache import SegmentCache, cached_record_words
from .segments import modern_pickles

log = logging.getLogger(__name__)

#: RAM buffer of each worker's whoosh writer, in MB (whoosh's estimate; real use is ~2x).
WORKER_LIMIT_MB = 128

# How many documents a worker writes between progress messages.
_REPORT_EVERY = 32


def shard_bounds(total: int, workers: int) -> list[tuple[int, int]]:
    """Contiguous, nearly equal [start, stop) ranges covering ``range(total)``.

    >>> shard_bounds(10, 3)
    [(0, 3), (3, 6), (6, 10)]
    """
    workers = max(1, min(workers, total)) if total else 1
    cuts = [total * i // workers for i in range(workers + 1)]
    return [(cuts[i], cuts[i + 1]) for i in range(workers) if cuts[i] < cuts[i + 1]]


def _read_exact(f: Any, size: int) -> bytes:
    """``size`` bytes from ``f`` (fewer only at the end: raw files may return short reads)."""
    parts = []
    while size > 0:
        part = f.read(size)
        if not part:
            break
        parts.append(part)
        size -= len(part)
    return b"".join(parts)


class _MarshalPool:
    """Mixin for whoosh's PostingPool: spill sorted runs as marshal chunks, not pickles.

    A worker's postings outgrow its RAM buffer (a 5 KB document makes ~1400), and
    whoosh writes each spilled posting with its own ``pickle.dump`` and reads it back
    with its own ``pickle.load``: a third of the writing time in the profile. One
    ``marshal.dump`` per chunk of postings is several times faster; the sort order
    and the postings themselves are unchanged.
    """

    chunk = 16384

    def _write_run(self, f: Any, items: Any) -> None:
        buffer: list[Any] = []
        for item in items:
            buffer.append(item)
            if len(buffer) >= self.chunk:
                self._write_chunk(f, buffer)
                buffer = []
        if buffer:
            self._write_chunk(f, buffer)
        f.close()

    @staticmethod
    def _write_chunk(f: Any, buffer: list[Any]) -> None:
        # Length-prefixed, so that reading is one read() and one marshal.loads: whoosh's
        # run files are unbuffered, and marshal.load on them reads a few bytes at a time.
        data = marshal.dumps(buffer)
        f.write(len(data).to_bytes(8, "little"))
        f.write(data)

    def _read_run(self, path: str) -> Any:
        f = self._open_run(path)  # type: ignore[attr-defined]
        try:
            while True:
                header = _read_exact(f, 8)
                if len(header) < 8:
                    return
                chunk = marshal.loads(_read_exact(f, int.from_bytes(header, "little")))
                yield from chunk  # marshal keeps tuples as tuples: sort order holds
        finally:
            f.close()
            self._remove_run(path)  # type: ignore[attr-defined]


class _CachedLengths:
    """Field lengths for posting blocks, read once per document and field.

    whoosh asks the per-document reader for a document's field length once per
    *posting* (1.4 M look-ups for 1000 documents); the answers are the same values.
    """

    def __init__(self, reader: Any) -> None:
        self._reader = reader
        self._cache: dict[str, list[Any]] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> Any:
        lengths = self._cache.get(fieldname)
        if lengths is None:
            lengths = [
                self._reader.doc_field_length(d, fieldname, default)
                for d in range(self._reader.doc_count_all())
            ]
            self._cache[fieldname] = lengths
        return lengths[docnum]


def _bulk_writer(ix: Any, limitmb: int) -> Any:
    """An unlocked whoosh SegmentWriter with the two write-path fixes above."""
    from whoosh.codec.whoosh3 import W3Codec
    from whoosh.writing import PostingPool, SegmentWriter

    class Pool(_MarshalPool, PostingPool):  # type: ignore[misc]
        def add(self, item: Any) -> None:
            # PostingPool.add without its per-posting assertions, with a simpler size
            # estimate (tuple, two ints/floats, the text and value bytes): 2 M calls
            # per 3000 documents.
            self.fieldnames.add(item[0])
            self.currentsize += 150 + 2 * len(item[1]) + len(item[4] or b"")
            if self.currentsize > self.limit:
                self.save()
            self.current.append(item)

    class Writer(SegmentWriter):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            # SegmentWriter accepts a poolclass but always builds a PostingPool.
            self.pool = Pool(self._tempstorage, self.newsegment, limitmb=limitmb)

        def _flush_segment(self) -> None:
            from .segments import TermArraysWriter

            self.perdocwriter.close()
            pdr = self.per_document_reader() if self.codec.length_stats else None
            lengths = _CachedLengths(pdr) if pdr is not None else None
            # The broad terms' document numbers and weights, kept beside the segment
            # as arrays for searching (alucorpus.segments), collected on the way.
            postings = self.pool.iter_postings()
            folder = getattr(self.storage, "folder", None)
            arrays = TermArraysWriter(folder, self.newsegment.segment_id()) if folder else None
            try:
                with modern_pickles():
                    self.fieldwriter.add_postings(
                        self.schema, lengths, arrays.tee(postings) if arrays else postings
                    )
                    self.fieldwriter.close()
            except BaseException:
                if arrays is not None:
                    arrays.abandon()
                raise
            if arrays is not None:
                arrays.close()
            if pdr is not None:
                pdr.close()

    # _lk=False: the parent holds the index's lock for us (as in whoosh.multiproc).
    # zlib level 1 instead of 3 for posting blocks: each block records its own level,
    # so any whoosh reads them; compound=False skips copying the segment into one file.
    return Writer(
        ix,
        _lk=False,
        limitmb=limitmb,
        compound=False,
        codec=W3Codec(blocklimit=512, compression=1),
    )


def _worker(
    index_path: str,
    records: Sequence[Record],
    start: int,
    stop: int,
    cache_path: str | None,
    results: Any,
    limitmb: int,
    parent: int,
) -> None:
    """Analyse and write records[start:stop] into a new segment; report on ``results``."""
    try:
        with contextlib.suppress(ImportError):
            # A worker must not outlive a killed parent (it would hold forked lock files).
            from .corpus import _die_with_parent

            _die_with_parent(parent)
        from whoosh import index as windex

        writer = _bulk_writer(windex.open_dir(index_path), limitmb)
        cache = SegmentCache(cache_path) if cache_path else None
        try:
            unreported = 0
            for i in range(start, stop):
                record = records[i]
                writer.add_document(
                    **prepare_document(record, words=cached_record_words(record, cache))
                )
                unreported += 1
                if unreported == _REPORT_EVERY:
                    results.put(("progress", unreported))
                    unreported = 0
            if unreported:
                results.put(("progress", unreported))
            segment = writer._finalize_segment()
        finally:
            if cache is not None:
                cache.close()
        results.put(("done", segment, stop - start))
    except BaseException as exc:  # everything goes back to the parent, which raises
        results.put(("error", f"{type(exc).__name__}: {exc}"))


def build_parallel(
    index: Index,
    records: Sequence[Record],
    *,
    workers: int = 2,
    cache_path: str | Path | None = None,
    progress: Callable[[int, int], None] | None = None,
    checkpoint: Callable[[], None] | None = None,
    limitmb: int = WORKER_LIMIT_MB,
) -> int:
    """Add ``records`` to a new, empty ``index`` with ``workers`` processes; one commit.

    Args:
        index: a freshly created index (documents are added, never replaced).
        records: the records; workers inherit them by fork.
        workers: number of writing processes (each makes one segment).
        cache_path: the segmentation cache file (HOME/cache/segments.sqlite3), or None.
        progress: called with (done, total) as documents are written.
        checkpoint: called once, when half the documents are written (crash tests).
        limitmb: RAM buffer of each worker's writer.

    Returns:
        How many documents were written.

    Raises:
        StoreBusyError: another process holds the index's write lock.
        AlucorpusError: a worker failed; nothing was committed.
    """
    from whoosh.index import LockError

    total = len(records)
    if total == 0:
        return 0
    try:
        writer = index._ix.writer(timeout=WRITE_TIMEOUT)
    except LockError:
        raise StoreBusyError(
            f"the search index at {index.path} is being written by another process;"
            " try again when it has finished"
        ) from None
    if cache_path:
        # Create the cache (and switch it to WAL) before the workers open it together.
        SegmentCache(cache_path).close()
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    processes = [
        context.Process(
            target=_worker,
            args=(
                str(index.path),
                records,
                start,
                stop,
                str(cache_path) if cache_path else None,
                results,
                limitmb,
                os.getpid(),
            ),
            daemon=True,
        )
        for start, stop in shard_bounds(total, workers)
    ]
    try:
        for process in processes:
            process.start()
        segments = _collect(results, processes, total, progress, checkpoint)
        for process in processes:
            process.join()
        # The parent wrote nothing itself: close its empty segment, name the workers'.
        existing = writer._merge_segments(None, None, False)
        writer._close_segment()
        writer._commit_toc(existing + segments)
        writer._finish()
    except BaseException:
        for process in processes:
            if process.is_alive():
                process.terminate()
            process.join(timeout=5)
        with contextlib.suppress(Exception):
            writer.cancel()
        cleaner = getattr(Index, "clean_orphans", None)
        if cleaner is not None:  # drop the half-written segments no commit names
            cleaner(index.path)
        raise
    return total


def _collect(
    results: Any,
    processes: list[Any],
    total: int,
    progress: Callable[[int, int], None] | None,
    checkpoint: Callable[[], None] | None,
) -> list[Any]:
    """Wait for every worker's segment, reporting progress; raise on any failure."""
    segments: list[Any] = []
    done = 0
    half_reported = False
    while len(segments) < len(processes):
        try:
            message = results.get(timeout=1.0)
        except queue_module.Empty:
            dead = [p for p in processes if not p.is_alive() and p.exitcode not in (0, None)]
            if dead:
                raise AlucorpusError(
                    f"an indexing worker died (exit code {dead[0].exitcode}); nothing was indexed"
                ) from None
            continue
        kind = message[0]
        if kind == "error":
            raise AlucorpusError(f"indexing failed in a worker: {message[1]}")
        if kind == "progress":
            done += message[1]
            if progress is not None:
                progress(done, total)
            if checkpoint is not None and not half_reported and done >= max(1, total // 2):
                half_reported = True
                checkpoint()
        elif kind == "done":
            segments.append(message[1])
    return segments


__all__ = ["WORKER_LIMIT_MB", "build_parallel", "shard_bounds"]
