#!/usr/bin/env python3
"""Benchmark alucorpus against the alternatives on synthetic corpora built from real text.

Usage::

    .venv/bin/python scripts/bench.py                         # quick smoke run, 1000 documents
    .venv/bin/python scripts/bench.py --sizes 1000,10000 --json /tmp/bench.json
    .venv/bin/python scripts/bench.py --sizes 50000 --only alucorpus,queries

Documents are made by recombining real paragraphs of ../shared/corpus (gov.cn CSV,
LawRefBook Markdown, Taiwan MOJ JSON, gov.cn HTML fragments) with a fixed seed:
~5 KB bodies, real titles, departments, dates and document numbers. They are written
as plain-text notices (so ``ingest`` parses them like any other file) under
``--work`` (default /tmp/alucorpus-bench).

Each system runs in its own subprocess, so peak RSS (VmHWM of the process, and the
largest of its worker processes) is measured per system:

- ``alucorpus``: ingest (parse + store), index build with a cold segmentation cache
  (twice: segmented by jieba, as before rjieba, then by alucorpus's own choice, rjieba
  where it is installed), index build again with a warm cache (a schema-only change),
  ``reindex --full``;
- ``whoosh``: whoosh + ``jieba.analyse.ChineseAnalyzer``, one process (the naive way);
- ``fts5``: SQLite FTS5 over jieba-segmented text, one process;
- ``jieba``: jieba segmentation alone, one process (the floor of any jieba pipeline),
  and rjieba alone when it is installed;
- ``queries``: search latency p50/p95/p99 on the alucorpus index;
- ``cli``: cold start of ``alucorpus search`` (English and Chinese query; the Chinese
  one also with jieba as the segmenter, as before rjieba).

``ALUCORPUS_SEGMENTER=jieba`` is how a run makes jieba the segmenter (see
``alucorpus.analysis.segmenter``); both give the same words, so one index serves both.

Prints a table and, with ``--json``, writes every number.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import pickle
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus"
PYTHON = sys.executable
BODY_BYTES = 5000  # UTF-8 bytes of body text per synthetic document
SEED = 20240305
SYSTEMS = ("alucorpus", "whoosh", "fts5", "jieba", "queries", "cli")

ZH_QUERIES = [
    "电解铝",
    "产能置换",
    "矿产资源 开采",
    '"安全生产"',
    "稀土",
    "环境保护 税",
    "节能 标准",
    "进出口 商品 检验",
    "再生能源",
    "大气污染防治",
    "國家標準",  # Traditional script
    "有色金属 管理",
]
EN_QUERIES = [
    "aluminium smelter",
    "mineral resources",
    "environmental protection",
    "rare earth",
    "energy conservation",
    "safety production",
    "import export inspection",
    "renewable energy",
    "air pollution",
    "customs duties",
]


# -- building the corpus --------------------------------------------------------------------------


def _corpus_files(root: Path) -> list[Path]:
    files = [root / "gccmpd_govprc/raw/GOV_PRC.csv"]
    files += sorted((root / "lawrefbook").rglob("*.md"))
    files += sorted((root / "tw_mojlaw_bilingual").rglob("*.json"))
    files += sorted((root / "govcn_zhouynf_sql/derived/html_fragments").glob("*.html"))
    return [f for f in files if f.is_file()]


def collect_pool(root: Path) -> dict[str, list[Any]]:
    """Real paragraphs, titles, departments, dates and numbers from the shared corpus."""
    from alucorpus.errors import ParseError
    from alucorpus.ingest import parse_path

    pool: dict[str, list[Any]] = {
        "zh": [],
        "en": [],
        "titles": [],
        "titles_en": [],
        "departments": [],
        "dates": [],
        "numbers": [],
    }
    for path in _corpus_files(root):
        try:
            records = parse_path(str(path))
        except ParseError:
            continue
        for record in records:
            side = "en" if record.lang == "en" else "zh"
            pool[side] += [p for p in record.paragraphs if len(p.strip()) >= 10]
            pool["en"] += [p for p in record.paragraphs_en if len(p.strip()) >= 10]
            if record.title and side == "zh":
                pool["titles"].append(record.title)
            if record.title_en:
                pool["titles_en"].append(record.title_en)
            elif record.title and side == "en":
                pool["titles_en"].append(record.title)
            if record.departments:
                pool["departments"].append(list(record.departments))
            if record.issued:
                pool["dates"].append(record.issued)
            if record.doc_number:
                pool["numbers"].append(record.doc_number)
    return pool


def _body(rng: random.Random, paragraphs: list[str], size: int) -> list[str]:
    body: list[str] = []
    total = 0
    while total < size:
        paragraph = rng.choice(paragraphs)
        body.append(paragraph)
        total += len(paragraph.encode("utf-8"))
    return body


def synth_documents(pool: dict[str, list[Any]], n: int, seed: int = SEED) -> list[dict[str, Any]]:
    """``n`` documents of ~5 KB made of real paragraphs; one in ten is English."""
    rng = random.Random(seed)
    docs = []
    for i in range(n):
        english = i % 10 == 9
        title = rng.choice(pool["titles_en"] if english else pool["titles"])
        docs.append(
            {
                "i": i,
                "lang": "en" if english else "zh",
                "title": f"{title} ({i})" if english else f"{title}（{i}）",
                "number": rng.choice(pool["numbers"]),
                "departments": rng.choice(pool["departments"]),
                "date": rng.choice(pool["dates"]),
                "body": _body(rng, pool["en"] if english else pool["zh"], BODY_BYTES),
            }
        )
    return docs


def notice_text(doc: dict[str, Any]) -> str:
    """A document as a plain-text notice (title, number, body, signature, date)."""
    if doc["lang"] == "en":
        return doc["title"] + "\n\n" + "\n\n".join(doc["body"]) + "\n"
    y, m, d = ([*doc["date"].split("-"), "1", "1"])[:3]
    lines = [doc["title"], "", doc["number"], ""]
    lines += ["\u3000\u3000" + p for p in doc["body"]]
    lines += ["", *list(doc["departments"]), f"{int(y)}年{int(m)}月{int(d)}日"]
    return "\n".join(lines) + "\n"


def plain_text(doc: dict[str, Any]) -> str:
    """Title and body: what the baselines index."""
    return doc["title"] + "\n" + "\n".join(doc["body"])


def prepare_workdir(work: Path, n: int) -> Path:
    """Write (once) the synthetic documents of size ``n``: files/ and docs.pickle."""
    base = work / f"n{n}"
    marker = base / "docs.pickle"
    if marker.exists():
        return base
    pool_file = work / "pool.pickle"
    if pool_file.exists():
        pool = pickle.loads(pool_file.read_bytes())
    else:
        pool = collect_pool(CORPUS)
        work.mkdir(parents=True, exist_ok=True)
        pool_file.write_bytes(pickle.dumps(pool))
    docs = synth_documents(pool, n)
    files = base / "files"
    if files.exists():
        shutil.rmtree(files)
    for doc in docs:
        folder = files / f"{doc['i'] // 1000:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"doc{doc['i']:06d}.txt").write_text(notice_text(doc), encoding="utf-8")
    marker.write_bytes(pickle.dumps(docs))
    return base


# -- measuring in a subprocess --------------------------------------------------------------------


def _peak_kb() -> dict[str, int]:
    """Peak RSS of this process (VmHWM) and of its largest reaped child, in KB."""
    own = 0
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                own = int(line.split()[1])
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    mine = resource.getrusage(resource.RUSAGE_SELF)
    # CPU seconds of the process and its workers: comparable even on a busy machine.
    cpu = mine.ru_utime + mine.ru_stime + usage.ru_utime + usage.ru_stime
    return {"rss_main_mb": own // 1024, "rss_worker_mb": usage.ru_maxrss // 1024, "cpu_s": cpu}


def _dir_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


#: The environment variable that makes jieba the segmenter instead of rjieba.
SEGMENTER_ENV = "ALUCORPUS_SEGMENTER"


def run_child(task: str, base: Path, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """Run ``task`` in a fresh interpreter; returns its JSON result.

    ``extra["segmenter"] == "jieba"`` runs it with jieba as alucorpus's segmenter.
    """
    args = [PYTHON, __file__, "--child", task, "--base", str(base)]
    if extra:
        args += ["--extra", json.dumps(extra)]
    env = dict(os.environ, PYTHONPATH=str(REPO))
    env.pop(SEGMENTER_ENV, None)
    if extra and extra.get("segmenter") == "jieba":
        env[SEGMENTER_ENV] = "jieba"
    proc = subprocess.run(args, capture_output=True, text=True, env=env, cwd=REPO, check=False)
    if proc.returncode != 0:
        return {"error": proc.stderr.strip().splitlines()[-1:] or ["failed"]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _mb(docs: list[dict[str, Any]]) -> float:
    return sum(len(plain_text(d).encode("utf-8")) for d in docs) / 1e6


def child_alucorpus(
    base: Path, docs: list[dict[str, Any]], extra: dict[str, Any]
) -> dict[str, Any]:
    """Ingest (parse + store), then index builds with cold and warm segmentation caches."""
    from alucorpus import Corpus

    phase = extra.get("phase", "ingest")
    home = base / "home"
    corpus = Corpus(home)
    out: dict[str, Any] = {"docs": len(docs), "mb": _mb(docs)}
    start = time.perf_counter()
    if phase == "ingest":
        shutil.rmtree(home, ignore_errors=True)
        report = corpus.ingest([str(base / "files")], index=False)
        out["records"] = sum(o.records for o in report.outcomes)
        out["failed"] = report.count("failed")
    elif phase in ("index_cold", "index_warm"):
        if phase == "index_cold":
            shutil.rmtree(corpus.layout.cache, ignore_errors=True)
        with corpus._writing() as store:
            out["records"] = corpus._rebuild_index(store)
    elif phase == "reindex_full":
        report = corpus.reindex(full=True)
        out["records"] = report.indexed
    out["seconds"] = time.perf_counter() - start
    out["segmenter"] = _segmenter_name()
    current = corpus._current_index_dir()
    out["index_mb"] = _dir_bytes(current) / 1e6 if current else 0.0
    cache = corpus.layout.cache
    out["cache_mb"] = _dir_bytes(cache) / 1e6 if cache.exists() else 0.0
    return out


def _segmenter_name() -> str:
    """Which library alucorpus segments with in this environment (builds it: after timing)."""
    from alucorpus.analysis import segmenter

    return segmenter().name


def child_whoosh(base: Path, docs: list[dict[str, Any]], extra: dict[str, Any]) -> dict[str, Any]:
    """The naive baseline: whoosh with jieba's ChineseAnalyzer in one process."""
    import logging

    import jieba
    from jieba.analyse import ChineseAnalyzer
    from whoosh import fields, index

    jieba.setLogLevel(logging.WARNING)
    path = base / "whoosh_naive"
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    analyzer = ChineseAnalyzer()
    schema = fields.Schema(
        id=fields.ID(stored=True, unique=True),
        title=fields.TEXT(analyzer=analyzer, stored=True),
        body=fields.TEXT(analyzer=analyzer),
    )
    start = time.perf_counter()
    ix = index.create_in(str(path), schema)
    writer = ix.writer(limitmb=256)
    for doc in docs:
        writer.add_document(id=str(doc["i"]), title=doc["title"], body="\n".join(doc["body"]))
    writer.commit()
    seconds = time.perf_counter() - start
    return {
        "docs": len(docs),
        "mb": _mb(docs),
        "seconds": seconds,
        "index_mb": _dir_bytes(path) / 1e6,
    }


