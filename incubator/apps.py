from django.apps import AppConfig
from django.db.models.signals import pre_save


class IncubatorConfig(AppConfig):
    """Reference records: countries, organisations, programmes, toolkits and partnerships."""

    name = "incubator"
    verbose_name = "Incubator and reference records"

    def ready(self):
        from .signals import skip_history_of_loaded_rows

        pre_save.connect(skip_history_of_loaded_rows, dispatch_uid="skip_history_of_loaded_rows")
