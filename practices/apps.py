from django.apps import AppConfig


class PracticesConfig(AppConfig):
    """The library: practices imported from notes, their themes, videos and mentions."""

    name = "practices"
    verbose_name = "Practices library"

    def ready(self):
        from . import signals  # connects the search-vector receivers on import
        from .search import checks  # noqa: F401  (registers the FTS5 start-up check)

        signals.connect_data_version()
