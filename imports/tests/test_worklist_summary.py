"""The imports keep the worklist's stored summary of each case (cases.worklist_state) equal to
what the flags' declarations give: the cases import writes the new cases' summaries, the
mappings import those of the persons' cases (a joint mapping considered changes a suggestion)."""

import datetime as dt

import pytest
from django.utils import timezone

from cases.models import Case, CaseWorklistState
from cases.worklist_state import summaries
from imports.services import import_file
from samverkan.services import AccessContext

from .conftest import ANNA, BO, csv_file

pytestmark = pytest.mark.django_db


def stored() -> dict[int, dict]:
    names = [f.name for f in CaseWorklistState._meta.concrete_fields][1:]
    return {row.pop("case_id"): row for row in CaseWorklistState.objects.values("case_id", *names)}


def test_the_imports_write_the_summaries_the_declarations_give(imported_persons, coordinator):
    today = timezone.localdate()
    started, ends = today - dt.timedelta(days=30), today + dt.timedelta(days=60)
    cases = csv_file(
        "cases",
        # Anna: a sick-leave case whose benefit ends in two months (a joint mapping suggested)
        f"{ANNA};sdt;sick_unemployed;sjukpenning;{ends};{started};;{started};;",
        f"{BO};sdt;;;;;{today - dt.timedelta(days=20)};;;",
    )
    import_file(kind="cases", data=cases, context=AccessContext.for_user(coordinator))
    anna = Case.objects.get(person__personnummer=ANNA)
    before = summaries(Case.objects.all())
    assert stored() == before and len(before) == 2
    assert "mapping_suggested" in before[anna.pk]["flags_shown"]

    requested = today - dt.timedelta(days=10)
    mappings = csv_file("mappings", f"{ANNA};sdt;FK;{requested};sjukpenning;{started};")
    import_file(kind="mappings", data=mappings, context=AccessContext.for_user(coordinator))

    after = summaries(Case.objects.all())
    assert stored() == after
    assert "mapping_suggested" not in after[anna.pk]["flags_shown"]
