"""rjieba, the segmenter, gives exactly jieba's words; jieba is the reference and the fallback.

The comparison runs on the whole shared corpus: every title and body segment the
index analyses (``segcache.analysis_texts``), cut the way alucorpus cuts it (normalised
CJK runs, precise mode, HMM off, the project's user dictionary), and the dictionary-word
test behind sub-words. ``scripts/compare_segmenters.py`` reports the same with timings.
"""

from __future__ import annotations

import configparser
import subprocess
import sys
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

import pytest

from alucorpus import Corpus, analysis
from alucorpus.segcache import analysis_texts

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def fresh_segmenter(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The process's segmenter rebuilt on next use, and the previous one put back after."""
    saved = analysis._segmenter_instance
    analysis._segmenter_instance = None
    monkeypatch.delenv(analysis.SEGMENTER_ENV, raising=False)
    try:
        yield
    finally:
        analysis._segmenter_instance = saved


@pytest.fixture(scope="module")
def corpus_runs(shared_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> list[list[str]]:
    """The CJK runs of every analysed text of the shared corpus, read by alucorpus's ingest."""
    corpus = Corpus(tmp_path_factory.mktemp("segmenter-corpus"))
    corpus.ingest([str(shared_corpus)], index=False)
    texts = [text for record in corpus.records() for text in analysis_texts(record) if text]
    corpus.close()
    return [runs for runs in map(analysis.cjk_runs, texts) if runs]


def _rjieba_segmenter() -> analysis.RjiebaSegmenter:
    rjieba = pytest.importorskip(
        "rjieba", reason="rjieba is not installed (no wheel here): jieba segments, as before"
    )
    return analysis.RjiebaSegmenter(rjieba)


def test_rjieba_cuts_the_shared_corpus_like_jieba(corpus_runs: list[list[str]]) -> None:
    rj = _rjieba_segmenter()
    jb = analysis.JiebaSegmenter()
    assert len(corpus_runs) > 40_000  # the whole corpus, not a sample
    differ = []
    for runs in corpus_runs:
        expected = [w for run in runs for w in jb.cut(run)]
        got = [w for run in runs for w in rj.cut(run)]
        if got != expected:
            differ.append(("/".join(expected)[:120], "/".join(got)[:120]))
    assert not differ, (
        f"rjieba {metadata.version('rjieba')} differs from jieba on {len(differ)} of "
        f"{len(corpus_runs)} texts: {differ[:3]}"
    )


def test_rjieba_knows_the_same_sub_words(corpus_runs: list[list[str]]) -> None:
    rj = _rjieba_segmenter()
    jb = analysis.JiebaSegmenter()
    words = {w for runs in corpus_runs for run in runs for w in rj.cut(run)}
    long_words = [w for w in words if len(w) >= analysis.SUB_WORD_MIN_LEN]
    pieces = {
        w[i : i + n] for w in long_words for n in range(2, len(w)) for i in range(len(w) - n + 1)
    }
    assert len(pieces) > 10_000
    differ = sorted(p for p in pieces if rj.is_word(p) != jb.is_word(p))
    assert not differ, f"{len(differ)} of {len(pieces)} pieces: {differ[:10]}"
    # The project's words are dictionary words to both.
    assert all(rj.is_word(w) and jb.is_word(w) for w in analysis.userdict_words())


def test_the_installed_rjieba_is_the_segmenter(fresh_segmenter: None) -> None:
    pytest.importorskip("rjieba", reason="rjieba is not installed (no wheel here)")
    assert metadata.version("rjieba") == analysis.RJIEBA_VERSION
    assert analysis.segmenter().name == "rjieba"
    assert analysis.segment("电解铝产能置换") == ["电解铝", "产能置换"]


def test_setup_cfg_pins_the_compared_rjieba() -> None:
    config = configparser.ConfigParser()
    config.read(REPO / "setup.cfg", encoding="utf-8")
    requires = config["options"]["install_requires"]
    assert f"rjieba=={analysis.RJIEBA_VERSION};" in requires.replace(" ", "")


@pytest.mark.parametrize("why", ["not importable", "another release", "forced by the environment"])
def test_jieba_segments_when_rjieba_cannot(
    why: str, fresh_segmenter: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    if why == "not importable":
        monkeypatch.setitem(sys.modules, "rjieba", None)  # import raises ImportError
    elif why == "another release":
        monkeypatch.setattr(analysis, "RJIEBA_VERSION", "0.0.0")
    else:
        monkeypatch.setenv(analysis.SEGMENTER_ENV, "jieba")
    assert analysis.segmenter().name == "jieba"
    assert analysis.segment("电解铝产能置换和再生铝行业") == [
        "电解铝",
        "产能置换",
        "和",
        "再生铝",
        "行业",
    ]


def test_english_analysis_loads_no_segmenter() -> None:
    code = (
        "import sys, alucorpus, alucorpus.search\n"
        "from alucorpus.analysis import word_tokens\n"
        "assert [t.text for t in word_tokens('Aluminium plants')] == ['aluminum', 'plant']\n"
        "assert not {'jieba', 'rjieba'} & set(sys.modules), 'a segmenter was loaded'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
