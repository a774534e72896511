"""Write alucorpus/data/function_words.tsv from two maintained stop-word lists.

Function words (question words, particles, prepositions, conjunctions, pronouns) are
neither required nor translated in a query (alucorpus.function_words). The lists
come from maintained sources and are adapted here, in the open:

* Chinese: stopwords-iso's ``zh`` list (MIT; itself a merge of the HIT, Baidu and
  Sichuan University lists), kept only where jieba's part-of-speech tagger calls the
  word a function word (pronoun r, preposition p, conjunction c, particle u*,
  modal y, interjection e, onomatopoeia o). That drops the list's verbs, nouns and
  numbers, which are content in policy text (安全, 促进, 规定, 一 …).
* English: spaCy's English stop words (MIT), less its numbers and the words that are
  content in a query about policy (amount, part, name, show …).

Then the words in :data:`CONTENT` go: they are content in titles and legal text; and
the question words of :data:`QUESTION_WORDS` (多少, 需要, 是否 …) come in.

Usage (the two wheels from PyPI; nothing else is downloaded)::

    pip download --no-deps stopwordsiso==0.7.1 spacy==3.8.16 -d /tmp/sw
    .venv/bin/python scripts/function_words.py /tmp/sw/stopwordsiso-*.whl /tmp/sw/spacy-*.whl
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import zipfile
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "alucorpus" / "data" / "function_words.tsv"

#: jieba part-of-speech tags of function words (first letter).
FUNCTION_TAGS = "rpcuyeo"

#: Stop-list words that are content for us, with the reason.
CONTENT = {
    # Chinese
    "关于": "opens most titles (关于…的通知): a researcher types it to mean a title",
    "通过": "adopted (会议通过): the verb of a law's adoption note, not only 'through'",
    "本": "本条例/本办法: the document itself",
    "各": "各地区、各部门: the addressee of a circular",
    "其他": "其他有关部门, 其他矿产: part of names and articles",
    "针对": "targeted (针对性): policy vocabulary",
    "除外": "但书 exceptions (…除外) in legal text",
    "可以": "'may', the modal of a permission in a law",
    "至": "a date or number range (2021年至2025年)",
    "经过": "经过批准: approval, in legal text",
    # English
    "amount": "a sum of money",
    "part": "Part II of a law",
    "name": "a name is content",
    "show": "content verb",
    "top": "content",
    "full": "full text, full-time",
    "empty": "content",
    "front": "content",
    "bottom": "content",
    "side": "content",
    "move": "content",
    "call": "calls for",
    "give": "content verb",
    "keep": "content verb",
    "make": "content verb",
    "made": "content verb",
    "take": "content verb",
    "put": "content verb",
    "see": "content verb",
    "say": "content verb",
    "serious": "serious accidents",
    "whole": "whole industry chain",
    "various": "content",
    "used": "used batteries",
    "using": "content",
    "back": "content",
    "go": "content",
    "regarding": "kept as content like 关于",
    "first": "first-class, ordinal",
    "last": "content",
    "next": "content",
    "former": "content",
    "latter": "content",
    "third": "ordinal",
}

#: Function words of questions that the part-of-speech filter misses (jieba tags them
#: v or m): what a question asks with, not what it asks about.
QUESTION_WORDS = {
    "多少": "how much / how many",
    "要": "must (要交多少…), a question's auxiliary",
    "需要": "need to (哪些企业需要…)",
    "是否": "whether",
    "有": "有哪些, 有没有: the question's 'are there'",
    "能否": "whether one can",
    "可否": "whether one may",
    "应该": "should (in a question)",
    "哪种": "which kind",
    "是": "the copula of a question (是怎么规定的, 是什么)",
    "会": "will / would (会被判刑吗); 会议 is its own word",
}

_NUMBER_WORDS = {
    "one two three four five six seven eight nine ten eleven twelve fifteen twenty forty"
    " fifty sixty hundred"
}


def chinese(stopwordsiso_wheel: Path) -> list[str]:
    import jieba
    import jieba.posseg as pseg

    jieba.setLogLevel(60)
    with zipfile.ZipFile(stopwordsiso_wheel) as wheel:
        lists = json.loads(wheel.read("stopwordsiso/stopwords-iso.json"))
    words = []
    for word in sorted(set(lists["zh"])):
        if not re.fullmatch(r"[\u4e00-\u9fff]+", word) or word in CONTENT:
            continue
        tagged = list(pseg.cut(word))
        if len(tagged) == 1 and tagged[0].flag[0] in FUNCTION_TAGS:
            words.append(word)
    return sorted(set(words) | set(QUESTION_WORDS))


def english(spacy_wheel: Path) -> list[str]:
    with zipfile.ZipFile(spacy_wheel) as wheel:
        source = wheel.read("spacy/lang/en/stop_words.py").decode("utf-8")
    # STOP_WORDS = set("""...""".split()), plus contractions added in a loop.
    literal = re.search(r'"""(.*?)"""', source, re.DOTALL)
    assert literal is not None, "spaCy's stop_words.py changed shape"
    words = set(ast.literal_eval('"""' + literal.group(1) + '"""').split())
    numbers = set(" ".join(_NUMBER_WORDS).split())
    return sorted(w for w in words if w.isalpha() and w not in numbers and w not in CONTENT)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stopwordsiso", type=Path, help="stopwordsiso-0.7.1 wheel")
    parser.add_argument("spacy", type=Path, help="spacy-3.8.16 wheel")
    args = parser.parse_args()
    zh = chinese(args.stopwordsiso)
    en = english(args.spacy)
    lines = [
        "# Function words: neither required nor translated in a query (alucorpus.function_words).",
        "# Written by scripts/function_words.py from stopwords-iso 0.7.1 (zh, MIT; kept where",
        "# jieba tags a function word) and spaCy 3.8.16 (en, MIT), less the words it lists",
        "# as content. Regenerate rather than edit.",
        "lang\tword",
    ]
    lines += [f"zh\t{w}" for w in zh] + [f"en\t{w}" for w in en]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(zh)} Chinese and {len(en)} English function words")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
