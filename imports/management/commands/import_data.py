"""`python manage.py import_data KIND FILE`: the imports of SPEC §6 from the command line.

The same code as the upload page and the API (imports.services.import_file). Exit code 0 when
the file was applied, 1 when it was rejected (the rejected rows are printed on stderr, nothing
is written)."""

import getpass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from accounts.models import Area
from imports.kinds import KINDS
from imports.results import ImportRejected, rejection_lines
from imports.services import import_file
from samverkan.services import AccessContext


class Command(BaseCommand):
    help = _(
        "Importerar en semikolonseparerad UTF-8-fil av typen persons, cases, status eller "
        "mappings (formaten: README, avsnittet Import). Allt eller inget."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=KINDS, help=_("filtyp"))
        parser.add_argument("file", help=_("sökväg till filen"))
        parser.add_argument(
            "--area",
            help=_("koden för samverkansområdet som personerna registreras i (filtypen persons)"),
        )
        parser.add_argument(
            "--user",
            help=_(
                "importera som den här samordnaren: bara dennes områden, och användaren står "
                "i åtkomstloggen"
            ),
        )

    def handle(self, *args, kind, file, area=None, user=None, **options):
        path = Path(file)
        try:
            source = open(path, "rb")  # noqa: SIM115 - closed below, after the import
        except OSError as exc:
            raise CommandError(
                _("Kan inte läsa %(file)s: %(error)s") % {"file": file, "error": exc.strerror}
            ) from None
        area_obj = None
        if area:
            area_obj = Area.objects.filter(code=area).first()
            if area_obj is None:
                raise CommandError(_("Okänt samverkansområde: %(code)s") % {"code": area})
        user_obj = None
        if user:
            user_obj = get_user_model().objects.filter(username=user, is_active=True).first()
            if user_obj is None:
                raise CommandError(_("Okänd eller inaktiv användare: %(u)s") % {"u": user})
        bar = tqdm(
            total=0,
            unit=_("rad"),
            desc=_("Kontrollerar %(kind)s") % {"kind": kind},
            file=self.stderr._out,
            disable=None,
        )

        def progress(checked, total, written):
            bar.total = max(total or 0, checked)
            bar.update(checked - bar.n)

        try:
            with bar, source:
                result = import_file(
                    kind=kind,
                    source=source,
                    context=AccessContext.for_user(
                        user_obj, username="" if user_obj else f"kommandorad: {getpass.getuser()}"
                    ),
                    area=area_obj,
                    filename=path.name,
                    progress=progress,
                )
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from None
        except ImportRejected as rejected:
            self.stderr.write(rejected.summary)
            for line in rejection_lines(rejected):
                self.stderr.write(line)
            raise CommandError(_("Filen avvisades."), returncode=1) from None
        self.stdout.write(
            self.style.SUCCESS(
                _("%(kind)s: %(rows)d rader, %(created)d nya, %(existing)d fanns redan.")
                % {
                    "kind": kind,
                    "rows": result.rows,
                    "created": result.created,
                    "existing": result.existing,
                }
            )
        )