def child_fts5(base: Path, docs: list[dict[str, Any]], extra: dict[str, Any]) -> dict[str, Any]:
    """SQLite FTS5 (unicode61) over text segmented by jieba (precise mode), one process."""
    import logging
    import sqlite3

    import jieba

    jieba.setLogLevel(logging.WARNING)
    path = base / "fts5.sqlite3"
    path.unlink(missing_ok=True)
    start = time.perf_counter()
    tokenizer = jieba.Tokenizer()
    db = sqlite3.connect(str(path))
    db.execute("CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, body)")
    with db:
        for doc in docs:
            title = " ".join(tokenizer.lcut(doc["title"]))
            body = " ".join(tokenizer.lcut("\n".join(doc["body"])))
            db.execute("INSERT INTO docs VALUES (?, ?, ?)", (str(doc["i"]), title, body))
    db.close()
    seconds = time.perf_counter() - start
    return {
        "docs": len(docs),
        "mb": _mb(docs),
        "seconds": seconds,
        "index_mb": path.stat().st_size / 1e6,
    }


def child_jieba(base: Path, docs: list[dict[str, Any]], extra: dict[str, Any]) -> dict[str, Any]:
    """jieba alone over the same text, one process, with the dictionary load."""
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    hmm = bool(extra.get("hmm", False))
    start = time.perf_counter()
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    words = 0
    for doc in docs:
        words += len(tokenizer.lcut(plain_text(doc), HMM=hmm))
    seconds = time.perf_counter() - start
    return {"docs": len(docs), "mb": _mb(docs), "seconds": seconds, "words": words, "hmm": hmm}


