"""Run the monthly follow-up synchronously: the same service the Celery job calls."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from reporting.snapshots import area_month_run, areas_for_report, parse_month


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
        targets = list(areas) + ([] if options.get("area") else [None])
        written = deviations = 0
        with tqdm(
            total=len(targets),
            desc=f"{month:%Y-%m}",
            unit="område",
            file=self.stderr._out,
            disable=None,
        ) as bar:
            for area in targets:
                try:
                    snapshot, created, opened = area_month_run(area=area, month=month)
                except ValidationError as exc:
                    raise CommandError(" ".join(exc.messages)) from None
                written += created
                deviations += len(opened)
                where = area.code if area else "riket"
                state = "ny version" if created else "oförändrad"
                bar.set_postfix_str(f"{where}: v{snapshot.version} ({state})")
                bar.update(1)
        self.stdout.write(
            self.style.SUCCESS(
                f"{month:%Y-%m}: {len(targets)} sammanställningar, {written} nya versioner, "
                f"{deviations} nya avvikelserapporter."
            )
        )
