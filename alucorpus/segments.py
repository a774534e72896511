"""What is derived from one whoosh segment, and the only module that reads whoosh's internals.

A whoosh segment never changes once written (deletions only hide documents), so
everything searching derives from it can be computed once: the term arrays of broad
terms (document numbers and weights), the field lengths the scorer uses, sortable
columns, the facet tables (department, type, jurisdiction, year), and which words contain which
character. Each is read or built here, on first need, and kept in the one bounded
:class:`DerivedCache` that the open :class:`~alucorpus.index.Index` holds. The
facet tables and the characters-in-words tables are also kept *beside* the segment
(marshal files ``alucorpus-<name>-<segment id>.marshal``), so that a fresh process
(``alucorpus search`` from the shell) loads them instead of scanning the segment; the
bulk writer writes the term arrays beside each segment as it flushes it
(:class:`TermArraysWriter`).

whoosh keeps posting blocks, lengths and columns behind private attributes of its W3
codec (pinned by setup.cfg). Reading them a block at a time instead of a posting at
a time is what makes the array evaluation (:mod:`alucorpus.search.evaluate`) fast,
so this module reaches in; no other module does (ruff's SLF001 says so).

numpy is imported here: this module is loaded by the first search, not by the CLI.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import marshal
import os
import pickle
import re
import threading
from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.util.numeric import byte_to_length

from .analysis import has_cjk

log = logging.getLogger(__name__)

#: A term in at least this many documents of a segment is kept in the segment's
#: term-arrays sidecar (one whoosh block holds 128 postings).
SIDECAR_MIN_DOCS = 128

#: How many derived values (arrays, tables) the cache of one open index keeps. A
#: segment has a few dozen (one per field for lengths, one per range filter …); the
#: least recently used go first.
CACHE_ENTRIES = 1024

_LENGTH_OF_BYTE = np.array([byte_to_length(b) or 0 for b in range(256)], dtype=np.float64)

#: What this module keeps beside a segment: alucorpus-<name>-<segment id>.<suffix>.
_SIDECAR_NAME = re.compile(r"alucorpus-[a-z-]+?-(?P<segment>[A-Za-z]+_[a-z0-9]+)\.[a-z]+")

_MISSING = object()


def segment_id(reader: Any) -> str | None:
    """The id of the segment a leaf reader reads (None for readers of no one segment)."""
    segment = reader.segment() if hasattr(reader, "segment") else None
    return segment.segment_id() if segment is not None else None


def _folder(reader: Any) -> str | None:
    return getattr(getattr(reader, "_storage", None), "folder", None)


class DerivedCache:
    """Values derived from segments, kept for the life of an open index; least recently used out.

    Keys are (segment id, what): a segment id names immutable content, so a value
    never goes stale; a commit that merges segments away only leaves entries that
    age out. Thread-safe: searches run one per thread on an Index.
    """

    def __init__(self, max_entries: int = CACHE_ENTRIES) -> None:
        self.max_entries = max_entries
        self._values: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._values)

    def get(self, key: tuple[Any, ...], build: Callable[[], Any]) -> Any:
        """The value kept under ``key``, built by ``build()`` on a miss."""
        with self._lock:
            value = self._values.get(key, _MISSING)
            if value is not _MISSING:
                self._values.move_to_end(key)
                return value
        value = build()  # outside the lock: building may read a whole segment
        with self._lock:
            self._values[key] = value
            while len(self._values) > self.max_entries:
                self._values.popitem(last=False)
        return value

    def of_segment(self, reader: Any, what: str, build: Callable[[], Any]) -> Any:
        """``build()`` for this segment, kept (not kept for a reader of no segment)."""
        key = segment_id(reader)
        if key is None:
            return build()
        return self.get((key, what), build)


# -- values kept beside a segment -----------------------------------------------------------------


def _sidecar(reader: Any, name: str, build: Callable[[], Any]) -> Any:
    """A value derived from one segment, read from beside it, or built and written there.

    An unreadable or unwritable file only costs the rebuild.
    """
    key = segment_id(reader)
    folder = _folder(reader)
    if key is None or folder is None:
        return build()
    path = Path(folder) / f"alucorpus-{name}-{key}.marshal"
    if path.exists():
        try:
            return marshal.loads(path.read_bytes())
        except (OSError, ValueError, EOFError, TypeError):
            log.debug("unreadable sidecar %s", path, exc_info=True)
    value = build()
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(marshal.dumps(value))
        os.replace(tmp, path)
    except (OSError, ValueError):
        log.debug("could not keep sidecar %s", path, exc_info=True)
        with contextlib.suppress(OSError):
            tmp.unlink()
    return value


def _kept(cache: DerivedCache | None, reader: Any, name: str, build: Callable[[], Any]) -> Any:
    """A sidecar value, through the cache when there is one."""
    if cache is None:
        return _sidecar(reader, name, build)
    return cache.of_segment(reader, f"sidecar:{name}", lambda: _sidecar(reader, name, build))


def remove_stale_sidecars(path: str | Path, live: set[str]) -> None:
    """Remove what was kept beside segments not in ``live`` (segment ids).

    Only alucorpus's own files (``alucorpus-*-<segment>.*``): whoosh removes its own
    at commit, and a concurrent writer's unfinished segment has none of ours.
    """
    for file in Path(path).glob("alucorpus-*"):
        match = _SIDECAR_NAME.fullmatch(file.name)
        if match and match.group("segment") not in live:
            with contextlib.suppress(OSError):
                file.unlink()


def char_terms(
    reader: Any, fieldname: str, cache: DerivedCache | None = None
) -> dict[str, list[tuple[str, int]]]:
    """The CJK characters of one segment's terms in ``fieldname``, each with its terms by df."""

    def build() -> dict[str, list[tuple[str, int]]]:
        table: dict[str, list[tuple[str, int]]] = {}
        if fieldname in reader.indexed_field_names():
            for btext, info in reader.iter_field(fieldname):
                term = btext.decode("utf-8") if isinstance(btext, bytes) else btext
                if not has_cjk(term):
                    continue
                df = info.doc_frequency()
                for char in set(term):
                    table.setdefault(char, []).append((term, df))
        for terms in table.values():
            terms.sort(key=lambda item: -item[1])
        return table

    return _kept(cache, reader, f"chars-{fieldname}", build)


