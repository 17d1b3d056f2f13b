"""`python manage.py access_log_partitions [--ahead N]`: make the access log's monthly
partitions of this month and the N next (3 by default) where missing, and list them.

The daily task does the same (audit.tasks); this is for operations, e.g. right after the
conversion or when the scheduler has been stopped for months."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from audit.partitions import MONTHS_AHEAD, access_log_partitions, access_log_partitions_add


def _months(text: str) -> int:
    if not text.isdigit() or not 0 <= int(text) <= 24:
        raise CommandError(
            _("Ange antal månader som ett heltal mellan 0 och 24 (fick: %(text)s).")
            % {"text": text}
        )
    return int(text)


class Command(BaseCommand):
    help = (
        "Skapar åtkomstloggens månadspartitioner för innevarande och kommande månader och "
        "listar dem."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--ahead",
            metavar="N",
            default=str(MONTHS_AHEAD),
            help=f"Antal månader framåt (standard: {MONTHS_AHEAD}).",
        )

    def handle(self, *args, ahead, **options):
        made = access_log_partitions_add(months_ahead=_months(ahead))
        names = access_log_partitions()
        self.stdout.write(
            _("%(made)s nya partitioner; åtkomstloggen har %(count)s: %(first)s … %(last)s.")
            % {"made": made, "count": len(names), "first": names[0], "last": names[-1]}
        )
