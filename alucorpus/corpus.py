"""The Python API: :class:`Corpus` ingests, stores, indexes and searches documents.

Every CLI command is a thin layer over one method here.

>>> from alucorpus import Corpus
>>> corpus = Corpus("data")                                   # doctest: +SKIP
>>> report = corpus.ingest(["data/raw"])                      # doctest: +SKIP
>>> corpus.search("electrolytic aluminium").hits[0].title     # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import shutil
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .config import Layout, resolve_home
from .errors import AlucorpusError, ParseError, RecordNotFoundError, StoreBusyError
from .ingest import ParseOptions, merge_bilingual, parse_bytes
from .records import Record
from .store import Store, pair_key

if TYPE_CHECKING:
    from .index import Index
    from .search import SearchResults

log = logging.getLogger(__name__)

#: Called as work advances with (phase, done, total); phase is "parse" or "index".
Progress = Callable[[str, int, int], None]

# Below this many files a process pool costs more to start than it saves.
_PARALLEL_THRESHOLD = 8


@dataclass(frozen=True)
class FileOutcome:
    """What happened to one input file."""

    path: str  # as the user gave it
    status: str  # "added", "updated", "unchanged" or "failed"
    records: int = 0
    error: str | None = None


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

    def summary(self) -> str:
        """One line: added, updated, unchanged, failed."""
        parts = [f"{self.count(s)} {s}" for s in ("added", "updated", "unchanged", "failed")]
        if self.removed:
            parts.append(f"{self.removed} removed")
        return ", ".join(parts)


@dataclass(frozen=True)
class _Input:
    given: str  # the path as the user gave it (joined with the folder they named)
    real: Path
    raw_path: str  # where it is kept, relative to HOME/raw


@dataclass
class _Parsed:
    item: _Input
    data: bytes = b""
    sha256: str = ""
    records: list[Record] = field(default_factory=list)
    error: str | None = None


def iter_input_files(paths: Iterable[str], raw_root: Path) -> Iterator[_Input | FileOutcome]:
    """Expand files and folders (recursively, in name order) into input files.

    Yields a failed :class:`FileOutcome` for a path that does not exist. Hidden
    files are skipped inside folders; symbolic links to folders are not followed,
    so a link loop cannot trap the walk.
    """
    raw_root_real = raw_root.resolve()
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for folder, dirs, files in os.walk(path, followlinks=False):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if name.startswith("."):
                        continue
                    file_path = Path(folder) / name
                    rel = file_path.relative_to(path).as_posix()
                    yield _Input(
                        str(file_path),
                        file_path,
                        _raw_path(file_path, raw_root_real, f"{_folder_name(path)}/{rel}"),
                    )
        elif path.exists() or path.is_symlink():
            yield _Input(given, path, _raw_path(path, raw_root_real, path.name))
        else:
            yield FileOutcome(given, "failed", error="no such file or folder")


def _folder_name(path: Path) -> str:
    name = path.resolve().name
    return name or "input"


def _raw_path(path: Path, raw_root_real: Path, default: str) -> str:
    """Where a file is kept under HOME/raw: where it already is, if it is already there."""
    try:
        return path.resolve().relative_to(raw_root_real).as_posix()
    except (ValueError, OSError):
        return default


def _parse_one(given: str, data: bytes, columns: dict[str, str]) -> list[Record] | str:
    """Parse in a worker process; an error comes back as its one-line message."""
    try:
        return parse_bytes(given, data, ParseOptions(columns=dict(columns)))
    except ParseError as exc:
        message = str(exc) or type(exc).__name__
        # Every failure line names its file, whether or not the parser did.
        return message if message.startswith(given) else f"{given}: {message}"
    except RecursionError:
        return f"{given}: too deeply nested to parse"
    except Exception as exc:  # a parser bug must not stop the batch
        log.debug("parser failed on %s", given, exc_info=True)
        return f"{given}: internal parser error ({type(exc).__name__}: {exc})"


def _index_records(
    index: Index, records: list[Record], progress: Progress | None, *, fresh: bool = False
) -> None:
    """Analyse records (in worker processes when it pays) and add them to the index.

    jieba segmentation is nearly all the cost of analysis, and whoosh takes one
    writer: so analysis runs in parallel, and its plain-data results (token lists from
    ``prepare_document``) stream into a single writer with a single commit.
    """
    from .index import prepare_document

    total = len(records)
    workers = min(os.cpu_count() or 1, 2) if total >= 4 * _PARALLEL_THRESHOLD else 1

    def prepared() -> Iterator[dict[str, Any]]:
        if workers > 1:
            with ProcessPoolExecutor(max_workers=workers) as pool:
                results = pool.map(prepare_document, records, chunksize=16)
                for done, doc in enumerate(results, 1):
                    yield doc
                    if progress and (done % 64 == 0 or done == total):
                        progress("index", done, total)
        else:
            for done, record in enumerate(records, 1):
                yield prepare_document(record)
                if progress:
                    progress("index", done, total)

    index.add_prepared(prepared(), replace=not fresh)


class Corpus:
    """A corpus home folder: raw files, the record store and the search index.

    Args:
        home: the folder; default ``$ALUCORPUS_HOME``, else ``./data``.
        lock_timeout: how long a writer waits for another writer, in seconds.
    """

    def __init__(self, home: str | os.PathLike[str] | None = None, *, lock_timeout: float = 60.0):
        self.layout = Layout(resolve_home(home))
        self.home = self.layout.home
        self.lock_timeout = lock_timeout

    # -- reading files without a corpus ---------------------------------------------------------

    @staticmethod
    def parse(
        paths: Iterable[str], *, columns: dict[str, str] | None = None
    ) -> Iterator[tuple[str, list[Record] | str]]:
        """Parse files and folders without touching any corpus.

        Yields ``(path, records)`` for each file, or ``(path, error message)``.
        Two language sides of one document given together become one record.
        """
        parsed: list[tuple[str, list[Record] | str]] = []
        for item in iter_input_files(paths, Path(os.devnull)):
            if isinstance(item, FileOutcome):
                parsed.append((item.path, f"{item.path}: {item.error}"))
                continue
            try:
                data = item.real.read_bytes()
            except OSError as exc:
                parsed.append((item.given, f"{item.given}: cannot read ({exc.strerror})"))
                continue
            parsed.append((item.given, _parse_one(item.given, data, columns or {})))
        merged = merge_bilingual([r for _, rs in parsed if not isinstance(rs, str) for r in rs])
        merged_ids = {r.id for r in merged}
        seen: set[str] = set()
        for path, result in parsed:
            if isinstance(result, str):
                yield path, result
                continue
            out = []
            for record in result:
                key = pair_key(record)
                partner = next((m for m in merged if key and pair_key(m) == key), None)
                final = partner if partner is not None and record.id not in merged_ids else record
                if final.id not in seen:
                    seen.add(final.id)
                    out.append(final)
            yield path, out

    # -- writing ----------------------------------------------------------------------------------

    @contextlib.contextmanager
    def _writing(self) -> Iterator[Store]:
        """Hold the corpus's write lock (one writer at a time) and open the store."""
        self.home.mkdir(parents=True, exist_ok=True)
        with open(self.layout.lock, "a+") as lock:
            deadline = time.monotonic() + self.lock_timeout
            while True:
                try:
                    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise StoreBusyError(
                            f"{self.home}: another alucorpus process is writing here; "
                            f"waited {self.lock_timeout:g} s. Try again when it has finished."
                        ) from None
                    time.sleep(0.2)
            store = Store(self.layout.store)
            try:
                yield store
            finally:
                store.close()
                fcntl.flock(lock, fcntl.LOCK_UN)

    def ingest(
        self,
        paths: Iterable[str],
        *,
        columns: dict[str, str] | None = None,
        progress: Progress | None = None,
        index: bool = True,
    ) -> IngestReport:
        """Keep files under HOME/raw, parse them, store their records and index them.

        A file that cannot be read or parsed is reported and skipped; the rest of the
        batch goes on and nothing stored before is lost. Ingesting the same file twice
        changes nothing.

        Args:
            paths: files and folders (folders are read recursively).
            columns: column-name overrides for table files (field → column).
            progress: called as files are parsed and records indexed.
            index: also bring the search index up to date (the default).
        """
        report = IngestReport()
        items: list[_Input] = []
        for item in iter_input_files(paths, self.layout.raw):
            if isinstance(item, FileOutcome):
                report.outcomes.append(item)
            else:
                items.append(item)
        with self._writing() as store:
            self._ingest_items(store, items, columns or {}, report, progress, force=False)
            if index:
                report.indexed = self._update_index(store, progress=progress)
        return report

    def _ingest_items(
        self,
        store: Store,
        items: list[_Input],
        columns: dict[str, str],
        report: IngestReport,
        progress: Progress | None,
        *,
        force: bool,
        keep_raw: bool = True,
    ) -> None:
        """Read, parse and store a batch of files (parsing in parallel when it pays)."""
        todo: list[_Parsed] = []
        total = len(items)
        done = 0
        for item in items:
            parsed = _Parsed(item)
            try:
                parsed.data = item.real.read_bytes()
            except OSError as exc:
                parsed.error = f"{item.given}: cannot read ({exc.strerror or exc})"
            if parsed.error is None:
                from .records import sha256_hex

                parsed.sha256 = sha256_hex(parsed.data)
                if not force and store.file_hash(item.raw_path) == parsed.sha256:
                    report.outcomes.append(FileOutcome(item.given, "unchanged"))
                    done += 1
                    if progress:
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
            if progress:
                progress("parse", done, total)

        self._store_parsed(
            store, [p for p in todo if p.error is None], file_columns, report, keep_raw
        )
        for parsed in todo:
            if parsed.error is not None:
                report.outcomes.append(FileOutcome(parsed.item.given, "failed", error=parsed.error))

    def _parse_all(
        self, todo: list[_Parsed], file_columns: dict[str, dict[str, str]]
    ) -> Iterator[list[Record] | str]:
        jobs = [
            (p.item.given, p.data, file_columns[p.item.raw_path]) for p in todo if p.error is None
        ]
        workers = min(os.cpu_count() or 1, 2 if len(jobs) >= _PARALLEL_THRESHOLD else 1)
        if workers > 1:
            with ProcessPoolExecutor(max_workers=workers) as pool:
                results = iter(pool.map(_parse_one, *zip(*jobs, strict=True), chunksize=4))
                for parsed in todo:
                    yield parsed.error if parsed.error is not None else next(results)
        else:
            for parsed in todo:
                if parsed.error is not None:
                    yield parsed.error
                else:
                    yield _parse_one(
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
        records_of = {p.item.raw_path: list(p.records) for p in parsed}
        extra_paths: dict[str, dict[str, list[str]]] = {p.item.raw_path: {} for p in parsed}
        stored_partners: dict[str, tuple[Record, list[str]]] = {}

        # Two language sides of one document become one record, whether the other
        # side is in this batch or was ingested before.
        sides: dict[str, list[tuple[str, Record]]] = {}
        for raw_path, records in records_of.items():
            for record in records:
                key = pair_key(record)
                if key:
                    sides.setdefault(key, []).append((raw_path, record))
        for key, members in sides.items():
            batch_paths = {p for p, _ in members}
            for stored, paths in store.by_pair_key(key):
                if not set(paths) & batch_paths:
                    members.append((paths[0], stored))
                    stored_partners[stored.id] = (stored, paths)
            if len(members) < 2:
                continue
            merged = merge_bilingual([r for _, r in members])
            if len(merged) != 1:
                continue
            joint = merged[0]
            all_paths = sorted(
                {p for p, r in members for p in stored_partners.get(r.id, (r, [p]))[1]}
            )
            for raw_path in batch_paths:
                records_of[raw_path] = [
                    joint if pair_key(r) == key else r for r in records_of[raw_path]
                ]
                extra_paths[raw_path][joint.id] = [p for p in all_paths if p != raw_path]

        for p in parsed:
            raw_path = p.item.raw_path
            if keep_raw:
                self._keep_raw(p.item, p.data)
            previous = store.file_hash(raw_path)
            store.replace_file(
                raw_path,
                p.sha256,
                len(p.data),
                records_of[raw_path],
                options=file_columns.get(raw_path) or {},
                extra_paths=extra_paths[raw_path],
            )
            status = (
                "added"
                if previous is None
                else ("unchanged" if previous == p.sha256 else "updated")
            )
            report.outcomes.append(FileOutcome(p.item.given, status, len(records_of[raw_path])))
        # A stored side that is now part of a joint record is replaced by it.
        for stored_id in stored_partners:
            joint_ids = {r.id for rs in records_of.values() for r in rs}
            if stored_id not in joint_ids:
                store.delete_records([stored_id])

    def _keep_raw(self, item: _Input, data: bytes) -> None:
        """Write the raw bytes under HOME/raw atomically (temp file, then rename)."""
        target = self.layout.raw / item.raw_path
        with contextlib.suppress(OSError):
            if target.exists() and target.resolve() == item.real.resolve():
                return
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
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

    # -- index ------------------------------------------------------------------------------------

    def _current_index_dir(self) -> Path | None:
        """The live index generation named by HOME/index/CURRENT, if any."""
        pointer = self.layout.index / "CURRENT"
        try:
            name = pointer.read_text(encoding="utf-8").strip()
        except OSError:
            return None
        path = self.layout.index / name
        return path if name and path.is_dir() else None

    def _switch_index(self, generation: Path) -> None:
        """Make ``generation`` the live index in one atomic rename, then drop older ones."""
        pointer = self.layout.index / "CURRENT"
        tmp = self.layout.index / f".CURRENT.{uuid.uuid4().hex}"
        tmp.write_text(generation.name, encoding="utf-8")
        os.replace(tmp, pointer)
        for other in self.layout.index.iterdir():
            if other.is_dir() and other.name.startswith("gen-") and other != generation:
                shutil.rmtree(other, ignore_errors=True)

    def _new_generation(self) -> Path:
        self.layout.index.mkdir(parents=True, exist_ok=True)
        path = self.layout.index / f"gen-{time.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:6]}"
        return path

    def _update_index(
        self, store: Store, removed_ids: Iterable[str] = (), *, progress: Progress | None = None
    ) -> int:
        """Index every record the index does not have yet; drop removed ones."""
        from .errors import IndexOutdatedError
        from .index import Index

        current = self._current_index_dir()
        index: Index | None = None
        if current is not None:
            try:
                index = Index.open(current)
            except IndexOutdatedError:
                log.warning("index at %s was built by another version; rebuilding it", current)
        if index is None:
            return self._rebuild_index(store, progress=progress)
        try:
            removed = list(removed_ids)
            if removed:
                index.delete(removed)
            records = list(store.records(unindexed_only=True))
            if records:
                _index_records(index, records, progress)
                store.mark_indexed(r.id for r in records)
        finally:
            index.close()
        return len(records)

    def _rebuild_index(self, store: Store, *, progress: Progress | None = None) -> int:
        """Build a whole new index beside the live one and switch to it atomically."""
        from .index import Index

        generation = self._new_generation()
        index = Index.create(generation)
        records = list(store.records())
        try:
            if records:
                _index_records(index, records, progress, fresh=True)
        except BaseException:
            index.close()
            shutil.rmtree(generation, ignore_errors=True)  # the live index is untouched
            raise
        index.close()
        self._switch_index(generation)
        store.mark_indexed(r.id for r in records)
        return len(records)

    def reindex(self, *, full: bool = False, progress: Progress | None = None) -> IngestReport:
        """Bring the store and index in line with HOME/raw.

        Incremental by default: only new or changed raw files are parsed, records of
        files gone from HOME/raw are dropped, and only unindexed records are indexed.
        With ``full=True`` every file is parsed again and a new index is built beside
        the live one, then swapped in: searches keep working, and a crash leaves the
        old index in place.
        """
        report = IngestReport()
        raw = self.layout.raw
        items: list[_Input] = []
        if raw.is_dir():
            for item in iter_input_files([str(raw)], raw):
                if isinstance(item, _Input):
                    items.append(item)
        with self._writing() as store:
            present = {i.raw_path for i in items}
            removed_ids: list[str] = []
            for raw_path in sorted(set(store.files()) - present):
                removed_ids.extend(store.forget_file(raw_path))
                report.removed += 1
            self._ingest_items(store, items, {}, report, progress, force=full, keep_raw=False)
            if full:
                report.indexed = self._rebuild_index(store, progress=progress)
            else:
                report.indexed = self._update_index(store, removed_ids, progress=progress)
        return report

    # -- reading ----------------------------------------------------------------------------------

    def _read_store(self) -> Store:
        if not self.layout.store.exists():
            raise AlucorpusError(
                f"{self.home}: no corpus here yet. Run `alucorpus ingest PATH` first."
            )
        return Store(self.layout.store)

    def get(self, record_id: str) -> Record:
        """The record with this id (a unique prefix of it is enough)."""
        store = self._read_store()
        try:
            record = store.get(record_id)
            if record is None:
                matches = store.find_by_prefix(record_id) if len(record_id) >= 4 else []
                if len(matches) == 1:
                    record = store.get(matches[0])
                elif len(matches) > 1:
                    raise RecordNotFoundError(
                        f"{record_id}: more than one record id starts with this; give more of it"
                    )
        finally:
            store.close()
        if record is None:
            raise RecordNotFoundError(f"{record_id}: no record with this id in {self.home}")
        return record

    def records(self) -> Iterator[Record]:
        """Every stored record."""
        store = self._read_store()
        try:
            yield from store.records()
        finally:
            store.close()

    def open_index(self) -> Index:
        """The live search index, for reading."""
        from .index import Index

        current = self._current_index_dir()
        if current is None:
            raise AlucorpusError(
                f"{self.home}: no search index yet. "
                "Run `alucorpus ingest PATH` or `alucorpus reindex`."
            )
        return Index.open(current)

    def search(
        self,
        query: str,
        *,
        lang: str | None = None,
        departments: Iterable[str] | None = None,
        since: str | None = None,
        until: str | None = None,
        doc_type: str | None = None,
        limit: int = 10,
        offset: int = 0,
        sort: str = "relevance",
        translation: str = "structured",
    ) -> SearchResults:
        """Search the corpus.

        Args:
            query: words, "quoted phrases", AND/OR/NOT, field prefixes
                (``title:``, ``dept:``, ``number:``, ``year:2018..2020``, ``type:``).
            lang: the query's language ("zh" or "en"); detected when None.
            departments: only documents issued by (any of) these departments;
                full names, short forms or English names.
            since, until: issue-date bounds, ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.
            doc_type: only this document type (通知, 意见 …).
            limit, offset: the page of hits.
            sort: "relevance" or "issued" (newest first).
            translation: how a query is carried into the other language: "structured"
                (synonym groups of weighted translations, the default), "first" (first
                sense of each word only) or "none" (search the query as typed).

        Returns:
            Hits with snippets, and facet counts over the whole result set.
        """
        from .search import search as run_search

        index = self.open_index()
        try:
            return run_search(
                index,
                query,
                lang=lang,
                departments=list(departments) if departments else None,
                since=since,
                until=until,
                doc_type=doc_type,
                limit=limit,
                offset=offset,
                sort=sort,
                translation=translation,
            )
        finally:
            index.close()

    def stats(self) -> dict[str, Any]:
        """Documents by language, format, department and year; index size in bytes."""
        by_lang: Counter[str] = Counter()
        by_format: Counter[str] = Counter()
        by_department: Counter[str] = Counter()
        by_year: Counter[str] = Counter()
        total = 0
        for record in self.records():
            total += 1
            by_lang[record.lang] += 1
            by_format[record.format] += 1
            for name in record.departments or ("(none)",):
                by_department[name] += 1
            date = record.issued or record.published
            by_year[date[:4] if date else "(undated)"] += 1
        index_dir = self._current_index_dir()
        index_bytes = (
            sum(f.stat().st_size for f in index_dir.iterdir() if f.is_file()) if index_dir else 0
        )
        return {
            "home": str(self.home),
            "documents": total,
            "by_lang": dict(by_lang.most_common()),
            "by_format": dict(by_format.most_common()),
            "by_department": dict(by_department.most_common()),
            "by_year": dict(sorted(by_year.items())),
            "index_bytes": index_bytes,
        }
