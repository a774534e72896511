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
import marshal
import os
import pickle
import re
import sys
import threading
from array import array
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from whoosh import formats
from whoosh import query as Q
from whoosh.system import pack_uint

from .analysis import (
    ANALYZER_VERSION,
    BigramTokenizer,
    DocNumberTokenizer,
    WordTokenizer,
    bigram_texts,
    dictionary_hash,
    doc_number_tokens,
    has_cjk,
    normalize_text,
    record_sub_words,
    run_end_chars,
    word_tokens,
)
from .errors import IndexOutdatedError, StoreBusyError
from .records import Record

log = logging.getLogger(__name__)

#: Bump when fields change (names, types, what goes into them).
#: 2: body_bigram without positions and without the bigrams that are body words;
#: run-end characters as unigrams in both bigram fields.
#: 3: body_bigram replaced by body_sub (sub-words of long body words).
#: 4: positions stored as uint32 arrays (ArrayPositions) in every positional field.
SCHEMA_VERSION = 4

STAMP_FILE = "alucorpus-stamp.json"

#: Seconds a writer waits for another process's write lock before giving up.
WRITE_TIMEOUT = 10.0


class ListPositions(formats.Positions):  # type: ignore[misc]
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
    call for a whole posting block (alucorpus.vectors); whoosh itself decodes them
    here (its phrase matcher, its frequency from the same header as before).
    """

    def encode(self, poslist: Any) -> bytes:
        positions = array("I", poslist)
        if _BIG_ENDIAN:
            positions.byteswap()
        return pack_uint(len(poslist)) + positions.tobytes()  # type: ignore[no-any-return]

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
        departments=fields.KEYWORD(commas=True, scorable=True),
        # Their English names, lowercased (exact terms, for dept: filters in English).
        departments_en=fields.KEYWORD(commas=True, lowercase=True),
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
        # Year of issued (else published): year:2018..2020 and the "year" facet.
        year=fields.NUMERIC(int, bits=32, signed=False, sortable=True),
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
    """Canonical Simplified names (via alucorpus.departments when present), deduplicated.

    Records should already carry canonical names; this keeps the filter and the
    facet right when an ingester could not resolve a short form.
    """
    try:
        from .departments import canonical_department
    except ImportError:  # the department table is optional for the index

        def canonical_department(name: str) -> str:
            return name

    out: dict[str, None] = {}
    for name in names:
        if not name or not name.strip():
            continue
        try:
            canonical = canonical_department(name) or name
        except Exception:  # a lookup problem must not stop indexing
            log.debug("canonical_department(%r) failed", name, exc_info=True)
            canonical = name
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


def bigram_run_query(fieldname: str, grams: list[str], boost: float = 1.0) -> Any:
    """Documents whose (positional) bigram field shows one CJK run, given as its bigrams."""
    if len(grams) > 1:
        return Q.Phrase(fieldname, grams, boost=boost)
    return Q.Term(fieldname, grams[0], boost=boost)


#: A lone query character matches at most this many index terms that contain it (the
#: most frequent ones), besides itself: see :func:`lone_char_query`.
CHAR_EXPANSIONS = 16


class CharPrefix(Q.Prefix):  # type: ignore[misc]
    """whoosh's Prefix query, expanded to the :data:`CHAR_EXPANSIONS` most frequent terms."""

    limit = CHAR_EXPANSIONS

    def _btexts(self, ixreader: Any) -> list[Any]:
        # The character itself (a run end or a lone-character run) always counts;
        # then the most frequent bigrams: they hold nearly every document that
        # has the character, at a bounded number of posting lists.
        terms = list(ixreader.expand_prefix(self.fieldname, self.text))
        if len(terms) <= self.limit + 1:
            return terms
        own = self.text.encode("utf-8") if isinstance(terms[0], bytes) else self.text
        others = [t for t in terms if t != own]
        others.sort(key=lambda t: -ixreader.doc_frequency(self.fieldname, t))
        return ([own] if own in terms else []) + others[: self.limit]


# -- characters inside words ----------------------------------------------------------------------

