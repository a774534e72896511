"""The record store: parsed records and the files they came from, in SQLite.

SQLite gives atomic commits and concurrent readers for free, which is what a
corpus that people search while a batch job runs needs. The store keeps:

* ``files``: every raw file kept under HOME/raw, with its hash and the path it
  was first given as (a record's ``source`` stays that path across reindexing);
* ``records``: every stored *copy* (a file or table row as it came): its JSON form,
  the raw files it came from, its identity keys (alucorpus.documents), and whether
  its document has been rebuilt since it was stored;
* ``documents``: one row per document, made from its copies
  (:meth:`Store.refresh_documents`), and whether the search index has it yet (so an
  interrupted ingest is finished by the next one); ``document_copies`` maps each
  copy to its document;
* ``index_deletes``: document ids the search index may still hold but the store no
  longer does. They are queued in the same transaction that removes the document, so
  a crash between the store commit and the index commit cannot leave a stale hit:
  the next index update deletes them and only then clears the queue.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import StorageError, StoreBusyError
from .ingest import pair_key
from .records import SCHEMA_VERSION, Record, Version

if TYPE_CHECKING:
    from .ingest.lawref_db import LawRow

_SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
    raw_path TEXT PRIMARY KEY,   -- relative to HOME/raw, '/' separated
    sha256   TEXT NOT NULL,
    size     INTEGER NOT NULL,
    added    REAL NOT NULL,
    options  TEXT NOT NULL DEFAULT '{}',  -- JSON: column overrides, reused by reindex
    given    TEXT               -- the path the file was first ingested as
);
CREATE TABLE IF NOT EXISTS records (
    id        TEXT PRIMARY KEY,
    raw_paths TEXT NOT NULL,     -- JSON list: a bilingual record comes from two files
    pair_key  TEXT,              -- joins two language sides of one document (Taiwan PCODE)
    lang      TEXT NOT NULL,
    merged    INTEGER NOT NULL DEFAULT 0,  -- its document was rebuilt since it was stored
    json      TEXT NOT NULL,
    identity  TEXT NOT NULL DEFAULT '[[], null, null]'  -- JSON: documents.Identity
);
CREATE TABLE IF NOT EXISTS documents (
    id      TEXT PRIMARY KEY,    -- the smallest of its copies' ids
    members TEXT NOT NULL,       -- JSON list of copy ids, sorted
    indexed INTEGER NOT NULL DEFAULT 0,
    json    TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS document_copies (
    record_id TEXT PRIMARY KEY,
    doc_id    TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS document_copies_doc ON document_copies(doc_id);
CREATE TABLE IF NOT EXISTS law_status (  -- rows of a LawRefBook db.sqlite3 kept under HOME/raw
    raw_path   TEXT NOT NULL,
    name       TEXT NOT NULL,
    level      TEXT,
    publish    TEXT,
    valid_from TEXT,
    expired    INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS law_status_path ON law_status(raw_path);
CREATE INDEX IF NOT EXISTS records_pair ON records(pair_key);
CREATE TABLE IF NOT EXISTS record_files (
    record_id TEXT NOT NULL,
    raw_path  TEXT NOT NULL,
    PRIMARY KEY (record_id, raw_path)
);
CREATE INDEX IF NOT EXISTS record_files_path ON record_files(raw_path);
CREATE TABLE IF NOT EXISTS info (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS index_deletes (id TEXT PRIMARY KEY);
"""


