from django.apps import AppConfig


class PracticesConfig(AppConfig):
    """The library: practices imported from notes, their themes, videos and mentions."""

    name = "practices"
    verbose_name = "Practices library"

    def ready(self):
        from opsi_portal.caching import connect_data_version

        from . import signals  # noqa: F401  (connects the search-vector receivers on import)
        from .search import checks  # noqa: F401  (registers the FTS5 start-up check)

        connect_data_version(self)
