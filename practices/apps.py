from django.apps import AppConfig


class PracticesConfig(AppConfig):
    """The library: practices imported from notes, their themes, videos and mentions."""

    name = "practices"
    verbose_name = "Practices library"

    def ready(self):
        from opsi_portal.caching import connect_data_version

        from . import signals  # noqa: F401  (connects the search-vector receivers on import)

        connect_data_version(self)
