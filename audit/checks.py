"""The deployment check that the application's database role cannot change the access log
(SPEC §7, ADR 0020): `manage.py check --deploy` connects and asks PostgreSQL what the role may do.

Registered for `--deploy` only: `migrate` runs the ordinary checks as the owner, who may of course
change the log. It connects even when no `--database` is named, unlike Django's own database
checks: a deployment check that does not look would prove nothing."""

from __future__ import annotations

from django.core import checks
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

from audit import dbroles

HINT = (
    "Kör applikationen som en roll som varken äger tabellerna eller är superanvändare, och kör "
    "`manage.py grant_app_role ROLL` som ägarrollen efter varje migrate (README, Deploying)."
)

POWER_TEXT = {
    "superuser": "är superanvändare",
    "owner": "äger tabellen (kan ta bort den och stänga av dess triggrar)",
    "schema owner": "äger schemat (kan ta bort tabellen)",
    "UPDATE": "får ändra rader (UPDATE)",
    "DELETE": "får ta bort rader (DELETE)",
    "TRUNCATE": "får tömma tabellen (TRUNCATE)",
    "TRIGGER": "får lägga till triggrar på tabellen",
}


def powers_text(powers: list[str]) -> str:
    """What a role could still do to the access log, in words (dbroles.log_powers' names)."""
    return "; ".join(POWER_TEXT[power] for power in powers)


@checks.register(checks.Tags.security, deploy=True)
def access_log_role_check(app_configs=None, **kwargs):
    return access_log_role_messages(connections[DEFAULT_DB_ALIAS])


def access_log_role_messages(connection) -> list[checks.CheckMessage]:
    """What the connection's role could do to the access log, as check messages."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            (role,) = cursor.fetchone()
            powers = dbroles.log_powers(cursor)
    except DatabaseError as error:
        return [
            checks.Warning(
                "Kunde inte kontrollera att databasrollen inte kan ändra åtkomstloggen: "
                f"databasen svarar inte ({str(error).strip()}).",
                hint="Kör kontrollen där DATABASE_URL når databasen.",
                id="audit.W001",
            )
        ]
    if powers is None:
        return [
            checks.Warning(
                f"Åtkomstloggen ({dbroles.LOG_TABLE}) finns inte i databasen ännu, så det går "
                "inte att kontrollera vad databasrollen får göra med den.",
                hint="Kör migrate och grant_app_role som ägarrollen först.",
                id="audit.W002",
            )
        ]
    if not powers:
        return []
    return [
        checks.Error(
            f"Databasrollen {role!r} kan ändra åtkomstloggen ({dbroles.LOG_TABLE}): "
            + powers_text(powers)
            + ".",
            hint=HINT,
            id="audit.E001",
        )
    ]
