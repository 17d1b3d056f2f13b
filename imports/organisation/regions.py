"""The regions in the units file (issue 20, docs/ORGANISATION.md): `VO` (FK's
verksamhetsområde) and `MO` (AF's marknadsområde) rows, whose `area_code` lists their areas
(codes of the file or stored, separated by a comma), and a staff row's `region_codes`. The units
import (imports.organisation.units) takes its region rows' checks and writes from RegionRows."""

from __future__ import annotations

from django.utils.translation import gettext as _

from accounts.models import Agency, Area, Region

from ..base import Planned, Problems

REGION_KINDS = {"VO": Agency.FK, "MO": Agency.AF}
AREA_SEPARATOR = ","


def regions_by_code() -> dict[str, Region]:
    return {region.code: region for region in Region.objects.select_related("agency")}


def regions_changed(region_ids: set | None, profile) -> list[str]:
    """["region_codes"] when the row gives regions other than the profile's."""
    if region_ids is None or region_ids == {r.pk for r in profile.regions.all()}:
        return []
    return ["region_codes"]


def staff_regions(problems: Problems, cells: dict, agency, regions_by_code) -> set | None:
    """A regional manager's regions, of the row's agency; None when the cell is empty."""
    text = cells.get("region_codes", "")
    if not text:
        return None
    ids = set()
    for code in dict.fromkeys(c.strip() for c in text.split(AREA_SEPARATOR)):
        region = regions_by_code.get(code)
        if region is None:
            problems.add(
                "region_codes",
                _("Okänd region '%(c)s': finns varken i filen med enheter eller i Samverkan.")
                % {"c": code[:40]},
            )
        elif agency is not None and region.agency_id != agency.pk:
            problems.add(
                "region_codes",
                _("Regionen '%(c)s' hör till den andra myndigheten.") % {"c": code},
            )
        else:
            ids.add(region.pk)
    return ids


class RegionRows:
    """The region rows of UnitsImport (which has areas_by_code, file_areas, regions_by_code and
    agencies)."""

    def _region_areas(self, problems: Problems, text: str) -> list | None:
        """A region's areas: stored areas and codes of area rows of this file; None when the
        cell is empty (a stored region keeps its areas)."""
        if not text:
            return None
        areas = []
        for code in dict.fromkeys(c.strip() for c in text.split(AREA_SEPARATOR)):
            if not code:
                continue
            area = self.areas_by_code.get(code)
            if area is None and code not in self.file_areas:
                problems.add(
                    "area_code",
                    _("Okänt samverkansområde '%(c)s': finns varken i filen eller i Samverkan.")
                    % {"c": code[:40]},
                )
                return None
            areas.append(area if area is not None else code)
        return areas

    def _region_against_stored(self, planned: Planned, problems: Problems) -> Planned | None:
        kind, code, areas = planned.extra["kind"], planned.extra["code"], planned.extra["area"]
        name, agency = planned.values["name"], REGION_KINDS[kind]
        namesake = next(
            (
                r
                for r in self.regions_by_code.values()
                if r.agency.code == agency and r.name == name and r.code != code
            ),
            None,
        )
        if namesake is not None:
            problems.add(
                "name", _("Namnet används redan av regionen '%(c)s'.") % {"c": namesake.code}
            )
            return None
        stored = self.regions_by_code.get(code)
        if stored is None:
            return planned
        if stored.agency.code != agency:
            problems.add(
                "kind",
                _("Regionen %(c)s finns redan hos den andra myndigheten.") % {"c": code},
            )
            return None
        active = planned.values["is_active"]
        same_areas = areas is None or {getattr(a, "pk", a) for a in areas} == {
            a.pk for a in stored.areas.all()
        }
        planned.existing = stored.name == name and active in (None, stored.is_active) and same_areas
        planned.extra["stored"] = stored
        return planned

    def _write_regions(self, items: list[Planned], now) -> dict[str, list[Region]]:
        """New regions created, stored ones brought up to their row; a row that names areas
        replaces the region's areas (an empty cell keeps them)."""
        created, changed, memberships = [], [], {}
        for item in items:
            stored = item.extra.get("stored")
            region = stored or Region(
                agency=self.agencies[REGION_KINDS[item.extra["kind"]]], code=item.extra["code"]
            )
            region.name = item.values["name"]
            if item.values["is_active"] is not None:
                region.is_active = item.values["is_active"]
            elif stored is None:
                region.is_active = True
            region.updated_at = now
            region.save()
            (changed if stored else created).append(region)
            areas = item.extra["area"]
            if areas is not None:
                memberships[region] = [
                    a if isinstance(a, Area) else self.areas_by_code[a] for a in areas
                ]
        for region, areas in memberships.items():
            region.areas.set(areas)
        return {"created": created, "changed": changed}
