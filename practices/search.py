"""Free-text search over practices, behind one interface for every database.

`search(queryset, text)` narrows and orders a queryset of practices by a user's words.
This first version is plain matching; the search issue replaces it with ranked full-text search
on PostgreSQL and keeps this interface.
"""

from django.db.models import Q


def search(queryset, text):
    """Practices whose title, summary or text contain every word of `text`."""
    for word in text.split():
        queryset = queryset.filter(
            Q(title__icontains=word) | Q(summary__icontains=word) | Q(body_markdown__icontains=word)
        )
    return queryset
