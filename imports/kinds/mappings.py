"""mappings: `personnummer;area_code;initiated_by;date;benefit;sick_leave_start;decision`
(SPEC §6), and optionally `fk_office_code` and `af_office_code`: the codes of the mapping's FK
office (an LFC) and AF office (an AMO), each of the mapping's area (accounts.offices). `date` is
the day the joint mapping was held: its first meeting, which Tabell 1 counts
(JointMapping.mapping_date).

The file knows only that day, so an imported mapping is recorded as requested, received and
first met on it, with one reconciliation meeting (avstämningsmöte) that day: the mapping's first
meeting is always its earliest meeting (mapping.services.meetings). A decision in the file was
taken in the source system by both agencies: the mapping ends with it on the same day. Active
support (`joint_active_support`) opened a case: the mapping is linked to the person's first case
beginning on or after the mapping day, which must already be registered (import cases first).
Without a decision the mapping stays open; a person has at most one open mapping.

Natural key: the person and the mapping day. The area, initiating agency, benefit, sick-leave
start and decision of a stored mapping that day must agree with the row."""

from __future__ import annotations

from collections import defaultdict

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from cases.models import Benefit, Case, Phase
from cases.worklist_state import persons_changed
from mapping.models import AgencyCode, Decision, JointMapping, Meeting

from ..base import OFFICE_COLUMNS, Importer, Planned, subjects_per_person
from ..cells import parse_choice, parse_date

COMPARED = {
    "area_code": "area_id",
    "initiated_by": "initiated_by",
    "benefit": "benefit",
    "sick_leave_start": "sick_leave_start",
    "decision": "decision",
    **{column: f"{field}_id" for column, field in OFFICE_COLUMNS.items()},
}


