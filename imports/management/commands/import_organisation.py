"""`python manage.py import_organisation [--units FILE] [--staff FILE]`: the organisation from
files (docs/ORGANISATION.md), both in one transaction, units first. Exit code 0 when the files
were applied, 1 when one was rejected (its rejected rows on stderr; nothing is written)."""

import getpass
from contextlib import ExitStack
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from imports.organisation.services import organisation_import
from imports.results import ImportRejected, rejection_lines
from samverkan.services import AccessContext


class Command(BaseCommand):
    help = _(
        "Importerar organisationen från semikolonseparerade UTF-8-filer: enheter (områden, "
        "kontor, team, beredningsgrupper) och personal (docs/ORGANISATION.md). Allt eller inget."
    )

    def add_arguments(self, parser):
        parser.add_argument("--units", help=_("filen med enheter"))
        parser.add_argument("--staff", help=_("filen med personal"))

    def handle(self, *args, units=None, staff=None, **options):
        paths = {kind: Path(name) for kind, name in (("units", units), ("staff", staff)) if name}
        if not paths:
            raise CommandError(_("Ange --units FIL, --staff FIL eller båda."))
        bar = tqdm(total=0, unit=_("rad"), file=self.stderr._out, disable=None)

        def progress(kind, checked, total, written):
            bar.set_description(_("Kontrollerar %(kind)s") % {"kind": kind})
            bar.total = max(total or 0, checked)
            bar.update(checked - bar.n)

        with ExitStack() as stack:
            files = {}
            for kind, path in paths.items():
                try:
                    files[kind] = (stack.enter_context(open(path, "rb")), path.name)
                except OSError as exc:
                    raise CommandError(
                        _("Kan inte läsa %(file)s: %(error)s")
                        % {"file": path, "error": exc.strerror}
                    ) from None
            try:
                with bar:
                    results = organisation_import(
                        context=AccessContext.for_user(
                            None, username=f"kommandorad: {getpass.getuser()}"
                        ),
                        files=files,
                        progress=progress,
                    )
            except ImportRejected as rejected:
                self.stderr.write(f"{rejected.kind}: {rejected.summary}")
                for line in rejection_lines(rejected):
                    self.stderr.write(line)
                raise CommandError(_("Filen avvisades."), returncode=1) from None
        for result in results:
            self.stdout.write(self.style.SUCCESS(result.summary))
