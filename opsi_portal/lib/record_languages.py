"""Records in English and French: which language a shown text is in, and English originals.

django-modeltranslation gives each translated field `_en` and `_fr` columns and makes the plain
attribute (`practice.title`) read the active language, falling back to English. Templates need to
know when that fallback happened, to mark the text `lang="en"` and say it is not yet translated.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce, NullIf
from django.template.defaultfilters import truncatewords
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext
from modeltranslation.manager import MultilingualQuerySet
from modeltranslation.translator import translator
from modeltranslation.utils import build_localized_fieldname, get_language


@dataclass(frozen=True)
class Translated:
    """A record's text as shown: the value, the language it is in, and whether it stands in for a missing one."""

    value: str
    language: str
    fallback: bool

    def __str__(self):
        return self.value


def translated(record, field):
    """The record's `field` in the active language, or its English text marked as a fallback."""
    active = get_language()
    value = getattr(record, build_localized_fieldname(field, active), None)
    if value:
        return Translated(value, active, fallback=False)
    english = settings.MODELTRANSLATION_DEFAULT_LANGUAGE
    value = getattr(record, build_localized_fieldname(field, english), None) or ""
    return Translated(value, english, fallback=bool(value) and active != english)


def translated_html(text, words=None):
    """A `Translated` text as HTML: marked as English and labelled when it stands in for French.

    `words` shortens the text to that many words, as the `truncatewords` filter does.
    """
    value = truncatewords(text.value, words) if words else text.value
    if not text.fallback:
        return value
    return format_html(
        '<span lang="{}">{}</span> <span class="untranslated">({})</span>',
        text.language,
        value,
        gettext("not yet translated"),
    )


def lacks_french(model):
    """A condition for the records of `model` with an English text whose French version is empty."""
    condition = Q()
    for field in translator.get_options_for_model(model).fields:
        english, french = build_localized_fieldname(field, "en"), build_localized_fieldname(field, "fr")
        has_english = ~Q(**{f"{english}__isnull": True}) & ~Q(**{english: ""})
        no_french = Q(**{f"{french}__isnull": True}) | Q(**{french: ""})
        condition |= has_english & no_french
    return condition


class EnglishOriginal(models.Model):
    """Keeps a translated model's original columns (`title`, `name`) in English, whoever saves it.

    modeltranslation writes the original column from the active language; raw SQL, taggit's unique
    tag names and the import snapshot read it, so it is always written with English active.
    """

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.fill_english_texts()
        with translation.override(settings.MODELTRANSLATION_DEFAULT_LANGUAGE):
            super().save(*args, **kwargs)

    def fill_english_texts(self):
        """Empty English texts where there are none yet; a bulk insert, which skips `save`, calls it too."""
        english = settings.MODELTRANSLATION_DEFAULT_LANGUAGE
        for field in translator.get_options_for_model(type(self)).fields:
            # A record made with French active has no English text yet: empty, not NULL, as the
            # original column, so orders and keyset pages by it never meet a NULL.
            name = build_localized_fieldname(field, english)
            if getattr(self, name) is None and not self._meta.get_field(field).null:
                setattr(self, name, "")


def shown_order(model, term):
    """An order term of `model` on a translated field, as pages show it: the active language's text, else English.

    modeltranslation would order by the French column alone, where records not yet translated are
    NULL (first on SQLite, last on PostgreSQL); other terms are left as they are.
    """
    english = settings.MODELTRANSLATION_DEFAULT_LANGUAGE
    active = get_language()
    if not isinstance(term, str) or active == english:
        return term
    name = term.lstrip("-")
    if name not in translator.get_options_for_model(model).fields:
        return term
    localized = build_localized_fieldname(name, active)
    english_text = F(build_localized_fieldname(name, english))
    shown = Coalesce(NullIf(F(localized), Value("")), english_text, output_field=models.TextField())
    return shown.desc() if term.startswith("-") else shown.asc()


class TranslatedQuerySet(MultilingualQuerySet):
    """Records of a translated model, ordered by their texts as the active language shows them."""

    def _post_init(self):
        default_ordering = self.model and self.query.default_ordering and not self.query.order_by
        super()._post_init()
        if default_ordering and self.model._meta.ordering:
            self.query.clear_ordering(force=True)
            self.query.add_ordering(*(shown_order(self.model, term) for term in self.model._meta.ordering))

    def order_by(self, *terms):
        return super().order_by(*(shown_order(self.model, term) for term in terms))
