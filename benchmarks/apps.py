from django.apps import AppConfig


class BenchmarksConfig(AppConfig):
    """Development-only benchmarks of the import, the pages and the downloads; production never installs it."""

    name = "benchmarks"
    verbose_name = "Benchmarks (development only)"
