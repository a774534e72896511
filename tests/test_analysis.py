"""Tests for alucorpus.analysis: normalisation, segmentation, offsets, document numbers."""

from __future__ import annotations

import pickle
import subprocess
import sys

import pytest

from alucorpus import analysis
from alucorpus.analysis import (
    BigramTokenizer,
    WordTokenizer,
    bigram_tokens,
    doc_number_query_tokens,
    doc_number_tokens,
    normalize,
    parse_doc_number,
    run_end_chars,
    word_tokens,
)


def texts(tokens: list[analysis.TokenSpan]) -> list[str]:
    return [t.text for t in tokens]


def test_traditional_and_simplified_give_the_same_tokens() -> None:
    assert texts(word_tokens("礦業權之設定")) == texts(word_tokens("矿业权之设定"))
    assert texts(word_tokens("礦業法")) == ["矿业法"]


def test_offsets_point_into_the_original_traditional_text() -> None:
    original = "第 1 條　為適當開發國家礦產資源，特制定本法。"
    for token in word_tokens(original):
        assert analysis.normalize_text(original[token.start : token.end]) == token.text
    spans = {t.text: original[t.start : t.end] for t in word_tokens(original)}
    assert spans["矿产资源"] == "礦產資源"


def test_offsets_survive_nfkc_length_changes() -> None:
    original = "㈠ＡＬＵＭＩＮＩＵＭ电解铝"  # ㈠ becomes "(一)": three characters from one
    norm = normalize(original)
    assert norm.text.startswith("(一)ALUMINIUM")
    tokens = word_tokens(original)
    aluminum = next(t for t in tokens if t.text == "aluminum")
    assert original[aluminum.start : aluminum.end] == "ＡＬＵＭＩＮＩＵＭ"
    electro = next(t for t in tokens if t.text == "电解铝")
    assert original[electro.start : electro.end] == "电解铝"


def test_user_dictionary_keeps_domain_terms_whole() -> None:
    words = texts(word_tokens("严格执行电解铝行业产能置换，达到能效标杆水平，推进碳达峰"))
    for term in ("电解铝", "产能置换", "能效标杆水平", "碳达峰"):
        assert term in words
    assert "工业和信息化部" in texts(word_tokens("工业和信息化部等十部门"))


def test_latin_words_are_lowercased_stemmed_and_spelling_folded() -> None:
    assert texts(word_tokens("Aluminium")) == texts(word_tokens("aluminum")) == ["aluminum"]
    assert texts(word_tokens("Industries of the smelters")) == ["industri", "smelter"]


def test_positions_are_consecutive_token_numbers() -> None:
    # whoosh tokenizers reuse one Token object: read it as it streams by.
    stream = WordTokenizer()("電解鋁行業產能置換", positions=True, chars=True)
    seen = [(t.text, t.pos, t.startchar, t.endchar) for t in stream]
    assert seen == [("电解铝", 0, 0, 3), ("行业", 1, 3, 5), ("产能置换", 2, 5, 9)]


def test_bigrams_and_lone_characters() -> None:
    assert texts(bigram_tokens("電解鋁，铝")) == ["电解", "解铝", "铝"]
    assert bigram_tokens("aluminum") == []


def test_run_end_chars_are_the_last_characters_of_longer_runs() -> None:
    # 铝 alone is already its own bigram-field token; Latin runs give nothing.
    assert run_end_chars("征收環境保護稅，铝。aluminum 电解铝") == ["税", "铝"]
    assert run_end_chars("aluminum") == []


def test_tokenizers_pickle_without_jieba() -> None:
    analysis.segment("电解铝")  # make sure the jieba tokenizer exists
    data = pickle.dumps((WordTokenizer(), BigramTokenizer()))
    assert b"jieba" not in data
    assert pickle.loads(data)[0] == WordTokenizer()


def test_importing_and_english_analysis_do_not_load_jieba() -> None:
    code = (
        "import sys, alucorpus, alucorpus.search\n"
        "from alucorpus.analysis import word_tokens\n"
        "assert [t.text for t in word_tokens('Aluminium plants')] == ['aluminum', 'plant']\n"
        "assert 'jieba' not in sys.modules, 'jieba loaded'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize(
    "written",
    [
        "工信部联原〔2025〕62号",
        "工信部联原[2025]62号",
        "工信部联原 2025 62",
        "工信部联原（2025）62号",
    ],
)
def test_doc_number_variants_parse_to_the_canonical_form(written: str) -> None:
    parsed = parse_doc_number(written)
    assert parsed is not None
    assert parsed.canonical == "工信部联原〔2025〕62号"


def test_doc_number_tokens() -> None:
    assert doc_number_tokens("工信部联原〔2025〕62号") == [
        "工信部联原〔2025〕62号",
        "工信部联原",
        "2025",
        "62",
        "62号",
    ]
    assert doc_number_tokens("国务院令第706号")[0] == "国务院令第706号"
    assert doc_number_query_tokens("62号") == ["62号"]
    assert doc_number_query_tokens("第62号") == ["62号"]


def test_dictionary_hash_is_stable_hex() -> None:
    assert analysis.dictionary_hash() == analysis.dictionary_hash()
    assert len(analysis.dictionary_hash()) == 64


def test_what_a_chinese_character_is() -> None:
    # One rule (analysis.CJK_IDEOGRAPHS) for ingest, the lexicon, the index and queries:
    # the unified block, extension A, compatibility ideographs, extensions B to G.
    for ch in ("铝", "\u3400", "\u9fff", "\ufa11", "\U00020000", "\U0003134a"):
        assert analysis.has_cjk(ch), hex(ord(ch))
    # Hexagram symbols (between extension A and the unified block), punctuation, kana.
    for ch in ("\u4dc0", "，", "〔", "あ", "A"):
        assert not analysis.has_cjk(ch), hex(ord(ch))
    assert analysis.cjk_runs("電解鋁 and 𠀀铝") == ["电解铝", "𠀀铝"]


def test_british_spelling_one_rule_index_folds_its_own_words() -> None:
    # The lexicon matches every British spelling the rule knows ...
    assert analysis.american_word("behaviour") == "behavior"
    assert analysis.american_word("tonnes") == "tons"
    # ... the index folds the words it always has (changing them needs a new index).
    assert analysis.fold_latin("Colours") == analysis.fold_latin("colors") == "color"
    assert analysis.fold_latin("tonnes") == analysis.fold_latin("tons") == "ton"
    assert analysis.fold_latin("behaviour") == "behaviour"
