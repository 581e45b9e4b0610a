"""English valence from VADER's lexicon: about 7,500 words, slang and emoticons rated by people.

TextBlob's lexicon is mostly adjectives and reads much of a complaint's vocabulary as neutral
("delayed", "lost", "stuck", "cancelled"); VADER's rates those words. VADER's own analyser costs more
per text than TextBlob does, which would make it the slow part of detection, so only its data is used
(the `lexicon`, `NEGATE` and `BOOSTER_DICT` that vaderSentiment ships and exposes) and the sum is taken
here in one pass over the tokens:
- a negation up to three words before a word scales it by VADER's N_SCALAR (-0.74);
- a booster right before it ("very", "so", "barely") adds or takes VADER's 0.293;
- after "but" a word counts 1.5 times and before it 0.5 times, as in VADER;
- the sum is squashed to -1..1 the way VADER's compound score is (x / sqrt(x² + 15)).
"""
from __future__ import annotations

import math
import re
from functools import lru_cache

from vaderSentiment import vaderSentiment as vader

# Words, and emoticons standing on their own (the ":/" of "https://" is not a frown).
_TOKEN = re.compile(r"[a-z][a-z'’]*|(?<![\w/:])[:;=][\-'^]?[()\[\]dpo/\\|*](?![\w/])")
NEGATION_WINDOW = 3
_ALPHA = 15.0       # VADER's normalisation constant


@lru_cache(maxsize=1)
def _data() -> tuple[dict[str, float], frozenset[str], dict[str, float]]:
    # The analyser is built once, only for the tables it reads from the package's own files.
    analyzer = vader.SentimentIntensityAnalyzer()
    negations = frozenset(vader.NEGATE) | {"dont", "didnt", "doesnt", "isnt", "wasnt", "cant", "wont"}
    return analyzer.lexicon, negations, vader.BOOSTER_DICT


def valence(text: str) -> float:
    """-1 (very negative) .. 1 (very positive); 0 when no rated word occurs."""
    return reading(text)[0]


def reading(text: str) -> tuple[float, list[str]]:
    """The valence and the rated words that made it, for the explanation."""
    lexicon, negations, boosters = _data()
    tokens = _TOKEN.findall(text.lower().replace("’", "'"))
    try:
        pivot = len(tokens) - 1 - tokens[::-1].index("but")
    except ValueError:
        pivot = None
    total = 0.0
    words = []
    for i, token in enumerate(tokens):
        value = lexicon.get(token)
        if value is None:
            continue
        if token == "no" and i + 1 < len(tokens) and tokens[i + 1] in lexicon:
            continue        # as in VADER: "no problem" negates "problem" and is not itself negative
        if i and (boost := boosters.get(tokens[i - 1])):
            value += boost if value > 0 else -boost
        if any(t in negations or t == "no" or t.endswith("n't") for t in tokens[max(0, i - NEGATION_WINDOW):i]):
            value *= vader.N_SCALAR
        if pivot is not None:
            value *= 1.5 if i > pivot else 0.5
        total += value
        words.append(token)
    return (total / math.sqrt(total * total + _ALPHA) if total else 0.0), words
