"""The statistics overview: aggregates only, scoped, small cells suppressed (SPEC §5, §7)."""

from django.shortcuts import render

from accounts.scoping import scope_for

from ..selectors import SMALL_CELL, area_case_counts, suppress


def overview(request):
    scope = scope_for(request.user)
    rows = [
        {
            "area": area,
            "open": suppress(area.open_cases, case_access=scope.case_access),
            "closed": suppress(area.closed_cases, case_access=scope.case_access),
        }
        for area in area_case_counts(user=request.user)
    ]
    return render(
        request,
        "reporting/overview.html",
        {"rows": rows, "small_cell": SMALL_CELL, "national": scope.national_aggregates},
    )
