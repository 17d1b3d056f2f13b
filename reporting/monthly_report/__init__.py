"""The printed monthly report for the management group's meeting (SPEC §5 "Reports"; ADR 0026):
one PDF per area and month from the month's snapshot version, the dashboard's sections as the
reader's suppression level sees them and the area's open deviation reports with their actions.

`jobs` orders and makes it (the Celery task's work, with progress), `content` gathers what it
holds, `pdf` renders it; the model is reporting.models.MonthlyReportDocument."""
