from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The top of the house: the pieces that join every app (URLs, start pages, menu, demo)."""

    name = "portal"
    verbose_name = "Bindeled"
