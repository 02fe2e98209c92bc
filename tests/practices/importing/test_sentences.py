"""A note as prose: its summary and its timed sentences."""

from practices.importing.sentences import sentences_of, summary_of


def test_summary_is_the_first_paragraph_without_markup():
    body = (
        "## Heading\n\n[[a_b | Public sector innovation]] is **key** [00:00:05]. "
        "It <em>spreads</em> [00:01:08].\n\nMore.\n"
    )
    assert summary_of(body) == "Public sector innovation is key. It spreads."


def test_summary_is_cut_at_a_word():
    summary = summary_of("word " * 200)
    assert len(summary) <= 301
    assert summary.endswith("word…")


def test_sentences_carry_their_nearest_timestamp():
    body = "## Title\n\nFirst sentence. Second one [00:00:26]. Third [00:00:30].\n\nLater with none.\n"
    sentences = sentences_of(body)
    assert [(s.text, s.seconds, s.heading) for s in sentences] == [
        ("Title", 26, True),
        ("First sentence.", 26, False),
        ("Second one.", 26, False),
        ("Third.", 30, False),
        ("Later with none.", 30, False),
    ]


def test_sentences_lose_the_commas_between_removed_timestamps():
    body = "Denmark took part [00:00:26], [00:00:28]. Next [00:00:30], [00:00:31], then more [00:00:32].\n"
    assert [s.text for s in sentences_of(body)] == ["Denmark took part.", "Next, then more."]
