"""persons: `personnummer;first_name;last_name;born_abroad;education_level;disability` (SPEC §6).

The file has no area: the persons are registered in the area the import is run for (the
coordinator's area, or `--area` on the command line). Natural key: the personnummer."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from cases.models import Consent, EducationLevel, Person

from ..base import Importer, Planned, Problems
from ..cells import parse_bool, parse_choice

COMPARED = {
    "first_name": "first_name",
    "last_name": "last_name",
    "born_abroad": "born_abroad",
    "education_level": "education_level",
    "disability": "disability",
}
NAME_MAX = Person._meta.get_field("first_name").max_length


class PersonsImport(Importer):
    kind = "persons"
    columns = (
        "personnummer",
        "first_name",
        "last_name",
        "born_abroad",
        "education_level",
        "disability",
    )
    key_label = gettext_lazy("personnummer")
    object_type = "person"

    def load(self, rows):
        self.load_persons(rows, *COMPARED.values())

    def _name(self, problems: Problems, column: str, value: str, missing: str) -> str:
        if not value:
            problems.add(column, missing)
        elif len(value) > NAME_MAX:
            problems.add(column, _("Högst %(n)d tecken.") % {"n": NAME_MAX})
        return value

    def check_row(self, row, problems):
        cells = row.cells
        identity = problems.cell("personnummer", self.identities.parse, cells["personnummer"])
        values = {
            "first_name": self._name(
                problems, "first_name", cells["first_name"], _("Förnamn saknas.")
            ),
            "last_name": self._name(
                problems, "last_name", cells["last_name"], _("Efternamn saknas.")
            ),
            "born_abroad": problems.cell("born_abroad", parse_bool, cells["born_abroad"]),
            "education_level": problems.cell(
                "education_level", parse_choice, cells["education_level"], EducationLevel
            ),
            "disability": problems.cell("disability", parse_bool, cells["disability"]),
        }
        if problems:
            return None
        stored = self.persons.get(identity.number)
        planned = Planned(
            line=row.line,
            key=(identity.number,),
            person_id=stored["id"] if stored else None,
            area_id=self.area.pk,
            values=values,
            extra={"identity": identity},
        )
        if stored is not None:
            if stored["area_id"] != self.area.pk:
                # The same answer as the registration form: nothing about which area.
                self.refuse(stored)
                problems.add("personnummer", _("Personen finns redan registrerad."))
                return None
            differing = self.differing(stored, values, COMPARED)
            if differing:
                self.conflict(problems, _("Personen"), differing)
                return None
            planned.existing = True
            return planned
        # The model's own field rules (lengths, code lists, the personnummer validator), as the
        # registration form and person_create apply them. The area and the importer are known
        # to exist; checking them would cost a query per row.
        try:
            self._person(planned).clean_fields(exclude=["area", "registered_by"])
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                problems.add(field if field in self.columns else "", " ".join(messages))
            return None
        return planned

    def _person(self, planned: Planned) -> Person:
        identity = planned.extra["identity"]
        values = planned.values
        return Person(
            personnummer=identity.number,
            is_coordination_number=identity.is_coordination_number,
            sex=identity.sex,
            birth_date=identity.birth_date,
            area=self.area,
            first_name=values["first_name"],
            last_name=values["last_name"],
            born_abroad=values["born_abroad"],
            education_level=values["education_level"] or EducationLevel.UNKNOWN,
            disability=values["disability"],
            registered_by=self.actor.user,
        )

    def write(self, new):
        user = self.actor.user
        people = bulk_create_with_history(
            [self._person(planned) for planned in new],
            Person,
            default_user=user,
            default_change_reason=self.change_reason,
        )
        # Registered by personnummer means registered in follow-up (SPEC §3 "anonymous
        # participant", §6): recorded as a consent covering follow-up, from today. The cases
        # import moves it back to the first day of the person's earliest imported case, so an
        # imported population counts in the day-365 outcome (README "Import").
        consents = [
            Consent(
                person=person,
                given_on=self.today,
                covers_follow_up=True,
                covers_sharing=False,
                source=Consent.Source.IMPORT,
                recorded_by=user,
            )
            for person in people
        ]
        bulk_create_with_history(
            consents, Consent, default_user=user, default_change_reason=self.change_reason
        )
        purpose = self.purpose("registrerad, samtycke till uppföljning registrerat")
        return [("person", str(p.pk), p.pk, p.area_id, purpose) for p in people]
