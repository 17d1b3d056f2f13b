"""units: `kind;code;name;area_code;active`, the organisation's units in one file
(docs/ORGANISATION.md). `kind` says what a row is: `area` (a collaboration area), `LFC` or `AMO`
(an office unit of FK or AF), `team` (a samverkansteam) or `preparation_group` (a
beredningsgrupp). One file rather than one per kind, because the units refer to the areas: an
office, team or group names its area by code, and the area may be a row of the same file, in any
order.

Natural keys: an area and an office by code, a team and a group by area and name. A row already
stored is left alone; an area's name and `active`, and an office's name, are updated from the
file (an empty `active` leaves it as it is). An office never changes kind or area here: cases and
mappings record it as their area's office (accounts.offices), so that is a decision for the
admin's form, not a side effect of a file."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import AREA_CODE, Agency, Area, OfficeUnit, PreparationGroup, Region, Team
from audit.models import AccessLog
from samverkan.services import log_access_subjects

from ..base import BATCH_ROWS, Importer, Planned, Problems
from ..cells import parse_bool
from ..results import ImportRejected
from .regions import REGION_KINDS, RegionRows

AREA = "area"
TEAM = "team"
GROUP = "preparation_group"
OFFICE_KINDS = tuple(OfficeUnit.Kind.values)  # LFC, AMO
UNIT_KINDS = (AREA, *sorted(OFFICE_KINDS), *REGION_KINDS, TEAM, GROUP)
# The model each kind of row writes, and the access log's name for it.
MODELS = {
    AREA: Area,
    TEAM: Team,
    GROUP: PreparationGroup,
    **dict.fromkeys(OFFICE_KINDS, OfficeUnit),
    **dict.fromkeys(REGION_KINDS, Region),
}
NAME_MAX = {kind: model._meta.get_field("name").max_length for kind, model in MODELS.items()}


class UnitsImport(RegionRows, Importer):
    kind = "units"
    columns = ("kind", "code", "name", "area_code", "active")
    key_label = gettext_lazy("enhet (typ och kod, eller område och namn)")
    object_type = "organisation"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.updated = 0
        self.batches = 0
        self.file_areas: set[str] = set()

    def prepare(self):
        self.load_areas()
        self.load_offices()
        self.areas_by_name = {area.name: area for area in self.areas_by_code.values()}
        self.teams = set(Team.objects.values_list("area_id", "name"))
        self.groups = set(PreparationGroup.objects.values_list("area_id", "name"))
        self.regions_by_code = {
            region.code: region
            for region in Region.objects.select_related("agency").prefetch_related("areas")
        }
        self.agencies = {agency.code: agency for agency in Agency.objects.all()}

    def load(self, rows):
        # Units refer to areas of the same file, which are written with the rows' batch: a file
        # of more than one batch could name an area before it exists. The whole country's
        # organisation is a few hundred rows, so a longer file is not a units file.
        self.batches += 1
        if self.batches > 1:
            raise ImportRejected(
                kind=self.kind,
                file_error=_("Filen har fler än %(n)d rader; dela upp den.") % {"n": BATCH_ROWS},
            )
        self.file_areas = {
            row.cells["code"]
            for row in rows
            if not row.problem and row.cells["kind"] == AREA and AREA_CODE.match(row.cells["code"])
        }

    # --- one row --------------------------------------------------------------------------

    def _code(self, problems: Problems, kind: str, code: str) -> str | None:
        if kind in (TEAM, GROUP):
            if code:
                problems.add(
                    "code", _("Lämna tomt: samverkansteam och beredningsgrupper har ingen kod.")
                )
            return None
        if not code:
            problems.add("code", _("Kod saknas."))
            return None
        # Office codes are slugs of at most 20 characters, as area codes.
        if not AREA_CODE.match(code):
            problems.add(
                "code",
                _("Koden får bara innehålla a–z, A–Z, 0–9, - och _ och vara högst 20 tecken."),
            )
            return None
        return code

    def _area(self, problems: Problems, kind: str, code: str) -> Area | str | None:
        """The stored area a unit belongs to, or the code of an area row of this file."""
        if kind in REGION_KINDS:
            return self._region_areas(problems, code)
        if kind == AREA:
            if code:
                problems.add("area_code", _("Lämna tomt för ett samverkansområde."))
            return None
        if not code:
            problems.add("area_code", _("Samverkansområde saknas."))
            return None
        area = self.areas_by_code.get(code)
        if area is not None:
            return area
        if code in self.file_areas:
            return code
        problems.add(
            "area_code",
            _("Okänt samverkansområde '%(c)s': finns varken i filen eller i Samverkan.")
            % {"c": code[:40]},
        )
        return None

    def check_row(self, row, problems):
        cells = row.cells
        kind = cells["kind"]
        if kind not in UNIT_KINDS:
            problems.add(
                "kind",
                _("Okänd typ '%(got)s'. Tillåtna värden: %(v)s.")
                % {"got": kind[:40], "v": ", ".join(UNIT_KINDS)},
            )
            return None
        code = self._code(problems, kind, cells["code"])
        name = cells["name"]
        if not name:
            problems.add("name", _("Namn saknas."))
        elif len(name) > NAME_MAX[kind]:
            problems.add("name", _("Högst %(n)d tecken.") % {"n": NAME_MAX[kind]})
        area = self._area(problems, kind, cells["area_code"])
        active = None
        if kind == AREA or kind in REGION_KINDS:
            active = problems.cell("active", parse_bool, cells["active"])
        elif cells["active"]:
            problems.add("active", _("Gäller bara samverkansområden och regioner; lämna tomt."))
        if problems:
            return None
        planned = Planned(
            line=row.line,
            key=(kind, code) if code else (kind, cells["area_code"], name),
            person_id=None,
            area_id=area.pk if isinstance(area, Area) else None,
            values={"name": name, "is_active": active},
            extra={"kind": kind, "code": code, "area": area},
        )
        return self._against_stored(planned, problems)

    def _against_stored(self, planned: Planned, problems: Problems) -> Planned | None:
        """Mark the row already stored, or to be updated (extra["stored"]), or refuse it."""
        kind, code, area = planned.extra["kind"], planned.extra["code"], planned.extra["area"]
        name = planned.values["name"]
        if kind in REGION_KINDS:
            return self._region_against_stored(planned, problems)
        if kind == AREA:
            stored = self.areas_by_code.get(code)
            namesake = self.areas_by_name.get(name)
            if namesake is not None and namesake.code != code:
                problems.add(
                    "name",
                    _("Namnet används redan av samverkansområdet '%(c)s'.") % {"c": namesake.code},
                )
                return None
            if stored is None:
                return planned
            planned.area_id = stored.pk
            active = planned.values["is_active"]
            if stored.name == name and active in (None, stored.is_active):
                planned.existing = True
            planned.extra["stored"] = stored
            return planned
        if kind in OFFICE_KINDS:
            stored = self.offices_by_code.get(code)
            if stored is None:
                return planned
            if stored.kind != kind or stored.area_id != getattr(area, "pk", None):
                problems.add(
                    "",
                    _(
                        "Kontoret %(c)s finns redan som %(kind)s i området %(area)s. Typ och "
                        "område ändras i administrationen, inte med en fil."
                    )
                    % {"c": code, "kind": stored.kind, "area": stored.area},
                )
                return None
            planned.existing = stored.name == name
            planned.extra["stored"] = stored
            return planned
        stored_keys = self.teams if kind == TEAM else self.groups
        planned.existing = isinstance(area, Area) and (area.pk, name) in stored_keys
        return planned

    def check_together(self, items, add):
        """Two new or renamed areas of the file under one name (Area.name is unique)."""
        first: dict[str, int] = {}
        for item in items:
            if item.extra["kind"] != AREA or item.existing:
                continue
            name = item.values["name"]
            if name in first:
                add(
                    item.line,
                    "name",
                    _("Samma namn som området på rad %(n)d.") % {"n": first[name]},
                )
            else:
                first[name] = item.line

    # --- writing ----------------------------------------------------------------------------

    def write(self, new):
        """Areas first, so the units of the file can refer to them; then offices, teams and
        groups. Returns the access-log subjects of the records created; the updates are logged
        here, as changes."""
        now = timezone.now()
        by_kind: dict[str, list[Planned]] = {}
        for item in new:
            by_kind.setdefault(item.extra["kind"], []).append(item)
        areas = by_kind.get(AREA, [])
        created_areas = Area.objects.bulk_create(
            [
                Area(
                    code=i.extra["code"],
                    name=i.values["name"],
                    is_active=i.values["is_active"] is not False,
                )
                for i in areas
                if "stored" not in i.extra
            ]
        )
        for area in created_areas:
            self.areas_by_code[area.code] = area
        changed_areas = []
        for item in areas:
            stored = item.extra.get("stored")
            if stored is not None:
                stored.name = item.values["name"]
                if item.values["is_active"] is not None:
                    stored.is_active = item.values["is_active"]
                stored.updated_at = now
                changed_areas.append(stored)
        Area.objects.bulk_update(changed_areas, ["name", "is_active", "updated_at"])

        def area_of(item: Planned) -> Area:
            area = item.extra["area"]
            return area if isinstance(area, Area) else self.areas_by_code[area]

        offices = [i for kind in OFFICE_KINDS for i in by_kind.get(kind, [])]
        created_offices = OfficeUnit.objects.bulk_create(
            [
                OfficeUnit(
                    kind=i.extra["kind"],
                    code=i.extra["code"],
                    name=i.values["name"],
                    area=area_of(i),
                )
                for i in offices
                if "stored" not in i.extra
            ]
        )
        changed_offices = []
        for item in offices:
            stored = item.extra.get("stored")
            if stored is not None:
                stored.name = item.values["name"]
                changed_offices.append(stored)
        OfficeUnit.objects.bulk_update(changed_offices, ["name"])
        created_teams = Team.objects.bulk_create(
            [Team(area=area_of(i), name=i.values["name"]) for i in by_kind.get(TEAM, [])]
        )
        created_groups = PreparationGroup.objects.bulk_create(
            [
                PreparationGroup(area=area_of(i), name=i.values["name"])
                for i in by_kind.get(GROUP, [])
            ]
        )
        changed_regions = self._write_regions(
            [i for kind in REGION_KINDS for i in by_kind.get(kind, [])], now
        )
        changed = changed_areas + changed_offices + changed_regions["changed"]
        self.updated += len(changed)
        if changed:
            log_access_subjects(
                self.actor.context,
                action=AccessLog.Action.UPDATE,
                subjects=[self._subject(unit, "namn eller aktiv ändrad") for unit in changed],
            )
        created = [
            *created_areas,
            *created_offices,
            *changed_regions["created"],
            *created_teams,
            *created_groups,
        ]
        return [self._subject(unit, "ny") for unit in created]

    def _subject(self, unit, what: str) -> tuple:
        if isinstance(unit, Region):
            return ("region", str(unit.pk), None, None, self.purpose(what))
        area_id = unit.pk if isinstance(unit, Area) else unit.area_id
        return (unit._meta.model_name, str(unit.pk), None, area_id, self.purpose(what))

    def log_summary(self, *, areas, new, total):
        # The rows' areas are not all known when checked (a new area's id comes with its
        # insert): one summary for the file, against no area.
        detail = f"{total} rader, {new - self.updated} nya, {self.updated} ändrade"
        log_access_subjects(
            self.actor.context,
            action=AccessLog.Action.CREATE,
            subjects=[("import", self.kind, None, None, self.purpose(detail))],
        )