def terms_with_char(
    ixreader: Any, fieldname: str, char: str, limit: int | None, cache: DerivedCache | None = None
) -> list[str]:
    """Terms of ``fieldname`` that contain ``char``: the ``limit`` most frequent (None: all).

    Summed over the reader's segments. The character itself comes first when it is a term.
    """
    frequency: dict[str, int] = {}
    for leaf, _ in ixreader.leaf_readers():
        for term, df in char_terms(leaf, fieldname, cache).get(char, ()):
            frequency[term] = frequency.get(term, 0) + df
    own = [char] if char in frequency else []
    others = sorted((t for t in frequency if t != char), key=lambda t: -frequency[t])
    return own + (others if limit is None else others[:limit])


def segment_facets(reader: Any, cache: DerivedCache | None = None) -> dict[str, dict[Any, Any]]:
    """department / doc_type / jurisdiction / year -> label -> local document numbers.

    Deleted documents may remain in these sets: they are only ever intersected with
    live matches.
    """

    def build() -> dict[str, dict[Any, frozenset[int]]]:
        facets: dict[str, dict[Any, frozenset[int]]] = {
            "department": {},
            "doc_type": {},
            "jurisdiction": {},
            "year": {},
        }
        for facet, fieldname in (
            ("department", "departments"),
            ("doc_type", "doc_type"),
            ("jurisdiction", "jurisdiction"),
        ):
            if fieldname not in reader.indexed_field_names():
                continue
            for btext in reader.lexicon(fieldname):
                label = btext.decode("utf-8") if isinstance(btext, bytes) else str(btext)
                ids = term_arrays(reader, fieldname, btext, cache)[0]
                if len(ids):
                    facets[facet][label] = frozenset(ids.tolist())
        if reader.has_column("year"):
            by_year: dict[int, list[int]] = {}
            for docnum, year in enumerate(reader.column_reader("year")):
                if year and 0 < year < 10000:  # else undated: the column's default value
                    by_year.setdefault(int(year), []).append(docnum)
            facets["year"] = {year: frozenset(ids) for year, ids in by_year.items()}
        return facets

    return _kept(cache, reader, "facets", build)


