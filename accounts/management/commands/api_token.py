"""Create, revoke and list API tokens for machine clients (ADR 0012).

    python manage.py api_token create USERNAME --name NAME [--days N]
    python manage.py api_token revoke PREFIX
    python manage.py api_token list

`create` prints the secret once; only its digest is stored. Creation and revocation are written
to the access log like those made in the admin."""

import getpass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import ApiToken
from accounts.tokens import api_token_create, api_token_revoke


def _actor() -> str:
    """Who ran the command, for the access log (there is no logged-in user here)."""
    try:
        return f"manage.py ({getpass.getuser()})"
    except Exception:  # no login name in some containers
        return "manage.py"


class Command(BaseCommand):
    help = "Skapa, återkalla eller lista API-nycklar för maskinklienter."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        create = sub.add_parser("create", help="Skapa en nyckel; den skrivs ut en enda gång.")
        create.add_argument("username")
        create.add_argument("--name", required=True, help="Vilken klient nyckeln är till.")
        create.add_argument("--days", type=int, help="Giltig så många dagar (annars tills vidare).")
        revoke = sub.add_parser("revoke", help="Återkalla nyckeln med detta prefix.")
        revoke.add_argument("prefix")
        sub.add_parser("list", help="Lista nycklarna (prefix, användare, status).")

    def handle(self, *args, **options):
        return getattr(self, f"_{options['subcommand']}")(options)

    def _create(self, options):
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"Ingen användare {options['username']!r}.")
        days = options["days"]
        if days is not None and days < 1:
            raise CommandError("--days måste vara minst 1.")
        expires_at = timezone.now() + timedelta(days=days) if days else None
        try:
            token, secret = api_token_create(
                user=user, name=options["name"], expires_at=expires_at, actor_name=_actor()
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stderr.write(
            f"API-nyckel {token.prefix} skapad för {user.get_username()}. "
            "Den visas bara nu; bara en kontrollsumma sparas:"
        )
        # The secret alone on stdout, so a script can capture it.
        self.stdout.write(secret)

    def _revoke(self, options):
        token = ApiToken.objects.filter(prefix=options["prefix"]).first()
        if token is None:
            raise CommandError(f"Ingen API-nyckel med prefixet {options['prefix']!r}.")
        if not api_token_revoke(token=token, actor_name=_actor()):
            self.stdout.write(f"API-nyckel {token.prefix} var redan återkallad.")
            return
        self.stdout.write(f"API-nyckel {token.prefix} återkallad.")

    def _list(self, options):
        now = timezone.now()
        for token in ApiToken.objects.select_related("user"):
            state = "giltig" if token.is_usable(now) else "ogiltig"
            self.stdout.write(f"{token.prefix}\t{token.user.get_username()}\t{state}\t{token.name}")
