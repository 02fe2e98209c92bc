from django.apps import AppConfig


class IncubatorConfig(AppConfig):
    """Reference records: countries, organisations, programmes, toolkits and partnerships."""

    name = "incubator"
    verbose_name = "Incubator and reference records"

    def ready(self):
        from opsi_portal.caching import connect_data_version

        connect_data_version(self)