class Store:
    """A connection to HOME/records.sqlite3."""

    def __init__(self, path: Path, *, timeout: float = 30.0, readonly: bool = False) -> None:
        self.path = path
        if readonly:
            self._db = _connect_readonly(path, timeout)
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), timeout=timeout, isolation_level=None)
        try:
            # WAL lets searches read while a batch writes; NORMAL sync is durable at
            # each checkpoint and never corrupts, which is what we need.
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_SCHEMA)
            self._migrate()
            self._db.execute(
                "INSERT OR IGNORE INTO info VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
            )
        except sqlite3.OperationalError as exc:
            # Only a lock is "busy"; a full disk or an unwritable folder is not.
            busy = "locked" in str(exc) or "busy" in str(exc)
            error = StoreBusyError if busy else StorageError
            raise error(f"{path}: {exc}") from exc

    def _migrate(self) -> None:
        """Bring a store written by an earlier version up to this schema (in place)."""
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(records)")}
        if "identity" in columns:
            return
        from .documents import identity_of

        with self._transaction():
            self._db.execute("ALTER TABLE records RENAME COLUMN indexed TO merged")
            self._db.execute(
                "ALTER TABLE records ADD COLUMN identity TEXT NOT NULL DEFAULT '[[], null, null]'"
            )
            self._db.execute("ALTER TABLE files ADD COLUMN given TEXT")
            rows = list(self._db.execute("SELECT id, json FROM records"))
            for record_id, text in rows:
                identity = identity_of(Record.from_dict(json.loads(text)))
                self._db.execute(
                    "UPDATE records SET identity = ?, merged = 0 WHERE id = ?",
                    (json.dumps(identity.to_json(), ensure_ascii=False), record_id),
                )
            # The index held copies: every document is new to it (the index's schema
            # version changed too, so it is rebuilt anyway).
            self._db.execute("DELETE FROM index_deletes")

    def close(self) -> None:
        """Close the connection."""
        self._db.close()

    # -- files -------------------------------------------------------------------------------

    def file_hash(self, raw_path: str) -> str | None:
        """Hash of the stored raw file at ``raw_path``, or None if there is none."""
        row = self._db.execute(
            "SELECT sha256 FROM files WHERE raw_path = ?", (raw_path,)
        ).fetchone()
        return row[0] if row else None

    def files(self) -> dict[str, str]:
        """Every stored raw file and its hash."""
        return dict(self._db.execute("SELECT raw_path, sha256 FROM files"))

    def file_options(self, raw_path: str) -> dict[str, str]:
        """Parse options the file was ingested with."""
        row = self._db.execute(
            "SELECT options FROM files WHERE raw_path = ?", (raw_path,)
        ).fetchone()
        return dict(json.loads(row[0])) if row else {}

    def forget_file(self, raw_path: str) -> list[str]:
        """Remove a raw file that is gone from HOME/raw, and its records; return their ids."""
        with self._transaction():
            ids = [
                r[0]
                for r in self._db.execute(
                    "SELECT record_id FROM record_files WHERE raw_path = ?", (raw_path,)
                )
            ]
            self._delete_ids(ids)
            self._db.execute("DELETE FROM law_status WHERE raw_path = ?", (raw_path,))
            self._db.execute("DELETE FROM files WHERE raw_path = ?", (raw_path,))
        return ids

    # -- records -----------------------------------------------------------------------------

    def replace_file(
        self,
        raw_path: str,
        sha256: str,
        size: int,
        records: Iterable[Record],
        *,
        options: dict[str, str] | None = None,
        extra_paths: dict[str, list[str]] | None = None,
        given: str | None = None,
    ) -> list[str]:
        """Atomically make ``records`` the stored copies of ``raw_path``.

        Copies that came from the old version of the file are removed (their ids are
        returned); their documents are rebuilt by the next :meth:`refresh_documents`.
        ``extra_paths`` names other raw files a record also came from (the other side
        of a bilingual pair). ``given`` is the path the file was ingested as; the
        first one given is kept.
        """
        extra_paths = extra_paths or {}
        with self._transaction():
            old_ids = [
                r[0]
                for r in self._db.execute(
                    "SELECT record_id FROM record_files WHERE raw_path = ?", (raw_path,)
                )
            ]
            new = list(records)
            new_ids = {r.id for r in new}
            gone = [i for i in old_ids if i not in new_ids]
            self._delete_ids(gone)
            self._db.execute(
                "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?,"
                " COALESCE((SELECT given FROM files WHERE raw_path = ?), ?))",
                (
                    raw_path,
                    sha256,
                    size,
                    time.time(),
                    json.dumps(options or {}, ensure_ascii=False),
                    raw_path,
                    given,
                ),
            )
            for record in new:
                paths = [raw_path, *extra_paths.get(record.id, [])]
                self._put(record, paths)
        return gone

    def given_path(self, raw_path: str) -> str | None:
        """The path a raw file was first ingested as (None for one stored before it was kept)."""
        row = self._db.execute("SELECT given FROM files WHERE raw_path = ?", (raw_path,)).fetchone()
        return row[0] if row else None

    def _put(self, record: Record, raw_paths: list[str]) -> None:
        from .documents import identity_of

        self._db.execute(
            "INSERT OR REPLACE INTO records (id, raw_paths, pair_key, lang, merged, json, identity)"
            " VALUES (?, ?, ?, ?, 0, ?, ?)",
            (
                record.id,
                json.dumps(raw_paths, ensure_ascii=False),
                pair_key(record),
                record.lang,
                json.dumps(record.to_dict(), ensure_ascii=False),
                json.dumps(identity_of(record).to_json(), ensure_ascii=False),
            ),
        )
        for path in raw_paths:
            self._db.execute("INSERT OR IGNORE INTO record_files VALUES (?, ?)", (record.id, path))

    def _delete_ids(self, ids: Iterable[str]) -> None:
        # Their documents notice at the next refresh_documents: a member is gone.
        for record_id in ids:
            self._db.execute("DELETE FROM records WHERE id = ?", (record_id,))
            self._db.execute("DELETE FROM record_files WHERE record_id = ?", (record_id,))

    def delete_records(self, ids: Iterable[str]) -> None:
        """Remove stored copies (the raw files stay)."""
        with self._transaction():
            self._delete_ids(ids)

    def get_copy(self, record_id: str) -> Record | None:
        """The stored copy with this id, or None."""
        row = self._db.execute("SELECT json FROM records WHERE id = ?", (record_id,)).fetchone()
        return Record.from_dict(json.loads(row[0])) if row else None

    def get(self, record_id: str) -> Record | None:
        """The document with this id, or the document of the copy with this id, or None."""
        row = self._db.execute(
            "SELECT json FROM documents WHERE id = ?"
            " OR id = (SELECT doc_id FROM document_copies WHERE record_id = ?)",
            (record_id, record_id),
        ).fetchone()
        return Record.from_dict(json.loads(row[0])) if row else None

    def find_by_prefix(self, prefix: str) -> list[str]:
        """Document ids that start with ``prefix``, or whose copies' ids do (a short id)."""
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return [
            r[0]
            for r in self._db.execute(
                "SELECT DISTINCT doc_id FROM document_copies WHERE record_id LIKE ? ESCAPE '\\'"
                " OR doc_id LIKE ? ESCAPE '\\' ORDER BY doc_id LIMIT 10",
                (escaped + "%", escaped + "%"),
            )
        ]

    def by_pair_key(self, key: str) -> list[tuple[Record, list[str]]]:
        """Stored records sharing a pair key, with the raw files they came from."""
        return [
            (Record.from_dict(json.loads(j)), json.loads(p))
            for j, p in self._db.execute(
                "SELECT json, raw_paths FROM records WHERE pair_key = ?", (key,)
            )
        ]

    def copies(self, *, batch: int = 256) -> Iterator[Record]:
        """Every stored copy, in id order, read ``batch`` rows at a time."""
        yield from self._stream("SELECT json FROM records ORDER BY id", batch)

    def records(self, *, unindexed_only: bool = False, batch: int = 256) -> Iterator[Record]:
        """Every document, in id order, read ``batch`` rows at a time.

        Streams: at 50k documents the JSON of all rows at once (``fetchall``) would cost
        hundreds of MB on top of whatever the caller keeps. The cursor reads from one
        snapshot of the database (one statement), so the rows are consistent.
        """
        sql = "SELECT json FROM documents"
        if unindexed_only:
            sql += " WHERE indexed = 0"
        yield from self._stream(sql + " ORDER BY id", batch)

    def _stream(self, sql: str, batch: int) -> Iterator[Record]:
        cursor = self._db.execute(sql)
        try:
            while rows := cursor.fetchmany(batch):
                for (text,) in rows:
                    yield Record.from_dict(json.loads(text))
        finally:
            cursor.close()

    def lazy_records(self) -> StoredRecords:
        """Every document, in id order, read one at a time when asked for.

        A full rebuild hands this to forked index workers: the parent holds only the
        ids, so its memory does not grow with the corpus.
        """
        ids = [r[0] for r in self._db.execute("SELECT id FROM documents ORDER BY id")]
        return StoredRecords(self.path, ids)

    def ids(self) -> set[str]:
        """Every document id."""
        return {r[0] for r in self._db.execute("SELECT id FROM documents")}

    def mark_indexed(self, ids: Iterable[str], indexed: bool = True) -> None:
        """Record that the search index holds (or no longer holds) these documents."""
        with self._transaction():
            self._db.executemany(
                "UPDATE documents SET indexed = ? WHERE id = ?", [(int(indexed), i) for i in ids]
            )

    def pending_deletes(self) -> list[str]:
        """Document ids removed from the store that the search index may still hold."""
        return [r[0] for r in self._db.execute("SELECT id FROM index_deletes ORDER BY id")]

    def clear_deletes(self, ids: Iterable[str] | None = None) -> None:
        """The index no longer holds these ids (all of them when ``ids`` is None)."""
        with self._transaction():
            if ids is None:
                self._db.execute("DELETE FROM index_deletes")
            else:
                self._db.executemany("DELETE FROM index_deletes WHERE id = ?", [(i,) for i in ids])

    def mark_all_unindexed(self) -> None:
        """After a full rebuild starts: every document must be indexed again."""
        with self._transaction():
            self._db.execute("UPDATE documents SET indexed = 0")

    def count(self) -> int:
        """Number of documents."""
        return int(self._db.execute("SELECT COUNT(*) FROM documents").fetchone()[0])

    def count_copies(self) -> int:
        """Number of stored copies (files and table rows)."""
        return int(self._db.execute("SELECT COUNT(*) FROM records").fetchone()[0])

    # -- documents -----------------------------------------------------------------------------

    def refresh_documents(
        self, finish: Callable[[list[Record]], list[Record]] | None = None
    ) -> int:
        """Group the stored copies into documents and rebuild the documents that changed.

        A document is rebuilt when its set of copies changed or one of its copies was
        stored again; a document left without copies is removed and queued for
        deletion from the index, in the same transaction. ``finish`` gets the rebuilt
        documents and returns them completed (version chains, status). Returns how
        many documents were rebuilt or removed.
        """
        from .documents import Identity, group_ids, merge_copies

        with self._transaction():
            identities: dict[str, Identity] = {}
            dirty: set[str] = set()
            for record_id, identity, merged in self._db.execute(
                "SELECT id, identity, merged FROM records"
            ):
                identities[record_id] = Identity.from_json(json.loads(identity))
                if not merged:
                    dirty.add(record_id)
            old = {
                doc_id: tuple(json.loads(members))
                for doc_id, members in self._db.execute("SELECT id, members FROM documents")
            }
            groups = {group[0]: tuple(group) for group in group_ids(identities)}
            changed = [
                members
                for doc_id, members in groups.items()
                if old.get(doc_id) != members or dirty.intersection(members)
            ]
            removed = [doc_id for doc_id in old if doc_id not in groups]
            for doc_id in removed:
                self._db.execute("DELETE FROM documents WHERE id = ?", (doc_id,))
                self._db.execute("DELETE FROM document_copies WHERE doc_id = ?", (doc_id,))
                self._db.execute("INSERT OR IGNORE INTO index_deletes VALUES (?)", (doc_id,))
            built = [merge_copies([self._copy(i) for i in members]) for members in changed]
            if finish is not None:
                built = finish(built)
            for document, members in zip(built, changed, strict=True):
                self._db.execute(
                    "INSERT OR REPLACE INTO documents (id, members, indexed, json)"
                    " VALUES (?, ?, 0, ?)",
                    (
                        document.id,
                        json.dumps(list(members)),
                        json.dumps(document.to_dict(), ensure_ascii=False),
                    ),
                )
                self._db.execute("DELETE FROM document_copies WHERE doc_id = ?", (document.id,))
                self._db.executemany(
                    "INSERT OR REPLACE INTO document_copies VALUES (?, ?)",
                    [(member, document.id) for member in members],
                )
                # Stored again (indexed = 0): the next index update replaces it.
                self._db.execute("DELETE FROM index_deletes WHERE id = ?", (document.id,))
            self._db.executemany(
                "UPDATE records SET merged = 1 WHERE id = ?", [(i,) for i in dirty]
            )
        return len(changed) + len(removed)

    def refresh_status(
        self,
        assign: Callable[[list[Record]], Mapping[str, tuple[str, tuple[Version, ...]]]],
    ) -> int:
        """Give every document its status and version chain; return how many changed.

        ``assign`` sees every document (a chain and the repeals that decide a status
        can reach across the corpus) and returns id → (status, versions); a document
        whose status or chain changed is stored again, for the index to pick up.
        """
        with self._transaction():
            documents = list(self.records())
            assigned = assign(documents)
            changed = 0
            for document in documents:
                status, versions = assigned.get(document.id, ("unknown", ()))
                if (status, versions) == (document.status, document.versions):
                    continue
                updated = document.with_changes(status=status, versions=versions)
                self._db.execute(
                    "UPDATE documents SET json = ?, indexed = 0 WHERE id = ?",
                    (json.dumps(updated.to_dict(), ensure_ascii=False), document.id),
                )
                changed += 1
        return changed

    # -- LawRefBook's status database ----------------------------------------------------------

    def replace_law_rows(
        self, raw_path: str, sha256: str, size: int, rows: Iterable[LawRow], *, given: str
    ) -> None:
        """Keep the rows of a LawRefBook ``db.sqlite3`` (a raw file that holds no documents)."""
        with self._transaction():
            self._db.execute("DELETE FROM law_status WHERE raw_path = ?", (raw_path,))
            self._db.executemany(
                "INSERT INTO law_status VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (raw_path, r.name, r.level, r.publish, r.valid_from, int(r.expired))
                    for r in rows
                ],
            )
            self._db.execute(
                "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, '{}',"
                " COALESCE((SELECT given FROM files WHERE raw_path = ?), ?))",
                (raw_path, sha256, size, time.time(), raw_path, given),
            )

    def law_rows(self) -> list[LawRow]:
        """Every LawRefBook status row kept."""
        from .ingest.lawref_db import LawRow

        return [
            LawRow(name, level, publish, valid_from, bool(expired))
            for name, level, publish, valid_from, expired in self._db.execute(
                "SELECT name, level, publish, valid_from, expired FROM law_status"
                " ORDER BY raw_path, rowid"
            )
        ]

    def _copy(self, record_id: str) -> Record:
        copy = self.get_copy(record_id)
        if copy is None:  # read inside the transaction that listed it: cannot happen
            raise StorageError(f"{self.path}: copy {record_id} vanished during a refresh")
        return copy

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)


