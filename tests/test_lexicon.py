"""The bilingual lexicon: glossary file, English/Chinese lookups, CC-CEDICT and its cache."""

from __future__ import annotations

import gzip
import math
from importlib import resources
from pathlib import Path

import pytest

from alucorpus import lexicon as lexmod
from alucorpus.analysis import to_simplified
from alucorpus.errors import ParseError
from alucorpus.lexicon import (
    DOMAINS,
    Lexicon,
    american_spelling,
    department_rows,
    normalise_en,
    normalise_en_word,
    verb_bases,
)


def _glossary_lines() -> list[list[str]]:
    """Data rows of the packaged glossary, split into cells, exactly as in the file."""
    text = resources.files("alucorpus").joinpath("data/glossary.tsv").read_text("utf-8")
    rows = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#") or line.startswith("zh\t"):
            continue
        rows.append(line.split("\t"))
    return rows


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One CC-CEDICT cache for the session: building it takes about 2 s."""
    return tmp_path_factory.mktemp("lexicon-cache")


@pytest.fixture(scope="session")
def lex(cache_dir: Path) -> Lexicon:
    return Lexicon.load(cache_dir=cache_dir)


def _first(senses: list[lexmod.Sense]) -> str:
    assert senses, "no sense found"
    return senses[0].text


# ---------------------------------------------------------------- the glossary file


def test_glossary_has_enough_well_formed_rows() -> None:
    rows = _glossary_lines()
    assert len(rows) >= 1600
    for cells in rows:
        assert len(cells) == 4, cells
        zh, en, domain, _note = cells
        assert zh.strip() == zh and zh, cells
        assert all(v.strip() for v in en.split("|")), cells
        assert domain in DOMAINS, cells


def test_glossary_has_one_row_per_chinese_term() -> None:
    seen: set[str] = set()
    dupes = []
    for zh, *_ in _glossary_lines():
        if zh in seen:
            dupes.append(zh)
        seen.add(zh)
    assert dupes == []


def test_every_domain_is_covered() -> None:
    counts = {d: 0 for d in DOMAINS}
    for _zh, _en, domain, _note in _glossary_lines():
        counts[domain] += 1
    assert all(n >= 100 for n in counts.values()), counts


def test_british_variants_have_their_american_twin() -> None:
    for zh, en, _domain, _note in _glossary_lines():
        variants = en.split("|")
        for v in variants:
            assert american_spelling(v) in variants, (zh, v)


def test_department_rows_are_in_step_with_the_department_table() -> None:
    rows = {cells[0]: cells for cells in _glossary_lines()}
    for dep in department_rows():
        assert dep.zh in rows, dep.zh
        zh, en, domain, _note = rows[dep.zh]
        assert domain == "department", zh
        assert dep.en[0] in en.split("|"), zh


@pytest.mark.parametrize(
    ("abbr", "zh"),
    [
        ("MIIT", "工业和信息化部"),
        ("NDRC", "国家发展和改革委员会"),
        ("MOFCOM", "商务部"),
        ("MEE", "生态环境部"),
        ("MNR", "自然资源部"),
        ("SAMR", "国家市场监督管理总局"),
        ("GAC", "海关总署"),
        ("NEA", "国家能源局"),
        ("PBOC", "中国人民银行"),
        ("CBRC", "中国银行业监督管理委员会"),
        ("SASAC", "国务院国有资产监督管理委员会"),
        ("Ministry of Industry and Information Technology", "工业和信息化部"),
    ],
)
def test_department_abbreviations(lex: Lexicon, abbr: str, zh: str) -> None:
    assert _first(lex.en_to_zh(abbr)) == zh


def test_department_aliases_translate_too(lex: Lexicon) -> None:
    assert _first(lex.zh_to_en("发改委")) == "National Development and Reform Commission"
    assert "MIIT" in [s.text for s in lex.zh_to_en("工信部")]


@pytest.mark.parametrize(
    ("zh", "en"),
    [
        ("铝土矿", "bauxite"),
        ("氧化铝", "alumina"),
        ("电解铝", "primary aluminium"),
        ("再生铝", "secondary aluminum"),
        ("预焙阳极", "prebaked anode"),
        ("赤泥", "red mud"),
        ("离子型稀土", "ion-adsorption rare earths"),
        ("选矿", "beneficiation"),
        ("尾矿", "tailings"),
        ("采矿权", "mining right"),
        ("探矿权", "exploration right"),
        ("保护性开采", "protective mining"),
        ("开采指标", "mining quota"),
        ("地质勘查", "geological exploration"),
        ("节能", "energy saving"),
        ("阶梯电价", "tiered electricity pricing"),
        ("碳达峰", "peak carbon"),
        ("温室气体", "greenhouse gas"),
        ("大气污染防治", "air pollution prevention and control"),
        ("环境影响评价", "EIA"),
        ("再生能源", "renewable energy"),
        ("废弃物清理", "waste disposal"),
        ("空气污染防制", "air pollution control"),
        ("关税", "customs duty"),
        ("两用物项", "dual-use items"),
        ("反倾销", "anti-dumping"),
        ("自由贸易试验区", "pilot free trade zone"),
        ("加工贸易", "processing trade"),
        ("产能置换", "capacity swap"),
        ("淘汰落后产能", "eliminate backward capacity"),
        ("产能过剩", "excess capacity"),
        ("规范条件", "industry standard conditions"),
        ("通知", "circular"),
        ("批复", "official reply"),
        ("令", "decree"),
        ("批转", "approve and forward"),
        ("暂行", "provisional"),
        ("附件", "annex"),
        ("条", "article"),
        ("罚款", "fine"),
    ],
)
def test_glossary_spot_checks(lex: Lexicon, zh: str, en: str) -> None:
    senses = lex.zh_to_en(zh)
    assert en in [s.text for s in senses]
    assert all(s.source == "glossary" and s.weight == 1.0 for s in senses)
    assert zh in [s.text for s in lex.en_to_zh(en)]


# ---------------------------------------------------------------- English matching


@pytest.mark.parametrize(
    ("word", "key"),
    [
        ("Aluminium", "aluminum"),
        ("aluminum", "aluminum"),
        ("sulphur", "sulfur"),
        ("tonnes", "ton"),
        ("programmes", "program"),
        ("licences", "license"),
        ("standardisation", "standardization"),
        ("labour", "labor"),
        ("policies", "policy"),
        ("taxes", "tax"),
        ("processes", "process"),
        ("analysis", "analysis"),
        ("goods", "goods"),
        ("enterprises", "enterprise"),
        ("People's", "people"),
        ("dual-use", "dual use"),
        ("MOST", "MOST"),
        ("most", "most"),
        ("MIIT", "miit"),
    ],
)
def test_normalise_en_word(word: str, key: str) -> None:
    assert normalise_en_word(word) == key


def test_normalise_en_drops_function_words() -> None:
    assert normalise_en("The Ministry of Commerce") == "ministry commerce"


@pytest.mark.parametrize("spelling", ["electrolytic aluminium", "electrolytic aluminum"])
def test_both_spellings_find_the_term(lex: Lexicon, spelling: str) -> None:
    assert _first(lex.en_to_zh(spelling)) == "电解铝"
    assert _first(lex.en_to_zh(spelling.title())) == "电解铝"


def test_longest_phrase_first(lex: Lexicon) -> None:
    spans = lex.longest_en_phrases(["electrolytic", "aluminium", "overcapacity"])
    assert [(i, j, s[0].text) for i, j, s in spans] == [(0, 2, "电解铝"), (2, 3, "产能过剩")]
    # Not 电解 + 铝:
    assert [s[0].text for _, _, s in lex.longest_en_phrases(["electrolytic", "aluminum"])] == [
        "电解铝"
    ]


def test_longest_phrase_skips_function_words_and_unknown_words(lex: Lexicon) -> None:
    words = "phase out of outdated capacity xqzt by the Ministry of Commerce".split()  # noqa: SIM905
    spans = [(i, j, s[0].text) for i, j, s in lex.longest_en_phrases(words)]
    assert spans == [(0, 5, "淘汰落后产能"), (8, 11, "商务部")]


def test_longest_phrase_respects_max_words(lex: Lexicon) -> None:
    words = ["Ministry", "of", "Industry", "and", "Information", "Technology"]
    assert lex.longest_en_phrases(words)[0][:2] == (0, 6)
    assert lex.longest_en_phrases(words, max_words=2)[0][:2] != (0, 6)


def test_hyphenated_word_spans_keep_word_indexes(lex: Lexicon) -> None:
    spans = lex.longest_en_phrases(["dual-use", "items", "export", "control"])
    assert [(i, j, s[0].text) for i, j, s in spans] == [(0, 2, "两用物项"), (2, 4, "出口管制")]


# ---------------------------------------------------------------- Chinese matching


def test_traditional_term_is_folded(lex: Lexicon) -> None:
    assert _first(lex.zh_to_en("礦業")) == "mining"


def test_longest_zh_terms_over_traditional_text(lex: Lexicon) -> None:
    text = "關於電解鋁行業產能置換的通知"
    spans = {text[i:j]: s[0].text for i, j, s in lex.longest_zh_terms(text)}
    assert spans["電解鋁"] == "electrolytic aluminium"
    assert spans["產能置換"] == "capacity replacement"
    assert spans["通知"] == "notice"


def test_longest_zh_terms_prefers_the_longest_term(lex: Lexicon) -> None:
    spans = [(i, j) for i, j, _ in lex.longest_zh_terms("淘汰落后产能，abc 赤泥")]
    assert spans == [(0, 6), (11, 13)]


# ---------------------------------------------------------------- CC-CEDICT


def test_cedict_fallback_for_a_word_not_in_the_glossary(lex: Lexicon) -> None:
    senses = lex.en_to_zh("giraffe")
    assert senses[0].text == "长颈鹿"
    assert senses[0].source == "cedict"
    assert senses[0].weight == pytest.approx(0.3)
    assert _first(lex.zh_to_en("长颈鹿")) == "giraffe"


def test_cedict_senses_cannot_flood_a_query(lex: Lexicon) -> None:
    senses = lex.en_to_zh("safe")  # many CC-CEDICT entries gloss "safe"
    assert 1 < len(senses) <= 5
    assert all(s.source == "cedict" and s.weight < 0.3 for s in senses)
    assert sum(s.weight for s in senses) <= 0.3 * math.sqrt(5) + 1e-9


def test_glossary_beats_cedict(lex: Lexicon) -> None:
    senses = lex.en_to_zh("bauxite", cedict="always")
    assert senses[0].source == "glossary"
    assert all(s.weight < senses[0].weight for s in senses if s.source == "cedict")
    assert all(s.source == "glossary" for s in lex.en_to_zh("bauxite"))


def test_cedict_glosses_are_cleaned(lex: Lexicon) -> None:
    texts = [s.text for s in lex.zh_to_en("冶炼", cedict="always")]
    assert texts[0] == "smelting"  # the glossary's rendering first
    assert "smelt metal" in texts  # CC-CEDICT's "to smelt metal", without "to "
    assert not any(t.startswith("to ") for t in texts)
    # "/giraffe/CL:隻|只[zhi1]/": the classifier note is not a translation.
    assert [s.text for s in lex.zh_to_en("长颈鹿")] == ["giraffe"]


def test_cache_is_built_once_and_reused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache_dir = tmp_path / "cache"
    Lexicon.load(cache_dir=cache_dir, preload_cedict=True)
    caches = list(cache_dir.glob("cedict-*.pickle"))
    assert len(caches) == 1
    mtime = caches[0].stat().st_mtime_ns

    def no_gz(*args: object, **kwargs: object) -> None:
        raise AssertionError("the CC-CEDICT .gz was read again instead of the cache")

    monkeypatch.setattr(gzip, "open", no_gz)
    lex = Lexicon.load(cache_dir=cache_dir)
    assert _first(lex.en_to_zh("giraffe")) == "长颈鹿"
    assert caches[0].stat().st_mtime_ns == mtime
    assert list(cache_dir.glob("cedict-*.pickle")) == caches


def test_a_corrupt_cache_is_rebuilt(tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    Lexicon.load(cache_dir=cache_dir, preload_cedict=True)
    (cache,) = cache_dir.glob("cedict-*.pickle")
    cache.write_bytes(b"not a pickle")
    lex = Lexicon.load(cache_dir=cache_dir)
    assert _first(lex.en_to_zh("giraffe")) == "长颈鹿"
    assert cache.stat().st_size > 1_000_000


# ---------------------------------------------------------------- user glossary


def test_user_glossary_overrides_a_row(tmp_path: Path, cache_dir: Path) -> None:
    user = tmp_path / "mine.tsv"
    user.write_text(
        "zh\ten\tdomain\tnote\n电解铝\tpot-line aluminium|potline aluminum\tnonferrous\tmine\n"
        "铝锭贴水\tingot discount\ttrade\t\n",
        encoding="utf-8",
    )
    lex = Lexicon.load(user_glossary=user, cache_dir=cache_dir)
    senses = lex.zh_to_en("电解铝")
    assert [s.text for s in senses] == ["pot-line aluminium", "potline aluminum"]
    assert all(s.source == "user" and s.weight == 1.0 for s in senses)
    assert _first(lex.en_to_zh("potline aluminium")) == "电解铝"
    assert _first(lex.en_to_zh("ingot discounts")) == "铝锭贴水"
    # The packaged renderings of the replaced row are gone; other rows are untouched.
    assert "电解铝" not in [s.text for s in lex.en_to_zh("electrolytic aluminium")]
    assert _first(lex.en_to_zh("bauxite")) == "铝土矿"


@pytest.mark.parametrize(
    "content",
    ["电解铝 no tabs here\n", "电解铝\tsmelting\tnot_a_domain\t\n", "\tsmelting\tnonferrous\t\n"],
)
def test_bad_user_glossary_raises_parse_error(tmp_path: Path, content: str) -> None:
    user = tmp_path / "bad.tsv"
    user.write_text(content, encoding="utf-8")
    with pytest.raises(ParseError, match=r"bad\.tsv"):
        Lexicon.load(user_glossary=user)


def test_missing_user_glossary_raises_parse_error(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match="cannot read glossary"):
        Lexicon.load(user_glossary=tmp_path / "absent.tsv")


def test_no_glossary_row_is_a_title_of_the_known_item_set(shared_corpus: Path) -> None:
    """The Taiwan law titles are the known-item evaluation: the glossary must not hold
    them whole, or the evaluation would measure the glossary, not generalisation."""
    import json

    rows = lexmod.read_glossary()
    titles = set()
    for path in (shared_corpus / "tw_mojlaw_bilingual" / "FalVMingLing").glob("*.json"):
        data = json.loads(path.read_text("utf-8"))
        titles.add(to_simplified(data.get("法規名稱", "")))
    assert len(titles) > 50
    assert sorted(t for t in titles if t in rows) == []


def test_no_glossary_variant_is_an_english_title_of_the_known_item_set(
    shared_corpus: Path,
) -> None:
    """Nor may an official English title be a glossary rendering (normalised)."""
    import json

    rows = lexmod.read_glossary()
    variants = {lexmod.normalise_en(v) for row in rows.values() for v in row.en}
    folder = shared_corpus / "tw_mojlaw_bilingual" / "Eng_FalVMingLing"
    titles = {
        lexmod.normalise_en(json.loads(p.read_text("utf-8-sig")).get("英文法規名稱", ""))
        for p in folder.glob("*.json")
    }
    assert len(titles) > 50
    assert sorted(t for t in titles if t in variants) == []


# ---------------------------------------------------------------- glossary first


def test_all_glossary_phrases_never_load_cedict(cache_dir: Path) -> None:
    """CC-CEDICT costs 0.3 s to load: a query the glossary covers must not pay it."""
    lex = Lexicon.load(cache_dir=cache_dir)
    title = "Regulations Governing the Establishment of Customs Bonded Factories"
    words = title.split(" ")
    spans = lex.longest_en_phrases(words)
    assert lex._cedict is None
    assert "管理办法" in [s.text for s in spans[0][2]]
    assert "设置" in [s.text for s in spans[1][2]]


def test_cedict_only_for_single_words_the_glossary_lacks(cache_dir: Path) -> None:
    lex = Lexicon.load(cache_dir=cache_dir)
    # "factory management" is a CC-CEDICT gloss of 厂家; the glossary's words win.
    spans = lex.longest_en_phrases(["factory", "management", "giraffe"])
    assert [(i, j, _first(s)) for i, j, s in spans] == [
        (0, 2, "工厂管理"),
        (2, 3, "长颈鹿"),
    ]
    assert spans[1][2][0].source == "cedict"
    assert lex._cedict is not None


@pytest.mark.parametrize(
    ("en", "zh"),
    [
        ("act", "条例"),
        ("statute", "法"),
        ("enforcement rules", "施行细则"),
        ("guidelines", "准则"),
        ("organic act", "组织法"),
        ("regulations governing", "管理办法"),
        ("customs", "关税"),
        ("waste", "废弃物"),
        ("electricity industry", "电业"),
        ("mining industry", "矿业"),
    ],
)
def test_general_legal_vocabulary(lex: Lexicon, en: str, zh: str) -> None:
    assert zh in [s.text for s in lex.en_to_zh(en, cedict="never")]


@pytest.mark.parametrize(
    ("word", "zh"),
    [("curbing", "遏制"), ("stopping", "制止"), ("pricing", "价格"), ("banned", "禁止")],
)
def test_a_verb_form_finds_its_base_in_the_glossary(lex: Lexicon, word: str, zh: str) -> None:
    # Issue 14's topics: "curbing overcapacity", "stopping unauthorised power plant
    # construction" and "thermal coal pricing reform" lost a term to the -ing form.
    assert [s.text for s in lex.en_to_zh(word)][:1] == [zh]
    assert all(s.source == "glossary" for s in lex.en_to_zh(word))


@pytest.mark.parametrize(
    ("key", "bases"),
    [
        ("curbing", ("curb", "curbe")),
        ("stopping", ("stopp", "stop", "stoppe")),
        ("unified", ("unify", "unifi", "unifie")),
        ("calling", ("call", "calle")),  # a double l is kept: not "cal"
        ("bring", ()),  # too short a stem
        ("coal", ()),
    ],
)
def test_verb_bases(key: str, bases: tuple[str, ...]) -> None:
    assert verb_bases(key) == bases


def test_a_verb_form_the_glossary_has_is_looked_up_as_itself(lex: Lexicon) -> None:
    # "planning" is a glossary variant of its own (规划): no base form is tried.
    assert [s.text for s in lex.en_to_zh("planning")][:1] == ["规划"]


def test_zh_synonyms_meet_in_the_english(lex: Lexicon) -> None:
    assert "防制" in lex.zh_synonyms("防治")  # Taiwan's word
    assert "防治" in lex.zh_synonyms("防制")  # and back
    assert "空气污染" in lex.zh_synonyms("大气污染")
    assert "节能" in lex.zh_synonyms("节约能源")
    assert lex.zh_synonyms("稀土元素不存在的词") == []
    assert len(lex.zh_synonyms("法", limit=2)) <= 2


def test_air_pollution_control_is_both_sides_of_the_strait(lex: Lexicon) -> None:
    # The mainland's 大气污染防治法 and Taiwan's 空氣污染防制法 are both "Air Pollution
    # (Prevention and) Control": an English reader finds both.
    found = [s.text for s in lex.en_to_zh("air pollution control")]
    assert "大气污染防治" in found and "空气污染防制" in found


def test_no_one_character_synonym(lex: Lexicon) -> None:
    # 管理 and 局 share "administration"; 局 would match every bureau of every text.
    assert "局" not in lex.zh_synonyms("管理")
