from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "demo"
    # No models, so the name shows nowhere in the product; plain text like exports' keeps it
    # out of the translation catalog.
    verbose_name = "Demodata"
