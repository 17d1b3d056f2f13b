"""The two database roles of a deployment as SQL (ADR 0020, docs/OPERATIONS.md).

    python manage.py db_roles --owner samverkan_owner --app samverkan_app           # prints
    python manage.py db_roles --owner samverkan_owner --app samverkan_app --apply   # runs it

Printed, the SQL is for a database administrator to read and run with psql; with `--apply` it
runs in one transaction on DATABASE_URL's connection, which must then be a superuser's (or the
owner's with CREATEROLE, for roles that already exist). The access log's REVOKE covers only the
tables `migrate` has made: run the command again after every migrate. Idempotent."""

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection, transaction

from audit import dbroles
from audit.checks import powers_text


class Command(BaseCommand):
    help = (
        "Skriv ut (eller kör med --apply) SQL för ägarrollen, som kör migrate, och "
        "applikationens roll, som får läsa och skriva tabellerna men bara läsa och lägga till i "
        "åtkomstloggen. Kör igen efter varje migrate."
    )

    def add_arguments(self, parser):
        parser.add_argument("--owner", required=True, help="Ägarrollen (kör migrate).")
        parser.add_argument("--app", required=True, help="Applikationens roll (webb, Celery).")
        parser.add_argument(
            "--apply", action="store_true", help="Kör SQL:en i stället för att skriva ut den."
        )

    def handle(self, *args, owner, app, apply, **options):
        if owner == app:
            raise CommandError("Ägarrollen och applikationens roll måste vara två olika roller.")
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                statements = self._statements(cursor, owner=owner, app=app)
                if apply:
                    cursor.execute(dbroles._LOCK)
                    for statement in statements:
                        if not statement.startswith("--"):
                            cursor.execute(statement)
                    powers = dbroles.log_powers(cursor, app)
                    if powers:
                        raise CommandError(
                            f"Rollen {app!r} kan ändå ändra åtkomstloggen: "
                            + powers_text(powers)
                            + ". Inget ändrades."
                        )
        except DatabaseError as error:
            raise CommandError(
                f"Databasen vägrade: {str(error).strip()}. Inget ändrades. Kör som en "
                "superanvändare, eller skriv ut SQL:en utan --apply och låt databasens "
                "administratör köra den."
            ) from None
        if not apply:
            self.stdout.write("\n".join(self._printed(statements)))
            return
        self.stdout.write(
            f"Rollerna {owner!r} och {app!r} är på plats: {app!r} får läsa och skriva tabellerna "
            f"men bara läsa och lägga till i {dbroles.LOG_TABLE}."
        )

    def _statements(self, cursor, *, owner: str, app: str) -> list[str]:
        statements = dbroles.role_statements(cursor, owner=owner, app=app)
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [dbroles.LOG_TABLE])
        (log_exists,) = cursor.fetchone()
        if not log_exists:
            statements.append(
                "-- Åtkomstloggen finns inte ännu: kör migrate som ägarrollen och sedan "
                "kommandot igen, så att loggens REVOKE kommer med."
            )
        return statements + dbroles.app_role_statements(cursor, app, owner=owner)

    def _printed(self, statements: list[str]) -> list[str]:
        lines = [
            "-- Samverkans databasroller (ADR 0020). Kör som superanvändare i databasen, t.ex.",
            "-- psql -v ON_ERROR_STOP=1 -1 -f roller.sql; sätt sedan lösenord med \\password.",
            "-- Ägarrollen äger tabellerna och kan därmed stänga av åtkomstloggens triggrar:",
            "-- använd den bara för migrate; dess lösenord hålls hos driften, inte i appens miljö.",
        ]
        return lines + [s if s.startswith("--") else f"{s};" for s in statements]
