"""A record's text in the page's language, or its English text marked `lang="en"` and "not yet translated"."""

from django import template

from opsi_portal.lib.record_languages import Translated, translated_html
from opsi_portal.lib.record_languages import translated as translated_text

register = template.Library()


@register.simple_tag
def translated(record, field=None, words=None):
    """`record.field` as HTML: marked as English and labelled when the French version is missing.

    `record` may also be a `Translated` text already (no `field`), or plain text, shown as it is.
    `words` shortens the text to that many words, as the `truncatewords` filter does.
    """
    if field is None and not isinstance(record, Translated):
        return record
    text = record if field is None else translated_text(record, field)
    return translated_html(text, words)


@register.simple_tag
def translation(record, field):
    """The `Translated` text of `record.field`, for markup of a template's own (`as` a variable)."""
    return translated_text(record, field)
