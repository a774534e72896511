"""Crash safety, concurrent use, disk full and read-only HOME, with real processes.

Crashes are real SIGKILLs of ``python -m alucorpus``: at named points in the code
(``$ALUCORPUS_TEST_CRASH_AT``, see ``alucorpus.workers.crash_point``) and at random
moments. After each: ``alucorpus search`` works and the index holds the documents of
before the batch, plus at most the batch; the next run finishes the job with no manual
step and leaves no temporary file, stray index generation or orphan segment behind.

Corpus: the base is six LawRefBook ministry rules; the batch 17 LawRefBook laws (enough
files for the parse pool); the big batch adds GOV_PRC.csv (108 rows: the index pool).
"""

from __future__ import annotations

import contextlib
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from alucorpus import Corpus
from alucorpus.documents import document_id, group_copies
from alucorpus.errors import StorageError, StoreBusyError
from alucorpus.index import Index
from alucorpus.workers import CRASH_ENV

REPO = Path(__file__).resolve().parent.parent
QUERY = "管理"  # common to every document of the base


# --------------------------------------------------------------------------- helpers


def _cmd(home: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "alucorpus", "--home", str(home), *args]


def _env(crash_at: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != CRASH_ENV}
    if crash_at:
        env[CRASH_ENV] = crash_at
    return env


def run(
    home: Path, *args: str, crash_at: str | None = None, **kwargs: object
) -> subprocess.CompletedProcess:
    """Run the CLI in a real process."""
    return subprocess.run(
        _cmd(home, *args),
        capture_output=True,
        text=True,
        timeout=180,
        cwd=REPO,
        env=_env(crash_at),
        **kwargs,  # type: ignore[arg-type]
    )


def index_ids(home: Path) -> set[str]:
    """Ids of every document in the live index."""
    index = Corpus(home).open_index()
    try:
        with index.searcher() as searcher:
            return {fields["id"] for fields in searcher.all_stored_fields()}
    finally:
        index.close()


def store_ids(home: Path) -> set[str]:
    return {r.id for r in Corpus(home).records()}


def assert_search_works(home: Path, *, cli: bool = False) -> None:
    """Search works: through a real ``alucorpus search`` process, or the API (faster)."""
    if not cli:
        assert Corpus(home).search(QUERY, limit=3).total > 0
        return
    result = run(home, "search", QUERY, "--limit", "3")
    assert result.returncode == 0, result.stderr
    assert "documents match" in result.stdout
    assert "Traceback" not in result.stderr


def assert_clean(home: Path) -> None:
    """No temporary file, stray generation or orphan whoosh file is left."""
    leftovers = [p for p in (home / "raw").rglob(".incoming-*")]
    leftovers += [p for p in (home / "index").iterdir() if p.name.startswith(".CURRENT.")]
    assert leftovers == []
    current = (home / "index" / "CURRENT").read_text().strip()
    assert [p.name for p in (home / "index").iterdir() if p.is_dir()] == [current]
    gen = home / "index" / current
    before = sorted(p.name for p in gen.iterdir())
    Index.clean_orphans(gen)
    assert sorted(p.name for p in gen.iterdir()) == before  # nothing was orphaned


def wait_for_orphans(home: Path, timeout: float = 5.0) -> list[int]:
    """Pids of processes still running with this HOME on their command line."""
    needle = str(home).encode()
    deadline = time.monotonic() + timeout
    while True:
        alive = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                with contextlib.suppress(OSError):
                    if needle in (entry / "cmdline").read_bytes():
                        state = (entry / "stat").read_text().split(") ")[-1][:1]
                        if state != "Z":
                            alive.append(int(entry.name))
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.1)


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def inputs(shared_corpus: Path) -> dict[str, list[str]]:
    law = shared_corpus / "lawrefbook"
    rules = sorted(p for p in (law / "部门规章").rglob("*.md") if not p.name.startswith("_"))
    return {
        "base": [str(p) for p in rules[:6]],
        "batch": [str(law / "经济法"), str(law / "社会法")],
        "big": [
            str(shared_corpus / "gccmpd_govprc" / "raw" / "GOV_PRC.csv"),
            str(law / "经济法"),
            str(law / "社会法"),
        ],
    }


