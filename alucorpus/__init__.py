"""alucorpus: Chinese government policy documents as a searchable, bilingual corpus.

>>> from alucorpus import Corpus
>>> corpus = Corpus("data")            # doctest: +SKIP
>>> corpus.ingest(["data/raw"])        # doctest: +SKIP
"""

from __future__ import annotations

import logging

__version__ = "0.1.0"

# A library never configures logging for its user: without this, warnings would
# go to stderr through Python's last-resort handler.
logging.getLogger(__name__).addHandler(logging.NullHandler())

from .errors import (  # noqa: E402
    AlucorpusError,
    DecodeError,
    IndexOutdatedError,
    ParseError,
    QueryError,
    RecordNotFoundError,
    StoreBusyError,
    UnsupportedFormatError,
)
from .records import Attachment, Record  # noqa: E402


def __getattr__(name: str) -> object:
    # Corpus pulls in the store and, lazily, whoosh and jieba; keep `import alucorpus` light.
    if name == "Corpus":
        from .corpus import Corpus

        return Corpus
    raise AttributeError(name)


__all__ = [
    "AlucorpusError",
    "Attachment",
    "Corpus",
    "DecodeError",
    "IndexOutdatedError",
    "ParseError",
    "QueryError",
    "Record",
    "RecordNotFoundError",
    "StoreBusyError",
    "UnsupportedFormatError",
    "__version__",
]
