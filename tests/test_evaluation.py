"""Evaluation metrics, checked by hand, the topic files, the naive baseline, and the
quality floor on the development set."""

from __future__ import annotations

import csv
import math
import re
from pathlib import Path

import pytest

from alucorpus.evaluation import (
    EVAL_SOURCES,
    NAIVE_RUNS,
    REPORT_ORDER,
    RUNS,
    Topic,
    as_documents,
    chinese_side,
    doc_key,
    evaluate_run,
    evaluate_with_baseline,
    load_topics,
    naive_baseline_run,
    naive_index_exists,
    ndcg,
    recall,
    reciprocal_rank,
    runs_table,
    score_ranking,
    target_lines,
)
from alucorpus.ingest import merge_bilingual, parse_path

TOPICS = Path(__file__).parent / "topics" / "dev_topics.jsonl"
QUESTIONS = Path(__file__).parent / "topics" / "dev_questions.jsonl"


def test_ndcg_by_hand() -> None:
    judgments = {"a": 2, "b": 1}
    # Ideal order a, b: DCG = 2/log2(2) + 1/log2(3).
    ideal = 2 + 1 / math.log2(3)
    assert ndcg(["a", "b"], judgments, 10) == pytest.approx(1.0)
    assert ndcg(["b", "a"], judgments, 10) == pytest.approx((1 + 2 / math.log2(3)) / ideal)
    assert ndcg(["x", "a"], judgments, 1) == 0.0
    assert ndcg(["a"], {}, 10) == 0.0


def test_mrr_and_recall_by_hand() -> None:
    judgments = {"a": 2, "b": 1, "c": 0}
    assert reciprocal_rank(["c", "x", "b"], judgments) == pytest.approx(1 / 3)
    assert reciprocal_rank(["c", "x", "b"], judgments, k=2) == 0.0
    assert recall(["a", "x"], judgments, 100) == 0.5
    assert set(score_ranking(["a"], judgments)) == {"ndcg@10", "ndcg@20", "mrr", "recall@100"}


def test_doc_keys_match_judgment_identifiers() -> None:
    assert doc_key("../shared/corpus/gccmpd_govprc/raw/GOV_PRC.csv#row=9") == (
        "gccmpd_govprc/raw/GOV_PRC.csv#row=9"
    )
    assert (
        doc_key("/work/shared/seeds/aluminum_six_tasks_en.txt") == "seeds/aluminum_six_tasks_en.txt"
    )
    assert doc_key("data/raw/aluminum_six_tasks_en.txt") == "seeds/aluminum_six_tasks_en.txt"


def test_topics_file_is_well_formed() -> None:
    topics = load_topics(TOPICS)
    assert len(topics) >= 25
    assert len({t.id for t in topics}) == len(topics)
    for topic in topics:
        assert topic.en and topic.zh
        assert 2 in topic.judgments.values(), topic.id