@pytest.fixture(scope="module")
def base_home(tmp_path_factory: pytest.TempPathFactory, inputs: dict[str, list[str]]) -> Path:
    home = tmp_path_factory.mktemp("base") / "home"
    report = Corpus(home).ingest(inputs["base"])
    assert not report.failed
    return home


@pytest.fixture(scope="module")
def expected(inputs: dict[str, list[str]], base_home: Path) -> dict[str, set[str]]:
    """Document ids of the base and of each batch (parsing only: no index needed)."""

    def ids(paths: list[str]) -> set[str]:
        copies = []
        for _path, result in Corpus.parse(paths):
            assert not isinstance(result, str), result
            copies.extend(result)
        return {document_id(r.id for r in group) for group in group_copies(copies)}

    base = index_ids(base_home)
    assert base == store_ids(base_home) and base
    return {"base": base, "batch": ids(inputs["batch"]), "big": ids(inputs["big"])}


@pytest.fixture
def home(tmp_path: Path, base_home: Path) -> Path:
    """A fresh copy of the base corpus."""
    target = tmp_path / "home"
    shutil.copytree(base_home, target)
    return target


# --------------------------------------------------------------------------- crash safety


@pytest.mark.parametrize("point", ["after-raw", "mid-store", "after-store", "mid-index"])
def test_ingest_killed_at_a_point_recovers(
    home: Path, inputs: dict[str, list[str]], expected: dict[str, set[str]], point: str
) -> None:
    killed = run(home, "ingest", *inputs["batch"], crash_at=point)
    assert killed.returncode == -signal.SIGKILL
    assert wait_for_orphans(home) == []
    assert_search_works(home, cli=point == "mid-index")
    seen = index_ids(home)
    assert expected["base"] <= seen <= expected["base"] | expected["batch"]
    # The next run finishes the batch: no manual step, no stale lock to wait for.
    again = run(home, "ingest", *inputs["batch"], "--wait", "5")
    assert again.returncode == 0, again.stderr
    assert index_ids(home) == store_ids(home) == expected["base"] | expected["batch"]
    assert_clean(home)


@pytest.mark.parametrize("point", ["before-switch", "after-switch"])
def test_full_reindex_killed_at_a_point_keeps_a_working_index(
    home: Path, expected: dict[str, set[str]], point: str
) -> None:
    before = index_ids(home)
    killed = run(home, "reindex", "--full", crash_at=point)
    assert killed.returncode == -signal.SIGKILL
    assert_search_works(home)
    assert index_ids(home) == before
    again = run(home, "reindex", "--full", "--wait", "5")
    assert again.returncode == 0, again.stderr
    assert index_ids(home) == store_ids(home) == expected["base"]
    assert_clean(home)


def test_removed_file_killed_between_store_and_index_is_dropped_next_time(home: Path) -> None:
    """The store forgets a file, the process dies before the index does: no stale hit stays."""
    gone = sorted((home / "raw").rglob("*.md"))[0]
    gone_ids = {r.id for r in Corpus(home).records() if r.source.endswith(gone.name)}
    assert gone_ids
    gone.unlink()
    killed = run(home, "reindex", crash_at="after-store")
    assert killed.returncode == -signal.SIGKILL
    assert gone_ids <= index_ids(home)  # the old index: allowed, it is the pre-batch state
    assert not gone_ids & store_ids(home)
    again = run(home, "reindex", "--wait", "5")
    assert again.returncode == 0, again.stderr
    assert not gone_ids & index_ids(home)
    assert index_ids(home) == store_ids(home)
    assert_clean(home)


def test_ingest_killed_at_random_moments_recovers(
    home: Path, inputs: dict[str, list[str]], expected: dict[str, set[str]]
) -> None:
    """SIGKILL at random times (parse pool, store, index pool); each kill interrupts the
    recovery of the one before."""
    rng = random.Random(9)
    for attempt in range(3):
        process = subprocess.Popen(
            _cmd(home, "ingest", *inputs["big"], "--wait", "10"),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=REPO,
            env=_env(),
        )
        time.sleep(rng.uniform(0.8, 3.0))
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        # Pool workers must die with their parent: they hold copies of the lock files.
        assert wait_for_orphans(home) == []
        assert_search_works(home, cli=attempt == 0)
        seen = index_ids(home)
        assert expected["base"] <= seen <= expected["base"] | expected["big"]
    final = run(home, "ingest", *inputs["big"], "--wait", "5")
    assert final.returncode == 0, final.stderr
    assert index_ids(home) == store_ids(home) == expected["base"] | expected["big"]
    assert_clean(home)


