"""Language identification: Persian, Arabic or English, from letters and the commonest words.

Letters alone are not enough: Persian written on Arabic keyboards uses ي and ك, and short texts may
carry no پ چ ژ گ at all. So each language also gets points for its function words, which are
frequent, short and rarely shared (Persian است، این، را، می‌… ; Arabic ال…، في، على، الذي …).
Persian or Arabic in Latin letters (Finglish, Arabizi) is recognised by its common words and, for
Arabizi, by digits used as letters (3, 7, 2).
"""
from __future__ import annotations

import re

_PERSIAN_LETTERS = set("پچژگ")
_PERSIAN_FORMS = set("\u06cc\u06a9")   # Persian yeh and keheh: Arabic text never uses them
_ARABIC_LETTERS = set("ةىإأؤئء")
_ARABIC_FORMS = set("\u064a\u0643")    # Arabic yeh and kaf: weak, Persian typed on Arabic keyboards has them
# Arabic letters, and the presentation forms (FB50–FDFF, FE70–FEFC) some keyboards and PDFs produce.
# Not FE00–FE6F: the emoji variation selector U+FE0F lives there, and "❤️" is not Arabic.
_ARABIC_SCRIPT = re.compile("[\u0600-\u06FF\uFB50-\uFDFF\uFE70-\uFEFC]")
_LATIN = re.compile("[a-zA-Z]")
_PERSIAN_LETTER_RE = re.compile(f"[{''.join(sorted(_PERSIAN_LETTERS))}]")
_PERSIAN_FORM_RE = re.compile(f"[{''.join(sorted(_PERSIAN_FORMS))}]")
_ARABIC_LETTER_RE = re.compile(f"[{''.join(sorted(_ARABIC_LETTERS))}]")
_ARABIC_FORM_RE = re.compile(f"[{''.join(sorted(_ARABIC_FORMS))}]")
_WORD = re.compile(r"[\w\u200c]+")

_FA_WORDS = set("""
است نیست هست این آن را از به با که برای هم یک می نمی خیلی داره نداره دارم ندارم بود نبود شد نشد
میشه نمیشه کنید کردم کنم کرد کرده هستم هستید چرا چی چه اصلا واقعا دیگه هنوز الان ولی اما تا رو مرسی
ممنون سلام لطفا بدید نمیدن میدن باید نباید خرید سفارش پشتیبانی گوشی کیفیت خوب بد عالی
همه چون اگه اگر وقتی خودم خودش شده نشده میکنه نمیکنه بشه نشه کنه بده نه آره ازش بهش باهاش اینو اونو اون
اینجا اونجا همین چیزی هیچ کسی دارد ندارد میکند نمیکند میشود نمیشود
""".split())
# Only words Persian does not use as often: و، من، یا، او، ما، کل، بعد، قبل are everyday Persian too.
_AR_WORDS = set("""
في على إلى الى عن هذا هذه ذلك التي الذي الذين كان كانت لا لم لن مش مو ليس جدا جداً
مع هو هي انا أنا انت أنت احنا نحن أو لكن بس اللي الي ايش شو وش ليش ليه عشان علشان والله
""".split())
# Persian words that start with ال like Arabic's article does.
_FA_AL_WORDS = {"البته", "الان", "الکی", "الکترونیک", "الکترونیکی", "الگو", "الهام", "الماس", "الو"}
_FINGLISH = set("""
kheili khaili kheyli kharab bad nist hast mishe nemishe chera salam mamnoon merci lotfan sefaresh
poshtibani hanuz hanooz dige vali chi chera kardam nakardam residam naresid ghat kharid pool
""".split())
_ARABIZI = set("""
w ya el al fi mesh msh mish wallah walla inshallah 3ala 3an ma7ad kteer ktir awi gedan shokran
mafi mafeesh leh lesh eih
""".split())
# 3, 7, 2 and 5 standing for letters (3ala, ma7ad, a5eran), but not an English time, ordinal or unit
# (7am, 2nd, 3hrs, 5k): flight tweets are full of those.
_ARABIZI_DIGITS = re.compile(r"[a-z][2375][a-z]|\b[2375](?!(?:st|nd|rd|th|am|pm|h|hr|hrs|hour|hours|min|mins|"
                             r"minutes|k|m|x|s|d|gb|mb|g|pcs?|days?|wks?|weeks?|yrs?|years?)\b)[a-z]")
