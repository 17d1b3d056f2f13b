"""`python manage.py backup [--dir DIR]`: dump the database with its manifest, then rotate
(backups.services; docs/RELIABILITY.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from backups.pgtools import BackupError
from backups.services import backup_create


class Command(BaseCommand):
    help = (
        "Tar en säkerhetskopia av databasen (pg_dump, eget format) med manifest, och gallrar "
        "gamla kopior. Nycklarna (SECRET_KEY, EXPORT_PSEUDONYM_KEY) ingår inte."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dir",
            metavar="KATALOG",
            help="Katalogen för säkerhetskopior (standard: inställningen BACKUP_DIR).",
        )

    def handle(self, *args, **options):
        try:
            backup = backup_create(directory=Path(options["dir"]) if options["dir"] else None)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        manifest = backup.manifest
        self.stdout.write(
            _(
                "Säkerhetskopia %(file)s: %(size)s byte på %(seconds)s s, sha256 %(sha)s, "
                "tagen som %(role)s."
            )
            % {
                "file": backup.path,
                "size": manifest["size"],
                "seconds": manifest["dump_seconds"],
                "sha": manifest["sha256"],
                "role": manifest["dumped_as"],
            }
        )