# --------------------------------------------------------------------------- concurrency

_READER = textwrap.dedent(
    """
    import json, os, sys, time
    from alucorpus import Corpus
    home, stop, out, QUERY = sys.argv[1:5]
    totals, errors = [], []
    while not os.path.exists(stop):
        try:
            totals.append(Corpus(home).search(QUERY, limit=5).total)
        except Exception as exc:
            errors.append(f"{type(exc).__name__}: {exc}")
        time.sleep(0.1)  # leave the writer a core: the machine may have only two
    with open(out, "w") as handle:
        json.dump({"totals": totals, "errors": errors}, handle)
    """
)


@contextlib.contextmanager
def searching(home: Path, tmp_path: Path) -> Iterator[dict[str, list]]:
    """Search in a loop in another process while the block runs; yield its findings."""
    import json

    stop, out = tmp_path / "stop", tmp_path / "reader.json"
    reader = subprocess.Popen(
        [sys.executable, "-c", _READER, str(home), str(stop), str(out), QUERY], cwd=REPO
    )
    found: dict[str, list] = {}
    try:
        yield found
    finally:
        stop.touch()
        reader.wait(timeout=60)
    found.update(json.loads(out.read_text()))


def wait_until_locked(home: Path, timeout: float = 30.0) -> None:
    """Return once some process holds HOME's write lock."""
    import fcntl

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(FileNotFoundError), open(home / ".write.lock", "a+") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                fcntl.flock(lock, fcntl.LOCK_UN)
            except BlockingIOError:
                return
        time.sleep(0.05)
    raise AssertionError("the writer never took the lock")


def test_searches_keep_working_during_ingest_and_full_reindex(
    home: Path, tmp_path: Path, inputs: dict[str, list[str]], expected: dict[str, set[str]]
) -> None:
    base_total = Corpus(home).search(QUERY).total
    with searching(home, tmp_path) as found:
        writer = subprocess.Popen(
            _cmd(home, "ingest", *inputs["batch"]), cwd=REPO, env=_env(), stderr=subprocess.PIPE
        )
        assert writer.wait(timeout=120) == 0
        rebuild = subprocess.Popen(
            _cmd(home, "reindex", "--full"), cwd=REPO, env=_env(), stderr=subprocess.PIPE
        )
        wait_until_locked(home)
        # A second writer waits for its timeout, then says so in one line.
        second = run(home, "ingest", inputs["base"][0], "--wait", "0.5")
        assert rebuild.wait(timeout=120) == 0
    assert second.returncode == 1
    assert second.stderr.startswith("alucorpus: error: ")
    assert "another alucorpus process is writing here" in second.stderr
    assert second.stderr.count("\n") == 1 and "Traceback" not in second.stderr
    assert found["errors"] == []
    assert len(found["totals"]) >= 10
    assert min(found["totals"]) >= base_total  # never less than before the batch
    assert index_ids(home) == expected["base"] | expected["batch"]
    assert_clean(home)


def test_second_writer_in_process_gets_store_busy(home: Path) -> None:
    first, second = Corpus(home), Corpus(home, lock_timeout=0.3)
    with first._writing(), pytest.raises(StoreBusyError, match=r"waited 0\.3 s"):
        second.reindex()


def test_whoosh_lock_held_elsewhere_is_store_busy_not_lock_error(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import alucorpus.index as index_module

    monkeypatch.setattr(index_module, "WRITE_TIMEOUT", 0.2)
    index = Corpus(home).open_index()
    holder = Corpus(home).open_index()
    writer = holder._ix.writer()
    try:
        with pytest.raises(StoreBusyError, match="being written by another process"):
            index.delete(["x"])
    finally:
        writer.cancel()
        holder.close()
        index.close()


# --------------------------------------------------------------------------- disk full, read-only


def _one_line_error(result: subprocess.CompletedProcess, reasons: str | tuple[str, ...]) -> None:
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("alucorpus: error:")]
    assert len(lines) == 1, result.stderr
    reasons = (reasons,) if isinstance(reasons, str) else reasons
    assert any(reason in lines[0].lower() for reason in reasons), result.stderr


