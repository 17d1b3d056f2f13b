"""Synthetic people never go into a production database: the demo loader and the dataset
generator ask first (the production settings say SYNTHETIC_DATA_ALLOWED = False)."""

from django.conf import settings
from django.core.management.base import CommandError


def refuse_in_production() -> None:
    if not getattr(settings, "SYNTHETIC_DATA_ALLOWED", True):
        raise CommandError(
            "Syntetiska personer skrivs aldrig in i en produktionsdatabas: kommandot körs inte "
            "med produktionsinställningarna. Inget ändrades."
        )
