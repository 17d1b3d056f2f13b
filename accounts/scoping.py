"""The one scoping mechanism (SPEC §1, §7).

Every page, API endpoint and export asks `scope_for(user)` what the user may see and filters its
queryset with `restrict_to_areas`, so the rule "an officer sees the people and cases of the
collaboration areas they belong to; management and analysts see aggregates only" is written once.
Models expose it as `Model.objects.visible_to(user)` (see cases.models)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.db.models import QuerySet


@dataclass(frozen=True)
class Scope:
    user_id: int | None
    area_ids: frozenset[int]
    case_access: bool = False
    area_wide: bool = False
    area_aggregates: bool = False
    national_aggregates: bool = False
    reviews_access_log: bool = False
    exports_pseudonymised: bool = False
    is_officer: bool = False
    team_ids: frozenset[int] = frozenset()
    role_name: str = ""
    agency_code: str = ""
    # A regional manager (FK verksamhetsområdeschef, AF marknadschef): the regions they lead and
    # the active areas of those regions, whose aggregates and deviation reports they see.
    regional_manager: bool = False
    region_ids: frozenset[int] = frozenset()
    region_area_ids: frozenset[int] = frozenset()
    # The national samverkansgrupp: approves the areas' work plans (and sees every area, by its
    # role's national_aggregates).
    national_steering: bool = False

    @property
    def is_coordinator(self) -> bool:
        """A samverkanssamordnare: case access to the whole of the user's areas (SPEC §1). The
        coordinators keep the work plans, draw quality reviews, import and work on deviations."""
        return self.case_access and self.area_wide

    def coordinates(self, area_id: int) -> bool:
        """A coordinator of this area."""
        return self.is_coordinator and area_id in self.area_ids

    def manages(self, area_id: int) -> bool:
        """The area's management group (its lokal samverkansgrupp: the area's statistics without
        an own caseload) or one of its coordinators: they work on the area's deviation reports
        and submit its work plan."""
        management_group = self.area_aggregates and not self.is_officer
        return area_id in self.area_ids and (management_group or self.is_coordinator)

    def leads_region_of(self, area_id: int) -> bool:
        """A regional manager whose regions include this area."""
        return self.regional_manager and area_id in self.region_area_ids

    @property
    def sees_aggregates(self) -> bool:
        """Sees some statistics: the menu's Statistik, Rapporter, Arbetsplaner, Avvikelser."""
        return any(
            (
                self.case_access,
                self.area_aggregates,
                self.national_aggregates,
                self.regional_manager,
            )
        )

    @property
    def has_any_access(self) -> bool:
        return self.sees_aggregates


NO_SCOPE = Scope(user_id=None, area_ids=frozenset())


# The fields of the reader's role that the scope copies.
ROLE_FIELDS = (
    "case_access",
    "area_wide",
    "area_aggregates",
    "national_aggregates",
    "reviews_access_log",
    "exports_pseudonymised",
    "is_officer",
    "name",
    "regional_manager",
    "national_steering",
)
# Stands for the user's id while the scope's query is compiled (no user has it: ids are positive).
_USER_MARK = -424242
_compiled: tuple[str, list, int, list[str]] | None = None


def _profile_query(user_id: int):
    """The one query of every request: the profile's role and agency, its active areas and
    teams, and a regional manager's regions with their active areas. Its lists are sets, asked
    in no order and without DISTINCT: sorting only made it dearer to plan on every request."""
    from django.contrib.postgres.expressions import ArraySubquery
    from django.db.models import OuterRef

    from .models import Area, Region, StaffProfile, Team

    return (
        StaffProfile.objects.filter(user_id=user_id)
        .order_by()
        .annotate(
            active_area_ids=ArraySubquery(
                Area.objects.filter(staff=OuterRef("pk"), is_active=True).order_by().values("pk")
            ),
            team_id_list=ArraySubquery(
                Team.objects.filter(members=OuterRef("pk")).order_by().values("pk")
            ),
            region_id_list=ArraySubquery(
                Region.objects.filter(managers=OuterRef("pk"), is_active=True)
                .order_by()
                .values("pk")
            ),
            region_area_id_list=ArraySubquery(
                Area.objects.filter(
                    regions__managers=OuterRef("pk"), regions__is_active=True, is_active=True
                )
                .order_by()
                .values("pk")  # an area of two of the manager's regions twice: a set in Python
            ),
        )
        .values(
            *(f"role__{name}" for name in ROLE_FIELDS),
            "agency__code",
            "active_area_ids",
            "team_id_list",
            "region_id_list",
            "region_area_id_list",
        )
    )