def index_facet_arrays(searcher: Any, cache: DerivedCache) -> dict[str, dict[Any, np.ndarray]]:
    """The index's facet tables: facet -> label -> index-wide document numbers (an array)."""
    leaves = searcher.reader().leaf_readers()
    ids = tuple((segment_id(leaf), offset) for leaf, offset in leaves)

    def build() -> dict[str, dict[Any, np.ndarray]]:
        parts: dict[str, dict[Any, list[np.ndarray]]] = {
            "department": {},
            "year": {},
            "doc_type": {},
            "jurisdiction": {},
        }
        for leaf, offset in leaves:
            for facet, labels in segment_facets(leaf, cache).items():
                for label, local in labels.items():
                    array_ = np.fromiter(local, dtype=np.int64, count=len(local)) + offset
                    parts[facet].setdefault(label, []).append(array_)
        return {
            facet: {
                label: arrays[0] if len(arrays) == 1 else np.concatenate(arrays)
                for label, arrays in labels.items()
            }
            for facet, labels in parts.items()
        }

    if any(key is None for key, _ in ids):
        return build()
    return cache.get(("index-facets", *ids), build)


def prepare(searcher: Any, cache: DerivedCache | None = None) -> None:
    """Build what searches keep beside each segment (facet tables, characters in words) now.

    A fresh build calls this before it goes live, so that the first searches, each
    perhaps a new process, find it ready beside the segments.
    """
    for leaf, _ in searcher.reader().leaf_readers():
        segment_facets(leaf, cache)
        char_terms(leaf, "body", cache)


# -- term arrays ----------------------------------------------------------------------------------


def _term_array_paths(folder: str | Path, segment: str) -> tuple[Path, Path, Path]:
    """The table (written last: its presence means complete), the ids and the weights."""
    base = Path(folder) / f"alucorpus-terms-{segment}"
    return base.with_suffix(".marshal"), base.with_suffix(".ids"), base.with_suffix(".weights")


