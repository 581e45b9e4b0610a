"""VADER's lexicon as a second English reading (rules/valence.py) and how the English scorer uses it."""
from textblob.en import sentiment as pattern_sentiment
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from rules.analyze import analyze
from rules.valence import valence


def test_close_to_vaders_own_compound_score():
    # Boosters are read only right before a word (VADER looks three words back, damped), so the two
    # differ a little on boosted sentences; the sign and the size agree.
    vader = SentimentIntensityAnalyzer()
    for text in ["my flight was delayed and my bag is lost", "great service, thank you!",
                 "good food but terrible service", "not bad at all", "very bad :(", "no problem at all, thank you",
                 "no worries, the crew sorted it", "no help at all", "so slow and no refund", "the app is so bad"]:
        assert abs(valence(text) - vader.polarity_scores(text)["compound"]) < 0.1, text


def test_negation_and_contrast():
    assert valence("the crew was helpful") > 0 > valence("the crew was not helpful")
    # what follows "but" is what the writer means
    assert valence("nice seats but the wifi was awful") < 0 < valence("the wifi was awful but nice seats")


def test_a_link_is_not_a_frown():
    assert valence("see https://example.com/status") == 0.0
    assert valence("see this :/") < 0


def test_no_rated_word_reads_zero():
    assert valence("") == 0.0
    assert valence("flight 2231 from denver to chicago") == 0.0


def test_english_polarity_takes_the_more_negative_reading_and_says_so():
    text = "stuck at the gate, bag lost, flight cancelled"
    assert pattern_sentiment(text)[0] >= 0          # TextBlob alone hears nothing wrong here
    scores = analyze(text)
    assert scores.sentiment.polarity < -0.3
    assert any(e.startswith("VADER lexicon") for e in scores.sentiment.evidence)


def test_a_happy_text_keeps_its_blended_polarity():
    scores = analyze("thank you, the crew was lovely and the flight was smooth")
    assert scores.sentiment.polarity > 0.3
    assert not any(e.startswith("VADER") for e in scores.sentiment.evidence)


def test_a_text_vader_has_no_word_for_keeps_its_own_polarity():
    scores = analyze("the new seats are comfy and roomy")
    assert valence("the new seats are comfy and roomy") == 0.0
    assert scores.sentiment.polarity > 0, "VADER's silence (0) must not pull praise down"
    assert not any(e.startswith("VADER") for e in scores.sentiment.evidence)


def test_when_vader_decides_the_explanation_names_its_words():
    [note] = [e for e in analyze("stuck at the gate, bag lost, flight cancelled").sentiment.evidence
              if e.startswith("VADER")]
    assert "'stuck'" in note and "'lost'" in note
