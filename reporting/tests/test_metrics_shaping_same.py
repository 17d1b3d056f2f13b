"""The monthly job's documents are the same, byte for byte, since their shaping was made faster
(docs/PERFORMANCE.md, "The monthly job and the report API"): on a varied national dataset,
with levels, target groups and outcome categories the code does not know, every area's and the
nation's outcomes and inflow read exactly as the shaping before it shaped them. A stored
snapshot's digest therefore stays the same for the same data, and no new version is written.

The reference below is the earlier shaping, kept here only as the measure of the new one; it
reads the same grouped rows (grouping.grouping_sets) from the same selections."""

import datetime as dt
import json

import pytest
from django.db.models import BooleanField, CharField, ExpressionWrapper, F, Q, Value
from django.db.models.functions import Concat

from accounts.models import Area
from cases.models import Case, Person, StatusCode
from demo.national import generate
from reporting.metrics.base import (
    CATEGORY_KEYS,
    COARSE_CATEGORIES,
    FINE_CATEGORIES,
    SEX_LEVELS,
    TARGET_GROUP_LEVELS,
    WORK_OR_EDUCATION_CATEGORIES,
    WORK_OR_EDUCATION_KEY,
    blank_as_unknown,
    person_dimensions,
)
from reporting.metrics.grouping import WHOLE, grouping_sets, part_of, parts_of, split_selection
from reporting.metrics.inflow import (
    MONTH_SEX,
    ToChar,
    _young_row,
    inflow,
    inflow_by_area,
    new_cases,
)
from reporting.metrics.monthly import month_figures_by_area
from reporting.metrics.outcomes import (
    outcome_cohort,
    outcome_dimensions,
    outcome_row,
    outcomes,
    outcomes_by_area,
)
from reporting.metrics.printing import printed_share
from reporting.snapshots import figures_digest, previous_month
from samverkan.dates import add_months

pytestmark = pytest.mark.django_db


# --- the shaping before (the reference) ---------------------------------------------------------


def reference_outcome_row(fine_counts: dict) -> dict:
    counts = {category: int(fine_counts.get(category, 0)) for category in FINE_CATEGORIES}
    counts[WORK_OR_EDUCATION_KEY] = sum(counts[c] for c in WORK_OR_EDUCATION_CATEGORIES)
    total = sum(int(n) for n in fine_counts.values())
    return {
        "total": total,
        "total_share": printed_share(total, total),
        "counts": {key: counts[key] for key in CATEGORY_KEYS},
        "shares": {key: printed_share(counts[key], total) for key in CATEGORY_KEYS},
    }


def reference_outcomes(*, months, area_ids, split: bool, nation: bool = False) -> dict:
    cohort = outcome_cohort(
        months=months, area_ids=split_selection(area_ids, nation) if split else area_ids
    )
    dimensions = outcome_dimensions()
    groups = grouping_sets(
        cohort,
        {name: expression for name, (expression, _levels) in dimensions.items()},
        keys={"part": part_of(split), "category": F("outcome")},
        aggregates={"n": "COUNT(*)"},
        whole_of="part" if nation else None,
    )

    def empty() -> dict:
        return {name: {level: {} for level in dimensions[name][1]} for name in dimensions}

    counts = {part: empty() for part in parts_of(split, area_ids, nation)}
    for name, rows in groups.items():
        for group in rows:
            if group["part"] in counts:
                part = counts[group["part"]]
                part[name].setdefault(group["level"], {})[group["category"]] = group["n"]
    cohort_months = [f"{add_months(m, -12):%Y-%m}" for m in sorted(set(months))]
    return {
        part: {
            "cohort_months": cohort_months,
            "categories": {"fine": FINE_CATEGORIES, "coarse": COARSE_CATEGORIES},
            "levels": {name: list(levels) for name, levels in tables.items()},
            "rows": {
                name: {level: reference_outcome_row(fine) for level, fine in levels.items()}
                for name, levels in tables.items()
            },
        }
        for part, tables in counts.items()
    }