def child_rjieba(base: Path, docs: list[dict[str, Any]], extra: dict[str, Any]) -> dict[str, Any]:
    """rjieba alone over the same text, one process, HMM off, with the dictionary load."""
    start = time.perf_counter()
    import rjieba  # builds its dictionary on import

    words = 0
    for doc in docs:
        words += len(rjieba.cut(plain_text(doc), False))
    seconds = time.perf_counter() - start
    return {"docs": len(docs), "mb": _mb(docs), "seconds": seconds, "words": words, "hmm": False}


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)

    def pick(q: float) -> float:
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] * 1000

    return {"p50_ms": pick(0.5), "p95_ms": pick(0.95), "p99_ms": pick(0.99), "n": len(ordered)}


def child_queries(base: Path, docs: list[dict[str, Any]], extra: dict[str, Any]) -> dict[str, Any]:
    """Query latency on the alucorpus index: several query sets and variants."""
    from alucorpus import Corpus
    from alucorpus.search import build_query, search

    corpus = Corpus(base / "home")
    index = corpus.open_index()
    rounds = int(extra.get("rounds", 3))
    variants: dict[str, dict[str, Any]] = {
        "hits+highlight+facets": {"limit": 10},
        "count+facets (no highlight)": {"limit": 0},
        "filtered (since/dept) +highlight": {
            "limit": 10,
            "since": "2005",
            "departments": ["国务院"],
        },
    }
    sets = {
        "zh": [(q, "none") for q in ZH_QUERIES],
        "en": [(q, "none") for q in EN_QUERIES],
        "en→zh (cross-language)": [(q, "structured") for q in EN_QUERIES],
    }
    out: dict[str, Any] = {}
    for set_name, queries in sets.items():
        for variant, kwargs in variants.items():
            samples: list[float] = []
            totals = 0
            for round_no in range(rounds + 1):
                for query, translation in queries:
                    start = time.perf_counter()
                    try:
                        results = search(index, query, translation=translation, **kwargs)
                    except TypeError:  # an older search() without translation
                        results = search(index, query, **kwargs)
                    elapsed = time.perf_counter() - start
                    if round_no:  # round 0 warms caches (jieba, lexicon, whoosh readers)
                        samples.append(elapsed)
                        totals += results.total
            out[f"{set_name} | {variant}"] = _percentiles(samples) | {
                "mean_total": totals / len(samples)
            }
        # The bare whoosh query: no facets, no snippets, no stored fields.
        samples = []
        with index.searcher() as searcher:
            for round_no in range(rounds + 1):
                for query, _ in queries:
                    start = time.perf_counter()
                    plan = build_query(query, None)
                    searcher.search(plan.query, limit=10)
                    if round_no:
                        samples.append(time.perf_counter() - start)
        out[f"{set_name} | core query (no facets, no highlight)"] = _percentiles(samples)
    index.close()
    return {"latency": out, "docs": len(docs)}