class TermArraysWriter:
    """Keeps, from the sorted postings a segment writer flushes, the broad terms' arrays.

    :meth:`tee` passes the postings through unchanged (whoosh writes them) and
    streams the document numbers (int32) and weights (float32) of each term with
    at least ``min_docs`` postings to two files beside the segment; :meth:`close`
    writes the table of terms last. Memory stays at one term plus a buffer.
    """

    _FLUSH_AT = 1 << 20  # postings buffered before writing

    def __init__(self, folder: str | Path, segment: str, min_docs: int | None = None) -> None:
        self.min_docs = SIDECAR_MIN_DOCS if min_docs is None else min_docs
        self.paths = _term_array_paths(folder, segment)
        self.table: dict[str, dict[bytes, tuple[int, int]]] = {}
        self.count = 0
        self._ids = array("i")
        self._weights = array("f")
        self._id_file = open(self.paths[1], "wb")  # noqa: SIM115 (closed by close())
        self._weight_file = open(self.paths[2], "wb")  # noqa: SIM115

    def _keep(self, fieldname: str, btext: bytes, ids: list[int], weights: list[float]) -> None:
        if len(ids) >= self.min_docs:
            self.table.setdefault(fieldname, {})[btext] = (self.count, len(ids))
            self.count += len(ids)
            self._ids.extend(ids)
            self._weights.extend(weights)
            if len(self._ids) >= self._FLUSH_AT:
                self._flush()

    def _flush(self) -> None:
        self._ids.tofile(self._id_file)
        self._weights.tofile(self._weight_file)
        self._ids = array("i")
        self._weights = array("f")

    def tee(self, postings: Iterable[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
        """The postings (fieldname, btext, docnum, weight, value), recorded on the way."""
        fieldname: str = ""
        btext: bytes | None = None
        ids: list[int] = []
        weights: list[float] = []
        for item in postings:
            if item[1] != btext or item[0] != fieldname:
                if ids and btext is not None:
                    self._keep(fieldname, btext, ids, weights)
                fieldname, btext = item[0], item[1]
                ids = []
                weights = []
            ids.append(item[2])
            weights.append(item[3])
            yield item
        if ids and btext is not None:
            self._keep(fieldname, btext, ids, weights)

    def close(self) -> None:
        """Write what is buffered, then the table (native byte order, as numpy reads it)."""
        self._flush()
        self._id_file.close()
        self._weight_file.close()
        self.paths[0].write_bytes(marshal.dumps({"n": self.count, "terms": self.table}))

    def abandon(self) -> None:
        """Remove what was written (the segment failed)."""
        for f in (self._id_file, self._weight_file):
            f.close()
        for path in self.paths:
            path.unlink(missing_ok=True)


@dataclass
class TermArrays:
    """A segment's term-arrays sidecar: term -> (start, count) into ids and weights."""

    table: dict[str, dict[bytes, tuple[int, int]]]
    ids: np.ndarray
    weights: np.ndarray


def term_sidecar(reader: Any, cache: DerivedCache | None = None) -> TermArrays | None:
    """The term arrays the bulk writer kept beside this segment (None: it has none)."""
    if cache is not None:
        return cache.of_segment(reader, "term-arrays", lambda: term_sidecar(reader))
    key = segment_id(reader)
    folder = _folder(reader)
    if key is None or folder is None:
        return None
    table_path, ids_path, weights_path = _term_array_paths(folder, key)
    try:
        meta = marshal.loads(table_path.read_bytes())
        n = int(meta["n"])
        if not n:
            return TermArrays(meta["terms"], np.zeros(0, np.int32), np.zeros(0, np.float32))
        if ids_path.stat().st_size == weights_path.stat().st_size == 4 * n:
            return TermArrays(
                meta["terms"],
                np.memmap(ids_path, dtype=np.int32, mode="r"),
                np.memmap(weights_path, dtype=np.float32, mode="r"),
            )
    except FileNotFoundError:
        pass
    except (OSError, ValueError, EOFError, TypeError, KeyError):
        log.debug("unreadable term sidecar for segment %s", key, exc_info=True)
    return None


def raw_matcher(reader: Any, fieldname: str, btext: bytes) -> Any:
    """whoosh's posting matcher for a term, deleted documents included (callers mask them)."""
    matcher = reader.postings(fieldname, btext)
    if not isinstance(matcher, W3LeafMatcher) and isinstance(
        getattr(matcher, "child", None), W3LeafMatcher
    ):
        matcher = matcher.child  # a FilterMatcher hiding deletions: the live mask does that
    return matcher


def _block_arrays(matcher: Any) -> tuple[np.ndarray, np.ndarray]:
    """All (ids, weights) of a whoosh W3 posting list, a block at a time."""
    id_parts: list[np.ndarray] = []
    weight_parts: list[np.ndarray] = []
    while matcher.is_active():
        if matcher._data is None:
            matcher._read_data()
        ids, weights = matcher._data[0], matcher._data[1]
        block = np.asarray(ids, dtype=np.int64)
        if not matcher._byteids:
            block = np.cumsum(block)
        id_parts.append(block)
        if weights is None:
            weight_parts.append(np.ones(len(block)))
        elif isinstance(weights, float):
            weight_parts.append(np.full(len(block), weights))
        else:
            weight_parts.append(np.asarray(weights, dtype=np.float64))
        if matcher._lastblock:
            break
        matcher._next_block()
    if not id_parts:
        return np.zeros(0, np.int64), np.zeros(0)
    return np.concatenate(id_parts), np.concatenate(weight_parts)


def term_arrays(
    reader: Any, fieldname: str, btext: bytes, cache: DerivedCache | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(segment-local document numbers, posting weights) of one term, deleted ones included."""
    sidecar = term_sidecar(reader, cache)
    if sidecar is not None:
        entry = sidecar.table.get(fieldname, {}).get(btext)
        if entry is not None:
            start, count = entry
            return (
                sidecar.ids[start : start + count].astype(np.int64),
                sidecar.weights[start : start + count].astype(np.float64),
            )
    try:
        matcher = raw_matcher(reader, fieldname, btext)
    except Exception:  # noqa: BLE001  whoosh raises TermNotFound (or KeyError) for an absent term
        return np.zeros(0, np.int64), np.zeros(0)
    if isinstance(matcher, W3LeafMatcher):
        return _block_arrays(matcher)
    ids: list[int] = []
    weights: list[float] = []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    return np.asarray(ids, dtype=np.int64), np.asarray(weights, dtype=np.float64)


def position_arrays(
    reader: Any, fieldname: str, btext: bytes, wanted: np.ndarray
) -> tuple[np.ndarray, np.ndarray] | None:
    """(document, position) pairs of one term in the documents ``wanted`` (a mask).

    Each posting block's positions (ArrayPositions: uint32 arrays after a 4-byte
    count) are joined and decoded by numpy in one call. The pairs come sorted by
    document, then position. None when the field stores positions some other way.
    """
    matcher = raw_matcher(reader, fieldname, btext)
    fmt = getattr(matcher, "format", None) or getattr(matcher, "_format", None)
    # index.ArrayPositions marks itself: this module sits below the index module.
    if not getattr(type(fmt), "uint32_positions", False):
        return None
    id_parts: list[np.ndarray] = []
    value_parts: list[Any] = []  # each block's tuple of values
    if not isinstance(matcher, W3LeafMatcher):  # inlined postings (a term in one document)
        while matcher.is_active():
            id_parts.append(np.array([matcher.id()], dtype=np.int64))
            value_parts.append((matcher.value(),))
            matcher.next()
    else:
        while matcher.is_active():
            if matcher._data is None:
                matcher._read_data()
            block = np.asarray(matcher._data[0], dtype=np.int64)
            if not matcher._byteids:
                block = np.cumsum(block)
            if wanted[block].any():
                id_parts.append(block)
                value_parts.append(matcher._data[2])
            if matcher._lastblock:
                break
            matcher._next_block()
    if not id_parts:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    # Everything below is C-level: all values joined, then the wanted postings'
    # positions gathered (each value: a 4-byte count, then one uint32 per position).
    ids = np.concatenate(id_parts)
    values = tuple(itertools.chain.from_iterable(value_parts))
    words = np.fromiter(map(len, values), dtype=np.int64, count=len(ids)) // 4
    flat = np.frombuffer(b"".join(values), dtype="<u4")
    selected = wanted[ids]
    first = (np.cumsum(words) - words)[selected] + 1  # skip each count header
    counts = words[selected] - 1
    ends = np.cumsum(counts)
    gather = np.arange(int(ends[-1]) if len(ends) else 0) + np.repeat(
        first - (ends - counts), counts
    )
    return np.repeat(ids[selected], counts), flat[gather].astype(np.int64)


# -- lengths and columns --------------------------------------------------------------------------


def field_lengths(reader: Any, fieldname: str, cache: DerivedCache) -> np.ndarray:
    """Each document's length of ``fieldname``, as whoosh's scorer sees it (one byte each)."""
    return cache.of_segment(reader, f"lengths:{fieldname}", lambda: read_lengths(reader, fieldname))


def read_lengths(reader: Any, fieldname: str) -> np.ndarray:
    """The lengths of :func:`field_lengths`, read from the segment's length column."""
    size = reader.doc_count_all()
    codes = None
    perdoc: Any = getattr(reader, "_perdoc", None)
    try:
        from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield

        column = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        if column is not None and column._fixedlen == 1 and not column._reverse:
            # One byte per document; the column stops at the last document that has
            # the field (whoosh answers the default, 0, past its end).
            stored = min(int(column._count), size)
            codes = np.zeros(size, dtype=np.uint8)
            if stored:
                raw = column._dbfile.get(column._basepos, stored)
                codes[:stored] = np.frombuffer(raw, dtype=np.uint8)
    except Exception:  # noqa: BLE001  another codec: ask a document at a time
        codes = None
    if codes is None or len(codes) != size:
        return np.array(
            [reader.doc_field_length(d, fieldname, 0) or 0 for d in range(size)], dtype=np.float64
        )
    return _LENGTH_OF_BYTE[codes]


def column_values(reader: Any, column: str, cache: DerivedCache) -> np.ndarray:
    """A segment's values of a sortable numeric column."""

    def read() -> np.ndarray:
        size = reader.doc_count_all()
        if not reader.has_column(column):
            return np.zeros(size)
        return np.fromiter(reader.column_reader(column), dtype=np.float64, count=size)

    return cache.of_segment(reader, f"column:{column}", read)


# -- whoosh queries' own expansions --------------------------------------------------------------


def expanded_terms(node: Any, reader: Any) -> list[Any]:
    """The terms an expanding whoosh query (Prefix, CharPrefix …) stands for in one segment."""
    return list(node._btexts(reader))


def compiled_range(node: Any, reader: Any) -> Any:
    """A numeric or date range as whoosh compiles it for one segment (a union of trie terms)."""
    return node._compile_query(reader)


# -- writing segments -----------------------------------------------------------------------------


@contextlib.contextmanager
def modern_pickles() -> Iterator[None]:
    """whoosh's W3 codec pickles each posting block with protocol 2, while it writes.

    Protocol 2 stores each bytes value (a posting's positions) through a codecs call:
    a body block of 128 postings took 70 µs to unpickle and 4x that to pickle.
    Protocol 4 takes a sixth of that both ways and is smaller; any whoosh reads it
    (``pickle.loads`` reads every protocol). The codec's module-level ``dumps`` is
    swapped while a segment is flushed (a bulk worker's, or a commit's).
    """
    from whoosh.codec import whoosh3

    original = whoosh3.dumps

    def dumps(obj: Any, protocol: int = 2) -> bytes:
        return pickle.dumps(obj, 4)

    whoosh3.dumps = dumps
    try:
        yield
    finally:
        whoosh3.dumps = original


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


def bulk_segment_writer(ix: Any, limitmb: int) -> Any:
    """An unlocked whoosh SegmentWriter for one bulk worker, with the write-path fixes above.

    Its segment gets the term-arrays sidecar (:class:`TermArraysWriter`) as it flushes.
    """
    from whoosh.codec.whoosh3 import W3Codec
    from whoosh.writing import PostingPool, SegmentWriter

    class Pool(_MarshalPool, PostingPool):
        def add(self, item: Any) -> None:
            # PostingPool.add without its per-posting assertions, with a simpler size
            # estimate (tuple, two ints/floats, the text and value bytes): 2 M calls
            # per 3000 documents.
            self.fieldnames.add(item[0])
            self.currentsize += 150 + 2 * len(item[1]) + len(item[4] or b"")
            if self.currentsize > self.limit:
                self.save()
            self.current.append(item)

    class Writer(SegmentWriter):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            # SegmentWriter accepts a poolclass but always builds a PostingPool.
            self.pool = Pool(self._tempstorage, self.newsegment, limitmb=limitmb)

        def _flush_segment(self) -> None:
            self.perdocwriter.close()
            pdr = self.per_document_reader() if self.codec.length_stats else None
            lengths = _CachedLengths(pdr) if pdr is not None else None
            # The broad terms' document numbers and weights, kept beside the segment
            # as arrays for searching, collected on the way.
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


def finish_segment(writer: Any) -> Any:
    """Flush a bulk worker's segment and return it (for the parent to commit)."""
    return writer._finalize_segment()


def commit_segments(writer: Any, segments: list[Any]) -> None:
    """Commit one table of contents naming the workers' ``segments`` (the parent's writer).

    The parent wrote nothing itself: its own empty segment is closed, not named.
    """
    existing = writer._merge_segments(None, None, False)
    writer._close_segment()
    writer._commit_toc(existing + segments)
    writer._finish()


def committed_segments(path: str | Path) -> set[str] | None:
    """The segment ids the latest commit in ``path`` names (None: unreadable)."""
    from whoosh import index as windex
    from whoosh.filedb.filestore import FileStorage

    try:
        toc = windex.TOC.read(FileStorage(str(path)), windex._DEF_INDEX_NAME)
    except Exception:
        log.debug("could not read the segments of %s", path, exc_info=True)
        return None
    return {segment.segment_id() for segment in toc.segments}


def clean_uncommitted(path: str | Path) -> None:
    """Remove whoosh's files in ``path`` that no commit refers to (best effort)."""
    from whoosh import index as windex
    from whoosh.filedb.filestore import FileStorage

    try:
        storage = FileStorage(str(path))
        toc = windex.TOC.read(storage, windex._DEF_INDEX_NAME)
        windex.clean_files(storage, windex._DEF_INDEX_NAME, toc.generation, toc.segments)
    except Exception:
        log.debug("could not clean %s", path, exc_info=True)


__all__ = [
    "CACHE_ENTRIES",
    "SIDECAR_MIN_DOCS",
    "DerivedCache",
    "TermArrays",
    "TermArraysWriter",
    "bulk_segment_writer",
    "char_terms",
    "clean_uncommitted",
    "column_values",
    "commit_segments",
    "committed_segments",
    "compiled_range",
    "expanded_terms",
    "field_lengths",
    "finish_segment",
    "index_facet_arrays",
    "modern_pickles",
    "position_arrays",
    "prepare",
    "raw_matcher",
    "read_lengths",
    "remove_stale_sidecars",
    "segment_facets",
    "segment_id",
    "term_arrays",
    "term_sidecar",
    "terms_with_char",
]
