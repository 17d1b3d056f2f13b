"""The dashboard's sections (SPEC §5 "Dashboards"): the caseload against the norm on the newest
month, the open deviation reports and the snapshots shown, and the whole page's list of
sections (the month-by-month ones live in dashboard_inflow and dashboard_goals). Everything is
built from a `dashboard.Dashboard`, already suppressed for roles without case access."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import charts
from .dashboard import Dashboard, Month
from .dashboard_goals import days_section, outcome_section
from .dashboard_inflow import inflow_section, young_section
from .dashboard_tables import (
    Cell,
    Column,
    Row,
    Section,
    Table,
    count_cell,
    dig,
    hidden_derived,
    mark_of,
    spoken,
    text_cell,
    value_cell,
    version_cell,
)
from .dashboard_timeliness import timeliness_section

# --- caseload vs norm -------------------------------------------------------------------------

AGENCIES = (("fk", "norm_fk", "FK"), ("af", "norm_af", "AF"))


def _officer_rows(board: Dashboard) -> list[dict]:
    """One row per officer on the newest month's caseload, FK first, then by name; the norm is
    the full-time norm times today's working-time share (as the officers' caseload page)."""
    caseload = board.caseload or {}
    rows = []
    for agency, norm_key, label in AGENCIES:
        norm_full = caseload.get(norm_key)
        for user_id, count in (caseload.get(agency) or {}).items():
            user = board.officers.get(str(user_id))
            profile = getattr(user, "staff_profile", None) if user else None
            share = profile.working_time_share if profile else Decimal("1.00")
            name = (user.get_full_name() or user.get_username()) if user else _("Okänd användare")
            norm = (Decimal(norm_full or 0) * share).quantize(Decimal("0.1"))
            rows.append(
                {
                    "name": name,
                    "sort": (label, user.last_name if user else "", name),
                    "agency": label,
                    "count": count,
                    "mark": mark_of(caseload, f"{agency}:{user_id}"),
                    "share": share,
                    "norm": norm,
                    "per_fte": None
                    if count is None
                    else (Decimal(count) / share).quantize(Decimal("0.1")),
                    "above": count is not None and count > norm,
                }
            )
    rows.sort(key=lambda row: row["sort"])
    return rows


def _decimal(value: Decimal) -> str:
    return str(value).replace(".", ",")


def caseload_section(board: Dashboard, csv_url) -> Section:
    caseload = board.caseload
    newest = board.newest
    officers = _officer_rows(board)
    summary = Table(
        key="arendebestand",
        caption=_("Ärenden per handläggare jämfört med normen, per myndighet"),
        columns=[
            Column(_("Myndighet"), num=False),
            Column(_("Handläggare")),
            Column(_("Ärenden med handläggare")),
            Column(_("Ärenden utan handläggare")),
            Column(_("Norm per heltid")),
            Column(_("Handläggare över normen")),
        ],
        empty_text=_("Ingen ögonblicksbild att visa ärendebeståndet från."),
        csv_url=csv_url("arendebestand"),
    )
    if caseload:
        for agency, norm_key, label in AGENCIES:
            counts = list((caseload.get(agency) or {}).values())
            hidden = any(count is None for count in counts)
            over = sum(1 for row in officers if row["agency"] == label and row["above"])
            summary.rows.append(
                Row(
                    header=Cell(label),
                    cells=[
                        Cell(str(len(counts))),
                        hidden_derived() if hidden else Cell(str(sum(counts))),
                        value_cell(
                            dig(caseload, f"without_{agency}_officer"),
                            mark_of(caseload, f"without_{agency}_officer"),
                        ),
                        value_cell(dig(caseload, norm_key)),
                        hidden_derived() if hidden else Cell(str(over), flag=over > 0),
                    ],
                    warning=not hidden and over > 0,
                )
            )
    day = dig(caseload, "day")
    lead = (
        _(
            "Öppna ärenden per handläggare den %(day)s (sista dagen i %(month)s, den senaste "
            "ögonblicksbilden) mot normen: %(fk)s ärenden per personlig handläggare (FK) och "
            "%(af)s per arbetsförmedlare (AF) på heltid."
        )
        % {
            "day": day if isinstance(day, str) else "–",
            "month": newest.label if newest else "–",
            "fk": spoken(dig(caseload, "norm_fk")),
            "af": spoken(dig(caseload, "norm_af")),
        }
        if caseload
        else ""
    )
    section = Section(
        key="arendebestand",
        title=_("Ärendebestånd jämfört med normen"),
        lead=lead,
        tables=[summary],
    )
    if board.area is None:
        if board.region is not None and caseload:
            # The per-officer list is the area's, for its coordinator; a group shows the sum.
            section.lead += " " + _(
                "Här är ärendena summan av områdenas; en handläggare med ärenden i flera av "
                "områdena räknas med alla sina ärenden i dem. Handläggarna en och en visas på "
                "varje områdes översikt."
            )
        return section
    per_officer = Table(
        key="handlaggare",
        caption=_("Öppna ärenden per handläggare den %(day)s") % {"day": day}
        if isinstance(day, str)
        else _("Öppna ärenden per handläggare"),
        columns=[
            Column(_("Handläggare"), num=False),
            Column(_("Myndighet"), num=False),
            Column(_("Öppna ärenden")),
            Column(_("Tjänstgöringsgrad")),
            Column(_("Norm")),
            Column(_("Per heltid")),
            Column(_("Jämfört med normen"), num=False),
        ],
        empty_text=_("Inga handläggare med ärenden."),
        csv_url=csv_url("handlaggare"),
    )
    for row in officers:
        hidden = row["count"] is None
        verdict = (
            hidden_derived()
            if hidden
            else text_cell(_("Över normen"), flag=True)
            if row["above"]
            else text_cell(_("Inom normen"))
        )
        per_officer.rows.append(
            Row(
                header=Cell(row["name"]),
                cells=[
                    Cell(row["agency"]),
                    count_cell(row["count"], row["mark"]),
                    Cell(_decimal(row["share"])),
                    Cell(_decimal(row["norm"])),
                    hidden_derived() if hidden else Cell(_decimal(row["per_fte"])),
                    verdict,
                ],
                warning=row["above"],
            )
        )
    section.tables.append(per_officer)
    if officers:
        above = [row["name"] for row in officers if row["above"]]
        alt = _(
            "Liggande stapeldiagram: öppna ärenden per handläggare den %(day)s och normen för "
            "var och en. Över normen: %(above)s."
        ) % {"day": day, "above": ", ".join(above) if above else _("ingen")}
        section.charts.append(
            charts.bar_chart(
                labels=[row["name"] for row in officers],
                series=[
                    charts.Series(_("Öppna ärenden"), [row["count"] for row in officers], "bar"),
                    charts.Series(
                        _("Norm efter tjänstgöringsgrad"),
                        [float(row["norm"]) for row in officers],
                        "bar_goal",
                    ),
                ],
                alt=alt,
                horizontal=True,
                height=charts.bar_height(len(officers)),
            )
        )
    return section


# --- open deviations and the snapshots shown --------------------------------------------------


def deviation_section(board: Dashboard, csv_url) -> Section:
    national = board.area is None  # the nation or a region: several areas' reports
    columns = [Column(_("Avvikelse"), num=False)]
    if national:
        columns.append(Column(_("Område"), num=False))
    columns += [
        Column(_("Avvikande månader"), num=False),
        Column(_("Status"), num=False),
        Column(_("Försenade åtgärder")),
    ]
    table = Table(
        key="avvikelser",
        caption=_("Öppna avvikelserapporter"),
        columns=columns,
        empty_text=_("Inga öppna avvikelserapporter."),
        csv_url=csv_url("avvikelser"),
    )
    for report in board.deviations:
        cells = [Cell(report.area.name)] if national else []
        cells += [
            Cell(f"{report.run_start:%Y-%m}–{report.opened_for:%Y-%m}"),
            Cell(report.get_status_display()),
            Cell(str(report.overdue_count), flag=report.overdue_count > 0),
        ]
        table.rows.append(
            Row(
                header=text_cell(
                    report.get_kind_display(),
                    href=reverse("reporting:deviation_detail", args=[report.pk]),
                ),
                cells=cells,
            )
        )
    return Section(key="avvikelser", title=_("Öppna avvikelser"), tables=[table])


def computed(month: Month) -> str:
    return f"{timezone.localtime(month.computed_at):%Y-%m-%d %H:%M}" if month.computed_at else ""


def snapshot_section(board: Dashboard, csv_url) -> Section:
    if board.region is not None:
        return _region_snapshot_section(board, csv_url)
    table = Table(
        key="ogonblicksbilder",
        caption=_("Ögonblicksbilder som visas, per månad"),
        columns=[
            Column(_("Månad"), num=False),
            Column(_("Version")),
            Column(_("Beräknad"), num=False),
        ],
        empty_text=_("Inga ögonblicksbilder."),
        csv_url=csv_url("ogonblicksbilder"),
    )
    for month in reversed(board.months):
        table.rows.append(
            Row(
                header=Cell(month.label),
                cells=[version_cell(month), Cell(computed(month) or "–")],
                gap=month.gap,
                warning=month.gap,
            )
        )
    return Section(
        key="ogonblicksbilder",
        title=_("Ögonblicksbilder"),
        lead=_(
            "Varje månad visas med den senaste versionen av sin ögonblicksbild. En månad som "
            "räknats om har en högre version; de tidigare versionerna finns kvar oförändrade."
        ),
        tables=[table],
    )


def _region_snapshot_section(board: Dashboard, csv_url) -> Section:
    """A region's months: how many member areas' snapshots each sums, and which it lacks."""
    total = len(board.region_areas)
    table = Table(
        key="ogonblicksbilder",
        caption=_("Områdenas ögonblicksbilder som summeras, per månad"),
        columns=[
            Column(_("Månad"), num=False),
            Column(_("Områden med ögonblicksbild")),
            Column(_("Saknas för"), num=False),
            Column(_("Senast beräknad"), num=False),
        ],
        empty_text=_("Inga ögonblicksbilder."),
        csv_url=csv_url("ogonblicksbilder"),
    )
    for month in reversed(board.months):
        have = total - len(month.missing_areas)
        table.rows.append(
            Row(
                header=Cell(month.label),
                cells=[
                    Cell(
                        _("%(have)s av %(total)s") % {"have": have, "total": total},
                        flag=month.gap,
                    ),
                    Cell(", ".join(month.missing_areas) or "–"),
                    Cell(computed(month) or "–"),
                ],
                gap=month.gap,
                warning=month.gap,
            )
        )
    return Section(
        key="ogonblicksbilder",
        title=_("Ögonblicksbilder"),
        lead=_(
            "Varje månad är summan av den senaste versionen av varje områdes ögonblicksbild. En "
            "månad där något av områdena saknar ögonblicksbild visas inte (tom i tabellerna, "
            "lucka i diagrammen): en summa av färre områden skulle se ut som summan av alla."
        ),
        tables=[table],
    )


def timeliness_url(board: Dashboard) -> str:
    """The timeliness page of the dashboard's area (or the nation); none for a region (the page
    is of an area or the nation, its team and officer figures are for the area's coordinator)."""
    if board.region is not None:
        return ""
    return f"{reverse('reporting:timeliness')}?omrade={board.code}"


def dashboard_sections(board: Dashboard, csv_url, window_url=None) -> list[Section]:
    return [
        inflow_section(board, csv_url),
        outcome_section(board, csv_url, window_url),
        days_section(board, csv_url),
        young_section(board, csv_url),
        caseload_section(board, csv_url),
        timeliness_section(board, csv_url, timeliness_url(board)),
        deviation_section(board, csv_url),
        snapshot_section(board, csv_url),
    ]