def child_cli(base: Path, docs: list[dict[str, Any]], extra: dict[str, Any]) -> dict[str, Any]:
    """Cold start of ``alucorpus search``: a fresh interpreter per run, median wall time."""
    exe = Path(PYTHON).parent / "alucorpus"
    reps = int(extra.get("reps", 5))
    # A regular `pip install` compiles the package to bytecode. This editable install,
    # on a machine with PYTHONDONTWRITEBYTECODE=1, would recompile 15 modules in every
    # run (about 65 ms): compile them once, as an installed alucorpus has them.
    subprocess.run([PYTHON, "-m", "compileall", "-q", str(REPO / "alucorpus")], check=False)
    out: dict[str, Any] = {}
    runs = (
        ("en", "aluminium smelter", None),
        ("zh", "电解铝 产能", None),
        ("zh_jieba", "电解铝 产能", "jieba"),  # before rjieba: jieba loads its dictionary
    )
    for name, query, segmenter in runs:
        env = dict(os.environ)
        env.pop(SEGMENTER_ENV, None)
        if segmenter:
            env[SEGMENTER_ENV] = segmenter
        times = []
        for _ in range(reps):
            start = time.perf_counter()
            subprocess.run(
                [str(exe), "--home", str(base / "home"), "search", query, "--format", "json"],
                capture_output=True,
                check=False,
                env=env,
            )
            times.append(time.perf_counter() - start)
        out[name] = {"median_s": statistics.median(times), "min_s": min(times), "runs": times}
    out["segmenter"] = _segmenter_name()
    return out


