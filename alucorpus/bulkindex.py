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
from .segments import bulk_segment_writer, commit_segments, finish_segment
from .workers import die_with_parent

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
        # A worker must not outlive a killed parent (it would hold forked lock files).
        die_with_parent(parent)
        from whoosh import index as windex

        writer = bulk_segment_writer(windex.open_dir(index_path), limitmb)
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
            segment = finish_segment(writer)
        finally:
            if cache is not None:
                cache.close()
        results.put(("done", segment, stop - start))
    except BaseException as exc:  # noqa: BLE001  everything goes back to the parent, which raises
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
        writer = index.whoosh_writer(timeout=WRITE_TIMEOUT)
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
        commit_segments(writer, segments)
    except BaseException:
        for process in processes:
            if process.is_alive():
                process.terminate()
            process.join(timeout=5)
        with contextlib.suppress(Exception):
            writer.cancel()
        Index.clean_orphans(index.path)  # drop the half-written segments no commit names
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