# English's commonest short words: a Latin text full of them is English whatever else it contains
# ("w/", "al", "ya" and "el" are Arabizi too).
_ENGLISH = set("""
the to and of a in is it you i my for on that this with was be at not have are me your do can but
just so no what get they we from an will how why when all if now been has had our still please
""".split())


def detect_language(text: str, hint: str | None = None) -> str:
    """Return 'fa', 'ar', 'en' or 'und'. A source's hint is used where the text itself cannot tell."""
    return identify(text, hint)[0]


def identify(text: str, hint: str | None = None) -> tuple[str, bool]:
    """The language and whether the text itself said so. Unsure means Arabic script with nothing but
    the yeh and kaf both languages type (a short Persian line on an Arabic keyboard looks like that;
    it is then called Arabic), or no letters at all."""
    if text.isascii():                       # most English posts: no need to look at every letter
        lower = text.lower()
        return (_latin(lower, hint), True) if any("a" <= c <= "z" for c in lower) else (hint or "und", False)
    # Counted by the regex engine, not a Python loop over every character: reviews run long.
    arabic_script = len(_ARABIC_SCRIPT.findall(text))
    latin = len(_LATIN.findall(text))
    fa = 3 * len(_PERSIAN_LETTER_RE.findall(text)) + len(_PERSIAN_FORM_RE.findall(text))
    ar = len(_ARABIC_LETTER_RE.findall(text)) + 0.3 * len(_ARABIC_FORM_RE.findall(text))
    if arabic_script and arabic_script * 2 >= latin:
        return _fa_or_ar(text, fa, ar, hint)
    if latin:
        return _latin(text.lower(), hint), True
    return hint or "und", False


def _fa_or_ar(text: str, fa: float, ar: float, hint: str | None) -> tuple[str, bool]:
    weak = ar       # so far only letters: Arabic's own (ة ى أ ...) count 1, the shared yeh/kaf 0.3
    for word in _WORD.findall(text.replace("ي", "ی").replace("ك", "ک")):
        if word in _FA_WORDS or word.startswith(("می\u200c", "نمی")):
            fa += 2
        arabic_form = word.replace("ی", "ي").replace("ک", "ك")
        if arabic_form in _AR_WORDS or (arabic_form.startswith("ال") and len(arabic_form) > 3
                                        and word not in _FA_AL_WORDS):
            ar += 2
    if fa == ar and hint in ("fa", "ar"):
        return hint, True
    sure = fa > 0 or ar - weak > 0 or _ARABIC_LETTER_RE.search(text) is not None
    return ("fa" if fa > ar else "ar"), sure


_LINKS_AND_HANDLES = re.compile(r"https?://\S+|www\.\S+|[@#]\w+")


def _latin(lower: str, hint: str | None) -> str:
    english = hint if hint and hint not in ("fa", "ar") else "en"
    if _LOOKS_LATIN_PERSIAN_OR_ARABIC.search(lower) is None:
        return english          # most Latin texts: not one Finglish or Arabizi word, decided in one scan
    # Link shorteners and handles are random letters and digits ("t.co/o3sa2dc"), not Arabizi.
    lower = _LINKS_AND_HANDLES.sub(" ", lower)
    words = _WORD.findall(lower)
    if not words:
        return english
    finglish = sum(w in _FINGLISH for w in words)
    arabizi = sum(w in _ARABIZI for w in words) + len(_ARABIZI_DIGITS.findall(lower))
    threshold = max(2, len(words) // 5, sum(w in _ENGLISH for w in words))
    if finglish >= threshold and finglish > arabizi:
        return "fa"
    if arabizi >= threshold:
        return "ar"
    return english


_LOOKS_LATIN_PERSIAN_OR_ARABIC = re.compile(
    r"(?<!\w)(?:" + "|".join(sorted(_FINGLISH | _ARABIZI, key=len, reverse=True)) + r")(?!\w)|"
    + _ARABIZI_DIGITS.pattern)
