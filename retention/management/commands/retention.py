"""`python manage.py retention --dry-run | --apply [--today YYYY-MM-DD] [--years N]`.

The dry run lists who would go, by internal id only, with the rule and the date behind it, and
the rows per table; the apply purges with a progress bar and prints what went (counts only)."""

import datetime as dt
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from retention.selection import AFTER_CLOSE, NoRuleInForce
from retention.services import JOB_NAME, retention_apply, retention_plan
from samverkan.services import AccessContext


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(
            _("Ange dagen som ÅÅÅÅ-MM-DD, till exempel 2026-04-30 (fick: %(text)s).")
            % {"text": text}
        ) from None


def _years(text: str) -> int:
    if not text.isdigit() or not 0 <= int(text) <= 100:
        raise CommandError(
            _("Ange antal år som ett heltal mellan 0 och 100 (fick: %(text)s).") % {"text": text}
        )
    return int(text)


RULE_NAMES = {
    AFTER_CLOSE: "avslutat ärende",
    "without_case": "utan ärende",
}


class Command(BaseCommand):
    help = (
        "Gallrar personuppgifter enligt gallringsregeln. --dry-run visar vilka som skulle "
        "gallras och varför, utan att ändra något; --apply gallrar."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Visa vad som skulle gallras (anonymt: internt id, regel, skäl). Ändrar inget.",
        )
        parser.add_argument("--apply", action="store_true", help="Gallra.")
        parser.add_argument(
            "--today",
            metavar="ÅÅÅÅ-MM-DD",
            help="Räkna som om det vore den här dagen (standard: i dag).",
        )
        parser.add_argument(
            "--years",
            metavar="N",
            help=(
                "Använd N år för båda tidsgränserna i den här körningen i stället för "
                "regelns värden."
            ),
        )

    def handle(self, *args, **options):
        if options["dry_run"] == options["apply"]:
            raise CommandError(
                _(
                    "Ange antingen --dry-run (visa vad som skulle gallras) eller --apply "
                    "(gallra), inte båda och inte ingen av dem."
                )
            )
        today = _day(options["today"]) if options["today"] else None
        years = _years(options["years"]) if options["years"] is not None else None
        try:
            if options["dry_run"]:
                self._dry_run(today=today, years=years)
            else:
                self._apply(today=today, years=years)
        except NoRuleInForce as exc:
            raise CommandError(str(exc)) from None

    def _describe(self, day, periods):
        self.stdout.write(
            _(
                "Gallringsdag %(day)s, regel från %(rule)s: %(close)s år efter sista "
                "avslutade ärendet, %(idle)s år utan aktivitet för deltagare utan ärende."
            )
            % {
                "day": f"{day:%Y-%m-%d}",
                "rule": f"{periods.rule.valid_from:%Y-%m-%d}",
                "close": periods.years_after_close,
                "idle": periods.years_without_activity,
            }
        )

    def _counts(self, counts: dict):
        shown = {table: rows for table, rows in counts.items() if rows}
        if not shown:
            self.stdout.write("  " + _("(inga)"))
        for table, rows in sorted(shown.items()):
            self.stdout.write(f"  {table}: {rows}")

    def _dry_run(self, *, today, years):
        plan = retention_plan(today=today, years=years)
        self._describe(plan.day, plan.periods)
        for candidate in plan.candidates:
            self.stdout.write(
                _("deltagare %(id)s: %(rule)s, %(reason)s")
                % {
                    "id": candidate.person_id,
                    "rule": RULE_NAMES[candidate.rule],
                    "reason": candidate.reason,
                }
            )
        self.stdout.write(
            _(
                "Skulle gallras: %(total)s deltagare (%(after)s med avslutade ärenden, "
                "%(none)s utan ärende). Rader som skulle ändras eller tas bort per tabell:"
            )
            % {"total": len(plan.candidates), "after": plan.after_close, "none": plan.without_case}
        )
        self._counts(plan.counts)
        self.stdout.write(
            _("Exportfiler som skulle tas bort: %(files)s.") % {"files": plan.export_files}
        )
        self.stdout.write(_("Provkörning: ingenting har ändrats."))

    def _apply(self, *, today, years):
        bar = None

        def start(total):
            nonlocal bar
            bar = tqdm(total=total, unit=" deltagare", desc=_("Gallrar"), file=sys.stderr)

        def progress(done):
            bar.update(done)

        try:
            run = retention_apply(
                context=AccessContext.system(JOB_NAME),
                today=today,
                years=years,
                on_start=start,
                on_progress=progress,
            )
        except NoRuleInForce:
            raise
        except Exception as exc:
            raise CommandError(
                _(
                    "Gallringen avbröts av ett fel: %(error)s. Det som redan gallrats är "
                    "fullständigt gallrat; resten är orört. Kör kommandot igen."
                )
                % {"error": type(exc).__name__}
            ) from exc
        finally:
            if bar is not None:
                bar.close()
        self._describe(run.day, run)
        self.stdout.write(
            _(
                "Gallrade: %(total)s deltagare (%(after)s med avslutade ärenden, %(none)s utan "
                "ärende); %(files)s exportfiler borttagna. Rader per tabell:"
            )
            % {
                "total": run.persons,
                "after": run.persons_after_close,
                "none": run.persons_without_case,
                "files": run.export_files_removed,
            }
        )
        self._counts(run.counts)
