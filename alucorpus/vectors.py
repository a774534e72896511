"""A query evaluated as arrays: every matching document and its whoosh score at once.

whoosh scores a result set document by document through a tree of Python matchers
(10–100 µs a document for a cross-language query), so a broad query over 50 000
documents took a third of a second even when only its ten best were wanted. Here
each leaf of the query becomes two arrays over a segment's documents, which
documents have the term and the term's BM25F score in each, and the tree combines
them with numpy: unions add, intersections add where both match, a synonym group
takes the best alternative, a coordinated union scales by the share of groups
matched. The numbers are whoosh's own (its scorer supplies idf, average length, B
and K1; field lengths are the same one-byte approximations it reads), so the
ranking is whoosh's; tests/test_vectors.py compares them document by document.

A posting list whose term is in many documents is costly to read from whoosh: its
blocks interleave document numbers with positions, and all of it is decompressed
and unpickled. The bulk writer therefore keeps, beside each segment, the document
numbers and weights of every term in at least :data:`SIDECAR_MIN_DOCS` documents
(:class:`TermArraysWriter`); rarer terms, and segments written without it (by an
incremental update), are read from whoosh block by block. A phrase is checked where
all its words are, from positions stored as uint32 arrays
(:class:`alucorpus.index.ArrayPositions`): one numpy decode per posting block, and
the words' (document, position) keys intersected by bisection.

This is the only module that imports numpy. A query node it does not know raises
:class:`Unsupported`, and the caller falls back to whoosh's matchers.
"""

from __future__ import annotations

import itertools
import logging
import marshal
from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from whoosh import query as Q
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.scoring import BM25FScorer, WeightScorer
from whoosh.util.numeric import byte_to_length

log = logging.getLogger(__name__)

#: A term in at least this many documents of a segment is kept in the segment's
#: term-arrays sidecar (one whoosh block holds 128 postings).
SIDECAR_MIN_DOCS = 128

_LENGTH_OF_BYTE = np.array([byte_to_length(b) or 0 for b in range(256)], dtype=np.float64)


class Unsupported(Exception):
    """A query node this module does not evaluate (the caller asks whoosh instead)."""


# -- the term-arrays sidecar ----------------------------------------------------------------------


def _sidecar_paths(folder: str | Path, segment_id: str) -> tuple[Path, Path, Path]:
    """The table (written last: its presence means complete), the ids and the weights."""
    base = Path(folder) / f"alucorpus-terms-{segment_id}"
    return base.with_suffix(".marshal"), base.with_suffix(".ids"), base.with_suffix(".weights")


class TermArraysWriter:
    """Keeps, from the sorted postings a segment writer flushes, the broad terms' arrays.

    :meth:`tee` passes the postings through unchanged (whoosh writes them) and
    streams the document numbers (int32) and weights (float32) of each term with
    at least ``min_docs`` postings to two files beside the segment; :meth:`close`
    writes the table of terms last. Memory stays at one term plus a buffer.
    """

    _FLUSH_AT = 1 << 20  # postings buffered before writing

    def __init__(self, folder: str | Path, segment_id: str, min_docs: int | None = None) -> None:
        self.min_docs = SIDECAR_MIN_DOCS if min_docs is None else min_docs
        self.paths = _sidecar_paths(folder, segment_id)
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
        fieldname = btext = None
        ids: list[int] = []
        weights: list[float] = []
        for item in postings:
            if item[1] != btext or item[0] != fieldname:
                if ids:
                    self._keep(fieldname, btext, ids, weights)  # type: ignore[arg-type]
                fieldname, btext = item[0], item[1]
                ids = []
                weights = []
            ids.append(item[2])
            weights.append(item[3])
            yield item
        if ids:
            self._keep(fieldname, btext, ids, weights)  # type: ignore[arg-type]

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
class _TermArrays:
    table: dict[str, dict[bytes, tuple[int, int]]]
    ids: np.ndarray
    weights: np.ndarray


#: Loaded sidecars: segment id -> arrays (None: the segment has none).
_TERM_SIDECARS: dict[str, _TermArrays | None] = {}


