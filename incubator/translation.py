"""Which reference records' texts carry a French version (django-modeltranslation).

Each field named here gets `<field>_en` and `<field>_fr` columns; the original column keeps the
English text (`opsi_portal.lib.record_languages.EnglishOriginal`). An empty French value is stored as NULL,
so the unique names stay unique among the records that have one. Each model's history model is
registered too, so the history keeps (and a revert restores) both languages.
"""

from modeltranslation.translator import TranslationOptions, translator

from .models import Organisation, Partnership, Programme, Toolkit


class RecordTranslation(TranslationOptions):
    # English is required wherever the field was; French is always optional.
    required_languages = ("en",)
    empty_values = None


def register_with_history(model, fields):
    """Translate `fields` of `model` and of its django-simple-history model."""
    options = type(f"{model.__name__}Translation", (RecordTranslation,), {"fields": fields})
    translator.register(model, options)
    history = model.history.model
    translator.register(history, type(f"{history.__name__}Translation", (TranslationOptions,), {"fields": fields}))


register_with_history(Organisation, ("name", "description"))
register_with_history(Programme, ("name", "summary", "description"))
register_with_history(Partnership, ("name", "purpose"))
register_with_history(Toolkit, ("name", "description"))
