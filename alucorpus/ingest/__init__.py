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
from dataclasses import dataclass, field
from types import ModuleType

from ..errors import UnsupportedFormatError
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
    return [_with_script(record) for record in records]


def _with_script(record: Record) -> Record:
    """Say when a record's original text is in Traditional script (it is kept as is)."""
    if record.script != "simplified" or record.lang != "zh":
        return record
    from ..analysis import script_of

    script = script_of(record.title + "\n" + "\n".join(record.paragraphs[:20]))
    return record if script == "simplified" else record.with_changes(script=script)


def parse_path(path: str, options: ParseOptions | None = None) -> list[Record]:
    """Read and parse one file."""
    with open(path, "rb") as handle:
        data = handle.read()
    return parse_bytes(path, data, options)


def merge_bilingual(records: list[Record]) -> list[Record]:
    """Join records that are two language sides of one document (Taiwan laws with one PCODE)."""
    from .tw_moj import merge_pairs

    return merge_pairs(records)


__all__ = [
    "FORMAT_MODULES",
    "ParseOptions",
    "SourceText",
    "detect_format",
    "merge_bilingual",
    "parse_bytes",
    "parse_path",
    "read_source",
]
