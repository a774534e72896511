"""Turn files into :class:`~alucorpus.records.Record` objects.

Each source format lives in one module with two functions:

* ``sniff(path: str, text: str) -> bool`` — does this text look like my format?
  Detection is by content; the extension is only a hint.
* ``parse(doc: SourceText, options: ParseOptions) -> list[Record]``.

:func:`parse_path` decodes the bytes (``decode.py``), asks the sniffers in
order and calls the first that says yes. Field parsing (numbers, dates,
departments, titles) is shared in ``fields.py``; the structure of an official
notice (title, number, addressee, body, signature, date, attachments) in
``notice.py``.
"""

from __future__ import annotations

import importlib
import os
import stat
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import ModuleType

from ..dates import with_dates
from ..departments import with_jurisdiction
from ..errors import ParseError, UnsupportedFormatError
from ..records import Record, sha256_hex

# Order matters: specific layouts first, the generic plain-text reader last.
FORMAT_MODULES: tuple[str, ...] = (
    "reconnect",  # ReConnect China text export
    "tw_moj",  # Taiwan Laws & Regulations Database JSON
    "table",  # CSV / TSV / JSON Lines, one document per row
    "markdown_law",  # LawRefBook Markdown
    "sqldump",  # MySQL INSERT dumps, one record per row (before html: rows hold pages)
    "html",  # gov.cn policy pages and any other HTML page
    "plaintext",  # plain-text notices and articles, Chinese or English
)


#: Environment variable that overrides :data:`MAX_FILE_BYTES` (in megabytes).
MAX_FILE_ENV = "ALUCORPUS_MAX_FILE_MB"

#: Files larger than this are refused before they are read. Parsing holds a file's
#: bytes, its text and its paragraphs in memory at once, and indexing keeps every
#: token of a record as a string, so an unbounded file means unbounded memory:
#: measured, a 5 MB one-document text file takes 350 MB peak and 12 s to ingest (jieba
#: and the token lists grow linearly). The largest file of the real corpus is 3.6 MB
#: (an SQL dump of 60 pages); 16 MB leaves four times that and bounds one document at
#: about 1 GB. Bigger table exports can raise it with $ALUCORPUS_MAX_FILE_MB.
MAX_FILE_BYTES = 16 * 1024 * 1024


def max_file_bytes() -> int:
    """The size limit in force: ``$ALUCORPUS_MAX_FILE_MB`` when set and valid, else the default."""
    value = os.environ.get(MAX_FILE_ENV)
    try:
        return int(float(value) * 1024 * 1024) if value else MAX_FILE_BYTES
    except ValueError:
        return MAX_FILE_BYTES


