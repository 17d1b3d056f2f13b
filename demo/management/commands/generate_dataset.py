"""A national-scale dataset for measuring (demo.national): areas, staff, participants over ten
years with everything around their cases, the change history and the access log, written with
COPY in one transaction into an empty database."""

import argparse
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cases import worklist_state
from demo.guard import refuse_in_production
from demo.national import DatasetRefused, generate


def whole_number(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} är inget heltal") from None


class Command(BaseCommand):
    help = (
        "Genererar en datamängd i nationell skala (syntetiska personer) i en tom databas: "
        "områden, personal, deltagare under tio år med ärenden, statusposter, samtycken, "
        "kartläggningar, möten, insatser, arbetsplaner, ändringshistorik och åtkomstlogg."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--participants", type=whole_number, required=True, help="Antal deltagare."
        )
        parser.add_argument(
            "--areas", type=whole_number, default=60, help="Antal samverkansområden (60)."
        )
        parser.add_argument(
            "--log-rows",
            type=whole_number,
            default=None,
            help="Antal poster i åtkomstloggen (sex per deltagare).",
        )
        parser.add_argument(
            "--seed", type=whole_number, default=1, help="Frö: samma frö ger samma data (1)."
        )
        parser.add_argument(
            "--password",
            default=None,
            help="Lösenord för alla genererade användare (annars DEMO_PASSWORD eller standard).",
        )

    def handle(self, *args, **options):
        refuse_in_production()
        began = time.monotonic()
        try:
            counts = generate(
                options["participants"],
                areas=options["areas"],
                log_rows=options["log_rows"],
                seed=options["seed"],
                progress=options["verbosity"] > 0,
                password=options["password"],
            )
        except DatasetRefused as exc:
            raise CommandError(str(exc)) from None
        # written with COPY, around the services: today's worklist summaries (cases.worklist_state)
        with transaction.atomic():
            worklist_state.refresh_all()
        seconds = time.monotonic() - began
        total = sum(counts.values())
        for table, n in counts.items():
            self.stdout.write(f"  {table}: {n}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Klart: {total} rader på {seconds:.1f} s ({total / max(seconds, 1e-9):.0f} "
                "rader/s)."
            )
        )
        self.stdout.write(
            "Användarna (t.ex. fk1.nat001, af1.nat001, samordnare.nat001) har lösenordet i "
            "--password, DEMO_PASSWORD eller standardlösenordet i demo.national."
        )
