"""The task outbox (ADR 0027): a Celery task to send, written in the same transaction as the
job it runs, so that no job exists without its send and no send without its job, whether or not
Redis answers at that moment."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class TaskSend(models.Model):
    # The Celery task's name and its positional arguments (ids only, as every task takes).
    task = models.CharField(_("uppgift"), max_length=200)
    args = models.JSONField(_("argument"), default=list, blank=True)
    kwargs = models.JSONField(_("namngivna argument"), default=dict, blank=True)
    # What the send is for: "<task>:<job id>" for a job's run, "beat:<schedule entry>" for a
    # scheduled send that Redis missed. A job's sends are counted by it (outbox.stale).
    key = models.CharField(_("nyckel"), max_length=250, blank=True, db_index=True)
    # The Celery task id, the same at every attempt, so a send repeated after an unclear failure
    # is recognisably the same message.
    task_id = models.UUIDField(_("uppgifts-id"), default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    sent_at = models.DateTimeField(_("skickad"), null=True, blank=True)
    # Sent again by the stale jobs' check (outbox.jobs): a job's message lost a second time
    # fails the job instead.
    resend = models.BooleanField(_("skickad igen"), default=False)
    attempts = models.PositiveIntegerField(_("försök"), default=0)
    last_error = models.CharField(_("senaste fel"), max_length=500, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("uppgift att skicka")
        verbose_name_plural = _("uppgifter att skicka")
        indexes = [
            models.Index(
                fields=["id"], condition=models.Q(sent_at__isnull=True), name="outbox_unsent"
            )
        ]
        # One waiting send per job or schedule entry.
        constraints = [
            models.UniqueConstraint(
                fields=["key"],
                condition=models.Q(sent_at__isnull=True) & ~models.Q(key=""),
                name="outbox_one_waiting_per_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.task}({', '.join(map(str, self.args))})"
