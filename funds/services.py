"""Writing the consumption (issue 21, item 2): the rules a month's amount obeys, one place for the
coordinator's form and the import (imports.kinds.consumption).

- Who: the coordinator of the area (accounts.scoping `Scope.coordinates`) enters their own
  agency's consumption; the other agency's figures are theirs to see, not to change (the action
  plan: "tillfälle att ta del av och lämna synpunkter"). The command line may import for both.
- What: a category of the agency's code list still in use; a whole month, not in the future; an
  amount in kronor with at most two decimals (a correction may be negative).
- How: one amount per month, area and category. A changed amount is a new version of the row
  with its history (ADR 0006); an import never overwrites (imports.base, SPEC §6)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from accounts.scoping import scope_for
from audit.models import AccessLog
from samverkan.services import (
    AccessContext,
    actor,
    lock_for_update,
    require_context,
    save_logged,
    save_new_version,
    today_or,
)

from .models import ActivityCategory, Consumption, first_of_month

# Kronor as a financial system writes them: digits, spaces (also no-break) between thousands, a
# decimal comma or point with one or two decimals, an optional minus.
_AMOUNT = re.compile(r"^-?\d+([.,]\d{1,2})?$")
AMOUNT_LIMIT = Decimal("999999999999.99")


def parse_amount(text: str) -> Decimal:
    """An amount in kronor, or ValidationError in Swedish."""
    cleaned = re.sub(r"[\s\u00a0\u202f]", "", text or "")
    if not cleaned:
        raise ValidationError(_("Belopp saknas (kronor)."))
    if not _AMOUNT.match(cleaned):
        raise ValidationError(
            _("Ange beloppet i kronor, till exempel 2507000 eller 2507000,50, inte '%(v)s'.")
            % {"v": text[:30]}
        )
    try:
        amount = Decimal(cleaned.replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        raise ValidationError(_("Beloppet är inte ett tal.")) from None
    if abs(amount) > AMOUNT_LIMIT:
        raise ValidationError(_("Beloppet är orimligt stort."))
    return amount


def month_problem(month: dt.date, today: dt.date) -> str | None:
    """A consumption month is a whole month that has begun."""
    if month > first_of_month(today):
        return _("Månaden får inte ligga i framtiden.")
    return None


def category_problem(category: ActivityCategory) -> str | None:
    if not category.is_active:
        return _("Verksamheten %(c)s används inte längre.") % {"c": category.name}
    return None


def agency_problem(user, *, area_id: int, agency_code: str) -> str | None:
    """Why `user` may not enter `agency_code`'s consumption in the area (None: they may). No user
    is the command line, which may."""
    if user is None:
        return None
    scope = scope_for(user)
    if not scope.coordinates(area_id):
        return _("Bara områdets samordnare registrerar förbrukning.")
    if scope.agency_code != agency_code:
        return _(
            "Du registrerar din egen myndighets förbrukning (%(own)s); den andra myndighetens "
            "siffror kan du se men inte ändra."
        ) % {"own": scope.agency_code or "–"}
    return None


def consumption_categories_for(user):
    """The categories a coordinator may enter: their agency's, in use."""
    scope = scope_for(user)
    return ActivityCategory.objects.filter(
        agency__code=scope.agency_code, is_active=True
    ).select_related("agency")


@transaction.atomic
def consumption_save(
    *,
    context: AccessContext,
    area,
    category: ActivityCategory,
    month: dt.date,
    amount: Decimal,
    version: int | None = None,
    today: dt.date | None = None,
) -> Consumption:
    """Record a month's amount for one category in one area, or change the one recorded (the
    form's `version` must still be the stored one: ConcurrentEditError otherwise; 0 says the
    form showed no stored amount, None is a caller without a form). Raises
    PermissionDenied for anyone but the area's coordinator of the category's agency and
    ValidationError (on the field) for a bad month or category."""
    context = require_context(context)
    problem = agency_problem(context.user, area_id=area.pk, agency_code=category.agency.code)
    if problem:
        raise PermissionDenied(problem)
    month = first_of_month(month)
    errors = {}
    if problem := month_problem(month, today_or(today)):
        errors["month"] = problem
    if problem := category_problem(category):
        errors["category"] = problem
    if errors:
        raise ValidationError(errors)
    stored = Consumption.objects.filter(month=month, area=area, category=category).first()
    if stored is None:
        record = Consumption(
            month=month,
            area=area,
            category=category,
            amount=amount,
            source=Consumption.Source.FORM,
            created_by=actor(context),
        )
        record.full_clean()
        return save_logged(
            record,
            context=context,
            action=AccessLog.Action.CREATE,
            purpose=f"förbrukning {month:%Y-%m} {category.agency.code}",
        )
    if version == 0 and stored.amount != amount:
        # A new amount typed where one is stored: never overwrite it unseen (ADR 0006).
        raise ValidationError(
            {
                "amount": _(
                    "Det finns redan ett belopp för %(category)s %(month)s i området. Ändra det "
                    "från listan, så ser du vad som är sparat."
                )
                % {"category": category.name, "month": f"{month:%Y-%m}"}
            }
        )
    current = lock_for_update(Consumption, stored.pk, version or None)
    if current.amount == amount:
        return current
    current.amount = amount
    current.source = Consumption.Source.FORM
    return save_new_version(current, ["amount"], context=context)


def consumption_insert(rows: list[dict], *, user, change_reason: str) -> list[Consumption]:
    """Insert new consumption rows (month, area_id, category_id, amount) with their history in
    bulk: the import's write (imports.kinds.consumption)."""
    records = [
        Consumption(source=Consumption.Source.IMPORT, created_by=user, **row) for row in rows
    ]
    return bulk_create_with_history(
        records, Consumption, default_user=user, default_change_reason=change_reason
    )
