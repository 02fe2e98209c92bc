from django.apps import AppConfig


class PracticesConfig(AppConfig):
    """The library: practices imported from notes, their themes, videos and mentions."""

    name = "practices"
    verbose_name = "Practices library"

    def ready(self):
        from . import signals  # connects the search-vector receivers on import

        signals.connect_data_version()
