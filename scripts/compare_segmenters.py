#!/usr/bin/env python3
"""Compare jieba and rjieba on the whole shared corpus, as alucorpus segments text.

Usage::

    PYTHONPATH=/path/to/rjieba .venv/bin/python scripts/compare_segmenters.py
    .venv/bin/python scripts/compare_segmenters.py --corpus ../shared/corpus --json /tmp/cmp.json

The records come from alucorpus's own ingest (``Corpus.ingest`` into a scratch home,
no index), and the texts from :func:`alucorpus.segcache.analysis_texts`: title, English
title and body segments, exactly what the index analyses. Each text goes through
alucorpus's normalisation (NFKC, Traditional → Simplified) and is split into CJK runs
(:func:`alucorpus.analysis.cjk_runs`); each run is cut in precise mode with HMM off:

- ``jieba``: alucorpus's own tokenizer (jieba's dictionary loaded whole, plus
  ``data/userdict.txt`` through ``load_userdict``);
- ``rjieba`` with the user dictionary given three ways (rjieba has no
  ``load_userdict``; ``add_word`` is its only way in):

  * ``add_word``: ``add_word(word, None, None)`` per line, the equivalent of jieba's
    ``load_userdict`` for lines without a frequency (rjieba then suggests one);
  * ``jieba_freq``: ``add_word(word, f)`` with the frequency jieba itself gave the word;
  * ``jieba_freq+total``: as ``jieba_freq``, plus a padding entry that no CJK run can
    contain, so that rjieba's total frequency equals jieba's (jieba adds a re-added
    word's frequency to its total without taking the old one off; rjieba does).

  The last two are diagnostics: they tell apart differences of the algorithm from
  differences of how the user dictionary gets its frequencies.

Sub-words (:func:`alucorpus.analysis.sub_words`) are compared too: jieba answers
"is this a dictionary word" from its ``FREQ`` table, rjieba from ``has_word``.

Also measured: segmentation time of every run with each library (dictionary already
loaded), and the dictionary load of each in a fresh interpreter (import, dictionary,
user dictionary, one cut).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus"
#: A padding "word" for the total-frequency diagnostic: a private-use character, which
#: never occurs in a CJK run (runs hold CJK ideographs only), so it is never cut.
PAD_WORD = "\ue000"


def corpus_texts(root: Path) -> tuple[int, list[str]]:
    """Records of ``root`` through alucorpus's ingest, and their analysed texts."""
    from alucorpus import Corpus
    from alucorpus.segcache import analysis_texts

    with tempfile.TemporaryDirectory(prefix="alucorpus-cmp-") as home:
        corpus = Corpus(home)
        corpus.ingest([str(root)], index=False)
        records = list(corpus.records())
        corpus.close()
    return len(records), [text for record in records for text in analysis_texts(record) if text]


def rjieba_tokenizers(jieba_tokenizer: Any) -> dict[str, Any]:
    """rjieba cut functions with the user dictionary added in the three ways described above.

    The first is alucorpus's own segmenter (:class:`alucorpus.analysis.RjiebaSegmenter`).
    """
    import jieba
    import rjieba

    from alucorpus.analysis import RjiebaSegmenter, userdict_words

    words = userdict_words()
    base = jieba.Tokenizer()
    base.initialize()  # jieba's dictionary alone: the old frequencies of re-added words
    natural = RjiebaSegmenter(rjieba)
    explicit = rjieba.Jieba()
    padded = rjieba.Jieba()
    for word in words:
        explicit.add_word(word, jieba_tokenizer.FREQ[word], None)
        padded.add_word(word, jieba_tokenizer.FREQ[word], None)
    # jieba's total = base total + every added frequency; rjieba's = base total + added
    # - the old frequency of each word that was already there (once per distinct word).
    missing = sum(base.FREQ.get(word) or 0 for word in dict.fromkeys(words))
    missing += sum(jieba_tokenizer.FREQ[w] for w in _repeats(words))
    if missing:
        padded.add_word(PAD_WORD, missing, None)
    return {
        "add_word": natural,
        "jieba_freq": _Instance(explicit),
        "jieba_freq+total": _Instance(padded),
    }