#: Sidecar values already loaded in this process: (segment id, name) -> value.
_SIDECARS: dict[tuple[str, str], Any] = {}


def segment_sidecar(reader: Any, name: str, build: Any) -> Any:
    """A value derived from one index segment, built once and kept beside it.

    A segment never changes (deletions only hide documents, and the tables kept here
    are used intersected with live documents), so what is derived from it can be
    computed once: it is kept in this process and in a marshal file
    ``alucorpus-<name>-<segment id>.marshal`` in the index folder, so that a fresh
    process (``alucorpus search`` from the shell) loads it instead of scanning the
    segment again. An unreadable or unwritable file only costs the rebuild.
    """
    segment = reader.segment() if hasattr(reader, "segment") else None
    if segment is None:
        return build()
    key = (segment.segment_id(), name)
    if key in _SIDECARS:
        return _SIDECARS[key]
    folder = getattr(getattr(reader, "_storage", None), "folder", None)
    path = Path(folder) / f"alucorpus-{name}-{key[0]}.marshal" if folder else None
    value = None
    if path is not None and path.exists():
        try:
            value = marshal.loads(path.read_bytes())
        except (OSError, ValueError, EOFError, TypeError):
            log.debug("unreadable sidecar %s", path, exc_info=True)
    if value is None:
        value = build()
        if path is not None:
            tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
            try:
                tmp.write_bytes(marshal.dumps(value))
                os.replace(tmp, path)
            except (OSError, ValueError):
                log.debug("could not keep sidecar %s", path, exc_info=True)
                with contextlib.suppress(OSError):
                    tmp.unlink()
    _SIDECARS[key] = value
    return value


#: What segment_sidecar and alucorpus.vectors keep beside a segment.
_SIDECAR_NAME = re.compile(r"alucorpus-[a-z-]+?-(?P<segment>[A-Za-z]+_[a-z0-9]+)\.[a-z]+")


def _segment_char_terms(reader: Any, fieldname: str) -> dict[str, list[tuple[str, int]]]:
    """The CJK characters of one segment's terms in ``fieldname``, each with its terms."""

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

    return segment_sidecar(reader, f"chars-{fieldname}", build)  # type: ignore[no-any-return]


def terms_with_char(ixreader: Any, fieldname: str, char: str, limit: int | None) -> list[str]:
    """Terms of ``fieldname`` that contain ``char``: the ``limit`` most frequent (None: all).

    Summed over the reader's segments. The character itself comes first when it is a term.
    """
    frequency: dict[str, int] = {}
    for leaf, _ in ixreader.leaf_readers():
        for term, df in _segment_char_terms(leaf, fieldname).get(char, ()):
            frequency[term] = frequency.get(term, 0) + df
    own = [char] if char in frequency else []
    others = sorted((t for t in frequency if t != char), key=lambda t: -frequency[t])
    return own + (others if limit is None else others[:limit])


class ContainsChar(Q.MultiTerm):  # type: ignore[misc]
    """Documents with a term in ``fieldname`` that contains the character ``text``."""

    def __init__(
        self, fieldname: str, text: str, limit: int | None = CHAR_EXPANSIONS, boost: float = 1.0
    ) -> None:
        self.fieldname = fieldname
        self.text = text
        self.limit = limit
        self.boost = boost
        self.constantscore = True

    def __repr__(self) -> str:
        return f"ContainsChar({self.fieldname!r}, {self.text!r}, limit={self.limit})"

    def __unicode__(self) -> str:
        return f"{self.fieldname}:*{self.text}*"

    __str__ = __unicode__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ContainsChar) and (
            self.fieldname,
            self.text,
            self.limit,
            self.boost,
        ) == (other.fieldname, other.text, other.limit, other.boost)

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.fieldname, self.text, self.limit))

    def _btexts(self, ixreader: Any) -> list[str]:
        return terms_with_char(ixreader, self.fieldname, self.text, self.limit)


