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
