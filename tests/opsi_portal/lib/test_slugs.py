"""Free slugs with -2, -3... appended."""

from opsi_portal.lib.slugs import unique_slug


def test_a_taken_slug_gets_the_next_number_and_a_free_one_is_kept():
    taken = {"opsi"}
    assert unique_slug("OPSI", taken) == "opsi-2"
    assert unique_slug("Accelerate Estonia", taken) == "accelerate-estonia"
    assert unique_slug("OPSI", taken) == "opsi-3"  # what it hands out is taken from then on


def test_the_number_fits_within_the_length_and_empty_text_gets_the_fallback():
    taken = {"a" * 10}
    assert unique_slug("a" * 20, taken, max_length=10) == "a" * 8 + "-2"
    assert unique_slug("!!!", set(), fallback="practice") == "practice"
