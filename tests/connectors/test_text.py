"""Source markup to plain text, and plain text that only carries entities."""
from connectors.text import entity_text, html_to_text


def test_html_is_stripped_and_whitespace_tidied_with_or_without_markup():
    assert html_to_text("<p>late  <b>again</b></p><p>and\t\tagain</p>") == "late again\nand again"
    assert html_to_text("  late   again \n\n\n still   waiting  ") == "late again\nstill waiting"
    assert html_to_text("a\x00b") == "ab" and html_to_text(None) == ""


def test_entity_text_decodes_entities_and_keeps_what_looks_like_tags():
    assert entity_text(" Tom &amp; Jerry <3 a < b ") == "Tom & Jerry <3 a < b"
    assert entity_text(None) == ""