CHILDREN = {
    "alucorpus": child_alucorpus,
    "whoosh": child_whoosh,
    "fts5": child_fts5,
    "jieba": child_jieba,
    "rjieba": child_rjieba,
    "queries": child_queries,
    "cli": child_cli,
}


def child_main(task: str, base: Path, extra: dict[str, Any]) -> None:
    """Entry point of a measuring subprocess: print one JSON line."""
    docs = pickle.loads((base / "docs.pickle").read_bytes())
    result = CHILDREN[task](base, docs, extra)
    result.update(_peak_kb())
    print(json.dumps(result, ensure_ascii=False))


# -- the run --------------------------------------------------------------------------------------


def bench_size(work: Path, n: int, only: set[str], log: Any) -> dict[str, Any]:
    """Every selected measurement for one corpus size."""
    start = time.perf_counter()
    base = prepare_workdir(work, n)
    log(f"[{n}] corpus ready in {time.perf_counter() - start:.1f} s at {base}")
    out: dict[str, Any] = {"docs": n}

    def step(key: str, task: str, extra: dict[str, Any] | None = None) -> None:
        t0 = time.perf_counter()
        out[key] = run_child(task, base, extra)
        # The 1-minute load average after the step: other work on a shared machine
        # shows in wall times (CPU s is the fairer comparison then).
        out[key]["load1"] = round(os.getloadavg()[0], 2)
        log(f"[{n}] {key}: {time.perf_counter() - t0:.1f} s  {json.dumps(out[key])[:300]}")

    if "alucorpus" in only:
        step("alucorpus_ingest", "alucorpus", {"phase": "ingest"})
        step(
            "alucorpus_index_cold_jieba", "alucorpus", {"phase": "index_cold", "segmenter": "jieba"}
        )
        step("alucorpus_index_cold", "alucorpus", {"phase": "index_cold"})
        step("alucorpus_index_warm", "alucorpus", {"phase": "index_warm"})
        if "reindex_full" in only:
            step("alucorpus_reindex_full", "alucorpus", {"phase": "reindex_full"})
    if "jieba" in only:
        step("jieba", "jieba", {"hmm": False})
        step("jieba_hmm", "jieba", {"hmm": True})
        if importlib.util.find_spec("rjieba") is not None:
            step("rjieba", "rjieba")
    if "whoosh" in only:
        step("whoosh_naive", "whoosh")
    if "fts5" in only:
        step("fts5", "fts5")
    if "queries" in only and (base / "home").exists():
        step("queries", "queries")
    if "cli" in only and (base / "home").exists():
        step("cli", "cli")
    return out


def _rate(result: dict[str, Any] | None) -> str:
    if not result or "seconds" not in result:
        return "— | — | — | —"
    docs_s = result["docs"] / result["seconds"]
    mb_s = result["mb"] / result["seconds"]
    cpu = f" | {result['cpu_s']:.1f}" if "cpu_s" in result else " | —"
    return f"{result['seconds']:.1f} | {docs_s:.0f} | {mb_s:.2f}{cpu}"


def _rss(result: dict[str, Any] | None) -> str:
    if not result or "rss_main_mb" not in result:
        return "—"
    worker = result.get("rss_worker_mb", 0)
    return f"{result['rss_main_mb']}" + (f" (+{worker}/worker)" if worker > 20 else "")


