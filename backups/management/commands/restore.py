"""`python manage.py restore --file F [--database NAME] [--overwrite]`: restore a dump into an
empty (or new) database as the owner role, after checking its sha256 (backups.restore)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from backups.pgtools import BackupError
from backups.restore import backup_restore


class Command(BaseCommand):
    help = (
        "Återställer en säkerhetskopia till en tom eller ny databas (som ägarrollen) och ger "
        "applikationsrollen dess rättigheter igen. En databas som inte är tom skrivs bara över "
        "med --overwrite."
    )

    def add_arguments(self, parser):
        parser.add_argument("--file", required=True, metavar="FIL", help="Dumpfilen (.dump).")
        parser.add_argument(
            "--database",
            metavar="NAMN",
            help="Databasen att återställa till (standard: den konfigurerade).",
        )
        parser.add_argument(
            "--overwrite",
            action="store_true",
            help="Ersätt databasen även om den inte är tom (först när återställningen lyckats).",
        )

    def handle(self, *args, **options):
        try:
            restored = backup_restore(
                path=Path(options["file"]),
                database=options["database"],
                overwrite=options["overwrite"],
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            _(
                "Återställt %(file)s till databasen %(name)s på %(seconds)s s; "
                "applikationsrollen %(role)s har sina rättigheter och åtkomstloggen sitt skydd. "
                "Kör `migrate` om koden är nyare än kopian. SECRET_KEY och "
                "EXPORT_PSEUDONYM_KEY återställs för sig (docs/RELIABILITY.md)."
            )
            % {
                "file": Path(options["file"]).name,
                "name": restored.database,
                "role": restored.app_role,
                "seconds": restored.seconds,
            }
        )