def _profile_row(user_id: int) -> dict | None:
    """_profile_query's row for the user. The query is compiled once per process (compiling it
    costs several times what PostgreSQL takes to answer it, on every request) and run with the
    user's id in the place of the mark; nothing else in it depends on the data or the user."""
    global _compiled
    if _compiled is None:
        query = _profile_query(_USER_MARK)
        sql, params = query.query.sql_with_params()
        params = list(params)
        if params.count(_USER_MARK) != 1:  # a changed query must still name the user once
            raise RuntimeError("the scope's query must name the user exactly once")
        # The columns in the order Django's values() reads them.
        names = [*query.query.values_select, *query.query.annotation_select]
        _compiled = (sql, params, params.index(_USER_MARK), names)
    sql, params, where, names = _compiled
    params = [*params]
    params[where] = user_id
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return None if row is None else dict(zip(names, row, strict=True))


def scope_for(user) -> Scope:
    """What `user` may see. Cached on the user object for the length of one request."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NO_SCOPE
    cached = getattr(user, "_samverkan_scope", None)
    if cached is not None:
        return cached
    profile = _profile_row(user.pk)
    if profile is None:
        scope = Scope(user_id=user.pk, area_ids=frozenset())
    else:
        role = {name: profile[f"role__{name}"] for name in ROLE_FIELDS}
        regional = role["regional_manager"]
        scope = Scope(
            user_id=user.pk,
            area_ids=frozenset(profile["active_area_ids"]),
            case_access=role["case_access"],
            area_wide=role["area_wide"],
            area_aggregates=role["area_aggregates"],
            national_aggregates=role["national_aggregates"],
            reviews_access_log=role["reviews_access_log"],
            exports_pseudonymised=role["exports_pseudonymised"],
            is_officer=role["is_officer"],
            team_ids=frozenset(profile["team_id_list"]),
            role_name=role["name"],
            agency_code=profile["agency__code"] or "",
            regional_manager=regional,
            region_ids=frozenset(profile["region_id_list"]) if regional else frozenset(),
            region_area_ids=(
                frozenset(profile["region_area_id_list"]) if regional else frozenset()
            ),
            national_steering=role["national_steering"],
        )
    user._samverkan_scope = scope
    return scope


def coordinators_of(area_id: int) -> QuerySet:
    """The active coordinators of one area (Scope.is_coordinator's rule, as a query)."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            staff_profile__role__case_access=True,
            staff_profile__role__area_wide=True,
            staff_profile__areas=area_id,
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def first_area_id(user) -> int | None:
    """The user's first area (by id): where the access log files entries about no object."""
    areas = sorted(scope_for(user).area_ids)
    return areas[0] if areas else None


def restrict_to_areas(queryset: QuerySet, user, area_path: str = "area") -> QuerySet:
    """Personal data: only with case access, and only in the user's own areas."""
    scope = scope_for(user)
    if not scope.case_access or not scope.area_ids:
        return queryset.none()
    return queryset.filter(**{f"{area_path}__in": scope.area_ids})


def aggregate_area_ids(user) -> frozenset[int] | None:
    """Areas whose aggregates the user may see; None means every area (national view). A
    regional manager sees the areas of their regions (besides any areas of their own)."""
    scope = scope_for(user)
    if scope.national_aggregates:
        return None
    area_ids = frozenset()
    if scope.area_aggregates or scope.case_access:
        area_ids = scope.area_ids
    if scope.regional_manager:
        area_ids = area_ids | scope.region_area_ids
    return area_ids
