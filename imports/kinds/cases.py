"""cases: `personnummer;area_code;target_group;benefit;benefit_end_date;sick_leave_start;
referral_date;start_date;end_date;exit_reason` (SPEC §6), and optionally `fk_office_code` and
`af_office_code`: the codes of the case's FK office (an LFC) and AF office (an AMO), each of the
case's area (accounts.offices); and optionally `sus_registered_on;sus_id;ais_registered_on;ais_id`:
the case's registration in SUS and AIS (cases.registration), a day and the system's identifier.

The person must already be registered (import the persons file first). Natural key: the person
and the case's first day, its referral date (beredningsgrupp) or, without one, its start date.
A case is created in the phase its dates say (referred, needs analysis, or closed) with one dated
phase transition per date, as case_open and case_transition record them. A person's cases never
overlap and at most one is open (cases.services.case_open)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from cases.flags import rules_for
from cases.models import (
    Benefit,
    Case,
    Consent,
    ExitReason,
    Phase,
    PhaseTransition,
    RuleSet,
    TargetGroup,
)
from cases.worklist_state import cases_changed

from ..base import OFFICE_COLUMNS, Importer, Planned, subjects_per_person
from ..cells import parse_choice, parse_date

COMPARED = {
    "target_group": "target_group",
    "benefit": "benefit",
    "benefit_end_date": "benefit_end_date",
    "sick_leave_start": "sick_leave_start",
    "referral_date": "referral_date",
    "start_date": "start_date",
    "end_date": "end_date",
    "exit_reason": "exit_reason",
    **{column: f"{field}_id" for column, field in OFFICE_COLUMNS.items()},
}
# Optional: the case's registration in the national systems (cases.registration). An empty cell
# is unknown (Importer.differing): a stored registration is kept; one the file states for a case
# already stored must be the stored one (the import never changes a stored case).
REGISTRATION = {
    "sus_registered_on": "sus_registered_on",
    "sus_id": "sus_id",
    "ais_registered_on": "ais_registered_on",
    "ais_id": "ais_id",
}
FOREVER = dt.date.max


def first_day(case: dict) -> dt.date | None:
    return case["referral_date"] or case["start_date"]


def overlaps(a_first, a_end, b_first, b_end) -> bool:
    """Two periods overlap unless one ends on or before the day the other begins (a new case
    may begin the day the previous one ended, as case_open allows)."""
    return a_first < (b_end or FOREVER) and b_first < (a_end or FOREVER)


def with_registration_model(sets: list[RuleSet], case: Case) -> Case:
    """`case` with the registration model of the set it follows, as Case.save sets it (bulk
    creation skips save)."""
    case.registration_model = rules_for(case, sets).registration_model
    return case


class CasesImport(Importer):
    kind = "cases"
    columns = (
        "personnummer",
        "area_code",
        "target_group",
        "benefit",
        "benefit_end_date",
        "sick_leave_start",
        "referral_date",
        "start_date",
        "end_date",
        "exit_reason",
    )
    optional_columns = (*OFFICE_COLUMNS, *REGISTRATION)
    key_label = gettext_lazy("person och första dag (referral_date, annars start_date)")
    object_type = "case"

    def prepare(self):
        self.load_areas()
        self.load_offices()

    def load(self, rows):
        self.load_persons(rows)
        self.stored: dict[int, list[dict]] = defaultdict(list)
        person_ids = [p["id"] for p in self.persons.values()]
        for case in Case.objects.filter(person_id__in=person_ids).values(
            "id", "person_id", "area_id", *COMPARED.values(), *REGISTRATION.values()
        ):
            self.stored[case["person_id"]].append(case)

    def check_row(self, row, problems):
        cells = row.cells
        person = self.person_of(row, problems)
        area = self.area_of(row, problems, person)
        today = self.today
        values = {
            "target_group": problems.cell(
                "target_group", parse_choice, cells["target_group"], TargetGroup
            ),
            "benefit": problems.cell("benefit", parse_choice, cells["benefit"], Benefit),
            "benefit_end_date": problems.cell(
                "benefit_end_date", parse_date, cells["benefit_end_date"]
            ),
            "sick_leave_start": problems.cell(
                "sick_leave_start", parse_date, cells["sick_leave_start"], not_after=today
            ),
            "referral_date": problems.cell(
                "referral_date", parse_date, cells["referral_date"], not_after=today
            ),
            "start_date": problems.cell(
                "start_date", parse_date, cells["start_date"], not_after=today
            ),
            "end_date": problems.cell("end_date", parse_date, cells["end_date"], not_after=today),
            "exit_reason": problems.cell(
                "exit_reason", parse_choice, cells["exit_reason"], ExitReason
            ),
            **self.offices_of(row, problems, area),
            **self._registration(cells, problems),
        }
        self._check_dates(cells, values, problems)
        if problems:
            return None
        planned = Planned(
            line=row.line,
            key=(person["id"], first_day(values)),
            person_id=person["id"],
            area_id=area.pk,
            values=values,
        )
        matches = [
            case
            for case in self.stored[person["id"]]
            if (values["referral_date"] and case["referral_date"] == values["referral_date"])
            or (values["start_date"] and case["start_date"] == values["start_date"])
        ]
        if matches:
            differing = sorted(
                {
                    c
                    for case in matches
                    for c in self.differing(case, values, COMPARED | REGISTRATION)
                }
            )
            if len(matches) > 1 and not differing:
                differing = ["referral_date", "start_date"]
            if differing:
                self.conflict(problems, _("Ärendet"), differing)
                return None
            planned.existing = True
        return planned

    def _registration(self, cells, problems) -> dict:
        """The registration in SUS and AIS the row states: a day (not in the future) and an
        identifier of at most 40 characters; an identifier needs its day."""
        values = {}
        for system in ("sus", "ais"):
            day = f"{system}_registered_on"
            values[day] = problems.cell(day, parse_date, cells.get(day, ""), not_after=self.today)
            ident = cells.get(f"{system}_id", "")
            if len(ident) > 40:
                problems.add(f"{system}_id", _("Id:t får vara högst 40 tecken."))
            elif ident and not cells.get(day):
                problems.add(day, _("Ange registreringsdagen när id:t är ifyllt."))
            values[f"{system}_id"] = ident
        return values

    @staticmethod
    def _check_dates(cells, values, problems) -> None:
        """The order of a case's days, as case_open and case_transition require it."""
        referral, start, end = values["referral_date"], values["start_date"], values["end_date"]
        if not cells["referral_date"] and not cells["start_date"]:
            problems.add(
                "start_date",
                _(
                    "Ange referral_date (beredningsgruppen) eller start_date (registrering i "
                    "samverkan), eller båda."
                ),
            )
        if referral and start and start < referral:
            problems.add("start_date", _("Starten kan inte ligga före beredningsgruppen."))
        if end and start and end < start:
            problems.add("end_date", _("Avslutet kan inte ligga före starten."))
        elif end and referral and end < referral:
            problems.add("end_date", _("Avslutet kan inte ligga före beredningsgruppen."))
        if cells["end_date"] and not cells["exit_reason"]:
            problems.add("exit_reason", _("Ange avslutsorsak för ett avslutat ärende."))
        if cells["exit_reason"] and not cells["end_date"]:
            problems.add("end_date", _("Ange slutdatum när avslutsorsak är ifylld."))

    def check_together(self, items, add):
        """A person's cases never overlap, so at most one is open (SPEC §3, case_open)."""
        new_by_person: dict[int, list[Planned]] = defaultdict(list)
        for item in items:
            if not item.existing:
                new_by_person[item.person_id].append(item)
        for person_id, new in new_by_person.items():
            earlier: list[tuple] = []  # (first, end, what)
            for case in self.stored[person_id]:
                if first_day(case):
                    when = first_day(case).isoformat()
                    what = _("personens registrerade ärende som började %(d)s") % {"d": when}
                    earlier.append((first_day(case), case["end_date"], what))
            for item in sorted(new, key=lambda i: i.line):
                first, end = first_day(item.values), item.values["end_date"]
                for other_first, other_end, what in earlier:
                    if overlaps(first, end, other_first, other_end):
                        column = "start_date" if item.values["start_date"] else "referral_date"
                        add(
                            item.line,
                            column,
                            _(
                                "Ärendet överlappar %(what)s. En person har ett ärende i taget; "
                                "ett nytt kan börja tidigast den dag det förra avslutades."
                            )
                            % {"what": what},
                        )
                        break
                earlier.append((first, end, _("ärendet på rad %(n)d") % {"n": item.line}))

    def write(self, new):
        user = self.actor.user
        sets = RuleSet.all_sets()
        cases = bulk_create_with_history(
            [
                with_registration_model(
                    sets,
                    Case(
                        person_id=planned.person_id,
                        area_id=planned.area_id,
                        phase=(
                            Phase.CLOSED
                            if planned.values["end_date"]
                            else Phase.NEEDS_ANALYSIS
                            if planned.values["start_date"]
                            else Phase.REFERRED
                        ),
                        **planned.values,
                    ),
                )
                for planned in new
            ],
            Case,
            default_user=user,
            default_change_reason=self.change_reason,
        )
        PhaseTransition.objects.bulk_create(
            [t for case in cases for t in self._transitions(case, user)]
        )
        self._backdate_import_consents(cases)
        cases_changed(case.pk for case in cases)  # their worklist summaries
        return subjects_per_person(
            ((c.person_id, c.area_id, c.pk) for c in cases),
            object_type=self.object_type,
            describe=lambda n: self.purpose("1 nytt ärende" if n == 1 else f"{n} nya ärenden"),
        )

    @staticmethod
    def _transitions(case: Case, user) -> list[PhaseTransition]:
        """The dated phase moves the case's dates stand for (Faros process model, SPEC §3)."""
        moves = []
        previous = ""
        for day, phase in (
            (case.referral_date, Phase.REFERRED),
            (case.start_date, Phase.NEEDS_ANALYSIS),
            (case.end_date, Phase.CLOSED),
        ):
            if day is None:
                continue
            moves.append(
                PhaseTransition(
                    case=case,
                    from_phase=previous,
                    to_phase=phase,
                    date=day,
                    note="import",
                    by=user,
                )
            )
            previous = phase
        return moves

    def _backdate_import_consents(self, cases: list[Case]) -> None:
        """The consent the persons import recorded (registered by personnummer = registered in
        follow-up) covers the person's imported participation from its first day, so the
        imported population counts in the day-365 outcome (reporting.metrics.outcomes). Only
        consents of source `import` move; a consent recorded in the app is never changed."""
        first: dict[int, dt.date] = {}
        for case in cases:
            day = case.referral_date or case.start_date
            first[case.person_id] = min(day, first.get(case.person_id, day))
        consents = list(
            Consent.objects.filter(
                person_id__in=list(first), source=Consent.Source.IMPORT, covers_follow_up=True
            )
        )
        moved = []
        for consent in consents:
            if consent.given_on > first[consent.person_id]:
                consent.given_on = first[consent.person_id]
                moved.append(consent)
        if moved:
            bulk_update_with_history(
                moved,
                Consent,
                ["given_on"],
                default_user=self.actor.user,
                default_change_reason=self.change_reason,
            )
