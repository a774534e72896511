"""Finding the input files of an ingest: folders expanded, names checked, raw paths chosen.

And parsing one of them in a worker process, with every failure, and every file
that is not a document, as one line that names the file.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import NotADocument, NotADocumentError, ParseError
from ..records import Record
from . import ParseOptions, parse_bytes

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FileOutcome:
    """What happened to one input file."""

    path: str  # as the user gave it
    status: str  # "added", "updated", "unchanged", "skipped" (not a document) or "failed"
    records: int = 0
    error: str | None = None  # the one line of a failed or skipped file


@dataclass(frozen=True)
class InputFile:
    """One file to ingest: as given, on disk, and where HOME/raw keeps it."""

    given: str  # the path as the user gave it (joined with the folder they named)
    real: Path
    raw_path: str  # where it is kept, relative to HOME/raw


def iter_input_files(paths: Iterable[str], raw_root: Path) -> Iterator[InputFile | FileOutcome]:
    """Expand files and folders (recursively, in name order) into input files.

    Yields a failed :class:`FileOutcome` for a path that does not exist. Hidden
    files are skipped inside folders; symbolic links to folders are not followed,
    so a link loop cannot trap the walk.
    """
    raw_root_real = Path(os.path.realpath(raw_root))
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for folder, dirs, files in os.walk(path, followlinks=False):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if name.startswith("."):
                        continue
                    file_path = Path(folder) / name
                    rel = file_path.relative_to(path).as_posix()
                    yield _input_or_failure(
                        str(file_path),
                        file_path,
                        raw_root_real,
                        f"{_folder_name(path)}/{rel}",
                    )
        elif path.exists() or path.is_symlink():
            # Keep the parent folder's name: files given one by one from different
            # folders often share a name (the two language sides of a Taiwan law do).
            parent = Path(os.path.realpath(path)).parent.name or "input"
            yield _input_or_failure(given, path, raw_root_real, f"{parent}/{path.name}")
        else:
            yield FileOutcome(given, "failed", error=f"{given}: no such file or folder")


def _input_or_failure(
    given: str, path: Path, raw_root_real: Path, default: str
) -> InputFile | FileOutcome:
    """An input file, or a failed outcome for a name alucorpus cannot keep."""
    if not _is_utf8(given):
        # A name in a legacy encoding (bytes that are not UTF-8) cannot be stored as
        # text, so it is refused with the name shown with its bad bytes escaped.
        shown = os.fsencode(given).decode("utf-8", "backslashreplace")
        return FileOutcome(
            shown,
            "failed",
            error=f"{shown}: file name is not valid UTF-8; rename the file and ingest it again",
        )
    return InputFile(given, path, _raw_path(path, raw_root_real, default))


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _folder_name(path: Path) -> str:
    name = Path(os.path.realpath(path)).name
    return name or "input"


def _raw_path(path: Path, raw_root_real: Path, default: str) -> str:
    """Where a file is kept under HOME/raw: where it already is, if it is already there."""
    # os.path.realpath, unlike Path.resolve, does not raise on a symbolic-link loop.
    try:
        return Path(os.path.realpath(path)).relative_to(raw_root_real).as_posix()
    except (ValueError, OSError):
        return default


def read_failure(given: str, exc: OSError | ParseError) -> str:
    """One line naming the file for an input that could not be read."""
    if isinstance(exc, ParseError):
        message = str(exc)
        return message if message.startswith(given) else f"{given}: {message}"
    reason = exc.strerror or str(exc)
    return f"{given}: cannot read ({reason[:1].lower()}{reason[1:]})"


def parse_one(given: str, data: bytes, columns: dict[str, str]) -> list[Record] | str:
    """Parse in a worker process; an error comes back as its one-line message.

    A file that is not a document comes back as a :class:`NotADocument` message.
    """
    try:
        return parse_bytes(given, data, ParseOptions(columns=dict(columns)))
    except NotADocumentError as exc:
        return NotADocument(_naming(given, str(exc) or type(exc).__name__))
    except ParseError as exc:
        return _naming(given, str(exc) or type(exc).__name__)
    except RecursionError:
        return f"{given}: too deeply nested to parse"
    except Exception as exc:  # a parser bug must not stop the batch
        log.debug("parser failed on %s", given, exc_info=True)
        return f"{given}: internal parser error ({type(exc).__name__}: {exc})"


def _naming(given: str, message: str) -> str:
    """Every failure line names its file, whether or not the parser did."""
    return message if message.startswith(given) else f"{given}: {message}"


__all__ = [
    "FileOutcome",
    "InputFile",
    "iter_input_files",
    "parse_one",
    "read_failure",
]
