"""Which library texts carry a French version (django-modeltranslation): see incubator/translation.py."""

from incubator.translation import register_with_history

from .models import Practice, Theme

register_with_history(Practice, ("title", "summary"))
register_with_history(Theme, ("name", "description"))