def _segment_sidecar(leaf: Any) -> _TermArrays | None:
    segment = leaf.segment() if hasattr(leaf, "segment") else None
    folder = getattr(getattr(leaf, "_storage", None), "folder", None)
    if segment is None or folder is None:
        return None
    key = segment.segment_id()
    if key in _TERM_SIDECARS:
        return _TERM_SIDECARS[key]
    table_path, ids_path, weights_path = _sidecar_paths(folder, key)
    value = None
    try:
        meta = marshal.loads(table_path.read_bytes())
        n = int(meta["n"])
        if not n:
            value = _TermArrays(meta["terms"], np.zeros(0, np.int32), np.zeros(0, np.float32))
        elif ids_path.stat().st_size == weights_path.stat().st_size == 4 * n:
            value = _TermArrays(
                meta["terms"],
                np.memmap(ids_path, dtype=np.int32, mode="r"),
                np.memmap(weights_path, dtype=np.float32, mode="r"),
            )
    except FileNotFoundError:
        pass
    except (OSError, ValueError, EOFError, TypeError, KeyError):
        log.debug("unreadable term sidecar for segment %s", key, exc_info=True)
    if len(_TERM_SIDECARS) > 64:
        _TERM_SIDECARS.clear()
    _TERM_SIDECARS[key] = value
    return value


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


def term_arrays(leaf: Any, fieldname: str, btext: bytes) -> tuple[np.ndarray, np.ndarray]:
    """(segment-local document numbers, posting weights) of one term, deleted ones included."""
    sidecar = _segment_sidecar(leaf)
    if sidecar is not None:
        entry = sidecar.table.get(fieldname, {}).get(btext)
        if entry is not None:
            start, count = entry
            return (
                sidecar.ids[start : start + count].astype(np.int64),
                sidecar.weights[start : start + count].astype(np.float64),
            )
    try:
        matcher = _raw_matcher(leaf, fieldname, btext)
    except Exception:  # whoosh raises TermNotFound (or KeyError) for an absent term
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


# -- evaluation -----------------------------------------------------------------------------------


class _Segment:
    """One segment's view during an evaluation, and what it recorded for matched terms."""

    def __init__(self, searcher: Any, subsearcher: Any, offset: int) -> None:
        self.subsearcher = subsearcher
        self.reader = subsearcher.reader()
        self.offset = offset
        self.size = self.reader.doc_count_all()
        self.schema = searcher.schema
        self.weighting = searcher.weighting
        # For matched terms: node id -> mask, and an expanding node's (term, ids).
        self.masks: dict[int, np.ndarray] = {}
        self.expansions: dict[int, list[tuple[bytes, np.ndarray]]] = {}


#: Arrays derived from a segment, read once: (segment id, what) -> array (or None).
_SEGMENT_ARRAYS: dict[tuple[str, str], Any] = {}


def _per_segment(reader: Any, what: str, build: Callable[[], Any]) -> Any:
    """``build()`` for this segment, kept in this process (a segment never changes)."""
    segment = reader.segment() if hasattr(reader, "segment") else None
    if segment is None:
        return build()
    key = (segment.segment_id(), what)
    if key not in _SEGMENT_ARRAYS:
        if len(_SEGMENT_ARRAYS) > 512:
            _SEGMENT_ARRAYS.clear()
        _SEGMENT_ARRAYS[key] = build()
    return _SEGMENT_ARRAYS[key]


def _field_lengths(reader: Any, fieldname: str) -> np.ndarray:
    """Each document's length of ``fieldname``, as whoosh's scorer sees it (one byte each)."""
    return _per_segment(reader, f"lengths:{fieldname}", lambda: _read_lengths(reader, fieldname))


def _read_lengths(reader: Any, fieldname: str) -> np.ndarray:
    size = reader.doc_count_all()
    codes = None
    perdoc = getattr(reader, "_perdoc", None)
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
    except Exception:  # another codec: ask a document at a time
        codes = None
    if codes is None or len(codes) != size:
        return np.array(
            [reader.doc_field_length(d, fieldname, 0) or 0 for d in range(size)], dtype=np.float64
        )
    return _LENGTH_OF_BYTE[codes]