def render_table(results: dict[str, Any]) -> str:
    """Markdown tables of indexing throughput, query latency and cold start."""
    lines = [
        "| docs | system | wall s | docs/s | MB/s | CPU s | peak RSS MB | index MB |",
        "|---:|---|---:|---:|---:|---:|---|---:|",
    ]
    rows = [
        ("alucorpus_ingest", "alucorpus ingest (parse + store)"),
        ("alucorpus_index_cold_jieba", "alucorpus index build (2 procs, cold seg. cache), jieba"),
        ("alucorpus_index_cold", "alucorpus index build (2 procs, cold seg. cache), {segmenter}"),
        ("alucorpus_index_warm", "alucorpus index build (warm seg. cache)"),
        ("alucorpus_reindex_full", "alucorpus reindex --full (parse + index)"),
        ("whoosh_naive", "whoosh + jieba ChineseAnalyzer (1 proc)"),
        ("fts5", "SQLite FTS5 + jieba (1 proc)"),
        ("jieba", "jieba alone, HMM off (1 proc; floor)"),
        ("jieba_hmm", "jieba alone, HMM on (1 proc)"),
        ("rjieba", "rjieba alone, HMM off (1 proc)"),
    ]
    for size in results["sizes"]:
        for key, label in rows:
            result = size.get(key)
            if not result:
                continue
            index_mb = f"{result['index_mb']:.0f}" if "index_mb" in result else "—"
            label = label.format(segmenter=result.get("segmenter", "?"))
            lines.append(
                f"| {size['docs']} | {label} | {_rate(result)} | {_rss(result)} | {index_mb} |"
            )
    lines += [
        "",
        "| docs | query set \\| variant | p50 ms | p95 ms | p99 ms |",
        "|---:|---|---:|---:|---:|",
    ]
    for size in results["sizes"]:
        for name, lat in size.get("queries", {}).get("latency", {}).items():
            lines.append(
                f"| {size['docs']} | {name} | {lat['p50_ms']:.1f}"
                f" | {lat['p95_ms']:.1f} | {lat['p99_ms']:.1f} |"
            )
    lines += [
        "",
        "| docs | `alucorpus search` cold start | median s | min s |",
        "|---:|---|---:|---:|",
    ]
    for size in results["sizes"]:
        segmenter = size.get("cli", {}).get("segmenter", "?")
        labels = {
            "en": "en query",
            "zh": f"zh query, {segmenter}",
            "zh_jieba": "zh query, jieba",
        }
        for name, cli in size.get("cli", {}).items():
            if isinstance(cli, dict) and "median_s" in cli:
                lines.append(
                    f"| {size['docs']} | {labels.get(name, name)}"
                    f" | {cli['median_s']:.2f} | {cli['min_s']:.2f} |"
                )
    return "\n".join(lines)


def machine() -> dict[str, Any]:
    """nproc, CPU model and RAM of this machine."""
    model = ""
    with open("/proc/cpuinfo", encoding="utf-8") as info:
        for line in info:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo", encoding="ascii") as info:
        ram_kb = int(info.readline().split()[1])
    return {
        "nproc": os.cpu_count(),
        "cpu": model,
        "ram_gb": round(ram_kb / 1024 / 1024, 1),
        "python": sys.version.split()[0],
        "load1_at_start": round(os.getloadavg()[0], 2),
    }


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, run the benchmark, print the table, write JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000", help="comma-separated corpus sizes")
    parser.add_argument("--work", default="/tmp/alucorpus-bench", help="scratch folder")
    parser.add_argument("--json", dest="json_path", help="write all results to this file")
    parser.add_argument(
        "--only",
        default=",".join(SYSTEMS),
        help=f"systems to run (comma-separated from {','.join(SYSTEMS)},reindex_full)",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--base", help=argparse.SUPPRESS)
    parser.add_argument("--extra", default="{}", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child_main(args.child, Path(args.base), json.loads(args.extra))
        return 0

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    only = set(args.only.split(","))
    results: dict[str, Any] = {"machine": machine(), "sizes": []}
    for size in (int(s) for s in args.sizes.split(",") if s):
        results["sizes"].append(bench_size(Path(args.work), size, only, log))
        if args.json_path:  # after each size, so a long run leaves partial results
            Path(args.json_path).write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(render_table(results))
    m = results["machine"]
    print(f"\nMachine: {m['nproc']} cores, {m['cpu']}, {m['ram_gb']} GB RAM, Python {m['python']}")
    loads = [r["load1"] for size in results["sizes"] for r in size.values() if isinstance(r, dict)]
    if loads:
        print(f"Load (1 min) at start {m['load1_at_start']}, after steps {min(loads)}–{max(loads)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
