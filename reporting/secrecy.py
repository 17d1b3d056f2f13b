"""Secrecy between the agencies in the statistics (SPEC §7, cases.secrecy).

Staff with case access see unsuppressed figures, and they know which of their area's people a
row is about (an AF officer knows whose mapping was held in February). A table by FK's benefit
or by the time in the sick-leave case would then tell them FK's facts about a person whose
consent does not cover sharing. So those dimensions are left out for case-access readers who
are not FK staff. Readers without case access (the management group, the analyst) know no
person behind the rows and see them, suppressed, as the published tables do."""

from __future__ import annotations

from accounts.scoping import scope_for

# The dimensions of the joint-mapping statistics that are FK's facts about each person.
FK_DIMENSIONS = ("benefit", "sick_leave_band")


def fk_dimensions_hidden(user) -> bool:
    scope = scope_for(user)
    return scope.case_access and scope.agency_code != "FK"


def mapping_stats_without_fk_facts(data: dict | None) -> dict | None:
    """The joint-mapping statistics without FK's dimensions (levels and rows)."""
    if not data:
        return data
    shown = dict(data)
    for key in ("levels", "rows"):
        if isinstance(shown.get(key), dict):
            shown[key] = {k: v for k, v in shown[key].items() if k not in FK_DIMENSIONS}
    shown.pop("crossed", None)  # by benefit
    return shown
