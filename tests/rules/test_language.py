"""Language identification and normalisation, as tables of named cases (texts written for the tests)."""
from __future__ import annotations

import pytest

from rules.language import detect_language
from rules.normalize import fold

LANGUAGE_CASES = {
    "persian with persian letters": ("سفارشم هنوز نرسیده، چرا جواب نمی‌دید؟", "fa"),
    "persian typed with arabic yeh": ("اين گوشي خيلي خوبه", "fa"),
    "persian, no letter of its own": ("سرعت این مدل بالا است", "fa"),
    "arabic msa": ("لم يصل الطلب حتى الآن", "ar"),
    "arabic gulf": ("وين الطلب؟ من امس ننتظر", "ar"),
    "arabic egyptian": ("الاوردر لسه موصلش ليه كده", "ar"),
    "english": ("my parcel never arrived", "en"),
    "mixed: persian with an english brand": ("گوشی Samsung من خراب شده", "fa"),
    "mixed: arabic with an english word": ("خدمة الـ delivery سيئة جدا", "ar"),
    "finglish": ("salam, sefaresh man hanooz naresid chera?", "fa"),
    "arabizi": ("ya 3am el order mesh wasel leh", "ar"),
    "english with a link shortener": ("@acme look at this http://t.co/o3sA2dC2k u7o", "en"),
    "english with times and ordinals": ("@acme 2nd delay, was 7am now 5pm, 3hrs w/ no info", "en"),
    "english with an emoji variation selector": ("ok \u2764\ufe0f", "en"),
    "empty": ("", "und"),
}


@pytest.mark.parametrize("case", LANGUAGE_CASES, ids=list(LANGUAGE_CASES))
def test_language_is_identified(case):
    text, expected = LANGUAGE_CASES[case]
    assert detect_language(text) == expected


def test_a_hint_decides_only_when_the_text_cannot():
    assert detect_language("", "fa") == "fa"
    assert detect_language("my parcel never arrived", "fa") == "en", "the script wins over a wrong hint"


FOLD_CASES = {
    "arabic yeh and kaf become persian": ("كيك ي", "کیک ی"),
    "diacritics dropped": ("مُحَمَّد", "محمد"),
    "tatweel dropped": ("ســــلام", "سلام"),
    "zwnj becomes a space": ("می\u200cخواهم", "می خواهم"),
    "curly apostrophes become straight": ("Doesn’t work, can‘t log in", "doesn't work, can't log in"),
    "persian and arabic-indic digits": ("۱۲۳ ٤٥٦", "123 456"),
    "elongation shortened": ("sooooo baaaad!!!!", "soo baad!"),
    "case folded": ("ACME Air", "acme air"),
    "emoji kept": ("late again 😡", "late again 😡"),
}


@pytest.mark.parametrize("case", FOLD_CASES, ids=list(FOLD_CASES))
def test_normalisation_for_matching(case):
    text, expected = FOLD_CASES[case]
    assert fold(text) == expected


def test_arabic_script_that_names_neither_language_is_unsure():
    from rules.language import identify
    assert identify("كيفيتش افتضاحه") == ("ar", False)     # only the yeh and kaf both languages type
    assert identify("زفت") == ("ar", False)
    assert identify("الخدمه سيئه") == ("ar", True)          # the article says Arabic
    assert identify("خراب شد") == ("fa", True)              # a Persian word says Persian


def test_an_unsure_text_is_read_with_the_lexicon_that_understands_it():
    from rules.analyze import analyze
    persian = analyze("كيفيتش افتضاحه")        # Persian on an Arabic keyboard: "its quality is awful"
    assert persian.lang == "fa" and persian.sentiment.polarity < 0
    arabic = analyze("زفت")                    # as unsure, but the Arabic lexicon knows it: stays Arabic
    assert arabic.lang == "ar" and arabic.sentiment.polarity < 0