def _column_values(reader: Any, column: str) -> np.ndarray:
    """A segment's values of a sortable numeric column (kept per segment)."""

    def read() -> np.ndarray:
        size = reader.doc_count_all()
        if not reader.has_column(column):
            return np.zeros(size)
        return np.fromiter(reader.column_reader(column), dtype=np.float64, count=size)

    return _per_segment(reader, f"column:{column}", read)


def _to_bytes(segment: _Segment, fieldname: str, text: Any) -> bytes | None:
    if fieldname not in segment.schema:
        return None
    try:
        return segment.schema[fieldname].to_bytes(text)  # type: ignore[no-any-return]
    except ValueError:
        return None


def _term(segment: _Segment, fieldname: str, text: Any, boost: float) -> tuple[Any, Any]:
    btext = _to_bytes(segment, fieldname, text)
    if btext is None or (fieldname, btext) not in segment.reader:
        return None, None
    ids, weights = term_arrays(segment.reader, fieldname, btext)
    scorer = segment.weighting.scorer(segment.subsearcher, fieldname, btext)
    if type(scorer) is BM25FScorer:
        lengths = _field_lengths(segment.reader, fieldname)[ids]
        b, k1 = scorer.B, scorer.K1
        # whoosh.scoring.bm25, term by term in the same order (same floats).
        values = scorer.idf * (
            (weights * (k1 + 1)) / (weights + k1 * ((1 - b) + b * lengths / scorer.avgfl))
        )
    elif type(scorer) is WeightScorer:
        values = weights
    else:
        raise Unsupported(f"scorer {type(scorer).__name__}")
    mask = np.zeros(segment.size, dtype=bool)
    mask[ids] = True
    scores = np.zeros(segment.size)
    scores[ids] = values * boost if boost != 1.0 else values
    return mask, scores


def _union_of_terms(segment: _Segment, node: Any) -> np.ndarray:
    """Documents with any of an expanding query's terms (its score is a constant)."""
    fieldname = node.fieldname
    mask = np.zeros(segment.size, dtype=bool)
    expansions = []
    for btext in node._btexts(segment.reader):
        if not isinstance(btext, bytes):
            btext = _to_bytes(segment, fieldname, btext)
            if btext is None:
                continue
        if (fieldname, btext) not in segment.reader:
            continue
        ids, _ = term_arrays(segment.reader, fieldname, btext)
        expansions.append((btext, ids))
        mask[ids] = True
    segment.masks[id(node)] = mask
    segment.expansions[id(node)] = expansions
    return mask


def _phrase(segment: _Segment, node: Any) -> tuple[Any, Any]:
    """A phrase: its words' scores summed (as whoosh's SpanNear2), where they are in a row."""
    if getattr(node, "slop", 1) != 1:
        raise Unsupported("phrase with slop")
    mask = None
    scores = None
    words = []
    for word in node.words:
        m, s = _term(segment, node.fieldname, word, 1.0)
        if m is None:
            return None, None
        words.append(_to_bytes(segment, node.fieldname, word))
        mask = m if mask is None else mask & m
        scores = s if scores is None else scores + s
    if mask is None or not mask.any():
        return None, None
    if len(words) > 1:
        keep = _phrase_positions(segment.reader, node.fieldname, words, mask)
        mask = np.zeros(segment.size, dtype=bool)
        mask[keep] = True
    if node.boost != 1.0:
        scores = scores * node.boost
    return mask, np.where(mask, scores, 0.0)


def _raw_matcher(leaf: Any, fieldname: str, btext: bytes) -> Any:
    matcher = leaf.postings(fieldname, btext)
    if not isinstance(matcher, W3LeafMatcher) and isinstance(
        getattr(matcher, "child", None), W3LeafMatcher
    ):
        matcher = matcher.child  # a FilterMatcher hiding deletions: the live mask does that
    return matcher


