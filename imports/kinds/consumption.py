"""consumption: `month;agency;area_code;activity;amount` (issue 21; docs/funds.md), an agency's
consumption of samverkan funds per month, area and activity as its financial system exports it.

Natural key: month, area and activity (the activity belongs to one agency). The same amount
again is already there; another amount is a conflict, corrected in the app or in the file. The
rules a row obeys are the form's (funds.services): the importer's own agency, an area they
coordinate, an activity in use, a month that has begun. No person is named: the access log gets
one entry per area and batch."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions

from funds.models import ActivityCategory, Consumption
from funds.services import (
    agency_problem,
    category_problem,
    consumption_insert,
    month_problem,
    parse_amount,
)
from reporting.api.params import parse_month as report_month

from ..base import Importer, Planned


def parse_month(text: str) -> dt.date:
    """'ÅÅÅÅ-MM' as the report API reads a month (reporting.api.params.parse_month)."""
    try:
        return report_month(text)
    except exceptions.ValidationError as error:
        raise ValidationError(str(error.detail[0])) from None


class ConsumptionImport(Importer):
    kind = "consumption"
    columns = ("month", "agency", "area_code", "activity", "amount")
    key_label = gettext_lazy("månad, område och verksamhet")
    object_type = "consumption"

    def prepare(self):
        self.load_areas()
        self.categories = {
            (c.agency.code, c.code): c for c in ActivityCategory.objects.select_related("agency")
        }
        self.codes_by_agency: dict[str, list[str]] = {}
        for (agency, code), category in sorted(self.categories.items()):
            if category.is_active:
                self.codes_by_agency.setdefault(agency, []).append(code)

    def load(self, rows):
        months = set()
        for row in rows:
            try:
                months.add(parse_month(row.cells.get("month", "")))
            except ValidationError:
                pass
        self.stored = {
            (month, area_id, category_id): amount
            for month, area_id, category_id, amount in Consumption.objects.filter(
                month__in=months
            ).values_list("month", "area_id", "category_id", "amount")
        }

    @staticmethod
    def _cell(problems, column, parse, text):
        try:
            return parse(text)
        except ValidationError as error:
            problems.add(column, error.messages[0])
            return None

    def _category(self, problems, agency: str, code: str):
        if agency not in {"FK", "AF"}:
            message = _("Ange myndigheten som FK eller AF, inte '%(v)s'.") % {"v": agency[:20]}
            problems.add("agency", message)
            return None
        if not code:
            problems.add("activity", _("Verksamhet saknas."))
            return None
        category = self.categories.get((agency, code))
        if category is None:
            problems.add(
                "activity",
                _("Okänd verksamhet '%(c)s' för %(a)s. Koderna som används: %(codes)s.")
                % {
                    "c": code[:40],
                    "a": agency,
                    "codes": ", ".join(self.codes_by_agency.get(agency, [])),
                },
            )
            return None
        if problem := category_problem(category):
            problems.add("activity", problem)
            return None
        return category

    def check_row(self, row, problems):
        cells = row.cells
        month = self._cell(problems, "month", parse_month, cells["month"])
        if month is not None and (problem := month_problem(month, self.today)):
            problems.add("month", problem)
        area = self.area_of(row, problems, None)
        category = self._category(problems, cells["agency"], cells["activity"])
        if area is not None and category is not None:
            user = self.actor.user
            if problem := agency_problem(user, area_id=area.pk, agency_code=category.agency.code):
                problems.add("agency", problem)
        amount = self._cell(problems, "amount", parse_amount, cells["amount"])
        if problems:
            return None
        key = (month, area.pk, category.pk)
        planned = Planned(
            line=row.line,
            key=key,
            person_id=None,
            area_id=area.pk,
            values={
                "month": month,
                "area_id": area.pk,
                "category_id": category.pk,
                "amount": amount,
            },
        )
        stored = self.stored.get(key)
        if stored is not None:
            if stored != amount:
                self.conflict(problems, _("Förbrukningen den månaden"), ["amount"])
                return None
            planned.existing = True
        return planned

    def write(self, new):
        consumption_insert(
            [planned.values for planned in new],
            user=self.actor.user,
            change_reason=self.change_reason,
        )
        per_area: dict[int, int] = {}
        for planned in new:
            per_area[planned.area_id] = per_area.get(planned.area_id, 0) + 1
        return [
            (
                self.object_type,
                "",
                None,
                area_id,
                self.purpose("1 nytt belopp" if n == 1 else f"{n} nya belopp"),
            )
            for area_id, n in sorted(per_area.items())
        ]
