from django.apps import AppConfig


class IncubatorConfig(AppConfig):
    """Reference records: countries, organisations, programmes, toolkits and partnerships."""

    name = "incubator"
    verbose_name = "Incubator and reference records"
