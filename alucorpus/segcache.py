"""A content-addressed cache of jieba word tokens, so text is segmented once.

jieba is most of the cost of indexing (about 1.4 MB/s on one core). Its output for
a record depends only on the record's text, on :data:`~alucorpus.analysis.ANALYZER_VERSION`
and on the dictionary (:func:`~alucorpus.analysis.dictionary_hash`); so the word
tokens of a record are stored under the SHA-256 of exactly those inputs, in
``HOME/cache/segments.sqlite3``. A rebuild after a schema-only change (or any
``reindex --full`` of unchanged files) then reads tokens instead of running jieba.

The key is made of the texts themselves, not of the record id: a record re-parsed
into the same text hits, a changed paragraph misses, and a new analyzer or
dictionary misses everything (old entries are simply never read again; delete the
cache folder to reclaim the space). A damaged or locked cache is never an error:
the tokens are computed again.

>>> cache = SegmentCache(tmp / "segments.sqlite3")    # doctest: +SKIP
>>> words = cached_record_words(record, cache)         # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import logging
import marshal
import sqlite3
import time
import zlib
from collections.abc import Iterable, Sequence
from pathlib import Path

from .analysis import ANALYZER_VERSION, dictionary_hash, record_sub_words, word_tokens
from .records import Record

log = logging.getLogger(__name__)

CACHE_FILE = "segments.sqlite3"

#: Word tokens of one record: (title, title_en, body, body sub-words), body over all
#: its segments; the sub-words (:func:`~alucorpus.analysis.record_sub_words`) are
#: cached too, so that a warm rebuild never loads jieba's dictionary.
RecordWords = tuple[list[str], list[str], list[str], list[str]]

#: Tries to open the cache when another process holds it locked (see SegmentCache).
_OPEN_ATTEMPTS = 20

_SCHEMA = "CREATE TABLE IF NOT EXISTS words (key BLOB PRIMARY KEY, tokens BLOB NOT NULL)"


def analysis_texts(record: Record) -> list[str]:
    """The texts whose word tokens make up a record's text fields, in a fixed order.

    Title, English title, then the body segments of :func:`alucorpus.index.segments`.
    """
    from .index import segments

    return [record.title, record.title_en, *(text for _, _, text in segments(record))]


def cache_key(texts: Sequence[str]) -> bytes:
    """SHA-256 over the analyzer version, the dictionary hash and the texts.

    Each text is length-prefixed, so no two different lists share a key.
    """
    digest = hashlib.sha256(f"alucorpus-words/{ANALYZER_VERSION}/{dictionary_hash()}".encode())
    for text in texts:
        data = text.encode("utf-8")
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.digest()


def compute_words(texts: Sequence[str]) -> RecordWords:
    """Tokens of ``analysis_texts(record)``: title, title_en, body, sub-words (runs jieba)."""
    title = [t.text for t in word_tokens(texts[0])] if texts else []
    title_en = [t.text for t in word_tokens(texts[1])] if len(texts) > 1 else []
    body = [t.text for text in texts[2:] for t in word_tokens(text)]
    return title, title_en, body, record_sub_words(body)


def _encode(words: RecordWords) -> bytes:
    # marshal of three lists of str: ~5x faster to load than JSON; zlib keeps the
    # cache at about a third of the text size.
    return zlib.compress(marshal.dumps(words), 1)


def _decode(blob: bytes) -> RecordWords:
    title, title_en, body, subs = marshal.loads(zlib.decompress(blob))
    return list(title), list(title_en), list(body), list(subs)


class SegmentCache:
    """The SQLite file of cached word tokens. Safe to share between processes (WAL).

    Writes are buffered and flushed every ``batch`` entries and on :meth:`close`.
    """

    def __init__(self, path: str | Path, *, batch: int = 256) -> None:
        self.path = Path(path)
        self._batch = batch
        self._pending: list[tuple[bytes, bytes]] = []
        self._db: sqlite3.Connection | None = None
        for attempt in range(_OPEN_ATTEMPTS):
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(str(self.path), timeout=30.0, isolation_level=None)
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=OFF")  # a cache: losing its tail costs only time
                db.execute(_SCHEMA)
                self._db = db
                return
            except sqlite3.OperationalError as exc:
                # Two workers opening a new cache at once: switching it to WAL needs an
                # exclusive lock, and SQLite does not wait for it. (Before this retry,
                # one worker of a 50 000-document build ran without its cache.)
                if "locked" in str(exc) and attempt + 1 < _OPEN_ATTEMPTS:
                    time.sleep(0.05 * (attempt + 1))
                    continue
                log.warning("segmentation cache %s unusable (%s); segmenting without it", path, exc)
                return
            except (OSError, sqlite3.Error) as exc:
                log.warning("segmentation cache %s unusable (%s); segmenting without it", path, exc)
                return

    def get(self, key: bytes) -> RecordWords | None:
        """The cached words under ``key``, or None (also when the entry is unreadable)."""
        if self._db is None:
            return None
        try:
            row = self._db.execute("SELECT tokens FROM words WHERE key = ?", (key,)).fetchone()
            return _decode(row[0]) if row else None
        except (sqlite3.Error, zlib.error, ValueError, EOFError, TypeError):
            log.debug("unreadable cache entry", exc_info=True)
            return None

    def put(self, key: bytes, words: RecordWords) -> None:
        """Remember ``words`` under ``key`` (written at the next flush)."""
        if self._db is None:
            return
        self._pending.append((key, _encode(words)))
        if len(self._pending) >= self._batch:
            self.flush()

    def flush(self) -> None:
        """Write buffered entries in one transaction."""
        if self._db is None or not self._pending:
            return
        try:
            with self._db:
                self._db.execute("BEGIN")
                self._db.executemany(
                    "INSERT OR REPLACE INTO words (key, tokens) VALUES (?, ?)", self._pending
                )
        except sqlite3.Error as exc:
            log.warning("could not write the segmentation cache: %s", exc)
        self._pending = []

    def __len__(self) -> int:
        if self._db is None:
            return 0
        return int(self._db.execute("SELECT COUNT(*) FROM words").fetchone()[0])

    def close(self) -> None:
        """Flush and close."""
        if self._db is not None:
            self.flush()
            self._db.close()
            self._db = None

    def __enter__(self) -> SegmentCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def cached_record_words(record: Record, cache: SegmentCache | None) -> RecordWords:
    """Tokens of a record: title, English title, body, body sub-words; through ``cache``."""
    texts = analysis_texts(record)
    if cache is None:
        return compute_words(texts)
    key = cache_key(texts)
    words = cache.get(key)
    if words is None:
        words = compute_words(texts)
        cache.put(key, words)
    return words


def warm(records: Iterable[Record], cache: SegmentCache) -> int:
    """Segment and cache every record not cached yet; returns how many were segmented."""
    segmented = 0
    for record in records:
        texts = analysis_texts(record)
        key = cache_key(texts)
        if cache.get(key) is None:
            cache.put(key, compute_words(texts))
            segmented += 1
    cache.flush()
    return segmented


__all__ = [
    "CACHE_FILE",
    "RecordWords",
    "SegmentCache",
    "analysis_texts",
    "cache_key",
    "cached_record_words",
    "compute_words",
    "warm",
]
