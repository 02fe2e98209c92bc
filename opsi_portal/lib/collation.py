"""Alphabetical order for names in any of the portal's languages."""

import unicodedata


def alphabetical_key(name):
    """A key that sorts names whatever their accents and case: "Égypte" among the E, "Åland" among the A."""
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()
