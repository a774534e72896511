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
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .batch import INCOMING_PREFIX, PARALLEL_THRESHOLD, FileBatch, IngestReport, Progress
from .config import Layout, resolve_home
from .errors import (
    AlucorpusError,
    ParseError,
    RecordNotFoundError,
    StorageError,
    StoreBusyError,
)
from .generations import IndexGenerations
from .ingest import join_bilingual, read_input_bytes
from .ingest.files import FileOutcome, InputFile, iter_input_files, parse_one, read_failure
from .records import Record, Version
from .store import Store
from .workers import crash_point, process_pool

if TYPE_CHECKING:
    from .citations import CitationGraph, Link
    from .index import Index
    from .kwic import Concordance
    from .search import SearchResults
    from .trends import Trend

log = logging.getLogger(__name__)

#: Environment variable for the writer's lock timeout in seconds (the CLI's --wait).
WAIT_ENV = "ALUCORPUS_WAIT"


def storage_message(exc: OSError | sqlite3.Error, where: Path) -> str:
    """One line for a failed write: the file, then what went wrong, in lower case.

    >>> storage_message(OSError(28, "No space left on device", "/d/x"), Path("/d"))
    '/d/x: no space left on device'
    """
    if isinstance(exc, OSError):
        name = os.fsdecode(exc.filename) if exc.filename is not None else str(where)
        reason = exc.strerror or str(exc) or type(exc).__name__
    else:
        name, reason = str(where), str(exc) or type(exc).__name__
    return f"{name}: {reason[:1].lower()}{reason[1:]}"


