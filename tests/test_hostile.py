"""Hostile input: files that are broken, huge, strange or not files at all, and bad queries.

Every hostile file is made in tmp_path by the test (nothing large is committed). An
ingest of the folder must give, for each file, a one-line error naming it or a record
parsed as well as possible; the good files of the same batch are stored; the exit
code is 1 and nothing prints a traceback. The 100 MB file is refused by size before
it is read, which the test checks with the peak RSS of the real process.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from alucorpus import Corpus
from alucorpus.cli import main
from alucorpus.errors import ParseError, QueryError
from alucorpus.ingest import MAX_FILE_ENV, read_input_bytes

REPO = Path(__file__).resolve().parent.parent

GOOD_NOTICE = (
    "国务院关于进一步加强安全生产工作的通知\n"
    "国发〔2010〕23号\n"
    "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：\n"
    "现就进一步加强安全生产工作通知如下。\n"
    "国务院\n"
    "二〇一〇年七月十九日\n"
)


def _hostile_folder(root: Path) -> dict[str, str]:
    """Write the hostile files; return file name → what must happen ("error" or "record")."""
    root.mkdir(parents=True)
    expect: dict[str, str] = {}

    def put(name: str, data: bytes | str, outcome: str) -> None:
        (root / name).write_bytes(data.encode() if isinstance(data, str) else data)
        expect[name] = outcome

    put("empty.txt", b"", "error")
    put("binary.bin", bytes(range(256)) * 16, "error")
    put(
        "truncated.html",
        '<html><head><meta charset="utf-8"><title>关于加强矿产资源管理的通知</title>'
        "</head><body><p>各省、自治区人民政府：为了加强",
        "record",
    )
    depth = 50_000
    put(
        "deep.html",
        "<html><body>" + "<div>" * depth + "国务院关于深化改革的通知" + "</div>" * depth,
        "record",
    )
    put(
        "broken.csv",
        'title,content\n"关于印发方案的通知,"正文""没有结束\n"另一个","x""\n',
        "error",  # a file named .csv that does not parse: "not valid CSV (line 2: …)"
    )
    put("bad.json", '{"法規名稱": "礦業法", "法規內容": [', "error")
    put("bad-lines.jsonl", '{"title": "a"}\n{not json\n', "error")  # "not valid JSON Lines"
    put(
        "lying.html",
        '<html><head><meta charset="gb2312"><title>国务院办公厅关于进一步加强管理的通知</title>'
        "</head><body><p>国办发〔2019〕5号</p><p>各省、自治区、直辖市人民政府：现就有关事项"
        "通知如下。</p></body></html>".encode(),
        "record",
    )
    put(
        "mixed.txt",
        "国务院关于进一步加强管理的通知\n".encode()
        + "国发〔2018〕3号\n各省、自治区人民政府：\n".encode("gb18030")
        + "现将有关事项通知如下。\n".encode(),
        "record",
    )
    put("名字 with spaces 通知.txt", GOOD_NOTICE, "record")
    # A name in a legacy encoding: bytes that are not UTF-8.
    (root / os.fsdecode(b"legacy-\xb9\xfa.txt")).write_text(GOOD_NOTICE, encoding="utf-8")
    expect[os.fsdecode(b"legacy-\xb9\xfa.txt")] = "error"
    (root / "loop").symlink_to("loop")  # a symbolic link to itself
    expect["loop"] = "error"
    (root / "sub").mkdir()
    (root / "sub" / "up").symlink_to("..")  # a folder loop: not followed
    os.mkfifo(root / "fifo.txt")  # reading it would block forever
    expect["fifo.txt"] = "error"
    if os.geteuid() != 0:
        # Root reads a chmod 000 file anyway, so this case only exists for other users
        # (the FIFO and the symlink loop are the unreadable files every run has).
        put("secret.txt", GOOD_NOTICE.replace("23号", "24号"), "error")
        (root / "secret.txt").chmod(0)
    put("good.txt", GOOD_NOTICE.replace("安全生产", "矿山安全"), "record")
    return expect


def _run(home: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "alucorpus", "--home", str(home), *args],
        capture_output=True,
        text=True,
        errors="backslashreplace",
        timeout=120,
        cwd=REPO,
        env={**os.environ, **(env or {})},
    )


def test_hostile_folder_one_line_per_bad_file_and_good_files_stored(tmp_path: Path) -> None:
    folder = tmp_path / "hostile"
    expect = _hostile_folder(folder)
    home = tmp_path / "home"
    started = time.monotonic()
    result = _run(home, "ingest", str(folder), "--wait", "5")
    elapsed = time.monotonic() - started
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert elapsed < 60
    lines = result.stderr.splitlines()
    errors = lines[:-1]
    assert "documents indexed" in lines[-1]
    for name, outcome in expect.items():
        shown = os.fsencode(name).decode("utf-8", "backslashreplace")
        mentions = [line for line in errors if shown in line]
        if outcome == "error":
            assert len(mentions) == 1, (name, errors)
        else:
            assert mentions == [], (name, errors)
    assert len(errors) == sum(1 for o in expect.values() if o == "error")
    sources = {Path(r.source).name: r for r in Corpus(home).records()}
    assert {n for n, o in expect.items() if o == "record"} <= set(sources)
    # Parsed as well as they can be: the right text out of the lying and mixed files.
    assert sources["lying.html"].title == "国务院办公厅关于进一步加强管理的通知"
    assert sources["mixed.txt"].title == "国务院关于进一步加强管理的通知"
    assert sources["mixed.txt"].doc_number == "国发〔2018〕3号"
    assert "国务院关于深化改革的通知" in sources["deep.html"].text
    assert sources["名字 with spaces 通知.txt"].doc_number == "国发〔2010〕23号"
    # And searchable, non-ASCII name and all.
    search = _run(home, "search", "安全生产", "--format", "json")
    assert search.returncode == 0, search.stderr
    hits = json.loads(search.stdout)["hits"]
    assert any(h["source"].endswith("名字 with spaces 通知.txt") for h in hits)


def test_parse_api_on_the_hostile_folder_never_raises(tmp_path: Path) -> None:
    folder = tmp_path / "hostile"
    expect = _hostile_folder(folder)
    results = dict(Corpus.parse([str(folder)]))
    failed = {Path(p).name for p, r in results.items() if isinstance(r, str)}
    shown = {os.fsencode(n).decode("utf-8", "backslashreplace") for n, o in expect.items()}
    assert failed <= shown
    assert all("\n" not in r for r in results.values() if isinstance(r, str))


# A wrapper that runs the CLI and writes its peak RSS (this process or any child, KiB).
_RSS_WRAPPER = """
import atexit, re, resource, sys