def _position_arrays(
    leaf: Any, fieldname: str, btext: bytes, wanted: np.ndarray
) -> tuple[np.ndarray, np.ndarray] | None:
    """(document, position) pairs of one term in the documents ``wanted`` (a mask).

    Each posting block's positions (ArrayPositions: uint32 arrays after a 4-byte
    count) are joined and decoded by numpy in one call. The pairs come sorted by
    document, then position. None when the field stores positions some other way.
    """
    from .index import ArrayPositions

    matcher = _raw_matcher(leaf, fieldname, btext)
    fmt = getattr(matcher, "format", None) or getattr(matcher, "_format", None)
    if type(fmt) is not ArrayPositions:
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


def _phrase_positions(leaf: Any, fieldname: str, words: list[Any], wanted: np.ndarray) -> Any:
    """Of the documents ``wanted`` (a mask; they have every word), those with the words in a row."""
    keys = None
    for k, word in enumerate(words):
        found = _position_arrays(leaf, fieldname, word, wanted)
        if found is None:  # positions not stored as arrays (not schema 4): ask whoosh
            raise Unsupported(f"positions of {fieldname} not stored as arrays")
        doc_of, positions = found
        # The phrase starts at position p of document d where word k is at p + k.
        # Sorted (by document, then position) and unique, so intersect by bisection.
        word_keys = (doc_of << 32) + (positions - k + len(words))
        if keys is None:
            keys = word_keys
        else:
            at = np.searchsorted(word_keys, keys)
            found_at = at < len(word_keys)
            found_at[found_at] = word_keys[at[found_at]] == keys[found_at]
            keys = keys[found_at]
        if not len(keys):
            return []
    if keys is None:
        return []
    docs = keys >> 32  # sorted: keep the first of each run
    return docs[np.concatenate(([True], docs[1:] != docs[:-1]))]


def _evaluate(segment: _Segment, node: Any, scored: bool = True) -> tuple[Any, Any]:
    """(mask, scores) of ``node`` in one segment; (None, None) when it matches nothing.

    ``scored`` is false under a constant-score wrapper, where only the mask counts.
    """
    mask, scores = _evaluate_node(segment, node, scored)
    if mask is not None:
        segment.masks[id(node)] = mask
    return mask, scores


