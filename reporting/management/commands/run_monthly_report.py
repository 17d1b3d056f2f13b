"""Run the monthly follow-up synchronously: the same service the Celery job calls."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from reporting.snapshots import areas_for_report, areas_month_run, month_groups, parse_month


class Command(BaseCommand):
    help = "Sammanställer en avslutad månads siffror per område och för riket (samma som jobbet)."

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="Månaden, ÅÅÅÅ-MM.")
        parser.add_argument(
            "--area", help="Bara detta område (kod); annars alla aktiva områden och riket."
        )

    def handle(self, *args, **options):
        try:
            month = parse_month(options["month"])
            areas = areas_for_report(options.get("area"))
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        # Split as the Celery job splits it (reporting.snapshots.month_groups); one area asked
        # for: that area alone.
        if options.get("area"):
            groups = [(areas, False)]
        else:
            groups = month_groups(areas, settings.MONTHLY_AREAS_PER_TASK)
        written = deviations = 0
        total = len(areas) + (0 if options.get("area") else 1)
        with tqdm(
            total=total, desc=f"{month:%Y-%m}", unit="område", file=self.stderr._out, disable=None
        ) as bar:
            for group, nation in groups:
                try:
                    results = areas_month_run(areas=group, month=month, nation=nation)
                except ValidationError as exc:
                    raise CommandError(" ".join(exc.messages)) from None
                targets = [*group, *([None] if nation else [])]
                for area, (snapshot, created, opened) in zip(targets, results, strict=True):
                    written += created
                    deviations += len(opened)
                    where = area.code if area else "riket"
                    state = "ny version" if created else "oförändrad"
                    bar.set_postfix_str(f"{where}: v{snapshot.version} ({state})")
                    bar.update(1)
        self.stdout.write(
            self.style.SUCCESS(
                f"{month:%Y-%m}: {total} sammanställningar, "
                f"{written} nya versioner, {deviations} nya avvikelserapporter."
            )
        )
