"""Cross-language search: structured query translation, weights, explanations.

The index holds Chinese documents with no English at all, and one English-only
document, so that anything an English query finds in Chinese came through translation.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from whoosh import query as Q

from alucorpus.cli import main
from alucorpus.index import Index
from alucorpus.lexicon import Lexicon
from alucorpus.records import Record
from alucorpus.search import SearchResults, SynonymGroup, build_query, search


def zh_record(id_: str, title: str, *paragraphs: str) -> Record:
    return Record(
        id=id_,
        source=f"{id_}.txt",
        format="plaintext",
        lang="zh",
        sha256=str(len(id_)) * 64,
        title=title,
        paragraphs=paragraphs,
    )


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="module")
def lexicon(cache_dir: Path) -> Lexicon:
    return Lexicon.load(cache_dir=cache_dir)


@pytest.fixture(scope="module")
def transfer_senses(lexicon: Lexicon) -> list[str]:
    """CC-CEDICT senses of "transfer", a word the glossary does not have."""
    senses = lexicon.en_to_zh("transfer")
    assert len(senses) >= 3 and {s.source for s in senses} == {"cedict"}
    return [s.text for s in senses]


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory, transfer_senses: list[str]) -> Index:
    records = [
        zh_record(
            "smelter",
            "关于遏制电解铝行业产能过剩的通知",
            "严格控制电解铝新增产能，化解产能过剩矛盾。",
            "淘汰Soderberg自焙槽。",
        ),
        zh_record("cement", "水泥行业节能降碳通知", "水泥企业应当节能降碳，提高能效。"),
        zh_record("capacity", "关于产能过剩行业的意见", "部分行业产能过剩问题突出。"),
        # Matches one (rare) sense of the many-sense word "transfer" only.
        zh_record("rare", "学生管理规定", f"学生{transfer_senses[-1]}应当办理手续。"),
        # Matches every sense of "transfer": must not flood past a glossary match.
        zh_record("flood", "人员管理办法", "，".join(transfer_senses) + "。"),
        Record(
            id="english",
            source="six_tasks_en.txt",
            format="plaintext",
            lang="en",
            sha256="e" * 64,
            title="Aluminum Industry Needs to Exert Itself to Six Tasks",
            paragraphs=("The government must control new electrolytic aluminium projects.",),
        ),
    ]
    path: Path = tmp_path_factory.mktemp("translation") / "index"
    with Index.create(path) as created:
        created.add(records)
    opened = Index.open(path)
    yield opened
    opened.close()


def run(index: Index, query: str, cache_dir: Path, **kwargs: Any) -> SearchResults:
    return search(index, query, cache_dir=cache_dir, **kwargs)


def ids(results: SearchResults) -> list[str]:
    return [hit.id for hit in results.hits]


def explanation(results: SearchResults) -> list[tuple[str, list[str]]]:
    return [(t.term, [s.text for s in t.translations]) for t in results.explanation]


# -- English → Chinese -----------------------------------------------------------------------------


def test_english_query_finds_chinese_only_document(index: Index, cache_dir: Path) -> None:
    results = run(index, "electrolytic aluminium overcapacity", cache_dir)
    assert ids(results)[0] == "smelter"
    # Longest phrase first: 电解铝, not 电解 + 铝.
    terms = explanation(results)
    assert [t for t, _ in terms] == ["electrolytic aluminium", "overcapacity"]
    assert terms[0][1][0] == "电解铝" and "电解" not in terms[0][1]
    assert terms[1][1][0] == "产能过剩"
    first = results.explanation[0].translations[0]
    assert (first.weight, first.source) == (1.0, "glossary")
    hit = results.hits[0]
    assert {"电解铝", "产能过剩"} <= set(hit.matched_terms)
    # Snippets highlight the Chinese translations, with offsets into the original text.
    marked = {s.text[a:b] for s in hit.snippets for a, b in s.highlights}
    assert "电解铝" in marked and "产能过剩" in marked


def test_the_original_english_query_is_searched_too(index: Index, cache_dir: Path) -> None:
    results = run(index, "electrolytic aluminium overcapacity", cache_dir)
    assert "english" in ids(results)
    english = next(h for h in results.hits if h.id == "english")
    assert "electrolytic aluminium" in english.matched_terms


def test_british_and_american_spellings_are_equal(index: Index, cache_dir: Path) -> None:
    british = run(index, "electrolytic aluminium", cache_dir)
    american = run(index, "electrolytic aluminum", cache_dir)
    assert [(h.id, h.score) for h in british.hits] == [(h.id, h.score) for h in american.hits]
    assert [t[1] for t in explanation(british)] == [t[1] for t in explanation(american)]


def test_many_sense_word_does_not_flood(
    index: Index, cache_dir: Path, transfer_senses: list[str]
) -> None:
    results = run(index, "transfer overcapacity", cache_dir)
    order = ids(results)
    # The glossary sense of "overcapacity" beats a rare dictionary sense of "transfer",
    # and beats a document that has every sense of it.
    assert order.index("capacity") < order.index("rare")
    assert order.index("capacity") < order.index("flood")
    transfer = results.explanation[0]
    assert transfer.term == "transfer"
    assert all(t.source == "cedict" and t.weight < 0.3 for t in transfer.translations)
    flood = next(h for h in results.hits if h.id == "flood")
    assert len([t for t in flood.matched_terms if t in transfer_senses]) >= 3


def test_untranslated_word_is_kept(index: Index, cache_dir: Path) -> None:
    results = run(index, "Soderberg overcapacity", cache_dir)
    assert ("Soderberg", []) in explanation(results)
    smelter = next(h for h in results.hits if h.id == "smelter")
    assert set(smelter.matched_terms) == {"Soderberg", "产能过剩"}
    assert ids(run(index, "Soderberg", cache_dir)) == ["smelter"]


def test_no_translation_finds_no_chinese_only_document(index: Index, cache_dir: Path) -> None:
    results = run(index, "electrolytic aluminium overcapacity", cache_dir, translation="none")
    # Best match: the English document has two of the three words, and no Chinese one
    # has any of them.
    assert ids(results) == ["english"]
    assert results.total_all_terms == 0
    assert results.explanation == ()
    assert ids(run(index, "electrolytic aluminium", cache_dir, translation="none")) == ["english"]


def test_first_sense_mode_is_naive(index: Index, cache_dir: Path) -> None:
    results = run(index, "electrolytic aluminium transfer", cache_dir, translation="first")
    terms = results.explanation
    # Word by word (no phrases), one sense each, unweighted.
    assert [t.term for t in terms] == ["electrolytic", "aluminium", "transfer"]
    assert [len(t.translations) for t in terms[1:]] == [1, 1]
    assert all(s.weight == 1.0 for t in terms for s in t.translations)
    assert terms[1].translations[0].text == "铝"  # not 电解铝: no phrases
    # The first sense of "transfer" counts as much as a glossary term.
    assert terms[2].translations[0].source == "cedict"


def test_lang_forces_the_direction(index: Index, cache_dir: Path) -> None:
    # A Chinese word in a query declared English is searched as typed, not translated.
    results = run(index, "电解铝 overcapacity", cache_dir, lang="en")
    assert [t.term for t in results.explanation] == ["overcapacity"]
    mixed = run(index, "电解铝 overcapacity", cache_dir)
    assert [(t.term, t.lang) for t in mixed.explanation] == [
        ("电解铝", "zh"),
        ("overcapacity", "en"),
    ]


# -- Chinese → English -----------------------------------------------------------------------------


def test_chinese_query_finds_english_only_record(index: Index, cache_dir: Path) -> None:
    results = run(index, "电解铝", cache_dir, lang="zh")
    assert "english" in ids(results) and "smelter" in ids(results)
    english = next(h for h in results.hits if h.id == "english")
    assert "electrolytic aluminium" in english.matched_terms
    marked = {s.text[a:b] for s in english.snippets for a, b in s.highlights}
    assert "electrolytic aluminium" in marked or {"electrolytic", "aluminium"} <= marked
    assert ids(run(index, "电解铝", cache_dir, translation="none")) == ["smelter"]


def test_chinese_glossary_query_does_not_load_cedict(cache_dir: Path) -> None:
    lexicon = Lexicon.load(cache_dir=cache_dir)
    plan = build_query("电解铝 产能过剩", translation="structured", lexicon=lexicon)
    assert [t.term for t in plan.explanation] == ["电解铝", "产能过剩"]
    assert lexicon._cedict is None


# -- synonym group scoring -------------------------------------------------------------------------


def test_synonym_group_scores_by_the_matching_alternative(index: Index) -> None:
    one = Q.Term("body", "水泥")
    other = Q.Term("body", "电解铝")
    with index.searcher() as searcher:
        alone = {h["id"]: h.score for h in searcher.search(one, limit=None)}
        group = SynonymGroup([one, other], [0.5, 1.0])
        scored = {h["id"]: h.score for h in searcher.search(group, limit=None, terms=True)}
        capped = searcher.search(group, limit=1, terms=True)
        assert len(capped) == 2  # capping the results drops no match from the count
        top = capped[0]["id"]
    assert set(scored) == {"cement", "smelter"}
    # A document matching only one alternative scores by that alternative and weight.
    assert scored["cement"] == pytest.approx(0.5 * alone["cement"])
    assert top == max(scored, key=scored.__getitem__)


def test_synonym_group_takes_the_best_alternative_not_the_sum(index: Index) -> None:
    a, b = Q.Term("body", "产能过剩"), Q.Term("body", "电解铝")
    with index.searcher() as searcher:
        score_a = {h["id"]: h.score for h in searcher.search(a, limit=None)}["smelter"]
        score_b = {h["id"]: h.score for h in searcher.search(b, limit=None)}["smelter"]
        group = {h["id"]: h.score for h in searcher.search(SynonymGroup([a, b]), limit=None)}
    assert group["smelter"] == pytest.approx(max(score_a, score_b))


# -- CLI -------------------------------------------------------------------------------------------


def test_cli_explain(tmp_path: Path, cache_dir: Path) -> None:
    source = tmp_path / "notice.txt"
    source.write_text(
        "关于遏制电解铝行业产能过剩的通知\n\n严格控制电解铝新增产能，化解产能过剩矛盾。\n",
        encoding="utf-8",
    )
    home = tmp_path / "home"
    runner = CliRunner()
    ingested = runner.invoke(main, ["--home", str(home), "ingest", str(source)])
    assert ingested.exit_code == 0, ingested.output
    (home / "cache").mkdir(exist_ok=True)
    for cached in cache_dir.glob("*"):  # reuse the module's CC-CEDICT cache: 2 s saved
        (home / "cache" / cached.name).write_bytes(cached.read_bytes())
    args = ["--home", str(home), "search", "electrolytic aluminium overcapacity", "--explain"]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    hit_id = json.loads(runner.invoke(main, [*args, "--format", "json"]).output)["hits"][0]["id"]
    assert result.output == (
        "translation:\n"
        "  electrolytic aluminium [en] → 电解铝 (1.00 glossary)\n"
        "  overcapacity [en] → 产能过剩 (1.00 glossary)\n"
        "1 document matches 'electrolytic aluminium overcapacity': it contains every term\n"
        "  1.  ----------\n"
        f"     关于遏制电解铝行业产能过剩的通知   [{hit_id[:8]}]\n"
        "     严格控制【电解铝】新增产能，化解【产能过剩】矛盾。\n"
        "     matched: 电解铝, 产能过剩\n"
    )


def test_cli_json_explain_keeps_the_required_keys(tmp_path: Path, index: Index) -> None:
    from alucorpus.cli import render_results

    results = search(index, "electrolytic aluminium", cache_dir=tmp_path)
    plain = json.loads(render_results(results, "json"))
    assert set(plain) == {"query", "total", "total_all_terms", "function_words", "hits", "facets"}
    explained = json.loads(render_results(results, "json", explain=True))
    assert set(explained) == {
        "query",
        "total",
        "total_all_terms",
        "function_words",
        "hits",
        "facets",
        "explanation",
    }
    assert explained["explanation"][0]["term"] == "electrolytic aluminium"
    assert explained["explanation"][0]["translations"][0] == {
        "text": "电解铝",
        "weight": 1.0,
        "source": "glossary",
    }
    assert "matched_terms" in explained["hits"][0]


def test_english_query_with_warm_cache_does_not_load_jieba(index: Index, cache_dir: Path) -> None:
    run(index, "electrolytic aluminium overcapacity", cache_dir)  # fills the segment cache
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from alucorpus.index import Index\n"
        "from alucorpus.search import build_query\n"
        f"plan = build_query('electrolytic aluminium overcapacity', translation='structured',"
        f" cache_dir=Path({str(cache_dir)!r}))\n"
        "assert plan.explanation, 'nothing translated'\n"
        "assert 'jieba' not in sys.modules, 'jieba loaded'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# -- ranking: coordination and compound title bonus ----------------------------------------------


@pytest.fixture(scope="module")
def law_index(tmp_path_factory: pytest.TempPathFactory) -> Index:
    """Law titles where jieba keeps the compound whole (商标法) or splits it."""
    records = [
        zh_record("act", "商标法", "为保护商标专用权，制定本法。"),
        zh_record(
            "examiner",
            "商标审查官资格条例",
            "本条例规定商标审查官的资格。商标审查官应当具备商标审查经验。",
            "商标审查官依本条例执行商标审查。",
        ),
        zh_record("heavy", "稻米重金属限量标准", "稻米中重金属的限量。"),
        zh_record(
            "repeat",
            "标准化工作通知",
            "标准，标准，标准，标准，标准，标准。重金属，重金属，重金属，重金属。",
        ),
    ]
    path: Path = tmp_path_factory.mktemp("laws") / "index"
    with Index.create(path) as created:
        created.add(records)
    opened = Index.open(path)
    yield opened
    opened.close()


def test_compound_title_bonus_finds_the_short_title(law_index: Index, cache_dir: Path) -> None:
    # 商标 + 法 is the title 商标法 (one jieba word): it outranks a longer title
    # that repeats 商标 and 条例 (another rendering of "act").
    assert ids(run(law_index, "Trademark Act", cache_dir))[0] == "act"


def test_compound_queries_pair_neighbouring_terms_both_ways(lexicon: Lexicon) -> None:
    from alucorpus.search.translate import _compound_queries

    spans = lexicon.longest_en_phrases(["Trademark", "Act"])
    texts = {
        "".join(q.child.words[:1] + [w[1] for w in q.child.words[1:]])
        for q in _compound_queries(spans)
    }
    assert {"商标法", "商标条例", "条例商标"} <= texts
    assert "法商标" not in texts


def test_coordination_prefers_every_term_to_repetition(law_index: Index, cache_dir: Path) -> None:
    results = run(law_index, "standard heavy metals rice", cache_dir)
    order = ids(results)
    assert order[0] == "heavy"
    assert order.index("heavy") < order.index("repeat")


def test_coordinated_scores_scale_with_the_share_matched(law_index: Index) -> None:
    from alucorpus.search import Coordinated

    query = Coordinated([Q.Term("title", "稻米"), Q.Term("title", "标准"), Q.Term("title", "无")])
    with law_index.searcher() as searcher:
        hits = {h["id"]: h.score for h in searcher.search(query)}
        one = {h["id"]: h.score for h in searcher.search(Q.Term("title", "稻米"))}
    # "heavy" matches two of three terms: (its 稻米 + 标准 scores) × 2/3.
    assert set(hits) == {"heavy"}
    assert hits["heavy"] < 2 * one["heavy"]


def test_cli_user_glossary(tmp_path: Path, cache_dir: Path) -> None:
    source = tmp_path / "notice.txt"
    source.write_text("关于电解铝行业的通知\n\n严格控制电解铝新增产能。\n", encoding="utf-8")
    glossary = tmp_path / "mine.tsv"
    glossary.write_text(
        "zh\ten\tdomain\tnote\n电解铝\tpotline aluminium\tnonferrous\t\n", encoding="utf-8"
    )
    home = tmp_path / "home"
    runner = CliRunner()
    assert runner.invoke(main, ["--home", str(home), "ingest", str(source)]).exit_code == 0
    (home / "cache").mkdir(exist_ok=True)
    for cached in cache_dir.glob("*"):
        (home / "cache" / cached.name).write_bytes(cached.read_bytes())
    args = ["--home", str(home), "search", "potline aluminium", "--explain"]
    result = runner.invoke(main, [*args, "--glossary", str(glossary)])
    assert result.exit_code == 0, result.output
    assert "potline aluminium [en] → 电解铝 (1.00 user)" in result.output
    assert "1 document matches" in result.output
    bad = tmp_path / "bad.tsv"
    bad.write_text("no tabs here\n", encoding="utf-8")
    failed = runner.invoke(main, [*args, "--glossary", str(bad)])
    assert failed.exit_code == 1
    assert "bad.tsv:1" in failed.output