def _evaluate_node(segment: _Segment, node: Any, scored: bool) -> tuple[Any, Any]:
    from .search import ConstantScore, Coordinated, SynonymGroup

    if node is None or node is Q.NullQuery:
        return None, None
    kind = type(node)
    if kind is Q.Term:
        return _term(segment, node.fieldname, node.text, node.boost)
    if kind is Q.Phrase:
        return _phrase(segment, node)
    if kind is ConstantScore or kind is Q.ConstantScoreQuery:
        child = node.child
        if isinstance(child, Q.MultiTerm) and hasattr(child, "_btexts"):
            mask = _union_of_terms(segment, child)
        else:
            mask, _ = _evaluate(segment, child, False)
        if mask is None or not mask.any():
            return None, None
        return mask, np.where(mask, float(node.score), 0.0)
    if isinstance(node, Q.MultiTerm) and hasattr(node, "_btexts") and not scored:
        mask = _union_of_terms(segment, node)
        if not mask.any():
            return None, None
        return mask, np.where(mask, float(node.boost), 0.0)
    if kind in (Q.NumericRange, Q.DateRange):
        if not node.constantscore:
            raise Unsupported("scored numeric range")
        mask = _range_mask(segment, node)
        if mask is None:
            return None, None
        return mask, np.where(mask, float(node.boost), 0.0)
    if kind is SynonymGroup:
        best = None
        total = None
        mask = None
        for child, weight in zip(node.subqueries, node.weights, strict=True):
            m, s = _evaluate(segment, child, scored)
            if m is None:
                continue
            s = s * (weight * node.boost)
            mask = m if mask is None else mask | m
            masked = np.where(m, s, -np.inf)
            best = masked if best is None else np.maximum(best, masked)
            total = s if total is None else total + s
        if mask is None:
            return None, None
        scores = np.where(mask, best, 0.0)
        if node.tiebreak:
            scores = scores + node.tiebreak * (total - scores)
        return mask, np.where(mask, scores, 0.0)
    if kind is Coordinated:
        mask = None
        total = None
        count = None
        for child in node.subqueries:
            m, s = _evaluate(segment, child, scored)
            if m is None:
                continue
            mask = m if mask is None else mask | m
            s = s * node.boost if node.boost != 1.0 else s
            total = s if total is None else total + s
            count = m.astype(np.int64) if count is None else count + m
        if mask is None:
            return None, None
        share = (count / max(1, len(node.subqueries))) ** node.power
        return mask, np.where(mask, total * share, 0.0)
    if kind is Q.Or:
        if node.boost != 1.0 or node.scale or getattr(node, "minmatch", 0):
            raise Unsupported("Or with boost, scale or minmatch")
        mask = None
        scores = None
        for child in node.subqueries:
            m, s = _evaluate(segment, child, scored)
            if m is None:
                continue
            mask = m if mask is None else mask | m
            scores = s if scores is None else scores + s
        return mask, scores
    if kind is Q.And:
        if node.boost != 1.0:
            raise Unsupported("boosted And")
        mask = None
        scores = None
        for child in node.subqueries:
            m, s = _evaluate(segment, child, scored)
            if m is None:
                return None, None
            mask = m if mask is None else mask & m
            scores = s if scores is None else scores + s
        if mask is None or not mask.any():
            return None, None
        return mask, np.where(mask, scores, 0.0)
    if kind is Q.AndNot:
        mask, scores = _evaluate(segment, node.a, scored)
        if mask is None:
            return None, None
        negative, _ = _evaluate(segment, node.b, scored)
        if negative is not None:
            mask = mask & ~negative
            scores = np.where(mask, scores, 0.0)
        return mask, scores
    if kind is Q.AndMaybe:
        mask, scores = _evaluate(segment, node.a, scored)
        if mask is None:
            return None, None
        optional, bonus = _evaluate(segment, node.b, scored)
        if optional is not None:
            scores = scores + np.where(mask & optional, bonus, 0.0)
        return mask, scores
    if kind is Q.Require:
        mask, scores = _evaluate(segment, node.a, scored)
        required, _ = _evaluate(segment, node.b, scored)
        if mask is None or required is None:
            return None, None
        mask = mask & required
        return mask, np.where(mask, scores, 0.0)
    raise Unsupported(kind.__name__)


def _range_mask(segment: _Segment, node: Any) -> np.ndarray | None:
    """Documents in a numeric or date range: the union of its trie terms (kept: filters repeat)."""

    def build() -> np.ndarray | None:
        mask, _ = _evaluate(segment, node._compile_query(segment.reader), False)
        return mask

    return _per_segment(segment.reader, f"range:{node!r}", build)  # type: ignore[no-any-return]


def _live(segment: _Segment) -> np.ndarray | None:
    if not segment.reader.has_deletions():
        return None
    live = np.zeros(segment.size, dtype=bool)
    live[np.fromiter(segment.reader.all_doc_ids(), dtype=np.int64)] = True
    return live


@dataclass
class Evaluation:
    """A query's matches over the whole index: mask and scores, index-wide numbering."""

    mask: np.ndarray
    scores: np.ndarray
    segments: list[_Segment]

    @property
    def total(self) -> int:
        return int(self.mask.sum())

    def restrict(self, other: Evaluation) -> None:
        """Keep only the documents ``other`` matches too (a filter)."""
        self.mask &= other.mask

    def top(self, n: int) -> list[tuple[int, float]]:
        """The ``n`` best (docnum, score), whoosh's order: higher score, then lower docnum."""
        docs = np.flatnonzero(self.mask)
        if n <= 0 or not len(docs):
            return []
        scores = self.scores[docs]
        if len(docs) > n:
            # Everything scoring at least the n-th best (ties at the cut kept), then sorted.
            cut = np.partition(scores, len(scores) - n)[len(scores) - n]
            keep = scores >= cut
            docs, scores = docs[keep], scores[keep]
        order = np.lexsort((docs, -scores))[:n]
        return [(int(docs[i]), float(scores[i])) for i in order]

    def top_by_column(self, column: str, n: int) -> list[int]:
        """The first ``n`` matches by a sortable column, largest first, then by docnum.

        whoosh's order for ``sortedby=FieldFacet(column, reverse=True)``.
        """
        docs = np.flatnonzero(self.mask)
        if n <= 0 or not len(docs):
            return []
        values = np.concatenate([_column_values(seg.reader, column) for seg in self.segments])
        keys = values[docs]
        order = np.lexsort((docs, -keys))[:n]
        return [int(d) for d in docs[order]]

    def doc_set(self) -> set[int]:
        return set(np.flatnonzero(self.mask).tolist())

    def matching_terms(self, query: Any, docnum: int) -> list[tuple[str, bytes]]:
        """The (field, term) pairs of ``query`` that match ``docnum``, as whoosh reports them."""
        for segment in self.segments:
            if segment.offset <= docnum < segment.offset + segment.size:
                local = docnum - segment.offset
                out: list[tuple[str, bytes]] = []
                _collect_terms(segment, query, local, out)
                return out
        return []


