"""staff: `username;first_name;last_name;email;agency;role;area_codes;team;working_time_share;
office_code`, the staff members (docs/ORGANISATION.md).

Natural key: the user name, read without regard to case (single sign-on matches accounts that
way, accounts.oidc). A row adds a staff member or updates one; a staff member missing from the
file is left as they are (offboarding is an explicit act, accounts.staff), and the import never
changes whether an account is active. An empty cell leaves what is stored (SPEC §6: empty =
unknown), except the names, agency and role, which every row has. New accounts get no usable
password: they log in through single sign-on, or after a password reset link."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Agency, Role, StaffProfile, Team
from audit.models import AccessLog
from samverkan.services import log_access_subjects

from ..base import Importer, Planned, Problems
from .cells import parse_share
from .regions import regions_by_code, regions_changed, staff_regions

User = get_user_model()
# Several areas in one cell (the file's own separator is the semicolon).
AREA_SEPARATOR = ","
USER_FIELDS = ("first_name", "last_name", "email")
PROFILE_FIELDS = ("agency_id", "role_id", "office_unit_id", "working_time_share")
PROFILE_RELATIONS = ("staff_profile__areas", "staff_profile__teams", "staff_profile__regions")


class StaffImport(Importer):
    kind = "staff"
    columns = (
        "username",
        "first_name",
        "last_name",
        "email",
        "agency",
        "role",
        "area_codes",
        "team",
        "working_time_share",
        "office_code",
    )
    optional_columns = ("region_codes",)  # a regional manager's regions (.regions)
    key_label = gettext_lazy("användarnamn")
    object_type = "user"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.updated = 0

    def prepare(self):
        self.load_areas()
        self.load_offices()
        self.roles = {role.code: role for role in Role.objects.select_related("agency")}
        self.agencies = {agency.code: agency for agency in Agency.objects.all()}
        self.regions_by_code = regions_by_code()
        self.teams: dict[tuple[int, str], Team] = {
            (team.area_id, team.name): team for team in Team.objects.all()
        }

    def load(self, rows):
        names = {row.cells["username"].lower() for row in rows if not row.problem}
        emails = {row.cells["email"].lower() for row in rows if not row.problem} - {""}
        users = (
            User.objects.annotate(key=Lower("username"))
            .filter(key__in=names)
            .select_related("staff_profile")
            .prefetch_related(*PROFILE_RELATIONS)
        )
        self.users = {user.key: user for user in users}
        self.first_line: dict[str, int] = {}
        self.email_owners = dict(
            User.objects.annotate(key=Lower("email"))
            .filter(key__in=emails)
            .values_list("key", "username")
        )

    # --- one row --------------------------------------------------------------------------

    def _username(self, problems: Problems, name: str) -> str:
        if not name:
            problems.add("username", _("Användarnamn saknas."))
            return name
        try:
            for validator in User._meta.get_field("username").validators:
                validator(name)
        except ValidationError:
            problems.add(
                "username",
                _(
                    "Användarnamnet får bara innehålla bokstäver, siffror och tecknen @ . + - _ "
                    "och vara högst 150 tecken."
                ),
            )
        return name

    def _text(self, problems: Problems, column: str, value: str, missing: str = "") -> str:
        limit = User._meta.get_field(column).max_length
        if not value and missing:
            problems.add(column, missing)
        elif len(value) > limit:
            problems.add(column, _("Högst %(n)d tecken.") % {"n": limit})
        return value

    def _email(self, problems: Problems, email: str, username: str) -> str:
        if not email:
            return email
        try:
            validate_email(email)
        except ValidationError:
            problems.add("email", _("Ogiltig e-postadress '%(v)s'.") % {"v": email[:40]})
            return email
        owner = self.email_owners.get(email.lower())
        if owner is not None and owner.lower() != username.lower():
            # Single sign-on may match accounts by e-mail (accounts.oidc): one address, one account.
            problems.add(
                "email", _("E-postadressen används redan av användaren %(u)s.") % {"u": owner}
            )
        return email

    def _areas(self, problems: Problems, text: str) -> list | None:
        if not text:
            return None
        areas = []
        for code in dict.fromkeys(c.strip() for c in text.split(AREA_SEPARATOR)):
            area = self.areas_by_code.get(code)
            if area is None:
                problems.add(
                    "area_codes",
                    _(
                        "Okänt samverkansområde '%(c)s': finns varken i filen med enheter eller "
                        "i Samverkan."
                    )
                    % {"c": code[:40]},
                )
            else:
                areas.append(area)
        return areas

    def _team(self, problems: Problems, name: str, area_ids) -> Team | None:
        if not name:
            return None
        found = [
            self.teams[(area_id, name)] for area_id in area_ids if (area_id, name) in self.teams
        ]
        if len(found) == 1:
            return found[0]
        if found:
            problems.add(
                "team",
                _("Det finns ett samverkansteam '%(t)s' i flera av personens områden.")
                % {"t": name[:40]},
            )
        else:
            problems.add(
                "team",
                _("Samverkansteamet '%(t)s' finns inte i personens samverkansområden.")
                % {"t": name[:40]},
            )
        return None

    def check_row(self, row, problems):
        cells = row.cells
        username = self._username(problems, cells["username"])
        key = username.lower()
        if key in self.first_line:
            problems.add(
                "username", _("Samma användarnamn som rad %(n)d.") % {"n": self.first_line[key]}
            )
        elif key:
            self.first_line[key] = row.line
        stored = self.users.get(key)
        if stored is not None and stored.username != username:
            problems.add(
                "username",
                _("Användaren finns redan som '%(u)s' (stora och små bokstäver räknas lika).")
                % {"u": stored.username},
            )
        values = {
            "first_name": self._text(
                problems, "first_name", cells["first_name"], _("Förnamn saknas.")
            ),
            "last_name": self._text(
                problems, "last_name", cells["last_name"], _("Efternamn saknas.")
            ),
            "email": self._text(problems, "email", cells["email"]),
        }
        self._email(problems, values["email"], username)
        agency = self.agencies.get(cells["agency"])
        if agency is None:
            problems.add(
                "agency", _("Ange FK eller AF, inte '%(v)s'.") % {"v": cells["agency"][:20]}
            )
        role = self.roles.get(cells["role"])
        if role is None:
            problems.add(
                "role",
                _("Okänd roll '%(got)s'. Tillåtna värden: %(v)s.")
                % {"got": cells["role"][:40], "v": ", ".join(sorted(self.roles))},
            )
        areas = self._areas(problems, cells["area_codes"])
        profile = getattr(stored, "staff_profile", None) if stored is not None else None
        area_ids = (
            [a.pk for a in areas]
            if areas is not None
            else [a.pk for a in profile.areas.all()]
            if profile is not None
            else []
        )
        team = self._team(problems, cells["team"], area_ids)
        region_ids = staff_regions(problems, cells, agency, self.regions_by_code)
        share = problems.cell("working_time_share", parse_share, cells["working_time_share"])
        office = None
        if cells["office_code"]:
            office = self.offices_by_code.get(cells["office_code"])
            if office is None:
                problems.add(
                    "office_code", _("Okänt kontor '%(c)s'.") % {"c": cells["office_code"][:40]}
                )
        if problems:
            return None
        # The profile's own rules (a role of one agency, an office of the member's agency).
        candidate = StaffProfile(
            agency=agency, role=role, office_unit=office or getattr(profile, "office_unit", None)
        )
        try:
            candidate.clean()
        except ValidationError as exc:
            columns = {"agency": "role", "office_unit": "office_code"}
            for field, messages in exc.message_dict.items():
                problems.add(columns.get(field, ""), " ".join(messages))
            return None
        values.update(
            agency_id=agency.pk,
            role_id=role.pk,
            office_unit_id=office.pk if office else None,
            working_time_share=share,
        )
        planned = Planned(
            line=row.line,
            key=(username.lower(),),
            person_id=None,
            area_id=area_ids[0] if area_ids else None,
            values=values,
            extra={
                "username": username,
                "area_ids": None if areas is None else {a.pk for a in areas},
                "team_id": team.pk if team else None,
                "region_ids": region_ids,
            },
        )
        if stored is not None:
            planned.extra["user"] = stored
            planned.extra["changed"] = self._changes(stored, profile, planned)
            planned.existing = not planned.extra["changed"]
        return planned

    @staticmethod
    def _changes(user, profile, planned: Planned) -> list[str]:
        """The columns whose value differs from what is stored (an empty cell never does)."""
        values, extra = planned.values, planned.extra
        changed = [f for f in USER_FIELDS if values[f] and getattr(user, f) != values[f]]
        if profile is None:
            return [*changed, "staff_profile"]
        changed += [
            f for f in PROFILE_FIELDS if values[f] is not None and getattr(profile, f) != values[f]
        ]
        if extra["area_ids"] is not None and extra["area_ids"] != {
            a.pk for a in profile.areas.all()
        }:
            changed.append("area_codes")
        if extra["team_id"] is not None and {extra["team_id"]} != {
            t.pk for t in profile.teams.all()
        }:
            changed.append("team")
        changed += regions_changed(extra["region_ids"], profile)
        return changed

    def check_together(self, items, add):
        """One e-mail address, one account: two rows of the batch may not share one."""
        first: dict[str, int] = {}
        for item in items:
            email = item.values["email"].lower()
            if not email:
                continue
            if email in first:
                add(
                    item.line, "email", _("Samma e-postadress som rad %(n)d.") % {"n": first[email]}
                )
            else:
                first[email] = item.line

    # --- writing ----------------------------------------------------------------------------

    def write(self, new):
        """New accounts (no usable password) with their profiles, and the changes to stored
        ones. Returns the access-log subjects of the accounts created; changes are logged here."""
        now = timezone.now()
        created = [item for item in new if "user" not in item.extra]
        changed = [item for item in new if "user" in item.extra]
        users = User.objects.bulk_create(
            [
                User(
                    username=item.extra["username"],
                    password=make_password(None),
                    date_joined=now,
                    **{f: item.values[f] for f in USER_FIELDS},
                )
                for item in created
            ]
        )
        for item, user in zip(created, users, strict=True):
            item.extra["user"] = user
        for item in changed:
            user = item.extra["user"]
            for f in USER_FIELDS:
                if item.values[f]:
                    setattr(user, f, item.values[f])
        User.objects.bulk_update([i.extra["user"] for i in changed], list(USER_FIELDS))
        self._profiles(new, now)
        self.updated += len(changed)
        if changed:
            log_access_subjects(
                self.actor.context,
                action=AccessLog.Action.UPDATE,
                subjects=[
                    self._subject(item, "ändrad: " + ", ".join(item.extra["changed"]))
                    for item in changed
                ],
            )
        return [self._subject(item, "ny, utan lösenord") for item in created]

    def _profiles(self, items: list[Planned], now) -> None:
        """Each row's staff profile created or brought up to the row, with its areas and team."""
        profiles = []
        for item in items:
            user = item.extra["user"]
            profile = (
                getattr(user, "staff_profile", None)
                if user.pk and "changed" in item.extra
                else None
            )
            if profile is None:
                profile = StaffProfile(user=user, working_time_share=Decimal("1.00"))
            for f in PROFILE_FIELDS:
                if item.values[f] is not None:
                    setattr(profile, f, item.values[f])
            profile.updated_at = now
            profiles.append(profile)
        stored = [p for p in profiles if p.pk is not None]
        StaffProfile.objects.bulk_create([p for p in profiles if p.pk is None])
        StaffProfile.objects.bulk_update(stored, [*PROFILE_FIELDS, "updated_at"])
        self._memberships(StaffProfile.areas.through, "area_id", items, profiles, "area_ids")
        self._memberships(StaffProfile.teams.through, "team_id", items, profiles, "team_id")
        self._memberships(StaffProfile.regions.through, "region_id", items, profiles, "region_ids")

    @staticmethod
    def _memberships(through, column: str, items, profiles, key: str) -> None:
        """Replace the areas (the team, the regions) of the profiles whose row gives them."""
        given = {}
        for item, profile in zip(items, profiles, strict=True):
            ids = item.extra[key]
            if ids is not None:
                given[profile.pk] = ids if isinstance(ids, set) else {ids}
        through.objects.filter(staffprofile_id__in=list(given)).delete()
        through.objects.bulk_create(
            [
                through(staffprofile_id=profile_id, **{column: target})
                for profile_id, ids in given.items()
                for target in sorted(ids)
            ]
        )

    def _subject(self, item: Planned, what: str) -> tuple:
        user = item.extra["user"]
        return ("user", str(user.pk), None, item.area_id, self.purpose(f"{user.username} {what}"))

    def log_summary(self, *, areas, new, total):
        """One summary per area of the file's staff (their coordinators see the import), or one
        against no area for a file of staff without areas."""
        detail = f"{total} rader, {new - self.updated} nya, {self.updated} ändrade"
        ids = sorted(a for a in areas if a is not None) or [None]
        log_access_subjects(
            self.actor.context,
            action=AccessLog.Action.CREATE,
            subjects=[
                ("import", self.kind, None, area_id, self.purpose(detail)) for area_id in ids
            ],
        )
