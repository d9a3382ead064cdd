"""Accounts overdue a visit by their class's contact norm (coach-domain §3: A-accounts visited six times a year,
C-accounts served by inside sales and e-mail). Pure: the store hands in the team's norms and the accounts.

The rule:
- A norm of N visits a year asks for a visit at least every 365/N days, counted in days, so a leap year changes
  nothing: with six a year a visit is due 60 days after the last one (60.8 rounded down: a visit on day 60 is in
  time, day 61 is one day late). The days overdue are counted from that last day in time.
- A class without a norm (B until the team sets one), with 0 visits a year (inside sales and e-mail), or an
  account without a class is never overdue a visit.
- Only prospects and customers: the norm keeps up a relationship whose worth the class rates. A suspect has had
  no contact yet; its first contact is prospecting, not a rhythm of visits, and a CRM's imported lists of
  suspects would otherwise bury a rep's own accounts. An ex-customer is won back by choice, not by a norm, and
  a dead relation is never approached again.
- The interval runs from the later of the last visit and the day the account got its present class, so an
  account never visited is due one interval after it got its class, and one that has just become an A-account
  gets one interval to be visited, however long ago its last visit was. A visit after `today` (planned, not
  yet made) does not count; such a visit planned is shown with the account, which stays overdue until the
  visit is made.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

DAYS_A_YEAR = 365
NORM_STATUSES = ("prospect", "customer")


@dataclass(frozen=True)
class AccountVisits:
    """An account as the contact norm reads it: its owner, relationship, class and when it was last visited."""

    account_id: int
    account: str
    owner_id: int
    status: str
    abc_class: str | None
    class_since: date | None  # the day it got its present class
    last_visit: date | None  # the last visit made, on or before the day asked about
    next_visit: date | None = None  # the first visit planned from that day on


@dataclass(frozen=True)
class VisitDue:
    """An account overdue a visit: its norm, its last visit and the last day a visit was in time."""

    account_id: int
    account: str
    owner_id: int
    abc_class: str
    visits_a_year: int
    last_visit: date | None  # None: never visited
    due_date: date
    days_overdue: int
    next_visit: date | None = None

    def to_json(self) -> dict[str, Any]:
        """As `digest --json` and `followups list --json` give it."""
        return {"account_id": self.account_id, "account": self.account, "abc_class": self.abc_class,
                "visits_a_year": self.visits_a_year,
                "last_visit": self.last_visit.isoformat() if self.last_visit else None,
                "due_date": self.due_date.isoformat(), "days_overdue": self.days_overdue,
                "next_visit": self.next_visit.isoformat() if self.next_visit else None}


def interval_days(visits_a_year: int) -> int:
    """The most days between two visits that keep to a norm of `visits_a_year`: 365 // N (six a year: 60)."""
    return DAYS_A_YEAR // visits_a_year


def overdue_visits(norms: Mapping[str, int], accounts: Iterable[AccountVisits], today: date) -> list[VisitDue]:
    """The accounts overdue a visit on `today` under the team's `norms` (visits a year per class), the most
    overdue first."""
    due = []
    for a in accounts:
        visits = norms.get(a.abc_class or "", 0)
        if a.status not in NORM_STATUSES or visits <= 0:
            continue
        known = [d for d in (a.last_visit, a.class_since) if d is not None]
        if not known:  # neither visited nor a day the class was given: nothing to count from
            continue
        due_date = max(known) + timedelta(days=interval_days(visits))
        if today > due_date:
            due.append(VisitDue(a.account_id, a.account, a.owner_id, a.abc_class or "", visits, a.last_visit,
                                due_date, (today - due_date).days, a.next_visit))
    return sorted(due, key=lambda v: (-v.days_overdue, v.account.casefold(), v.account_id))