def _still_readable(home: Path, ids: set[str]) -> None:
    assert_search_works(home)
    assert index_ids(home) == ids
    assert ids <= store_ids(home)
    assert list((home / "raw").rglob(".incoming-*")) == []


@contextlib.contextmanager
def mounted(*args: str, target: Path) -> Iterator[None]:
    target.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", *args, str(target)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount here (needs root and CAP_SYS_ADMIN): {done.stderr.strip()}")
    try:
        yield
    finally:
        subprocess.run(["umount", "-l", str(target)], capture_output=True)


def test_disk_full_on_a_tiny_tmpfs(
    tmp_path: Path, base_home: Path, inputs: dict[str, list[str]], expected: dict[str, set[str]]
) -> None:
    mount = tmp_path / "tiny"
    used = sum(p.stat().st_size for p in base_home.rglob("*") if p.is_file())
    size_kb = used // 1024 + 512  # the base fits, with 512 KB to spare: the batch does not
    with mounted("-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", target=mount):
        home = mount / "home"
        shutil.copytree(base_home, home)
        full = run(home, "ingest", *inputs["batch"])
        _one_line_error(full, ("no space left on device", "database or disk is full"))
        _still_readable(home, expected["base"])
        # Room again: the next run completes the batch.
        remount = subprocess.run(["mount", "-o", "remount,size=64m", str(mount)])
        assert remount.returncode == 0
        again = run(home, "ingest", *inputs["batch"])
        assert again.returncode == 0, again.stderr
        assert index_ids(home) == expected["base"] | expected["batch"]
        assert_clean(home)


def _limit_file_size(limit: int) -> None:
    """In the child: writes past ``limit`` bytes fail with EFBIG instead of killing it."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


def test_write_failure_from_a_file_size_limit(
    home: Path, inputs: dict[str, list[str]], expected: dict[str, set[str]]
) -> None:
    """Works without mount rights: RLIMIT_FSIZE makes big writes fail like a full disk."""
    limited = run(home, "ingest", *inputs["batch"], preexec_fn=lambda: _limit_file_size(600_000))
    # Where the limit bites decides the words: EFBIG from a raw file or whoosh, or
    # SQLite reporting the same failed write as a "disk I/O error".
    _one_line_error(limited, ("file too large", "disk i/o error"))
    _still_readable(home, expected["base"])
    again = run(home, "ingest", *inputs["batch"])
    assert again.returncode == 0, again.stderr
    assert index_ids(home) == expected["base"] | expected["batch"]
    assert_clean(home)


def test_read_only_home_bind_mount(
    tmp_path: Path, home: Path, inputs: dict[str, list[str]], expected: dict[str, set[str]]
) -> None:
    readonly = tmp_path / "ro"
    with mounted("--bind", str(home), target=readonly):
        remount = subprocess.run(
            ["mount", "-o", "remount,bind,ro", str(readonly)], capture_output=True
        )
        if remount.returncode != 0:
            pytest.skip("cannot remount read-only here")
        result = run(readonly, "ingest", *inputs["batch"])
        _one_line_error(result, "read-only file system")
        _still_readable(readonly, expected["base"])
        stats = run(readonly, "stats")
        assert stats.returncode == 0, stats.stderr
    assert_clean(home)


def test_home_that_cannot_be_a_folder(tmp_path: Path, inputs: dict[str, list[str]]) -> None:
    """Simulated read-only HOMEs that need no mount: a file in the way, and /proc."""
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StorageError, match="file"):
        Corpus(blocker / "home").ingest(inputs["base"][:1])
    result = run(Path("/proc/alucorpus-cannot-be-here"), "ingest", inputs["base"][0])
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("alucorpus: error: /proc/alucorpus-cannot-be-here")
    assert result.stderr.count("\n") == 1
    assert not (blocker.parent / "home").exists()
