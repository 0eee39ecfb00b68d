from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The presentation layer (STYLE rule 16): how the domain reads on pages, charts, PDFs and
    exports. It sits above the domain apps and imports them; none of them imports it except
    to write a figure (apps.portal.formatting)."""

    name = "apps.portal"
    label = "portal"