def _index_records(
    index: Index,
    records: Sequence[Record],
    progress: Progress | None,
    *,
    fresh: bool = False,
    delete_ids: Iterable[str] = (),
    cache_path: Path | None = None,
) -> None:
    """Analyse records (in worker processes when it pays) and add them to the index.

    jieba segmentation is nearly all the cost of analysis, and whoosh takes one
    writer: so analysis runs in parallel, and its plain-data results (token lists from
    ``prepare_document``) stream into a single writer with a single commit. A new
    index (``fresh``) is built by :mod:`alucorpus.bulkindex` instead: each worker
    also writes its own segment, and word tokens come from the segmentation cache
    at ``cache_path`` (see :mod:`alucorpus.segcache`).
    """
    from .index import prepare_document

    total = len(records)
    workers = min(os.cpu_count() or 1, 2) if total >= 4 * PARALLEL_THRESHOLD else 1
    if fresh and not list(delete_ids):
        from .bulkindex import build_parallel

        build_parallel(
            index,
            records,
            workers=workers,
            cache_path=cache_path,
            progress=(lambda done, n: progress("index", done, n)) if progress else None,
            checkpoint=lambda: crash_point("mid-index"),
        )
        return

    def prepared() -> Iterator[dict[str, Any]]:
        if workers > 1:
            with process_pool(workers) as pool:
                results = pool.map(prepare_document, records, chunksize=16)
                for done, doc in enumerate(results, 1):
                    yield doc
                    if done == half:
                        crash_point("mid-index")
                    if progress and (done % 64 == 0 or done == total):
                        progress("index", done, total)
        else:
            for done, record in enumerate(records, 1):
                yield prepare_document(record)
                if done == half:
                    crash_point("mid-index")
                if progress:
                    progress("index", done, total)

    # Half the documents are in the open writer, none committed: the mid-index test.
    half = max(1, total // 2)
    index.add_prepared(prepared(), replace=not fresh, delete_ids=delete_ids)


def _default_wait() -> float:
    """``$ALUCORPUS_WAIT`` seconds when set and valid, else 60."""
    try:
        return max(0.0, float(os.environ.get(WAIT_ENV) or 60.0))
    except ValueError:
        return 60.0


class Corpus:
    """A corpus home folder: raw files, the record store and the search index.

    Args:
        home: the folder; default ``$ALUCORPUS_HOME``, else ``./data``.
        lock_timeout: how long a writer waits for another writer, in seconds;
            default ``$ALUCORPUS_WAIT``, else 60.
    """

    def __init__(
        self, home: str | os.PathLike[str] | None = None, *, lock_timeout: float | None = None
    ):
        self.layout = Layout(resolve_home(home))
        self.home = self.layout.home
        self.lock_timeout = _default_wait() if lock_timeout is None else lock_timeout
        # The index searches read, kept open between searches (see _search_index).
        self._kept_index: Index | None = None
        self._kept_lock = threading.Lock()

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
                parsed.append((item.path, item.error or f"{item.path}: failed"))
                continue
            try:
                data = read_input_bytes(item.real)
            except (OSError, ParseError) as exc:
                parsed.append((item.given, read_failure(item.given, exc)))
                continue
            parsed.append((item.given, parse_one(item.given, data, columns or {})))
        # Paired as ingest pairs them (join_bilingual), so parse shows what ingest stores.
        joined = join_bilingual({p: rs for p, rs in parsed if not isinstance(rs, str)})
        seen: set[str] = set()
        for path, result in parsed:
            if isinstance(result, str):
                yield path, result
                continue
            out = []
            for record in joined.records[path]:
                if record.id not in seen:  # a joint record goes with the first of its files
                    seen.add(record.id)
                    out.append(record)
            yield path, out

    # -- writing ----------------------------------------------------------------------------------

    @contextlib.contextmanager
    def _writing(self) -> Iterator[Store]:
        """Hold the corpus's write lock (one writer at a time) and open the store.

        The lock is an ``flock`` on HOME/.write.lock: the kernel releases it when its
        holder dies, so a killed writer never leaves a lock behind. Once the lock is
        held, whatever a killed writer left half-done is cleared away (see
        :meth:`_recover`). A failed write (disk full, read-only folder) becomes one
        :class:`StorageError` line; SQLite has rolled its transaction back by then.
        """
        try:
            self.home.mkdir(parents=True, exist_ok=True)
            lock = open(self.layout.lock, "a+")  # noqa: SIM115 - held across the yield
        except OSError as exc:
            raise StorageError(storage_message(exc, self.home)) from None
        with lock:
            deadline = time.monotonic() + self.lock_timeout
            while True:
                try:
                    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise StoreBusyError(
                            f"{self.home}: another alucorpus process is writing here; "
                            f"waited {self.lock_timeout:g} s. Try again when it has "
                            f"finished, or wait longer with --wait SECONDS."
                        ) from None
                    time.sleep(0.2)
            try:
                self._recover()
                store = Store(self.layout.store)
                try:
                    yield store
                finally:
                    store.close()
            except OSError as exc:
                raise StorageError(storage_message(exc, self.home)) from None
            except sqlite3.Error as exc:
                raise StorageError(storage_message(exc, self.layout.store)) from None
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _recover(self) -> None:
        """Clear what a killed writer left behind (called with the write lock held).

        Nothing here holds data: SQLite rolled back any open transaction by itself, a
        raw file is either complete under its name or an ``.incoming-*`` temporary,
        an index generation that never became CURRENT was never searched, and whoosh
        segment files that no commit refers to were never visible.
        """
        from .index import Index

        raw = self.layout.raw
        if raw.is_dir():
            for folder, _dirs, files in os.walk(raw):
                for name in files:
                    if name.startswith(INCOMING_PREFIX):
                        with contextlib.suppress(OSError):
                            os.unlink(os.path.join(folder, name))
        if not self.layout.index.is_dir():
            return
        current = IndexGenerations(self.layout.index).remove_leftovers()
        if current is not None:
            Index.clean_orphans(current)

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
        items: list[InputFile] = []
        for item in iter_input_files(paths, self.layout.raw):
            if isinstance(item, FileOutcome):
                report.outcomes.append(item)
            else:
                items.append(item)
        with self._writing() as store:
            FileBatch(self.layout.raw).ingest_items(
                store, items, columns or {}, report, progress, force=False
            )
            self._refresh_documents(store)
            if index:
                report.indexed = self._update_index(store, progress=progress)
        return report

    # -- index ------------------------------------------------------------------------------------

    def _current_index_dir(self) -> Path | None:
        """The live index generation named by HOME/index/CURRENT, if any."""
        return IndexGenerations(self.layout.index).current()

    def _refresh_documents(self, store: Store) -> int:
        """Group stored copies into documents, rebuild the changed ones, renew statuses.

        A status can change without its document changing (a repeal, a newer version
        or LawRefBook's database came in), so every document's status and version
        chain is worked out again (see :func:`alucorpus.versions.assign_versions`).
        """
        from .citations import status_links
        from .versions import StatusEvidence, assign_versions

        crash_point("before-documents")
        changed = store.refresh_documents()

        def assign(documents: list[Record]) -> dict[str, tuple[str, tuple[Version, ...]]]:
            evidence = StatusEvidence.build(store.law_rows(), status_links(documents))
            return assign_versions(documents, evidence)

        return changed + store.refresh_status(assign)

    def _update_index(self, store: Store, *, progress: Progress | None = None) -> int:
        """Index every document the index does not have yet; drop removed ones."""
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
        crash_point("after-store")
        try:
            # Deletions and additions go into one whoosh commit; the queue of deletions
            # is cleared only after it, so a crash in between repeats them harmlessly.
            deletes = store.pending_deletes()
            records = list(store.records(unindexed_only=True))
            if records or deletes:
                _index_records(index, records, progress, delete_ids=deletes)
                store.mark_indexed(r.id for r in records)
                store.clear_deletes(deletes)
        finally:
            index.close()
        return len(records)

    def _rebuild_index(self, store: Store, *, progress: Progress | None = None) -> int:
        """Build a whole new index beside the live one and switch to it atomically."""
        from .index import Index

        crash_point("after-store")
        generation = IndexGenerations(self.layout.index).new()
        try:
            index = Index.create(generation)
            records = store.lazy_records()  # ids only: workers read the records themselves
            try:
                if records:
                    _index_records(
                        index,
                        records,
                        progress,
                        fresh=True,
                        cache_path=self.layout.cache / "segments.sqlite3",
                    )
                    index.prepare_segments()
            finally:
                index.close()
            crash_point("before-switch")
            IndexGenerations(self.layout.index).switch(generation)
        except BaseException:
            shutil.rmtree(generation, ignore_errors=True)  # the live index is untouched
            raise
        crash_point("after-switch")
        # The new generation was built from the store as it is: nothing to delete.
        store.mark_indexed(records.ids)
        store.clear_deletes()
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
        found: list[InputFile] = []
        if raw.is_dir():
            for item in iter_input_files([str(raw)], raw):
                if isinstance(item, InputFile):
                    found.append(item)
        with self._writing() as store:
            present = {i.raw_path for i in found}
            for raw_path in sorted(set(store.files()) - present):
                store.forget_file(raw_path)
                report.removed += 1
            # Parsed under the path each file was first given as, so that a record's
            # source does not turn into HOME/raw/... (see Store.given_path).
            items = [
                InputFile(store.given_path(i.raw_path) or i.given, i.real, i.raw_path)
                for i in found
            ]
            FileBatch(self.layout.raw).ingest_items(
                store, items, {}, report, progress, force=full, keep_raw=False
            )
            self._refresh_documents(store)
            if full:
                report.indexed = self._rebuild_index(store, progress=progress)
            else:
                report.indexed = self._update_index(store, progress=progress)
        return report

    # -- reading ----------------------------------------------------------------------------------

    def _read_store(self) -> Store:
        if not self.layout.store.exists():
            raise AlucorpusError(
                f"{self.home}: no corpus here yet. Run `alucorpus ingest PATH` first."
            )
        try:
            return Store(self.layout.store, readonly=True)
        except sqlite3.Error as exc:
            raise StorageError(storage_message(exc, self.layout.store)) from None

    def get(self, record_id: str) -> Record:
        """The document with this id or with a copy of this id (a unique prefix is enough)."""
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
        """Every document (one record per document, made from its copies)."""
        store = self._read_store()
        try:
            yield from store.records()
        finally:
            store.close()

    def copies(self) -> Iterator[Record]:
        """Every stored copy: each file or table row as it came in."""
        store = self._read_store()
        try:
            yield from store.copies()
        finally:
            store.close()

    def open_index(self) -> Index:
        """The live search index, for reading."""
        from .errors import IndexOutdatedError
        from .index import Index

        for attempt in range(3):
            current = self._current_index_dir()
            if current is None:
                raise AlucorpusError(
                    f"{self.home}: no search index yet. "
                    "Run `alucorpus ingest PATH` or `alucorpus reindex`."
                )
            try:
                return Index.open(current)
            except IndexOutdatedError:
                # A rebuild may have switched CURRENT and removed this generation
                # between our reading the pointer and opening it: read it again.
                if attempt == 2 or self._current_index_dir() == current:
                    raise
        raise AssertionError("unreachable")

    def search(
        self,
        query: str,
        *,
        lang: str | None = None,
        departments: Iterable[str] | None = None,
        since: str | None = None,
        until: str | None = None,
        doc_type: str | None = None,
        jurisdiction: str | None = None,
        as_of: str | None = None,
        limit: int = 10,
        offset: int = 0,
        sort: str = "relevance",
        translation: str = "structured",
        glossary: str | Path | None = None,
        match: str = "any",
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
            jurisdiction: only documents of this jurisdiction: national, taiwan, unknown,
                or a province or city in either script or English (海南, Hainan, 新余市);
                with "taiwan", ``departments`` name Taiwan's agencies.
            as_of: the corpus as it stood on that day (``YYYY[-MM[-DD]]``): documents
                dated by then, each law in the version then in force.
            limit, offset: the page of hits.
            sort: "relevance" or "issued" (newest first).
            translation: how a query is carried into the other language: "structured"
                (synonym groups of weighted translations, the default), "first" (first
                sense of each word only) or "none" (search the query as typed).
            glossary: a user glossary TSV (``zh<TAB>en<TAB>domain<TAB>note``) that
                overlays the packaged one row by row for this search.
            match: "any" (default): best match, every plain word counts, more of
                them and title matches rank higher, none is required (``+word`` and
                ``AND`` require one); "all": every word is required, for counting.

        Returns:
            Hits with snippets, and facet counts over the whole result set;
            ``total`` (documents with at least one term) and ``total_all_terms``.

        Raises:
            QueryError: the query is malformed.
            ParseError: the glossary file cannot be read or is malformed.
        """
        from .search import search as run_search

        lexicon = None
        if glossary is not None:
            from .lexicon import load_lexicon

            lexicon = load_lexicon(self.layout.cache, glossary)

        for attempt in range(3):
            index = self._search_index()
            opened = index.path
            try:
                return run_search(
                    index,
                    query,
                    lang=lang,
                    departments=list(departments) if departments else None,
                    since=since,
                    until=until,
                    doc_type=doc_type,
                    jurisdiction=jurisdiction,
                    as_of=as_of,
                    limit=limit,
                    offset=offset,
                    sort=sort,
                    translation=translation,
                    cache_dir=self.layout.cache,
                    lexicon=lexicon,
                    match=match,
                )
            except AlucorpusError:
                raise  # a malformed query, a bad filter: the user's to fix
            except Exception as exc:
                # A writer's commit merged away a segment file this reader was about
                # to open, or a rebuild replaced the generation: open it again.
                moved = isinstance(exc, FileNotFoundError) or self._current_index_dir() != opened
                self._drop_search_index(index)
                if attempt == 2 or not moved:
                    raise
                log.debug("index changed while reading it; retrying", exc_info=True)
        raise AssertionError("unreachable")

    def _search_index(self) -> Index:
        """The live index, kept open while it stays live: a search then reuses its readers."""
        current = self._current_index_dir()
        with self._kept_lock:
            kept = self._kept_index
            if kept is not None and kept.path == current:
                return kept
            self._kept_index = self.open_index()
        if kept is not None:
            kept.close()  # a rebuild replaced it
        return self._kept_index

    def _drop_search_index(self, index: Index) -> None:
        with self._kept_lock:
            if self._kept_index is index:
                self._kept_index = None
        index.close()

    def close(self) -> None:
        """Release the index kept open for searching (also done when the Corpus is collected)."""
        with self._kept_lock:
            kept, self._kept_index = self._kept_index, None
        if kept is not None:
            kept.close()

    def stats(self) -> dict[str, Any]:
        """Documents (and their stored copies) by language, format, jurisdiction,
        department and year.

        Also the index size in bytes. A Taiwan agency is counted as "经济部 (Taiwan)", as
        in the search facets, so that it never adds to a PRC ministry of the same name.
        """
        from .departments import qualified_department

        by_lang: Counter[str] = Counter()
        by_jurisdiction: Counter[str] = Counter()
        by_format: Counter[str] = Counter()
        by_department: Counter[str] = Counter()
        by_year: Counter[str] = Counter()
        total = 0
        for record in self.records():
            total += 1
            by_lang[record.lang] += 1
            by_format[record.format] += 1
            by_jurisdiction[record.jurisdiction or "unknown"] += 1
            for name in record.departments or ("(none)",):
                by_department[qualified_department(name, record.jurisdiction)] += 1
            date = record.issued or record.published
            year = record.issued_year or (int(date[:4]) if date else None)
            by_year[str(year) if year else "(undated)"] += 1
        store = self._read_store()
        try:
            copies = store.count_copies()
        finally:
            store.close()
        index_dir = self._current_index_dir()
        index_bytes = (
            sum(f.stat().st_size for f in index_dir.iterdir() if f.is_file()) if index_dir else 0
        )
        return {
            "home": str(self.home),
            "documents": total,
            "copies": copies,
            "by_lang": dict(by_lang.most_common()),
            "by_format": dict(by_format.most_common()),
            "by_jurisdiction": dict(by_jurisdiction.most_common()),
            "by_department": dict(by_department.most_common()),
            "by_year": dict(sorted(by_year.items())),
            "index_bytes": index_bytes,
        }

    # -- researcher tools (tables, concordance, trends, citations) ---------------------------------

    def to_frame(
        self,
        query: str | None = None,
        *,
        text: bool = False,
        **search_options: Any,
    ) -> Any:
        """A pandas DataFrame: one row per document, or per hit (every hit) when a query is given.

        Args:
            query: a search query; None for every document in the corpus.
            text: add a ``text`` column with each document's body.
            search_options: passed to :meth:`search` (lang, departments, since, until …).

        Raises:
            MissingExtraError: pandas is not installed (``pip install 'alucorpus[tables]'``).
        """
        from .tables import columns_of, frame, require

        require("pandas", "tables")  # fail before the (slow) search, not after
        rows = self.table_rows(query, text=text, **search_options)
        return frame(rows, columns_of(rows, hits=query is not None, text=text))

    def table_rows(
        self, query: str | None = None, *, text: bool = False, **search_options: Any
    ) -> list[dict[str, Any]]:
        """The rows of :meth:`to_frame` and ``alucorpus export`` as plain dicts."""
        from .tables import record_row

        if query is None:
            return [record_row(r, text=text) for r in self.records()]
        search_options.pop("limit", None)
        search_options.pop("offset", None)
        total = self.search(query, limit=0, **search_options).total
        results = self.search(query, limit=max(total, 1), **search_options)
        # Read just the hits' records, not the whole store.
        store = self._read_store()
        try:
            found = (store.get(hit.id) for hit in results.hits)
            records = {r.id: r for r in found if r is not None}
        finally:
            store.close()
        return results.rows(records, text=text)

    def export(
        self,
        path: str | Path,
        query: str | None = None,
        *,
        fmt: str = "csv",
        text: bool = False,
        **search_options: Any,
    ) -> int:
        """Write every document, or every hit of ``query``, to ``path``; return how many.

        ``fmt``: "csv" (UTF-8 with a byte-order mark), "jsonl" or "parquet" (needs
        pyarrow). The rows are those of :meth:`table_rows`.

        Raises:
            MissingExtraError: the format needs an extra that is not installed.
        """
        from .tables import columns_of, require, write_rows

        if fmt == "parquet":
            require("pyarrow", "parquet")  # before the search, not after
        rows = self.table_rows(query, text=text, **search_options)
        return write_rows(rows, columns_of(rows, hits=query is not None, text=text), path, fmt)

    def kwic(
        self,
        term: str,
        *,
        width: int = 30,
        match: str = "words",
        lang: str | None = None,
        departments: Iterable[str] | None = None,
        since: str | None = None,
        until: str | None = None,
        doc_type: str | None = None,
        jurisdiction: str | None = None,
        translation: str = "glossary",
        glossary: str | Path | None = None,
    ) -> Concordance:
        """Every occurrence of a term, and of its translations, with its context.

        Args:
            term: a word or phrase, Chinese (either script) or English.
            width: display columns of context on each side.
            match: "words" (token sequence, as search) or "chars" (substring).
            lang: only text in this language ("zh" or "en"), and only the term's
                forms in it (besides the term as typed).
            departments, since, until, doc_type, jurisdiction: as for :meth:`search`.
            translation: which translations of the term are looked for too:
                "glossary" (the default), "cedict" (the glossary, else CC-CEDICT) or
                "none" (see :func:`alucorpus.kwic.term_forms`).
            glossary: a user glossary TSV overlaying the packaged one, as for :meth:`search`.

        Each line's ``form`` says which form of the term matched it.

        >>> Corpus("data").kwic("电解铝").render()  # doctest: +SKIP
        """
        from .kwic import concordance, load_lexicon
        from .search import Filter

        lexicon = load_lexicon(self.layout.cache, glossary) if translation != "none" else None
        index = self.open_index()
        try:
            return concordance(
                index,
                term,
                width=width,
                match=match,
                lang=lang,
                translation=translation,
                lexicon=lexicon,
                restrict=Filter(
                    tuple(departments) if departments else None,
                    since,
                    until,
                    doc_type,
                    jurisdiction=jurisdiction,
                ),
            )
        finally:
            index.close()

    def trend(
        self,
        terms: Iterable[str],
        *,
        by: str = "year",
        match: str = "words",
        lang: str | None = None,
        departments: Iterable[str] | None = None,
        since: str | None = None,
        until: str | None = None,
        doc_type: str | None = None,
        jurisdiction: str | None = None,
        translation: str = "glossary",
        glossary: str | Path | None = None,
    ) -> Trend:
        """Documents and occurrences of each term per year or month (see alucorpus.trends).

        Each term counts with its translations (``translation``, ``glossary`` and
        ``lang`` as for :meth:`kwic`); :attr:`Trend.forms` and each row's ``forms``
        say which forms were counted, and how often each.
        """
        from .kwic import load_lexicon
        from .search import Filter
        from .trends import trend

        lexicon = load_lexicon(self.layout.cache, glossary) if translation != "none" else None
        index = self.open_index()
        try:
            return trend(
                index,
                list(terms),
                by=by,
                match=match,
                lang=lang,
                translation=translation,
                lexicon=lexicon,
                restrict=Filter(
                    tuple(departments) if departments else None,
                    since,
                    until,
                    doc_type,
                    jurisdiction=jurisdiction,
                ),
            )
        finally:
            index.close()

    def graph(self) -> CitationGraph:
        """The citation graph of the whole corpus (see :mod:`alucorpus.citations`)."""
        from .citations import build_graph

        return build_graph(self.records())

    def cites(self, record_id: str) -> list[Link]:
        """The documents a record cites, implements, amends or issues, resolved where possible."""
        from .citations import Resolver, links_of

        record = self.get(record_id)
        return links_of(record, Resolver.from_records(self.records()))

    def cited_by(self, record_id: str) -> list[Link]:
        """The links from other records in the corpus to this one."""
        record = self.get(record_id)
        return self.graph().cited_by(record.id)