def _matches(segment: _Segment, node: Any, local: int) -> bool:
    mask = segment.masks.get(id(node))
    return mask is not None and bool(mask[local])


def _collect_terms(segment: _Segment, node: Any, local: int, out: list[tuple[str, bytes]]) -> None:
    if not _matches(segment, node, local):
        return
    if type(node) is Q.Term or type(node) is Q.Phrase:
        words = [node.text] if type(node) is Q.Term else node.words
        for word in words:
            btext = _to_bytes(segment, node.fieldname, word)
            if btext is not None:
                out.append((node.fieldname, btext))
        return
    if isinstance(node, Q.MultiTerm):
        for btext, ids in segment.expansions.get(id(node), ()):
            i = int(np.searchsorted(ids, local))
            if i < len(ids) and ids[i] == local:
                out.append((node.fieldname, btext))
        return
    if type(node) is Q.AndNot or type(node) is Q.Require:
        # whoosh reports the positive side only (Require: the scored side).
        _collect_terms(segment, node.a, local, out)
        return
    for child in node.children():
        _collect_terms(segment, child, local, out)


def evaluate(searcher: Any, query: Any) -> Evaluation:
    """``query``'s matching documents and whoosh scores, over the whole index.

    Raises:
        Unsupported: a node this module does not evaluate (ask whoosh).
    """
    subs = searcher.leaf_searchers() if not searcher.is_atomic() else [(searcher, 0)]
    total = searcher.reader().doc_count_all()
    mask = np.zeros(total, dtype=bool)
    scores = np.zeros(total)
    segments = []
    for subsearcher, offset in subs:
        segment = _Segment(searcher, subsearcher, offset)
        segments.append(segment)
        m, s = _evaluate(segment, query)
        if m is None:
            continue
        live = _live(segment)
        if live is not None:
            m = m & live
        mask[offset : offset + segment.size] = m
        scores[offset : offset + segment.size] = np.where(m, s, 0.0)
    return Evaluation(mask, scores, segments)


def facet_counts(facets: dict[str, dict[Any, Any]], mask: np.ndarray) -> dict[str, dict[str, int]]:
    """Counts of each facet label over the documents of ``mask`` (largest first).

    ``facets``: facet -> label -> index-wide document numbers (an array each).
    """
    out: dict[str, dict[str, int]] = {}
    any_match = bool(mask.any())
    for facet, labels in facets.items():
        counts: dict[str, int] = {}
        if any_match:
            for label, ids in labels.items():
                n = int(np.count_nonzero(mask[ids]))
                if n:
                    counts[str(label)] = n
        out[facet] = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    return out


def as_index_array(parts: list[tuple[Iterable[int], int]]) -> np.ndarray:
    """One array of index-wide document numbers from per-segment (local numbers, offset)."""
    arrays = [np.fromiter(ids, dtype=np.int64) + offset for ids, offset in parts]
    return arrays[0] if len(arrays) == 1 else np.concatenate(arrays)


__all__ = [
    "SIDECAR_MIN_DOCS",
    "Evaluation",
    "TermArraysWriter",
    "Unsupported",
    "as_index_array",
    "evaluate",
    "facet_counts",
    "term_arrays",
]
