"""What a storm is about: the words that are unusually frequent in the last window's complaints.

A word counts once per post (one post repeating a word is not a trend), after the rules'
normalisation; its score is how many more posts use it now than the baseline would predict.
"""
from __future__ import annotations

import re
from collections import Counter

from rules.normalize import fold

_WORD = re.compile(r"[^\W\d_][\w']*")
_URLISH = re.compile(r"https?://\S+|www\.\S+|@\w+")

# Function words of the three languages the monitor reads: never a storm's topic.
STOPWORDS = set("""
the and for are but not you your yours with this that have has had was were will would can could
our out all any been from they them their there what when where which who why how its it's i'm
just very really still again about after before into over than then too also here get got
one two dont don't didn't doesn't isn't wasn't won't can't cant im ive i've you're we're they're
my me we us him her his she he is am be do does did so no yes of to in on at by or an as if up
است نیست هست این آن را از به با که برای هم یک می نمی خیلی داره نداره دارم ندارم بود نبود شد نشد
میشه نمیشه کنید کردم کنم کرد کرده هستم هستید چرا چی چه اصلا واقعا دیگه هنوز الان ولی اما تا رو
من تو ما شما اون این‌ها یه هیچ
في على من إلى الى عن هذا هذه ذلك التي الذي الذين كان كانت لا لم لن ما مش مو ليس جدا كل بعد قبل
مع عند هو هي انا أنا انت أنت احنا نحن يا او أو لكن بس اللي الي ايش شو وش ليش ليه عشان علشان والله
""".split())
STOPWORDS = {fold(w) for w in STOPWORDS}


def words(text: str) -> set[str]:
    text = _URLISH.sub(" ", fold(text))
    return {w for w in _WORD.findall(text) if len(w) > 2 and w not in STOPWORDS}


def top_terms(recent: list[str], earlier: list[str], expected_share: float, n: int,
              exclude: set[str] = frozenset()) -> list[str]:
    """The `n` words most over-represented in `recent`; `expected_share` is how many of the
    `earlier` posts' uses one window would hold in normal times (window / baseline)."""
    now = Counter(w for text in recent for w in words(text))
    before = Counter(w for text in earlier for w in words(text))
    excluded = {fold(w) for term in exclude for w in term.split()}
    scores = {w: c - before[w] * expected_share for w, c in now.items() if c >= 2 and w not in excluded}
    ranked = sorted(scores, key=lambda w: (-scores[w], -now[w], w))
    return [w for w in ranked if scores[w] > 0][:n]
