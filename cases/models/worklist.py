"""The worklist's summary of each case, stored for the day (cases.worklist_state)."""

from django.contrib.postgres.fields import ArrayField
from django.db import models

from .case import Case


class CaseWorklistState(models.Model):
    """What the worklist sorts, filters and counts each case by, evaluated on `day` from the
    flags' declarations (cases.flag_rules) and stored, so that an area's list is read rather than
    evaluated (cases.worklist_state, which alone writes it). Two readings, as FK's facts are
    shown to the reader or hidden (cases.secrecy.fk_facts_visible): the nearest deadline,
    whether a flag is overdue and which flags apply.

    Only a row of today whose `rules_key` is the declarations' own is read; any other case is
    evaluated from its declarations as the page is asked for (cases.worklist_query), so a
    missing or old row costs time, never a wrong list."""

    case = models.OneToOneField(
        Case, on_delete=models.CASCADE, primary_key=True, related_name="+", db_constraint=True
    )
    day = models.DateField()
    rules_key = models.CharField(max_length=16)
    nearest_shown = models.DateField(null=True)
    overdue_shown = models.BooleanField()
    flags_shown = ArrayField(models.CharField(max_length=40))
    nearest_hidden = models.DateField(null=True)
    overdue_hidden = models.BooleanField()
    flags_hidden = ArrayField(models.CharField(max_length=40))

    class Meta:
        default_permissions = ()

    def __str__(self):
        return f"{self.case_id} {self.day}"
