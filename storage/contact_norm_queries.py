"""What the contact norm reads (`coach.contact_norm`): accounts with a class, their owner and their last visit.

An account's owner is who added it (`created_by_id`: the rep a CRM import names, or who first prepared, planned
or debriefed it; deleting a user hands it to their heir). A visit by anyone counts for the account. A visit is
made once it is prepared or debriefed (a visit only planned may not have happened), on the day it was planned
for, or, when it was not planned, the day it was debriefed or else prepared, in the time zone asked for; a
visit planned for a later day than `today` is not made yet. The next visit is the first one planned for
`today` or later that is not debriefed.
"""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import Date, and_, case, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from coach.contact_norm import AccountVisits
from storage.models import Account, Visit
from storage.types import UTCDateTime

MADE = ("prepared", "debriefed")


def norm_accounts(session: Session, which: ColumnElement[bool], today: date, tz: ZoneInfo) -> list[AccountVisits]:
    """The accounts with a class that `which` selects, each with its last visit made on or before `today` and its
    next visit planned."""
    classed = and_(which, Account.abc_class.is_not(None))
    made = Visit.status.in_(MADE)
    planned = func.max(case((and_(made, Visit.planned_on <= today), Visit.planned_on)), type_=Date())
    unplanned = func.max(case((and_(made, Visit.planned_on.is_(None)),
                               func.coalesce(Visit.debriefed_at, Visit.created_at))), type_=UTCDateTime())
    upcoming = func.min(case((and_(Visit.status != "debriefed", Visit.planned_on >= today), Visit.planned_on)),
                        type_=Date())
    visits = (select(Visit.account_id, planned.label("planned"), unplanned.label("unplanned"),
                     upcoming.label("upcoming"))
              .where(Visit.account_id.in_(select(Account.id).where(classed))).group_by(Visit.account_id).subquery())
    rows = session.execute(
        select(Account.id, Account.name, Account.created_by_id, Account.status, Account.abc_class,
               Account.class_since, visits.c.planned, visits.c.unplanned, visits.c.upcoming)
        .outerjoin(visits, visits.c.account_id == Account.id).where(classed).order_by(Account.id))
    found = []
    for account_id, name, owner, status, cls, since, planned_on, unplanned_at, upcoming_on in rows:
        days = [d for d in (planned_on, unplanned_at and unplanned_at.astimezone(tz).date()) if d is not None]
        found.append(AccountVisits(account_id, name, owner, status, cls, since and since.astimezone(tz).date(),
                                   max(days, default=None), upcoming_on))
    return found
