"""The access log (SPEC §7): who saw or changed which personal data, when and why.

Append-only: migration 0002 installs a trigger so the database itself refuses UPDATE and DELETE
on this table, whatever the application does. Persons are referred to by id without a foreign key,
so the log outlives the retention purge of the person (it is kept at least five years).

In the database the table is partitioned by month of `occurred_at` (migration 0005):
its primary key there is (id, occurred_at), while `id` alone, drawn from one sequence, stays
unique and is the model's primary key."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .periods import day_range

# An entry's place in the log review's sample (`selectors.log_sample`): PostgreSQL's 64-bit hash
# of the id, a fixed pseudo-random key that does not depend on anything the entry says (who,
# whom, when), computed the same on every server and version (it is what hash partitioning
# relies on), and immutable, so the index `accesslog_area_draw` holds it.
DRAW_KEY = models.Func(
    models.F("id"),
    models.Value(0),
    function="hashint8extended",
    output_field=models.BigIntegerField(),
)


class AccessLogQuerySet(models.QuerySet):
    def on_days(self, start: dt.date, end: dt.date) -> AccessLogQuerySet:
        """Entries of the local days `start` up to, not including, `end`, as a range of
        instants the indexes and the monthly partitions serve (`periods.day_range`)."""
        first, after = day_range(start, end)
        return self.filter(occurred_at__gte=first, occurred_at__lt=after)


class AccessLog(models.Model):
    class Action(models.TextChoices):
        VIEW = "view", _("Visning")
        SEARCH = "search", _("Sökning")
        EXPORT = "export", _("Export")
        CREATE = "create", _("Registrering")
        UPDATE = "update", _("Ändring")
        DELETE = "delete", _("Borttagning")
        BREAK_GLASS = "break_glass", _("Skäl angivet för åtkomst")
        DENIED = "denied", _("Nekad åtkomst")
        LOG_REVIEW = "log_review", _("Logguppföljning")
        LOGIN = "login", _("Inloggning")
        LOGIN_FAILED = "login_failed", _("Misslyckad inloggning")
        LOCKOUT = "lockout", _("Utelåst")
        LOGOUT = "logout", _("Utloggning")
        SECOND_FACTOR = "second_factor", _("Tvåstegsverifiering")
        SECOND_FACTOR_FAILED = "second_factor_failed", _("Misslyckad tvåstegsverifiering")
        SECOND_FACTOR_RESET = "second_factor_reset", _("Återställd tvåstegsinloggning")

    occurred_at = models.DateTimeField(_("tidpunkt"), default=timezone.now, db_index=True)
    # The user's and the area's entries are found by the two-column indexes below (they serve
    # the foreign keys' checks too): single-column ones would only cost every entry written.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("användare"),
        db_index=False,
    )
    username = models.CharField(_("användarnamn"), max_length=150, blank=True)
    action = models.CharField(_("händelse"), max_length=20, choices=Action.choices)
    object_type = models.CharField(_("objekttyp"), max_length=50, blank=True)
    object_id = models.CharField(_("objekt-id"), max_length=64, blank=True)
    person_id = models.BigIntegerField(_("person-id"), null=True, blank=True, db_index=True)
    area = models.ForeignKey(
        "accounts.Area",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("område"),
        db_index=False,
    )
    purpose = models.TextField(_("ändamål"), blank=True)
    outside_caseload = models.BooleanField(_("utanför eget ärendebestånd"), default=False)
    ip_address = models.GenericIPAddressField(_("IP-adress"), null=True, blank=True)
    path = models.CharField(_("sökväg"), max_length=300, blank=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["area", "occurred_at"], name="accesslog_area_time"),
            models.Index(fields=["user", "occurred_at"], name="accesslog_user_time"),
            # The sample's draw: an area's entries about a person in the order of their key
            # (audit migration 0008, which builds it month by month without blocking writes).
            models.Index(
                models.F("area"),
                DRAW_KEY,
                name="accesslog_area_draw",
                condition=models.Q(person_id__isnull=False),
            ),
        ]
        verbose_name = _("loggpost")
        verbose_name_plural = _("åtkomstlogg")

    def __str__(self):
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.username} {self.action}"