def reference_target_group_row(cells: dict) -> dict:
    keys = [*TARGET_GROUP_LEVELS, *(k for k in cells if k not in TARGET_GROUP_LEVELS)]
    total = sum(cells.values())
    return {
        "total": total,
        "total_share": printed_share(total, total),
        "counts": {key: cells.get(key, 0) for key in keys},
        "shares": {key: printed_share(cells.get(key, 0), total) for key in keys},
    }


def reference_inflow(*, months, area_ids, split: bool, nation: bool = False) -> dict:
    selection = split_selection(area_ids, nation) if split else area_ids
    started = new_cases(months=months, area_ids=selection).annotate(part=part_of(split))
    young = Q(age__lte=F("young_max"))
    month_keys = [f"{month:%Y-%m}" for month in sorted(set(months))]
    parts = parts_of(split, area_ids, nation)
    dimensions = {"total": (Value("total"), ["total"])}
    dimensions.update(person_dimensions("person__", F("start_date")))
    groups = grouping_sets(
        started,
        {
            **{name: expression for name, (expression, _levels) in dimensions.items()},
            MONTH_SEX: Concat(
                ToChar(F("start_date"), Value("YYYY-MM")),
                Value(":"),
                F("person__sex"),
                output_field=CharField(),
            ),
        },
        keys={"part": F("part"), "target": blank_as_unknown("target_group")},
        inputs={"young": ExpressionWrapper(young, output_field=BooleanField())},
        aggregates={"n": "COUNT(*)", "young": "COUNT(*) FILTER (WHERE young)"},
        whole_of="part" if nation else None,
    )
    cells: dict = {part: {} for part in parts}
    for group in groups.pop(MONTH_SEX):
        if group["part"] in cells:
            month, sex = group["level"].split(":", 1)
            n, y = cells[group["part"]].get((month, sex), (0, 0))
            cells[group["part"]][(month, sex)] = (n + group["n"], y + group["young"])

    def side_by_side(part, keys):
        rows = {}
        for sex in SEX_LEVELS:
            found = [cells[part].get((key, sex), (0, 0)) for key in keys]
            rows[sex] = _young_row(sum(n for n, _ in found), sum(y for _, y in found))
        rows["all"] = _young_row(
            sum(row["count"] for row in rows.values()), sum(row["young"] for row in rows.values())
        )
        return rows

    def empty() -> dict:
        return {name: {level: {} for level in known} for name, (_e, known) in dimensions.items()}

    counts: dict = {part: empty() for part in parts}
    for name, rows in groups.items():
        for group in rows:
            if group["part"] in counts:
                table = counts[group["part"]][name]
                table.setdefault(group["level"], {})[group["target"]] = group["n"]
    return {
        part: {
            "months": {key: side_by_side(part, [key]) for key in month_keys},
            "period": side_by_side(part, month_keys),
            "target_groups": TARGET_GROUP_LEVELS,
            "levels": {name: list(table) for name, table in tables.items()},
            "rows": {
                name: {level: reference_target_group_row(c) for level, c in table.items()}
                for name, table in tables.items()
            },
        }
        for part, tables in counts.items()
    }


# --- the comparison ----------------------------------------------------------------------------


def text(figures: dict) -> str:
    """The document as the snapshot stores and hashes it, and in the order the API prints it."""
    return json.dumps({str(k): v for k, v in figures.items()}, ensure_ascii=False)


