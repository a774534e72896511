"""The whoosh search index: schema, open/create, adding records, and the index stamp.

An index lives in one directory (the Corpus passes ``HOME/index/<generation>``). Next
to whoosh's files it keeps ``alucorpus-stamp.json``: the analyzer version, the
dictionary hash and the schema version it was built with. :meth:`Index.open` refuses
an index whose stamp does not match this code, because its tokens would no longer
agree with the tokens of new queries.

Segmentation is the expensive part of indexing (jieba is 93–98 % of the time), so it
is done by :func:`prepare_document`, a pure function from a Record to plain,
picklable field values: the token lists themselves (whoosh indexes a list of strings
as pre-analysed tokens). It can run in worker processes; :meth:`Index.add_prepared`
then only writes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import sys
import threading
from array import array
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from whoosh import formats
from whoosh.system import pack_uint

from .analysis import (
    ANALYZER_VERSION,
    BigramTokenizer,
    DocNumberTokenizer,
    WordTokenizer,
    bigram_texts,
    dictionary_hash,
    doc_number_tokens,
    normalize_text,
    record_sub_words,
    run_end_chars,
    word_tokens,
)
from .dates import with_dates
from .departments import (
    canonical_department,
    department_terms,
    department_terms_en,
    jurisdiction_within,
    with_jurisdiction,
)
from .errors import IndexOutdatedError, StoreBusyError
from .records import Record

if TYPE_CHECKING:
    from .segments import DerivedCache

log = logging.getLogger(__name__)

#: Bump when fields change (names, types, what goes into them).
#: 2: body_bigram without positions and without the bigrams that are body words;
#: run-end characters as unigrams in both bigram fields.
#: 3: body_bigram replaced by body_sub (sub-words of long body words).
#: 4: positions stored as uint32 arrays (ArrayPositions) in every positional field.
#: 7: jurisdiction (facet) and jurisdiction_in (filter); a Taiwan record's departments
#: indexed as "财政部 (Taiwan)" (alucorpus.departments.qualified_department).
#: 8: year is the record's issued_year (alucorpus.dates), signed; date (issued, else
#: published) and year_only (the year of a document without either) feed the date filters.
#: 9: one index document per document (its copies merged), copies, status and version
#: chain in the stored data; valid_from and valid_until for --as-of.
SCHEMA_VERSION = 9

STAMP_FILE = "alucorpus-stamp.json"

#: Seconds a writer waits for another process's write lock before giving up.
WRITE_TIMEOUT = 10.0


class ListPositions(formats.Positions):
    """whoosh's Positions format, computed straight from a list of tokens (0, 1, 2 …).

    whoosh builds a Token object per list item and goes through its generic token
    stream: 8 % of all index writing for the body. The postings are byte for byte
    the same (same encoding), so reading needs nothing new.
    """

    def word_values(self, value: Any, analyzer: Any, **kwargs: Any) -> Any:
        if not isinstance(value, list | tuple):
            yield from super().word_values(value, analyzer, **kwargs)
            return
        positions: dict[str, list[int]] = {}
        for pos, word in enumerate(value):
            at = positions.get(word)
            if at is None:
                positions[word] = [pos]
            else:
                at.append(pos)
        boost = self.field_boost
        encode = self.encode
        for word, at in positions.items():
            yield (word, len(at), len(at) * boost, encode(at))


class ArrayPositions(ListPositions):
    """Positions as an array of little-endian uint32 after whoosh's count header.

    whoosh's own encoding is a pickle of the position deltas per posting: a phrase
    check over thousands of documents unpickles each one. These decode in one numpy
    call for a whole posting block (alucorpus.segments.position_arrays, which knows
    the format by :attr:`uint32_positions`); whoosh itself decodes them here (its
    phrase matcher, its frequency from the same header as before).
    """

    uint32_positions = True

    def encode(self, poslist: Any) -> bytes:
        positions = array("I", poslist)
        if _BIG_ENDIAN:
            positions.byteswap()
        return pack_uint(len(poslist)) + positions.tobytes()

    def decode_positions(self, valuestring: bytes) -> list[int]:
        positions = array("I")
        positions.frombytes(valuestring[_UINT_SIZE:])
        if _BIG_ENDIAN:
            positions.byteswap()
        return positions.tolist()


_BIG_ENDIAN = sys.byteorder == "big"
_UINT_SIZE = 4  # whoosh's pack_uint header: the number of positions


def _with_array_positions(field: Any) -> Any:
    """``field`` (a positional TEXT field) with the :class:`ArrayPositions` format."""
    field.format = ArrayPositions(field_boost=field.format.field_boost)
    return field


def build_schema() -> Any:
    """The one schema definition, each field with its purpose."""
    from whoosh import fields

    return fields.Schema(
        # The record id: unique key for update_document (re-ingest is idempotent).
        id=fields.ID(unique=True, stored=True),
        # Chinese title as jieba words; boosted in queries (title matches matter most).
        title=_with_array_positions(fields.TEXT(analyzer=WordTokenizer(), phrase=True)),
        # Bigram safety net of the title (see analysis.bigram_tokens), with positions
        # (titles are short): a word matches when its bigrams form a phrase. The
        # run-end characters follow all bigrams (see bigram_field_tokens).
        title_bigram=_with_array_positions(fields.TEXT(analyzer=BigramTokenizer(), phrase=True)),
        # English title (official or machine-translated), stemmed words.
        title_en=_with_array_positions(fields.TEXT(analyzer=WordTokenizer(), phrase=True)),
        # Body: paragraphs, English paragraphs and summary, attachments (titles and text).
        # (Positions straight from the token lists, as arrays: see ArrayPositions.)
        body=_with_array_positions(fields.TEXT(analyzer=WordTokenizer(), phrase=True)),
        # The body's safety net: the dictionary words inside its longer words (电解铝
        # inside 电解铝厂), each once, no positions. It replaced a character-bigram
        # field that cost more than half of all index writing for 0.007 nDCG@20.
        body_sub=fields.TEXT(analyzer=WordTokenizer(), phrase=False),
        # 发文字号: canonical whole, 机关代字, year, serial and serial+号 as separate tokens.
        doc_number=fields.TEXT(analyzer=DocNumberTokenizer(), phrase=False),
        # Issuing departments, canonical Chinese names (exact terms; facet "department").
        # A Taiwan record's are qualified, "财政部 (Taiwan)": never the PRC's 财政部.
        departments=fields.KEYWORD(commas=True, scorable=True),
        # Their English names, lowercased (exact terms, for dept: filters in English);
        # a Taiwan record's with Taiwan's English, qualified the same way.
        departments_en=fields.KEYWORD(commas=True, lowercase=True),
        # Record.jurisdiction: "national", "taiwan", a province or city, "unknown" (facet).
        jurisdiction=fields.ID(),
        # The jurisdiction and a tabled city's province: the jurisdiction filter, so
        # that 江西省 finds 新余市's documents too.
        jurisdiction_in=fields.KEYWORD(commas=True),
        # 通知, 意见, 条例 …, Simplified (filter and facet "doc_type").
        doc_type=fields.ID(),
        # "zh" or "en": language of the record's paragraphs (filter).
        lang=fields.ID(),
        # The ingester that read the record (filter).
        format=fields.ID(),
        # The source path, exact (filter; shown from the stored data).
        source=fields.ID(),
        # 成文日期 and 发布日期 (date filters; sort by issued).
        issued=fields.DATETIME(sortable=True),
        published=fields.DATETIME(),
        # issued as YYYYMMDD, 0 when undated: sort key (newest first, undated last).
        issued_key=fields.NUMERIC(int, bits=32, signed=False, sortable=True),
        # The date a document is dated by, issued else published: --since/--until.
        date=fields.DATETIME(),
        # The issued_year of a document with no such date (a year from its page, a
        # table's Year column or its number): --since/--until claim it only when its
        # whole year is in the range. Both year fields are signed: whoosh's ranges over
        # an unsigned NUMERIC are wrong (year:..2010 matched every year).
        year_only=fields.NUMERIC(int, bits=32, signed=True),
        # Record.issued_year (alucorpus.dates): year:2018..2020 and the "year" facet.
        year=fields.NUMERIC(int, bits=32, signed=True, sortable=True),
        # --as-of DATE: the documents that stood on DATE, YYYYMMDD. valid_from is the
        # document's date (the last day of its year when it has only a year; absent
        # when undated: nothing says it existed); valid_until is the day its next
        # version came (exclusive; 99991231 when none is known).
        valid_from=fields.NUMERIC(int, bits=32, signed=True),
        valid_until=fields.NUMERIC(int, bits=32, signed=True),
        # A law's version chain (a number from its first version's id; 0 for none) and
        # whether this version is in force: ranking puts the in-force version of a
        # chain ahead of its other versions (search.engine.in_force_first).
        chain=fields.NUMERIC(int, bits=64, signed=True, sortable=True),
        in_force=fields.NUMERIC(int, bits=32, signed=True, sortable=True),
        # Everything a hit shows, snippet text included, in one stored value: the
        # search layer then needs no access to the record store.
        data=fields.STORED(),
    )


def current_stamp() -> dict[str, Any]:
    """What an index built by this code records about itself."""
    return {
        "analyzer_version": ANALYZER_VERSION,
        "dictionary_hash": dictionary_hash(),
        "schema_version": SCHEMA_VERSION,
    }


# -- preparing documents --------------------------------------------------------------------------


def segments(record: Record) -> list[tuple[str, int, str]]:
    """The searchable text of a record as (field, paragraph number, text).

    ``field`` is "paragraphs", "paragraphs_en", "summary_en" or "attachments" (the
    attachments flattened as in :attr:`Record.text`: each title, then its paragraphs).
    Snippets refer to paragraphs by these numbers.
    """
    out = [("paragraphs", i, p) for i, p in enumerate(record.paragraphs) if p.strip()]
    out += [("paragraphs_en", i, p) for i, p in enumerate(record.paragraphs_en) if p.strip()]
    if record.summary_en.strip():
        out.append(("summary_en", 0, record.summary_en))
    flat: list[str] = []
    for attachment in record.attachments:
        flat.append(attachment.title)
        flat.extend(attachment.paragraphs)
    out += [("attachments", i, p) for i, p in enumerate(flat) if p.strip()]
    return out


def _date(value: str | None) -> dt.datetime | None:
    """``YYYY-MM-DD`` (or a prefix of it) as a datetime; None when absent or malformed."""
    if not value:
        return None
    parts = value.split("-")
    try:
        numbers = [int(p) for p in parts[:3]] + [1] * (3 - len(parts[:3]))
        return dt.datetime(numbers[0], numbers[1], numbers[2])
    except (ValueError, IndexError):
        log.warning("ignoring malformed date %r", value)
        return None


def canonical_departments(names: Iterable[str]) -> list[str]:
    """Canonical Simplified names (through alucorpus.departments), deduplicated.

    Records should already carry canonical names; this keeps the filter and the
    facet right when an ingester could not resolve a short form. The lookup never
    raises: an unknown name comes back cleaned but unchanged.
    """
    out: dict[str, None] = {}
    for name in names:
        if name and name.strip():
            canonical = canonical_department(name) or name
            out[normalize_text(canonical.strip())] = None
    return list(out)


def bigram_field_tokens(texts: Iterable[str]) -> list[str]:
    """Index tokens of a bigram field: every text's CJK bigrams, then its run-end characters.

    The run-end characters (:func:`~alucorpus.analysis.run_end_chars`) come after all
    bigrams, so bigram phrases are unaffected; with them every character of the
    text is the first character of some token, and a lone query character is a
    bounded prefix query.

    >>> bigram_field_tokens(["电解铝，铝"])
    ['电解', '解铝', '铝', '铝']
    """
    texts = list(texts)
    tokens = [t for text in texts for t in bigram_texts(text)]
    tokens += [c for text in texts for c in run_end_chars(text)]
    return tokens


def prepare_document(
    record: Record, *, words: tuple[list[str], list[str], list[str], list[str]] | None = None
) -> dict[str, Any]:
    """Field values for whoosh, with all text already analysed (the expensive part).

    Text fields are lists of token strings, which whoosh indexes as pre-analysed
    tokens with positions 0, 1, 2 …; the result is plain data, picklable, so this
    function can run in a process pool (each worker loads jieba once).

    ``words``: the (title, title_en, body, body sub-words) tokens when already known
    (from the segmentation cache, :mod:`alucorpus.segcache`); computed here otherwise.
    """
    if record.date_source is None:  # a record made before alucorpus.dates, or by hand
        record = with_dates(record)
    record = with_jurisdiction(record)  # a record stored before jurisdictions had none
    parts = segments(record)
    body_texts = [text for _, _, text in parts]
    if words is None:
        body = [t.text for text in body_texts for t in word_tokens(text)]
        words = (
            [t.text for t in word_tokens(record.title)],
            [t.text for t in word_tokens(record.title_en)],
            body,
            record_sub_words(body),
        )
    doc: dict[str, Any] = {
        "id": record.id,
        "title": words[0],
        "title_bigram": bigram_field_tokens([record.title]),
        "title_en": words[1],
        "body": words[2],
        "body_sub": words[3],
        "doc_number": doc_number_tokens(record.doc_number) if record.doc_number else [],
        "departments": department_terms(
            canonical_departments(record.departments), record.jurisdiction
        ),
        "departments_en": department_terms_en(
            record.departments, record.departments_en, record.jurisdiction
        ),
        "jurisdiction": record.jurisdiction,
        "jurisdiction_in": jurisdiction_within(record.jurisdiction),
        "doc_type": normalize_text(record.doc_type) if record.doc_type else None,
        "lang": record.lang,
        "format": record.format,
        "source": record.source,
        "issued": _date(record.issued),
        "published": _date(record.published),
        "data": {
            "title": record.title,
            "title_en": record.title_en,
            "source": record.source,
            "doc_number": record.doc_number,
            "departments": list(record.departments),
            "issued": record.issued,
            "published": record.published,
            "doc_type": record.doc_type,
            "segments": parts,
            "issued_year": record.issued_year,
            "date_source": record.date_source,
            "jurisdiction": record.jurisdiction,
            "status": record.status,
            "copies": [[c.id, c.source, c.format, c.url, c.sha256] for c in record.copies],
        },
    }
    doc["date"] = doc["issued"] or doc["published"]
    doc["year"] = record.issued_year
    doc["year_only"] = record.issued_year if doc["date"] is None else None
    issued = doc["issued"]
    doc["issued_key"] = issued.year * 10000 + issued.month * 100 + issued.day if issued else 0
    doc["valid_from"], doc["valid_until"] = validity(record, doc["date"])
    # 52 bits of the id: exact in the float64 columns search reads.
    doc["chain"] = int(record.versions[0].id[:13], 16) + 1 if len(record.versions) > 1 else 0
    doc["in_force"] = int(record.status == "in_force")
    # whoosh wants absent fields left out, not None or empty.
    return {k: v for k, v in doc.items() if v is not None and v != [] and v != ""}


def _day_number(value: str | None) -> int | None:
    """``YYYY-MM-DD`` as the number YYYYMMDD (None when absent or malformed)."""
    when = _date(value)
    return when.year * 10000 + when.month * 100 + when.day if when else None


def validity(record: Record, date: dt.datetime | None) -> tuple[int | None, int | None]:
    """(valid_from, valid_until) of a document as YYYYMMDD numbers, for --as-of.

    From its date (a year-only document counts from the last day of its year) until
    the date of its next version in its chain; a repeal's date is not known, so a
    repealed document stays valid (see README: --as-of).
    """
    if date is not None:
        start = date.year * 10000 + date.month * 100 + date.day
    elif record.issued_year:
        start = record.issued_year * 10000 + 1231
    else:
        return None, None
    later = [
        day
        for version in record.versions
        if (day := _day_number(version.date)) is not None and day > start
    ]
    return start, min(later, default=OPEN_END)


#: valid_until of a document no later version is known to replace.
OPEN_END = 99991231


# -- the index ------------------------------------------------------------------------------------


class Index:
    """A whoosh index with its stamp. Open it with :meth:`open` or :meth:`create`.

    >>> index = Index.create(tmp / "index")   # doctest: +SKIP
    >>> index.add(records); index.doc_count()  # doctest: +SKIP
    2
    """

    def __init__(self, path: Path, whoosh_index: Any) -> None:
        self.path = path
        self._ix = whoosh_index
        # Searchers kept open between searches, one per thread (whoosh's readers
        # share file positions): see reading().
        self._local = threading.local()
        self._kept: list[Any] = []
        self._kept_lock = threading.Lock()
        self._derived: DerivedCache | None = None

    # -- opening --

    @staticmethod
    def exists(path: str | Path) -> bool:
        """Whether ``path`` holds a whoosh index (stamped or not)."""
        from whoosh import index as windex

        path = Path(path)
        return path.is_dir() and windex.exists_in(str(path))

    @classmethod
    def create(cls, path: str | Path) -> Index:
        """Create an empty index in ``path`` (created if needed; an old index there is replaced)."""
        from whoosh import index as windex

        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        ix = windex.create_in(str(path), build_schema())
        (path / STAMP_FILE).write_text(
            json.dumps(current_stamp(), indent=2) + "\n", encoding="utf-8"
        )
        return cls(path, ix)

    @classmethod
    def open(cls, path: str | Path) -> Index:
        """Open the index in ``path``.

        Raises:
            IndexOutdatedError: there is no usable index, or it was built by another
                analyzer, dictionary or schema version.
        """
        from whoosh import index as windex

        path = Path(path)
        hint = "run `alucorpus reindex` to rebuild it"
        if not cls.exists(path):
            raise IndexOutdatedError(f"no search index at {path}: {hint}")
        try:
            stamp = json.loads((path / STAMP_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise IndexOutdatedError(
                f"search index at {path} has no readable {STAMP_FILE}: {hint}"
            ) from None
        expected = current_stamp()
        stale = [key for key, value in expected.items() if stamp.get(key) != value]
        if stale:
            raise IndexOutdatedError(
                f"search index at {path} was built by another {', '.join(stale)}"
                f" than this alucorpus uses: {hint}"
            )
        try:
            ix = windex.open_dir(str(path))
        except Exception as exc:  # noqa: BLE001  whoosh raises many types for damaged files
            raise IndexOutdatedError(
                f"search index at {path} is unreadable ({exc}): {hint}"
            ) from None
        return cls(path, ix)

    @staticmethod
    def clean_orphans(path: str | Path) -> None:
        """Remove files in ``path`` that no commit refers to (best effort).

        A writer killed or failed before its commit leaves segment files that no table
        of contents names; readers never see them and whoosh's next commit would
        remove them. Called only by the process that holds the corpus's write lock.
        """
        from .segments import clean_uncommitted

        clean_uncommitted(path)
        Index.remove_stale_sidecars(path)

    @staticmethod
    def remove_stale_sidecars(path: str | Path) -> None:
        """Remove what was kept beside segments that the latest commit no longer names."""
        from .segments import committed_segments, remove_stale_sidecars

        live = committed_segments(path)
        if live is not None:
            remove_stale_sidecars(path, live)

    def close(self) -> None:
        """Release the index's files."""
        with self._kept_lock:
            kept, self._kept = self._kept, []
        for searcher in kept:
            with contextlib.suppress(Exception):
                searcher.close()
        self._ix.close()

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing --

    @contextlib.contextmanager
    def _writer(self) -> Iterator[Any]:
        """A whoosh writer that waits for the lock, then commits or cancels."""
        from whoosh.index import LockError

        try:
            # A larger RAM buffer means fewer intermediate segments to merge at commit.
            writer = self._ix.writer(timeout=WRITE_TIMEOUT, limitmb=256)
        except LockError:
            raise StoreBusyError(
                f"the search index at {self.path} is being written by another process;"
                " try again when it has finished"
            ) from None
        try:
            yield writer
            from .segments import modern_pickles

            with modern_pickles():
                writer.commit()
            # A commit may merge segments away: their sidecars go with them.
            self.remove_stale_sidecars(self.path)
        except BaseException:
            # A failed commit (disk full) has already released the lock; cancel may fail.
            with contextlib.suppress(Exception):
                writer.cancel()
            self.clean_orphans(self.path)  # leave no half-written segment behind
            raise

    def whoosh_writer(self, timeout: float = WRITE_TIMEOUT) -> Any:
        """whoosh's own writer of this index, locked (the bulk build commits through it)."""
        return self._ix.writer(timeout=timeout)

    def add(self, records: Iterable[Record]) -> int:
        """Index records, replacing any with the same id. Returns how many were written."""
        return self.add_prepared(prepare_document(r) for r in records)

    def add_prepared(
        self,
        documents: Iterable[dict[str, Any]],
        *,
        replace: bool = True,
        delete_ids: Iterable[str] = (),
    ) -> int:
        """Index documents made by :func:`prepare_document` (possibly in other processes).

        One writer and one commit for the whole iterable, deletions of ``delete_ids``
        included: a reader sees the index before or after the batch, never half of
        it, and a process killed before the commit leaves the index as it was.
        ``replace=False`` skips the look-up for an older copy of each id: only for a
        new, empty index.
        """
        count = 0
        with self._writer() as writer:
            for record_id in delete_ids:
                writer.delete_by_term("id", record_id)
            write = writer.update_document if replace else writer.add_document
            for doc in documents:
                write(**doc)
                count += 1
        return count

    def delete(self, ids: Iterable[str]) -> int:
        """Remove records by id. Returns how many documents were deleted."""
        ids = list(ids)
        if not ids:
            return 0
        deleted = 0
        with self._writer() as writer:
            for record_id in ids:
                deleted += writer.delete_by_term("id", record_id)
        return deleted

    # -- reading --

    def doc_count(self) -> int:
        """Number of (undeleted) documents."""
        return int(self._ix.doc_count())

    def size_bytes(self) -> int:
        """Bytes on disk of the index directory."""
        return sum(f.stat().st_size for f in self.path.iterdir() if f.is_file())

    def searcher(self) -> Any:
        """A whoosh searcher; use it as a context manager and turn hits into plain values inside."""
        return self._ix.searcher()

    @contextlib.contextmanager
    def reading(self) -> Iterator[Any]:
        """A searcher kept open for this thread's next searches (refreshed when the index changed).

        Opening a searcher reads each segment's stored-field offsets again (7 ms at
        50 000 documents); repeated searches on one Index need not.
        """
        searcher = getattr(self._local, "searcher", None)
        if searcher is not None and not searcher.up_to_date():
            # A commit since: a new searcher (whoosh's refresh() shares segment readers
            # with the old one, which could then not be closed).
            with self._kept_lock:
                self._kept = [s for s in self._kept if s is not searcher]
            with contextlib.suppress(Exception):
                searcher.close()
            searcher = None
        if searcher is None:
            searcher = self._ix.searcher()
            with self._kept_lock:
                self._kept.append(searcher)
        self._local.searcher = searcher
        yield searcher

    @property
    def derived(self) -> DerivedCache:
        """The one cache of what searches derive from this index's segments (bounded)."""
        if self._derived is None:
            from .segments import DerivedCache

            self._derived = DerivedCache()
        return self._derived

    def prepare_segments(self) -> None:
        """Build what searches keep beside each segment, before the index goes live."""
        from .segments import prepare

        with self.searcher() as searcher:
            prepare(searcher, self.derived)

    @property
    def schema(self) -> Any:
        """The whoosh schema of this index."""
        return self._ix.schema


__all__ = [
    "SCHEMA_VERSION",
    "STAMP_FILE",
    "Index",
    "bigram_field_tokens",
    "build_schema",
    "current_stamp",
    "prepare_document",
    "segments",
]
