"""Exceptions raised by alucorpus. Only ``cli.py`` turns them into messages and exit codes."""

from __future__ import annotations


class AlucorpusError(Exception):
    """Base class of every error alucorpus raises on purpose."""


class ParseError(AlucorpusError):
    """A field or a document could not be parsed."""


class DecodeError(ParseError):
    """The bytes of a file could not be decoded as text in any supported encoding."""


class UnsupportedFormatError(ParseError):
    """No ingester recognises the content of a file."""


class NotADocumentError(ParseError):
    """A file reads as text but is not a document: a manifest, a data table, a date."""


class NotADocument(str):
    """The one line of a :class:`NotADocumentError` where results carry messages as text.

    ``Corpus.parse`` and the ingest workers pass a file's failure on as its message;
    this one is still that text (``PATH: not a document (…)``), so it shows like any
    other, but a caller can tell a file that is not a document from one that failed.
    """

    __slots__ = ()


class RecordNotFoundError(AlucorpusError):
    """No record in the corpus has the requested id."""


class IndexOutdatedError(AlucorpusError):
    """The search index was built by another analyzer, dictionary or schema version."""


class QueryError(AlucorpusError):
    """A search query is malformed."""


class StoreBusyError(AlucorpusError):
    """Another process holds the corpus for writing and did not release it in time."""


class StorageError(AlucorpusError):
    """The corpus home could not be written: disk full, read-only, or not a folder."""
