from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The project itself: settings, URLs, caching and the receivers that tie the apps together."""

    name = "opsi_portal"
    verbose_name = "OPSI practices portal"

    def ready(self):
        from . import signals

        signals.connect()
