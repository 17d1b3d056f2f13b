"""The report API (SPEC §5, §6): the follow-up metrics computed live for a period and an area,
as JSON or CSV, scoped to the user's aggregates and small cells suppressed for roles without case
access (SPEC §7)."""