class _Instance:
    """A private rjieba instance with the segmenter's two methods."""

    def __init__(self, jieba: Any) -> None:
        self._jieba = jieba

    def cut(self, run: str) -> list[str]:
        return [w for w in self._jieba.cut(run, False) if w]

    def is_word(self, text: str) -> bool:
        return bool(self._jieba.has_word(text))


def _repeats(words: list[str]) -> list[str]:
    """Words listed more than once (every listing after the first)."""
    seen: set[str] = set()
    out = []
    for word in words:
        if word in seen:
            out.append(word)
        seen.add(word)
    return out


def segment_all(cut: Any, runs_per_text: list[list[str]]) -> tuple[list[list[str]], float]:
    """Tokens of every text (its runs cut one by one) and the time taken."""
    start = time.perf_counter()
    out = [[w for run in runs for w in cut(run)] for runs in runs_per_text]
    return out, time.perf_counter() - start


def first_difference(a: list[str], b: list[str]) -> dict[str, Any]:
    """Where two token lists part, up to where they are aligned again, with context."""
    i = next((k for k, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    # Both sides cover the same characters: extend each until they end at the same place.
    la, lb = sum(map(len, a[: i + 1])), sum(map(len, b[: i + 1]))
    ja, jb = i + 1, i + 1
    while la != lb and ja < len(a) and jb < len(b):
        if la < lb:
            la += len(a[ja])
            ja += 1
        else:
            lb += len(b[jb])
            jb += 1
    return {
        "at_token": i,
        "jieba": "/".join(a[max(0, i - 2) : ja + 2]),
        "rjieba": "/".join(b[max(0, i - 2) : jb + 2]),
    }


def compare_sub_words(jieba_tokenizer: Any, rj: Any, words: set[str]) -> dict[str, Any]:
    """Dictionary-word tests behind sub_words: jieba's FREQ against rjieba's has_word."""
    from alucorpus.analysis import SUB_WORD_MIN_LEN, has_cjk

    pieces = {
        word[s : s + size]
        for word in words
        if len(word) >= SUB_WORD_MIN_LEN and has_cjk(word)
        for size in range(2, len(word))
        for s in range(len(word) - size + 1)
    }
    differ = sorted(p for p in pieces if bool(jieba_tokenizer.FREQ.get(p)) != rj.is_word(p))
    return {"pieces": len(pieces), "differ": len(differ), "examples": differ[:10]}


_LOAD_JIEBA = """
import io, logging, sys, time
t0 = time.perf_counter()
import jieba
t1 = time.perf_counter()
jieba.setLogLevel(logging.WARNING)
tk = jieba.Tokenizer()
tk.initialize()
tk.load_userdict(io.StringIO(open(sys.argv[1], encoding="utf-8").read()))
tk.lcut("电解铝产能置换", HMM=False)
t2 = time.perf_counter()
print(t1 - t0, t2 - t1)
"""

_LOAD_RJIEBA = """
import sys, time
t0 = time.perf_counter()
import rjieba  # builds a default Jieba (the whole dictionary) at import
t1 = time.perf_counter()
for line in open(sys.argv[1], encoding="utf-8"):
    if line.strip():
        rjieba.add_word(line.strip(), None, None)
rjieba.cut("电解铝产能置换", False)
t2 = time.perf_counter()
tk = rjieba.Jieba()  # a second, private instance: what a library's own Tokenizer costs
t3 = time.perf_counter()
print(t1 - t0, t2 - t1, t3 - t2)
"""


def fresh_load_times(reps: int) -> dict[str, dict[str, float]]:
    """Median import and dictionary-load seconds of each library in a fresh interpreter."""
    from alucorpus.analysis import userdict_text

    with tempfile.NamedTemporaryFile("w", suffix=".txt", encoding="utf-8", delete=False) as f:
        f.write(userdict_text())
    out: dict[str, dict[str, float]] = {}
    for name, code, keys in (
        ("jieba", _LOAD_JIEBA, ("import_s", "dictionary_s")),
        ("rjieba", _LOAD_RJIEBA, ("import_with_dictionary_s", "userdict_s", "second_instance_s")),
    ):
        samples: list[list[float]] = []
        for _ in range(reps):
            proc = subprocess.run(
                [sys.executable, "-c", code, f.name], capture_output=True, text=True, check=True
            )
            samples.append([float(x) for x in proc.stdout.split()])
        out[name] = {k: statistics.median(s[i] for s in samples) for i, k in enumerate(keys)}
    Path(f.name).unlink()
    return out


def main(argv: list[str] | None = None) -> int:
    """Run the comparison, print a report, optionally write JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--examples", type=int, default=8, help="differences to show per variant")
    parser.add_argument("--reps", type=int, default=5, help="fresh-process load repetitions")
    parser.add_argument("--json", dest="json_path", help="write every number to this file")
    args = parser.parse_args(argv)
    try:
        import rjieba
    except ImportError:
        print("rjieba is not importable: install it (or put it on PYTHONPATH)", file=sys.stderr)
        return 2
    from importlib import metadata

    from alucorpus import analysis

    t0 = time.perf_counter()
    n_records, texts = corpus_texts(args.corpus)
    ingest_s = time.perf_counter() - t0
    runs_per_text = [analysis.cjk_runs(text) for text in texts]
    cjk_texts = [i for i, runs in enumerate(runs_per_text) if runs]
    chars = sum(len(run) for runs in runs_per_text for run in runs)

    # alucorpus's jieba segmenter: the reference (and the fallback without rjieba).
    reference_segmenter = analysis.JiebaSegmenter()
    jieba_tk = reference_segmenter._tokenizer  # noqa: SLF001 -- its frequencies, for the diagnostics
    reference, jieba_s = segment_all(reference_segmenter.cut, runs_per_text)
    report: dict[str, Any] = {
        "jieba": metadata.version("jieba"),
        "rjieba": metadata.version("rjieba"),
        "records": n_records,
        "texts": len(texts),
        "texts_with_cjk": len(cjk_texts),
        "cjk_runs": sum(map(len, runs_per_text)),
        "cjk_chars": chars,
        "jieba_tokens": sum(map(len, reference)),
        "jieba_seconds": jieba_s,
        "ingest_seconds": ingest_s,
        "variants": {},
    }
    for name, rj in rjieba_tokenizers(jieba_tk).items():
        tokens, rj_s = segment_all(rj.cut, runs_per_text)
        differ = [i for i in cjk_texts if tokens[i] != reference[i]]
        words = {w for toks in reference for w in toks} | {w for toks in tokens for w in toks}
        report["variants"][name] = {
            "rjieba_tokens": sum(map(len, tokens)),
            "rjieba_seconds": rj_s,
            "texts_differing": len(differ),
            "tokens_differing": sum(
                sum(1 for x, y in zip(tokens[i], reference[i], strict=False) if x != y)
                + abs(len(tokens[i]) - len(reference[i]))
                for i in differ
            ),
            "examples": [
                first_difference(reference[i], tokens[i]) for i in differ[: args.examples]
            ],
            "sub_words": compare_sub_words(jieba_tk, rj, words),
        }
    report["fresh_process"] = fresh_load_times(args.reps)
    del rjieba

    print(
        f"jieba {report['jieba']} vs rjieba {report['rjieba']} on {args.corpus}: "
        f"{report['records']} records, {report['texts']} texts "
        f"({report['texts_with_cjk']} with CJK), {report['cjk_runs']} CJK runs, "
        f"{report['cjk_chars']} CJK characters; ingest {ingest_s:.1f} s"
    )
    print(f"jieba: {report['jieba_tokens']} tokens in {jieba_s:.2f} s")
    for name, v in report["variants"].items():
        sub = v["sub_words"]
        print(
            f"rjieba [{name}]: {v['rjieba_tokens']} tokens in {v['rjieba_seconds']:.2f} s "
            f"({jieba_s / v['rjieba_seconds']:.1f}x); texts differing {v['texts_differing']}"
            f"/{report['texts_with_cjk']}, tokens differing {v['tokens_differing']}; "
            f"sub-word pieces differing {sub['differ']}/{sub['pieces']}"
        )
        for ex in v["examples"]:
            print(f"    jieba  {ex['jieba']}\n    rjieba {ex['rjieba']}")
    for name, times in report["fresh_process"].items():
        print(f"fresh process, {name}: " + ", ".join(f"{k} {v:.3f}" for k, v in times.items()))
    if args.json_path:
        Path(args.json_path).write_text(json.dumps(report, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
