"""Worker processes that die with their parent, and the crash points reliability tests use.

Used by :class:`~alucorpus.corpus.Corpus` (parsing in a process pool) and by
:mod:`alucorpus.bulkindex` (forked index writers); neither imports the other for it.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor

#: Tests set this to a crash point's name to SIGKILL the process there (see _crash_point).
CRASH_ENV = "ALUCORPUS_TEST_CRASH_AT"


def crash_point(name: str) -> None:
    """Die here, as a power cut or the OOM killer would, when a test asks for it.

    The crash-safety tests run real ``alucorpus`` processes with ``$ALUCORPUS_TEST_CRASH_AT``
    naming one of: after-raw, mid-store, after-store, mid-index, before-switch,
    after-switch. One environment look-up per call, at a handful of places per batch.
    """
    if os.environ.get(CRASH_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)


def die_with_parent(parent: int) -> None:
    """Process-pool initializer: a worker ends when the process that started it dies.

    A worker left behind by a killed ``ingest`` would wait for work forever, and, being
    forked, it holds copies of the parent's lock files: the next writer would then wait
    for a lock nobody releases. Linux kills the worker with its parent (PR_SET_PDEATHSIG);
    elsewhere a watcher thread notices the new parent and exits.
    """
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        if libc.prctl(pr_set_pdeathsig, signal.SIGKILL) != 0:
            raise OSError(ctypes.get_errno(), "prctl failed")
    except (OSError, AttributeError):

        def watch() -> None:
            while os.getppid() == parent:
                time.sleep(0.5)
            os._exit(1)

        threading.Thread(target=watch, daemon=True).start()
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)


def process_pool(workers: int) -> ProcessPoolExecutor:
    """A process pool whose workers do not outlive this process."""
    return ProcessPoolExecutor(
        max_workers=workers, initializer=die_with_parent, initargs=(os.getpid(),)
    )


__all__ = ["CRASH_ENV", "crash_point", "die_with_parent", "process_pool"]
