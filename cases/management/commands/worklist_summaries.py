"""`python manage.py worklist_summaries`: today's worklist summary of every case the worklist
can show, written anew from the flags' declarations (cases.worklist_state.refresh_all), as the
nightly pass writes it. For repair, after data written around the services (a restore, SQL by
hand); safe to run at any time and as often as needed."""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext as _

from cases import worklist_state


class Command(BaseCommand):
    help = _(
        "Skriver om arbetslistans sammanfattning (närmaste tidsgräns, försenat, flaggor) för "
        "varje ärende som arbetslistan kan visa, från reglerna. Kan köras när som helst."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            counts = worklist_state.refresh_all()
        self.stdout.write(
            _("%(written)s ärenden skrivna, %(dropped)s gamla sammanfattningar borttagna.") % counts
        )
