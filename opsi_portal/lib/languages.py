"""The portal's two languages in addresses: English at the old addresses, French under /fr/."""

from functools import cache

from django.conf import settings
from django.utils import translation


def path_without_language(path):
    """`path` without its language prefix: "/fr/themes/" and "/themes/" both give "/themes/"."""
    language = translation.get_language_from_path(path)
    if language and path.startswith(f"/{language}/"):
        return path[len(language) + 1 :]
    return path


def path_in(path, language):
    """The same page in `language`: the default language has no prefix, the others have theirs."""
    bare = path_without_language(path)
    if language == settings.LANGUAGE_CODE:
        return bare
    return f"/{language}{bare}"


@cache
def language_name(code):
    """The language's own name in itself ("Français" on an English page too), as a switch shows it.

    Kept once known: switching the active language to read it cost every page a millisecond or two.
    """
    with translation.override(code):
        return str(dict(settings.LANGUAGES)[code])
