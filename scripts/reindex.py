#!/usr/bin/env python3
"""Batch re-index: bring the records and the search index in line with HOME/raw.

Usage: .venv/bin/python scripts/reindex.py [--home DIR] [--full]
The same as `alucorpus [--home DIR] reindex [--full]`, for cron jobs and batch runs;
exit code 1 if any file failed.
"""

from __future__ import annotations

import sys

from alucorpus.cli import main


def cli_args(argv: list[str]) -> list[str]:
    """Move --home (a group option) in front of the `reindex` command."""
    args = list(argv)
    front: list[str] = []
    for i, arg in enumerate(args):
        if arg == "--home" and i + 1 < len(args):
            front = ["--home", args[i + 1]]
            del args[i : i + 2]
            break
        if arg.startswith("--home="):
            front = [arg]
            del args[i]
            break
    return [*front, "reindex", *args]


if __name__ == "__main__":
    main(cli_args(sys.argv[1:]), prog_name="reindex.py")