def _table_rows(path: Path) -> int:
    """Data rows of a CSV file (the header excluded), as the table ingester numbers them."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return sum(1 for _ in csv.reader(handle)) - 1


def _missing_sources(topics: list[Topic], corpus: Path, seeds: Path) -> list[str]:
    """Judged documents that are not a file (or a row of one) the evaluation indexes."""
    missing = []
    rows: dict[Path, int] = {}
    for topic in topics:
        for key in topic.judgments:
            path_part, _, row = key.partition("#row=")
            if path_part.startswith("seeds/"):
                path = seeds / path_part.removeprefix("seeds/")
            else:
                path = corpus / path_part
                if not any(path_part == s or path_part.startswith(s + "/") for s in EVAL_SOURCES):
                    missing.append(f"{topic.id}: {key} is outside the evaluated sources")
                    continue
            if not path.is_file():
                missing.append(f"{topic.id}: {key} does not exist")
            elif row:
                if path not in rows:
                    rows[path] = _table_rows(path)
                if not 1 <= int(row) <= rows[path]:
                    missing.append(f"{topic.id}: {key} is past the table's {rows[path]} rows")
    return missing


def test_questions_file_is_well_formed(shared_corpus: Path, seeds: Path) -> None:
    questions = load_topics(QUESTIONS)
    assert len(questions) >= 25  # the issue asks for 25 in each language; each has both
    ids = [q.id for q in questions]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"Q\d\d", i) for i in ids), ids
    for question in questions:
        assert question.en.strip() and question.zh.strip(), question.id
        # Typed as people type a Chinese question: no spaces between the words.
        assert not re.search(r"\s", question.zh), question.id
        assert re.search(r"[\u4e00-\u9fff]", question.zh), question.id
        assert question.judgments, question.id
        assert set(question.judgments.values()) <= {1, 2}, question.id
        assert 2 in question.judgments.values(), question.id
    # The three questions the issue names, with the document each must find.
    named = {
        "如何征收矿产资源补偿费": "lawrefbook/行政法规/矿产资源补偿费征收管理规定(1997-07-03).md",
        "煤矿安全事故怎么处罚": "lawrefbook/行政法规/煤矿安全生产条例(2024-01-24).md",
        "支持光伏产业发展的政策措施": "gccmpd_govprc/raw/GOV_PRC.csv#row=73",
    }
    by_zh = {q.zh: q for q in questions}
    for zh, doc in named.items():
        assert by_zh[zh].judgments[doc] == 2, zh
    assert _missing_sources(questions, shared_corpus, seeds) == []


def test_topic_judgments_name_existing_sources(shared_corpus: Path, seeds: Path) -> None:
    assert _missing_sources(load_topics(TOPICS), shared_corpus, seeds) == []


# -- reporting runs side by side -------------------------------------------------------------


def _topics() -> list[Topic]:
    return [
        Topic("A", "rare earth", "稀土", {"a": 2, "b": 1}),
        Topic("B", "coal mine", "煤矿", {"c": 2}),
    ]


def test_runs_side_by_side_count_zero_hit_topics() -> None:
    def ours(query: str, lang: str, translation: str) -> list[str]:
        if lang == "en" and translation == "none":
            return []  # an untranslated English query finds nothing
        return ["a", "b"] if query in {"稀土", "rare earth"} else ["x", "c"]

    def naive(query: str, lang: str, translation: str) -> list[str]:
        return ["b", "a"] if query == "稀土" else []

    results = evaluate_with_baseline(_topics(), ours, naive)
    assert [r.name for r in results] == list(REPORT_ORDER)
    assert REPORT_ORDER[0] == RUNS[0][0] and REPORT_ORDER[1] == NAIVE_RUNS[0][0]
    by_name = {r.name: r for r in results}
    assert by_name[RUNS[0][0]].zero_hits == []
    assert by_name[NAIVE_RUNS[0][0]].zero_hits == ["B"]
    assert by_name[NAIVE_RUNS[1][0]].zero_hits == ["A", "B"]
    assert by_name[RUNS[3][0]].zero_hits == ["A", "B"]
    assert by_name[RUNS[0][0]].per_topic["B"]["mrr"] == 0.5

    table = runs_table(results).splitlines()
    assert table[0].endswith("| nDCG@20 vs zh | zero hits |")
    assert table[2].startswith(f"| {RUNS[0][0]} |") and table[2].endswith("| 100% | 0/2 |")
    assert table[3].endswith("| 1/2 |")

    lines = target_lines(results)
    assert lines[0].startswith("zh nDCG@20 ") and lines[0].endswith(": met")  # 0.815 vs 0.407
    assert lines[1].startswith("zh default nDCG@20 ") and lines[1].endswith(": met")
    assert "en structured / zh nDCG@20: 100%" in lines[2]
    assert lines[3].endswith("zero hits: none (target none): met")


def test_a_topic_without_relevant_documents_is_no_zero_hit_miss() -> None:
    result = evaluate_run("r", [Topic("C", "x", "x", {})], lambda q, lang, t: [], "zh")
    assert result.zero_hits == []


# -- the naive baseline ----------------------------------------------------------------------

NAIVE_SAMPLE = (
    "lawrefbook/行政法规/矿产资源补偿费征收管理规定(1997-07-03).md",
    "lawrefbook/行政法规/煤矿安全生产条例(2024-01-24).md",
    "lawrefbook/经济法/资源税法(2019-08-26).md",
    "tw_mojlaw_bilingual/FalVMingLing/J0020001.json",  # 礦業法, in Traditional script
    "tw_mojlaw_bilingual/FalVMingLing/J0020008.json",  # 礦場安全法
    "aluminium/raw/likgjava_eb/ff8080812f71626e012f76fda0a90274.jsp",
)


def test_naive_baseline_finds_the_obvious_document(shared_corpus: Path, tmp_path: Path) -> None:
    records = [r for rel in NAIVE_SAMPLE for r in parse_path(str(shared_corpus / rel))]
    documents = as_documents([chinese_side(r) for r in merge_bilingual(records)])
    index_dir = tmp_path / "naive"
    run = naive_baseline_run(documents, index_dir)
    assert naive_index_exists(index_dir)
    fee = "lawrefbook/行政法规/矿产资源补偿费征收管理规定(1997-07-03).md"
    assert run("如何征收矿产资源补偿费", "zh", "none")[0] == fee
    assert run("煤矿安全事故怎么处罚", "zh", "none")[0] == (
        "lawrefbook/行政法规/煤矿安全生产条例(2024-01-24).md"
    )
    assert run("电解铝产能过剩", "zh", "none")[0] == NAIVE_SAMPLE[-1]
    # Traditional text is folded to Simplified on both sides: either script finds 礦業法.
    mining_law = "tw_mojlaw_bilingual/FalVMingLing/J0020001.json"
    assert run("矿业权", "zh", "none")[0] == mining_law
    assert run("礦業權", "zh", "none")[0] == mining_law
    # No translation: English words meet no Chinese text.
    assert run("mineral resources compensation fee", "en", "structured") == []
    # Reopened from disk (records=None), the same index answers the same.
    again = naive_baseline_run(None, index_dir)
    question = "如何征收矿产资源补偿费"
    assert again(question, "zh", "none") == run(question, "zh", "none")


# -- quality floor on the development set ----------------------------------------------------


@pytest.fixture(scope="module")
def dev_runs(shared_corpus: Path, seeds: Path, tmp_path_factory: pytest.TempPathFactory):
    """The four evaluation runs over a Chinese-only index of the judged corpus (~20 s)."""
    from alucorpus.evaluation import build_index, evaluate_topics, evaluation_records, index_search

    work = tmp_path_factory.mktemp("eval")
    index = build_index(evaluation_records(shared_corpus, seeds), work / "index")
    try:
        runs = evaluate_topics(load_topics(TOPICS), index_search(index, cache_dir=work / "cache"))
    finally:
        index.close()
    return {run.name: run for run in runs}


def test_development_set_floor(dev_runs) -> None:
    # Measured on this index of copies, with best match (issue 14): zh 0.859, en
    # structured 0.769 nDCG@20 (0.896 of zh), first-sense 0.61; before best match zh
    # was 0.674 and en 0.765. A change to analyzer, lexicon or ranking that costs more
    # than a few points fails here. The 0.87 ratio is that floor, not the target: the
    # target (0.9) is test_english_reaches_the_target below.
    zh = dev_runs["zh (monolingual ceiling)"].mean("ndcg@20")
    structured = dev_runs["en, structured translation"].mean("ndcg@20")
    first = dev_runs["en, first-sense translation"].mean("ndcg@20")
    none = dev_runs["en, no translation"].mean("ndcg@20")
    assert zh >= 0.83
    assert structured >= 0.75
    assert structured >= 0.87 * zh
    assert structured > first > none  # structure beats naive, naive beats nothing


def test_english_reaches_the_target(dev_runs) -> None:
    # Issue 14's target. Measured on this index of copies: en structured 0.819 of zh
    # 0.859 (95 %), after the glossary rows of issue 14's topic misses and the verb-form
    # fallback (curbing → curb); 0.769 (90 %, just under) before them.
    zh = dev_runs["zh (monolingual ceiling)"].mean("ndcg@20")
    assert dev_runs["en, structured translation"].mean("ndcg@20") >= 0.9 * zh
