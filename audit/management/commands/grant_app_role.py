"""Give the application's database role its privileges (ADR 0020, README "Deploying").

    DATABASE_URL=<the owner's URL> python manage.py migrate
    DATABASE_URL=<the owner's URL> python manage.py grant_app_role ROLE

Run as the owner after every `migrate`; idempotent. ROLE may read and write every table and use
every sequence, tables made by later migrations included, but on the access log only SELECT and
INSERT. Fails when ROLE could still change the log (a superuser, a member of the owner role)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from audit import dbroles
from audit.checks import powers_text


class Command(BaseCommand):
    help = (
        "Ge applikationens databasroll dess rättigheter: läsa och skriva alla tabeller, men "
        "bara läsa och lägga till i åtkomstloggen. Körs som ägarrollen efter varje migrate."
    )

    def add_arguments(self, parser):
        parser.add_argument("role", help="Applikationens databasroll.")

    def handle(self, *args, role, **options):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT current_user, to_regrole(%s) IS NOT NULL", [role])
            owner, exists = cursor.fetchone()
            if not exists:
                raise CommandError(f"Det finns ingen databasroll {role!r}.")
            if role == owner:
                raise CommandError(
                    f"{role!r} är rollen som kör kommandot. Kör det som ägarrollen och ange "
                    "applikationens roll."
                )
            dbroles.grant_app_role(cursor, role)
            powers = dbroles.log_powers(cursor, role)
        if powers:
            raise CommandError(
                f"Rollen {role!r} kan ändå ändra åtkomstloggen: " + powers_text(powers) + "."
            )
        self.stdout.write(
            f"{role!r} får läsa och skriva tabellerna men bara läsa och lägga till i "
            f"{dbroles.LOG_TABLE}."
        )
