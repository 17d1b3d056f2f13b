"""What the apps above cases show on the person and case pages: the mapping app adds the
individual plan, the interventions, the meetings, the joint mappings and its links (SPEC §4 on
the pages of SPEC §3).

Cases know nothing of the apps above them (the layering of the apps). As with the flags' inputs
(`cases.flags.provide_case_facts`) and the case hooks (`cases.services.on_case_closed`), an app
registers what it contributes once, in its AppConfig.ready, with `contribute_to_pages`. A
contribution renders its own templates and returns their HTML for named places of the page:

- `lead_actions`: the first buttons of the page's actions;
- `actions`: buttons after the page's own (the case page only);
- `summary`: rows of the case page's overview list (`<dt>`/`<dd>`);
- `sections`: whole sections, after the page's own facts and before its history (the case
  page) or its consents (the person page)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from django.utils.safestring import SafeString, mark_safe

SLOTS = ("lead_actions", "actions", "summary", "sections")

# (request=, case=, today=) → {slot: HTML}; (request=, person=, today=) → {slot: HTML}
CasePageContribution = Callable[..., Mapping[str, str]]
PersonPageContribution = Callable[..., Mapping[str, str]]

_case_page: list[CasePageContribution] = []
_person_page: list[PersonPageContribution] = []


def contribute_to_pages(
    *, case_page: CasePageContribution, person_page: PersonPageContribution
) -> None:
    """Register what an app shows on the case page and on the person page. Their HTML must be
    rendered from templates (autoescaped): it is put on the page as it is."""
    if case_page not in _case_page:
        _case_page.append(case_page)
    if person_page not in _person_page:
        _person_page.append(person_page)


def _joined(contributions) -> dict[str, SafeString]:
    parts = {slot: [] for slot in SLOTS}
    for contribution in contributions:
        for slot, html in contribution.items():
            parts[slot].append(html)
    return {slot: mark_safe("".join(html)) for slot, html in parts.items()}  # noqa: S308


def case_page_parts(*, request, case, today) -> dict[str, SafeString]:
    return _joined(c(request=request, case=case, today=today) for c in _case_page)


def person_page_parts(*, request, person, today) -> dict[str, SafeString]:
    return _joined(c(request=request, person=person, today=today) for c in _person_page)
