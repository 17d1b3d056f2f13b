"""The forecast's backtest (reporting.metrics.forecast.backtest, docs/FORECAST.md): for each
start cohort of a span, the forecast made when its last participant reached a given day, beside
the outcome that followed; per cohort and summed up."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from reporting.metrics.forecast import GROUPS
from reporting.metrics.forecast_backtest import backtest, backtest_summary
from reporting.snapshots import areas_for_report, parse_month
from samverkan.dates import add_months

NAMES = {"K": "kvinnor", "M": "män", "all": "alla"}


class Command(BaseCommand):
    help = (
        "Prövar prognosen för dag 365 i efterhand: prognosen när kohortens sista deltagare nådde "
        "en viss dag, bredvid utfallet."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fran", required=True, help="Första startkohorten, ÅÅÅÅ-MM.")
        parser.add_argument("--till", required=True, help="Sista startkohorten, ÅÅÅÅ-MM.")
        parser.add_argument("--area", help="Ett område (kod); annars hela riket.")
        parser.add_argument(
            "--dag", type=int, default=180, help="Dagen prognosen görs (1–364, standard 180)."
        )

    def handle(self, *args, **options):
        try:
            first, last = parse_month(options["fran"]), parse_month(options["till"])
            areas = areas_for_report(options["area"]) if options.get("area") else None
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        if not 1 <= options["dag"] <= 364:
            raise CommandError("Dagen ska vara mellan 1 och 364.")
        if first > last or add_months(first, 60) <= last:
            raise CommandError("Ange högst 60 startkohorter, den första före den sista.")
        cohorts, month = [], first
        while month <= last:
            cohorts.append(month)
            month = add_months(month, 1)
        area_ids = [area.pk for area in areas] if areas else None
        points = backtest(area_ids=area_ids, cohorts=cohorts, at_day=options["dag"])
        self.stdout.write("kohort;grupp;mätta;prognos;lägst;högst;utfall")
        for p in points:
            values = [p["measured"], p["forecast"], p["low"], p["high"], p["outcome"]]
            shown = ["" if v is None else str(v).replace(".", ",") for v in values]
            self.stdout.write(";".join([p["cohort"], NAMES[p["group"]], *shown]))
        for group, s in backtest_summary(points).items():
            if group in GROUPS:
                self.stdout.write(
                    f"{NAMES[group]}: {s['cohorts']} kohorter med prognos, medelavvikelse "
                    f"{s['mean_error']} procentenheter, störst {s['largest_error']}, utfallet "
                    f"inom intervallet i {s['within']}"
                )