def read_input_bytes(path: str | os.PathLike[str], limit: int | None = None) -> bytes:
    """Read one input file's bytes, refusing what cannot be a document.

    A FIFO or device would block or never end, a directory is not a file, and a file
    over ``limit`` bytes (default :func:`max_file_bytes`) would take unbounded memory:
    each raises :class:`~alucorpus.errors.ParseError` naming the file. The size is
    checked before reading and again while reading, for files that grow meanwhile.

    Raises:
        ParseError: not a regular file, or too large.
        OSError: the file cannot be opened or read (missing, permission, link loop).
    """
    limit = max_file_bytes() if limit is None else limit
    info = os.stat(path)  # follows symbolic links; a loop raises OSError (ELOOP)
    if stat.S_ISDIR(info.st_mode):
        raise ParseError(f"{os.fsdecode(path)}: is a folder, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise ParseError(f"{os.fsdecode(path)}: not a regular file (a pipe, socket or device)")
    if info.st_size > limit:
        raise ParseError(_too_large(path, info.st_size, limit))
    with open(path, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise ParseError(_too_large(path, len(data), limit))
    return data


def _too_large(path: str | os.PathLike[str], size: int, limit: int) -> str:
    return (
        f"{os.fsdecode(path)}: too large ({size / 1048576:.1f} MB; the limit is "
        f"{limit / 1048576:g} MB, set {MAX_FILE_ENV} to change it)"
    )


@dataclass(frozen=True)
class ParseOptions:
    """Options that change how a file is read.

    ``columns`` maps record fields (``title``, ``content``, ``url``, ``date``,
    ``doc_number``, ``departments``, ``title_en``, ``content_en``) to the column
    names of a table file, overriding the names recognised by default.
    """

    columns: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SourceText:
    """A decoded input file."""

    path: str  # as the user gave it
    data: bytes  # raw bytes, kept for hashing
    text: str  # decoded text
    encoding: str  # the encoding used to decode it
    sha256: str
    warnings: tuple[str, ...] = ()  # from decoding: declared charset that lied, ...


def _module(name: str) -> ModuleType:
    return importlib.import_module(f"{__name__}.{name}")


def read_source(path: str, data: bytes) -> SourceText:
    """Decode raw bytes into a :class:`SourceText`."""
    from .decode import decode_bytes

    decoded = decode_bytes(data, path)
    return SourceText(
        path=path,
        data=data,
        text=decoded.text,
        encoding=decoded.encoding,
        sha256=sha256_hex(data),
        warnings=tuple(decoded.warnings),
    )


def detect_format(doc: SourceText) -> str:
    """Name of the first format module whose ``sniff`` accepts the text."""
    if not doc.text.strip():
        raise UnsupportedFormatError(f"{doc.path}: empty file")
    for name in FORMAT_MODULES:
        if _module(name).sniff(doc.path, doc.text):
            return name
    raise UnsupportedFormatError(f"{doc.path}: not a format alucorpus reads")


def parse_bytes(path: str, data: bytes, options: ParseOptions | None = None) -> list[Record]:
    """Parse one file's bytes into records (a table file gives one record per row)."""
    doc = read_source(path, data)
    name = detect_format(doc)
    records = _module(name).parse(doc, options or ParseOptions())
    return [_finish(record) for record in records]


def _finish(record: Record) -> Record:
    """What every format's records get after parsing, from the fields already parsed."""
    return with_dates(with_jurisdiction(_with_script(record)))  # jurisdiction reads script


def _with_script(record: Record) -> Record:
    """Say when a record's original text is in Traditional script (it is kept as is)."""
    if record.script != "simplified" or record.lang != "zh":
        return record
    from ..analysis import script_of

    script = script_of(record.title + "\n" + "\n".join(record.paragraphs[:20]))
    return record if script == "simplified" else record.with_changes(script=script)


def parse_path(path: str, options: ParseOptions | None = None) -> list[Record]:
    """Read and parse one file."""
    return parse_bytes(path, read_input_bytes(path), options)


def pair_key(record: Record) -> str | None:
    """The key the two language sides of one document share, if it has another side.

    Only Taiwan laws come in two files today: the key is their PCODE.
    """
    from .tw_moj import pair_key as tw_pair_key

    return tw_pair_key(record)


def merge_bilingual(records: list[Record]) -> list[Record]:
    """Join records that are two language sides of one document (Taiwan laws with one PCODE)."""
    from .tw_moj import merge_pairs

    return merge_pairs(records)


@dataclass
class Joined:
    """The records of a batch of files, two language sides of one document joined."""

    #: Each file's records, a side that was joined replaced by the joint record.
    records: dict[str, list[Record]]
    #: For each file, the other files each of its joint records also came from.
    other_files: dict[str, dict[str, list[str]]]
    #: Ids of earlier records (see :func:`join_bilingual`) now part of a joint record.
    replaced: list[str]


def join_bilingual(
    files: Mapping[str, Sequence[Record]],
    earlier: Callable[[str], Iterable[tuple[Record, Sequence[str]]]] | None = None,
) -> Joined:
    """Join the two language sides of each document among the records of a batch of files.

    The one place sides are matched (by :func:`pair_key`) and joined (by
    :func:`merge_bilingual`): ``alucorpus parse`` and ``ingest`` pair the same way. A
    side's partner may be in another file of the batch, or an earlier record that
    ``earlier(key)`` returns with the files it came from (the store's, for ingest).
    Sides are joined only when they make exactly one record; otherwise they stay apart.

    Args:
        files: each file's records, by the file's name (its path under HOME/raw).
        earlier: records already kept that share a pair key, with their files.
    """
    records_of = {name: list(records) for name, records in files.items()}
    other_files: dict[str, dict[str, list[str]]] = {name: {} for name in files}
    sides: dict[str, list[tuple[str, Record]]] = {}
    for name, records in records_of.items():
        for record in records:
            key = pair_key(record)
            if key:
                sides.setdefault(key, []).append((name, record))
    found: dict[str, list[str]] = {}  # earlier record id -> its files
    replaced: list[str] = []
    for key, members in sides.items():
        batch_files = {name for name, _ in members}
        for record, names in earlier(key) if earlier is not None else ():
            if not set(names) & batch_files:  # a file of the batch replaces its records
                members.append((names[0], record))
                found[record.id] = list(names)
        if len(members) < 2:
            continue
        merged = merge_bilingual([record for _, record in members])
        if len(merged) != 1:
            continue
        joint = merged[0]
        all_files = sorted({n for name, r in members for n in found.get(r.id, [name])})
        for name in batch_files:
            records_of[name] = [joint if pair_key(r) == key else r for r in records_of[name]]
            other_files[name][joint.id] = [n for n in all_files if n != name]
        replaced.extend(r.id for _, r in members if r.id in found and r.id != joint.id)
    return Joined(records_of, other_files, replaced)


__all__ = [
    "FORMAT_MODULES",
    "MAX_FILE_BYTES",
    "MAX_FILE_ENV",
    "Joined",
    "ParseOptions",
    "SourceText",
    "detect_format",
    "join_bilingual",
    "max_file_bytes",
    "merge_bilingual",
    "pair_key",
    "parse_bytes",
    "parse_path",
    "read_input_bytes",
    "read_source",
]
