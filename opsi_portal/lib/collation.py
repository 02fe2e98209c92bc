"""Names compared and sorted without case or accents, in any of the portal's languages."""

import unicodedata


def folded(text):
    """Text without case or accents, so "cote" finds "Côte d'Ivoire" and "Égypte" sorts among the E."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def alphabetical_key(name):
    """A key that sorts names whatever their accents and case: "Égypte" among the E, "Åland" among the A."""
    return folded(name)