@pytest.fixture
def varied(db):
    """A national dataset of four areas, then what the code does not know: a target group, an
    outcome category, a sex and an education level outside the code lists, on a few of the
    people and cases (the database does not refuse them)."""
    today = dt.date.today()
    generate(participants=900, areas=4, seed=11, progress=False, today=today)
    cases = list(Case.objects.filter(start_date__isnull=False).order_by("pk"))
    odd = cases[::7]
    Case.objects.filter(pk__in=[c.pk for c in odd[::2]]).update(target_group="nyanlanda")
    Case.objects.filter(pk__in=[c.pk for c in odd[1::2]]).update(target_group="ungdom_x")
    Person.objects.filter(pk__in=[c.person_id for c in cases[::11]]).update(education_level="okand")
    Person.objects.filter(pk__in=[c.person_id for c in cases[3::13]]).update(sex="X")
    code = StatusCode.objects.order_by("pk").first()
    StatusCode.objects.filter(pk=code.pk).update(outcome_category="sjukskriven")
    return today


def test_the_new_shaping_writes_the_same_documents_as_the_old(varied):
    area_ids = list(Area.objects.order_by("pk").values_list("pk", flat=True))
    last = previous_month(varied)
    texts = []

    def same(new: dict, old: dict, *where) -> None:
        assert text(new) == text(old), where
        texts.append(text(old))

    for back in range(0, 30, 4):
        month = add_months(last, -back)
        for m in ([month], [add_months(month, -i) for i in range(3)]):
            for ids, nation in ((area_ids, True), (area_ids[1:3], False), ([area_ids[0]], True)):
                same(
                    outcomes_by_area(months=m, area_ids=ids, nation=nation),
                    reference_outcomes(months=m, area_ids=ids, split=True, nation=nation),
                    m,
                    ids,
                    nation,
                )
                same(
                    inflow_by_area(months=m, area_ids=ids, nation=nation),
                    reference_inflow(months=m, area_ids=ids, split=True, nation=nation),
                    m,
                    ids,
                    nation,
                )
            for ids in (None, [area_ids[2]]):
                same(
                    {WHOLE: outcomes(months=m, area_ids=ids)},
                    reference_outcomes(months=m, area_ids=ids, split=False),
                    m,
                    ids,
                )
                same(
                    {WHOLE: inflow(months=m, area_ids=ids)},
                    reference_inflow(months=m, area_ids=ids, split=False),
                    m,
                    ids,
                )
    # the documents compared held people, and what the code does not know: target groups, a
    # sex, an education level, and an outcome category counted in a row's total only
    everything = "".join(texts)
    assert '"total": 0,' in everything and '"total": 1,' in everything
    for unknown in ('"nyanlanda"', '"ungdom_x"', '"X"', '"okand"'):
        assert unknown in everything, unknown
    assert any(
        row["total"] > sum(row["counts"][c] for c in FINE_CATEGORIES)
        for document in texts
        for part in json.loads(document).values()
        if "cohort_months" in part
        for rows in part["rows"].values()
        for row in rows.values()
    )


def test_a_row_of_outcome_counts_reads_as_before():
    # every fine category, an unknown one (in the total only), and an empty row
    for counts in (
        {"work_unsubsidised": 3, "education": 1, "other": 8},
        {"labour_market_programme": 1, "sjukskriven": 2},
        {category: i + 1 for i, category in enumerate(FINE_CATEGORIES)},
        {},
        {"openly_unemployed": 2910},
    ):
        assert json.dumps(outcome_row(counts)) == json.dumps(reference_outcome_row(counts))


def test_the_digest_of_a_month_is_the_same_as_with_the_old_shaping(varied):
    area_ids = list(Area.objects.order_by("pk").values_list("pk", flat=True))
    month = previous_month(varied)
    figures = month_figures_by_area(month=month, area_ids=area_ids, nation=True)
    old_outcomes = reference_outcomes(months=[month], area_ids=area_ids, split=True, nation=True)
    old_inflow = reference_inflow(months=[month], area_ids=area_ids, split=True, nation=True)
    for key, document in figures.items():
        before = {**document, "outcomes": old_outcomes[key], "inflow": old_inflow[key]}
        assert figures_digest(document) == figures_digest(before), key