def contains_char_query(fieldname: str, char: str, limit: int | None = CHAR_EXPANSIONS) -> Any:
    """Documents whose word field ``fieldname`` has a word containing ``char``.

    A word field holds whole words, so a lone query character (铝) would otherwise
    match only where jieba left it alone, not inside 电解铝 or 铝材. Which words
    contain a character is read from each segment's term list once and kept beside
    the segment (:func:`segment_sidecar`). ``limit`` keeps the most frequent words only:
    a common character is inside thousands of words, and whoosh unions one posting
    list per word.
    """
    return ContainsChar(fieldname, char, limit)


def lone_char_query(fieldname: str, char: str) -> Any:
    """Documents whose ``fieldname`` contains the CJK character ``char`` (bounded).

    In a bigram field every character of an indexed text starts a token (the last
    one of a run is indexed as a unigram), so a prefix query finds them; a common
    character starts hundreds of bigrams (的: 821 in 1000 documents) and whoosh
    unions one posting list per term, so the prefix is bounded to the character
    itself and its :data:`CHAR_EXPANSIONS` most frequent bigrams. In a word field,
    the words that contain the character (:func:`contains_char_query`).
    """
    if fieldname.endswith("_bigram"):
        return CharPrefix(fieldname, char)
    return contains_char_query(fieldname, char)


def prepare_document(
    record: Record, *, words: tuple[list[str], list[str], list[str]] | None = None
) -> dict[str, Any]:
    """Field values for whoosh, with all text already analysed (the expensive part).

    Text fields are lists of token strings, which whoosh indexes as pre-analysed
    tokens with positions 0, 1, 2 …; the result is plain data, picklable, so this
    function can run in a process pool (each worker loads jieba once).

    ``words``: the (title, title_en, body, body sub-words) tokens when already known
    (from the segmentation cache, :mod:`alucorpus.segcache`); computed here otherwise.
    """
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
        "departments": canonical_departments(record.departments),
        "departments_en": [d.lower() for d in record.departments_en if d],
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
        },
    }
    when = doc["issued"] or doc["published"]
    doc["year"] = when.year if when else None
    issued = doc["issued"]
    doc["issued_key"] = issued.year * 10000 + issued.month * 100 + issued.day if issued else 0
    # whoosh wants absent fields left out, not None or empty.
    return {k: v for k, v in doc.items() if v is not None and v != [] and v != ""}


# -- the index ------------------------------------------------------------------------------------


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
        except Exception as exc:  # whoosh raises many types for damaged files
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
        from whoosh import index as windex
        from whoosh.filedb.filestore import FileStorage

        try:
            storage = FileStorage(str(path))
            toc = windex.TOC.read(storage, windex._DEF_INDEX_NAME)
            windex.clean_files(storage, windex._DEF_INDEX_NAME, toc.generation, toc.segments)
        except Exception:  # an unreadable index is reported by open(), not here
            log.debug("could not clean %s", path, exc_info=True)
        Index.remove_stale_sidecars(path)

    @staticmethod
    def remove_stale_sidecars(path: str | Path) -> None:
        """Remove what was kept beside segments that the latest commit no longer names.

        Only alucorpus's own files (``alucorpus-*-<segment>.*``): whoosh removes its
        own at commit, and a concurrent writer's unfinished segment has none of ours.
        """
        from whoosh import index as windex
        from whoosh.filedb.filestore import FileStorage

        try:
            toc = windex.TOC.read(FileStorage(str(path)), windex._DEF_INDEX_NAME)
        except Exception:  # an unreadable index is reported by open(), not here
            log.debug("could not read the segments of %s", path, exc_info=True)
            return
        live = {segment.segment_id() for segment in toc.segments}
        for file in Path(path).glob("alucorpus-*"):
            match = _SIDECAR_NAME.fullmatch(file.name)
            if match and match.group("segment") not in live:
                with contextlib.suppress(OSError):
                    file.unlink()

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
    def schema(self) -> Any:
        """The whoosh schema of this index."""
        return self._ix.schema


__all__ = [
    "CHAR_EXPANSIONS",
    "SCHEMA_VERSION",
    "STAMP_FILE",
    "Index",
    "bigram_field_tokens",
    "bigram_run_query",
    "build_schema",
    "contains_char_query",
    "current_stamp",
    "lone_char_query",
    "prepare_document",
    "segments",
    "terms_with_char",
]