class MappingsImport(Importer):
    kind = "mappings"
    columns = (
        "personnummer",
        "area_code",
        "initiated_by",
        "date",
        "benefit",
        "sick_leave_start",
        "decision",
    )
    optional_columns = tuple(OFFICE_COLUMNS)
    key_label = gettext_lazy("person och datum")
    object_type = "jointmapping"

    def prepare(self):
        self.load_areas()
        self.load_offices()

    def load(self, rows):
        self.load_persons(rows)
        person_ids = [p["id"] for p in self.persons.values()]
        self.stored: dict[int, list[dict]] = defaultdict(list)
        for mapping in JointMapping.objects.filter(person_id__in=person_ids).values(
            "id", "person_id", "first_meeting_on", "ended_on", "case_id", *COMPARED.values()
        ):
            self.stored[mapping["person_id"]].append(mapping)
        self.cases: dict[int, list[dict]] = defaultdict(list)
        for case in Case.objects.filter(person_id__in=person_ids).values(
            "id", "person_id", "referral_date", "start_date", "target_group"
        ):
            if case["referral_date"] or case["start_date"]:
                self.cases[case["person_id"]].append(case)

    def check_row(self, row, problems):
        cells = row.cells
        person = self.person_of(row, problems)
        area = self.area_of(row, problems, person)
        day = problems.cell("date", parse_date, cells["date"], required=True, not_after=self.today)
        values = {
            "initiated_by": problems.cell(
                "initiated_by", parse_choice, cells["initiated_by"], AgencyCode, required=True
            ),
            "date": day,
            "benefit": problems.cell("benefit", parse_choice, cells["benefit"], Benefit),
            "sick_leave_start": problems.cell(
                "sick_leave_start", parse_date, cells["sick_leave_start"], not_after=self.today
            ),
            "decision": problems.cell("decision", parse_choice, cells["decision"], Decision),
            **self.offices_of(row, problems, area),
        }
        sick = values["sick_leave_start"]
        if day and sick and sick > day:
            problems.add(
                "sick_leave_start",
                _("Sjukfallets första dag kan inte ligga efter kartläggningen (%(d)s).")
                % {"d": day.isoformat()},
            )
        if problems:
            return None
        values["area_id"] = area.pk
        planned = Planned(
            line=row.line,
            key=(person["id"], day),
            person_id=person["id"],
            area_id=area.pk,
            values=values,
        )
        matches = [m for m in self.stored[person["id"]] if m["first_meeting_on"] == day]
        if matches:
            differing = sorted({c for m in matches for c in self.differing(m, values, COMPARED)})
            if differing:
                self.conflict(problems, _("Kartläggningen"), differing)
                return None
            planned.existing = True
        return planned

    def check_together(self, items, add):
        claimed = {m["case_id"] for ms in self.stored.values() for m in ms if m["case_id"]}
        open_person = {
            person_id: _("en registrerad pågående kartläggning")
            for person_id, ms in self.stored.items()
            if any(m["ended_on"] is None for m in ms)
        }
        for item in sorted(items, key=lambda i: i.line):
            if item.existing:
                continue
            decision = item.values["decision"]
            if not decision:
                # A person has one open mapping at a time (mapping_one_open_per_person).
                if item.person_id in open_person:
                    add(
                        item.line,
                        "decision",
                        _(
                            "Kartläggningen saknar beslut och blir pågående, men personen har "
                            "redan %(what)s."
                        )
                        % {"what": open_person[item.person_id]},
                    )
                else:
                    open_person[item.person_id] = _("en pågående kartläggning på rad %(n)d") % {
                        "n": item.line
                    }
                continue
            if decision != Decision.JOINT_ACTIVE_SUPPORT:
                continue
            day = item.values["date"]
            later = sorted(
                (
                    c
                    for c in self.cases[item.person_id]
                    if (c["referral_date"] or c["start_date"]) >= day
                ),
                key=lambda c: (c["referral_date"] or c["start_date"], c["id"]),
            )
            if not later:
                add(
                    item.line,
                    "decision",
                    _(
                        "Beslutet aktiva insatser i samarbete öppnade ett ärende, men personen "
                        "har inget ärende som börjar på eller efter %(d)s. Importera ärendena "
                        "först (filtyp cases)."
                    )
                    % {"d": day.isoformat()},
                )
                continue
            case = later[0]
            if case["id"] in claimed:
                add(
                    item.line,
                    "decision",
                    _("Ärendet som började %(d)s hör redan till en annan kartläggning.")
                    % {"d": (case["referral_date"] or case["start_date"]).isoformat()},
                )
                continue
            claimed.add(case["id"])
            item.extra["case"] = case

    def _mapping(self, planned: Planned, user) -> JointMapping:
        values = planned.values
        day = values["date"]
        decision = values["decision"]
        case = planned.extra.get("case")
        return JointMapping(
            area_id=planned.area_id,
            person_id=planned.person_id,
            initiated_by=values["initiated_by"],
            requested_on=day,
            request_received_on=day,
            first_meeting_on=day,
            benefit=values["benefit"],
            sick_leave_start=values["sick_leave_start"],
            fk_office_id=values["fk_office_id"],
            af_office_id=values["af_office_id"],
            decision=decision,
            decision_date=day if decision else None,
            ended_on=day if decision else None,
            case_id=case["id"] if case else None,
            case_target_group=case["target_group"] if case else "",
            case_phase=(
                (Phase.REFERRED if case["referral_date"] else Phase.NEEDS_ANALYSIS) if case else ""
            ),
            case_date=(case["referral_date"] or case["start_date"]) if case else None,
            created_by=user,
        )

    def write(self, new):
        user = self.actor.user
        mappings = bulk_create_with_history(
            [self._mapping(planned, user) for planned in new],
            JointMapping,
            default_user=user,
            default_change_reason=self.change_reason,
        )
        bulk_create_with_history(
            [
                Meeting(
                    person_id=m.person_id,
                    mapping=m,
                    kind=Meeting.Kind.RECONCILIATION,
                    date=m.first_meeting_on,
                    created_by=user,
                )
                for m in mappings
            ],
            Meeting,
            default_user=user,
            default_change_reason=self.change_reason,
        )
        # the flags read the persons' joint mappings and meetings (cases.worklist_state)
        persons_changed(m.person_id for m in mappings)
        return subjects_per_person(
            ((m.person_id, m.area_id, m.pk) for m in mappings),
            object_type=self.object_type,
            describe=lambda n: self.purpose(
                "1 ny kartläggning" if n == 1 else f"{n} nya kartläggningar"
            ),
        )