def _connect_readonly(path: Path, timeout: float) -> sqlite3.Connection:
    """Open the store for reading only, so a read-only HOME can still be searched and shown.

    A WAL database needs its ``-shm`` file, which a read-only folder cannot create once
    the last writer has removed it; then the file is opened as immutable (no other
    process can be changing it: none can write in that folder either).
    """
    uri = path.resolve().as_uri()
    try:
        db = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=timeout, isolation_level=None)
        db.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        return db
    except sqlite3.OperationalError:
        db = sqlite3.connect(
            f"{uri}?mode=ro&immutable=1", uri=True, timeout=timeout, isolation_level=None
        )
        db.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        return db


class _Transaction:
    """BEGIN IMMEDIATE … COMMIT, rolled back on any exception."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise StoreBusyError(f"record store is busy: {exc}") from exc

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            self._db.execute("COMMIT")
        else:
            self._db.execute("ROLLBACK")


class StoredRecords(Sequence[Record]):
    """Documents of a store by position, each read from SQLite on demand.

    Each process (a forked worker included) opens its own read-only connection, since
    a SQLite connection must not cross a fork.
    """

    def __init__(self, path: Path, ids: list[str]) -> None:
        self.path = path
        self.ids = ids
        self._db: sqlite3.Connection | None = None
        self._pid = -1

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, position: int | slice) -> Any:  # Sequence's two overloads
        if isinstance(position, slice):
            return [self[i] for i in range(*position.indices(len(self)))]
        row = (
            self._connection()
            .execute("SELECT json FROM documents WHERE id = ?", (self.ids[position],))
            .fetchone()
        )
        if row is None:
            raise StorageError(f"{self.path}: document {self.ids[position]} vanished during a read")
        return Record.from_dict(json.loads(row[0]))

    def _connection(self) -> sqlite3.Connection:
        if self._db is None or self._pid != os.getpid():
            self._db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=30)
            self._pid = os.getpid()
        return self._db
