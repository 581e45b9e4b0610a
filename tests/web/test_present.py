"""What the alert page highlights: the words the explanation quotes, never fragments of its own notes."""
from monitor.config import load_settings
from monitor.web.present import highlight, matched_words

RULESET = load_settings("settings.yaml", check_examples=False).ruleset


def test_the_words_that_mattered_are_highlighted_whole_even_with_an_apostrophe():
    text = "@acme stuck at the gate for hours, bag lost, can't rebook"
    words = matched_words(RULESET.classify_text(text).explanation)
    assert {"stuck", "lost", "can't", "rebook"} <= set(words)
    assert all(w in text for w in words), words        # no fragment like "t rebook, VADER"
    shown = str(highlight(text, words, 600))
    assert "<mark>can&#39;t</mark>" in shown and "<mark>lost</mark>" in shown


def test_hostile_words_in_an_explanation_stay_escaped():
    words = matched_words([{"rule": "r", "held": "terms: '<script>x</script>'"}])
    assert words == ["<script>x</script>"]
    assert "<script>" not in str(highlight("see <script>x</script>", words, 600))
