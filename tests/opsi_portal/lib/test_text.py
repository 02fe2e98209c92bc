from opsi_portal.lib.text import normalise_text, same_text


def test_a_textarea_round_trip_normalises_to_the_original():
    original = "Line one  \nLine\u00a0two\n\n## Heading\n"
    sent_back = original.replace("\n", "\r\n").strip()  # what a browser and Django's form return
    assert normalise_text(sent_back) == normalise_text(original) == original.strip()
    assert "  \n" in normalise_text(sent_back), "a Markdown line break (two spaces) is kept"


def test_lone_carriage_returns_become_line_feeds():
    assert normalise_text("a\rb") == "a\nb"


def test_same_text_compares_texts_normalised_and_other_values_as_they_are():
    assert same_text("a\r\nb\n", "a\nb")
    assert not same_text("a b", "a  b")
    assert same_text(None, None) and not same_text("", None)