# Linux keeps, across fork and exec, the peak RSS of the process that forked us (the
# test runner, however large it has grown): reset it, then read our own peak.
try:
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    def own_peak():
        with open("/proc/self/status") as f:
            return int(re.search(r"VmHWM:\\s+(\\d+)", f.read()).group(1))
except OSError:
    def own_peak():
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

from alucorpus.cli import main

def report():
    peak = max(own_peak(), resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    with open(sys.argv[1], "w") as out:
        out.write(str(peak))

atexit.register(report)
main(sys.argv[2:], prog_name="alucorpus")
"""


def test_100_mb_text_file_is_refused_in_bounded_time_and_memory(tmp_path: Path) -> None:
    folder = tmp_path / "big"
    folder.mkdir()
    line = "国务院关于进一步加强管理的通知。各省、自治区、直辖市人民政府：现将有关事项通知如下。\n"
    chunk = (line * (1 << 20 // len(line.encode()) + 1)).encode()
    with open(folder / "huge.txt", "wb") as handle:
        while handle.tell() < 100 * 1024 * 1024:
            handle.write(chunk)
    (folder / "good.txt").write_text(GOOD_NOTICE, encoding="utf-8")
    rss_file = tmp_path / "rss"
    started = time.monotonic()
    result = subprocess.run(
        [
            *(sys.executable, "-c", _RSS_WRAPPER, str(rss_file)),
            *("--home", str(tmp_path / "home"), "ingest", str(folder)),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
    )
    elapsed = time.monotonic() - started
    peak_mb = int(rss_file.read_text()) / 1024
    print(f"100 MB file: {elapsed:.1f} s, peak RSS {peak_mb:.0f} MB")
    assert result.returncode == 1
    errors = result.stderr.splitlines()[:-1]
    assert errors == [
        f"{folder / 'huge.txt'}: too large (100.0 MB; the limit is 16 MB, "
        f"set {MAX_FILE_ENV} to change it)"
    ]
    sources = [r.source for r in Corpus(tmp_path / "home").records()]
    assert sources == [str(folder / "good.txt")]
    assert peak_mb < 400 and elapsed < 60


def test_size_limit_comes_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "two_mb.txt"
    path.write_bytes(b"a" * (2 * 1024 * 1024))
    monkeypatch.setenv(MAX_FILE_ENV, "1")
    with pytest.raises(ParseError, match="too large"):
        read_input_bytes(path)
    monkeypatch.setenv(MAX_FILE_ENV, "3")
    assert len(read_input_bytes(path)) == 2 * 1024 * 1024
    assert len(read_input_bytes(path, limit=4 * 1024 * 1024)) == 2 * 1024 * 1024


# --------------------------------------------------------------------------- malformed queries

MALFORMED = [
    '"unbalanced quote',
    'a "b',
    "(矿产 OR 稀土",
    "矿产)",
    "((((",
    "))))",
    "AND",
    "OR",
    "NOT",
    "AND OR NOT",
    "矿产 AND",
    "NOT NOT 矿产",
    "nosuchfield:稀土",
    "title:",
    "dept:",
    "number:",
    "year:abc",
    "year:2020..",
    "year:..",
    "year:99999999999999999999",
    ":",
    '"',
    '""',
    "()",
    "*",
    "?",
    "\\",
    "\x00",
    "\u200b\ufeff",
    "稀土" * 5000,
    "a" * 10_000,
    " ".join(["OR"] * 3000),
    "(" * 3000 + "稀土" + ")" * 3000,
    '"' + "矿产 " * 2000 + '"',
]


@pytest.fixture(scope="module")
def small_home(tmp_path_factory: pytest.TempPathFactory, seeds: Path) -> Path:
    home = tmp_path_factory.mktemp("queries") / "home"
    Corpus(home).ingest([str(seeds)])
    return home


@pytest.mark.parametrize("query", MALFORMED, ids=range(len(MALFORMED)))
def test_malformed_query_api_gives_results_or_query_error(small_home: Path, query: str) -> None:
    try:
        results = Corpus(small_home).search(query)
    except QueryError as exc:
        assert str(exc) and "\n" not in str(exc)
    else:
        assert results.total >= 0


@pytest.mark.parametrize("query", MALFORMED[:16] + MALFORMED[-4:])
def test_malformed_query_cli_one_line_or_results(small_home: Path, query: str) -> None:
    result = CliRunner().invoke(main, ["--home", str(small_home), "search", query])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    if result.exit_code == 0:
        assert "documents match" in result.output
    else:
        assert result.exit_code == 1
        assert result.stderr.startswith("alucorpus: error: ")
        assert result.stderr.count("\n") == 1


def test_malformed_query_in_a_real_process(small_home: Path) -> None:
    result = _run(small_home, "search", '(稀土 AND "unbalanced')
    assert result.returncode in (0, 1)
    assert "Traceback" not in result.stderr
    if result.returncode == 1:
        assert result.stderr.startswith("alucorpus: error: ") and result.stderr.count("\n") == 1


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.sampled_from(['"', "(", ")", "AND", "OR", "NOT", ":", "title:", "year:", "..", " "])
        | st.text(max_size=6),
        max_size=12,
    ).map("".join)
)
def test_random_queries_never_raise_other_errors(small_home: Path, query: str) -> None:
    with contextlib.suppress(QueryError):
        Corpus(small_home).search(query, limit=3)
