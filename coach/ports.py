"""The narrow storage interface the engine depends on. `storage.store` implements it.

Every query is scoped to the acting user: a rep reaches only their own deals, visits and follow-ups,
and accounts of their own team (or their own, without a team). Ids typed by a user or carried in a
button payload are always checked against that scope by the store, not by the caller.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import date, datetime
from typing import Any, Protocol

from coach.contact_norm import AccountVisits
from coach.digest_policy import DigestNumbers, Snapshot
from coach.records import (
    AccountInfo,
    AccountMemory,
    DealChanges,
    DealInfo,
    FollowUpInfo,
    UserInfo,
    VisitInfo,
    WriteBack,
)


class StoreBusy(Exception):
    """The database could not take this write now (locked, a serialization conflict): try the turn again."""


class StoreUnavailable(Exception):
    """The database cannot be reached (refused, or the connection broke): nothing of the turn was stored; try it
    again once the database is back."""


class Conversations(Protocol):
    """What the chat adapters remember between turns, kept in the same unit of work as the turn."""

    def first_delivery(self, source: str, event_id: str) -> bool:
        """True the first time a platform delivers this event; False for a retry of one already handled."""
    def save_reference(self, identity: str, reference: dict[str, Any]) -> None: ...
    def reference(self, identity: str) -> dict[str, Any] | None:
        """Where to reach `identity` outside a turn (a Teams conversation reference); None if never seen."""
    def remember_card(self, conversation_id: str, message_id: str, card: dict[str, Any]) -> None: ...
    def take_card(self, conversation_id: str, message_id: str) -> dict[str, Any] | None:
        """A sent card with buttons, forgotten as it is taken (its answer replaces it once)."""


class CoachStore(Protocol):
    conversations: Conversations

    def ensure_user(self, identity: str, display_name: str | None, language: str | None,
                    timezone: str | None, email: str | None = None) -> UserInfo:
        """The user, created at first contact; what the platform says fills what is not known yet (display name,
        e-mail) or has changed (time zone)."""
    def user(self, identity: str) -> UserInfo | None:
        """An existing user, or None (never creates one)."""
    def set_language(self, user: UserInfo, language: str) -> None: ...
    def set_away(self, user: UserInfo, until: date | None) -> None:
        """No reminders for this user up to and including `until`; None: back."""

    def is_admin(self, user: UserInfo) -> bool: ...
    def export_user(self, identity: str) -> dict[str, Any]:
        """Everything stored about a user. Raises ValueError with a message for an unknown user."""
    def delete_user(self, identity: str, reassign_to: str | None) -> dict[str, int]:
        """Delete a user; their team work moves to `reassign_to` or an anonymous placeholder. ValueError if refused."""

    def load_dialog(self, key: str) -> tuple[dict[str, Any] | None, int]: ...
    def save_dialog(self, key: str, user: UserInfo, state: dict[str, Any], expected_version: int) -> bool:
        """Save only if the stored version is still `expected_version`; False when someone else won."""

    def find_accounts(self, user: UserInfo, query: str, limit: int = 5) -> list[AccountInfo]: ...
    def account(self, user: UserInfo, account_id: int) -> AccountInfo | None: ...
    def get_or_create_account(self, user: UserInfo, name: str) -> AccountInfo: ...
    def account_memory(self, user: UserInfo, account_id: int) -> AccountMemory | None:
        """Status, class and learned facts of an account the user can see; None otherwise."""
    def learn(self, user: UserInfo, account_id: int, facts: dict[str, Any], visit_id: int | None, at: datetime,
              status: str | None = None, abc_class: str | None = None) -> None:
        """Keep what a debrief learned: each fact replaces the account's earlier value of that key (None
        forgets it); a status or class given replaces the account's."""

    def contact_norm_accounts(self, user: UserInfo, today: date) -> tuple[dict[str, int], list[AccountVisits]]:
        """The visits a year per class of the user's team (the book's without a team) and the accounts the user
        owns that have a class, each with its last visit on or before `today` (see `coach.contact_norm`)."""

    def team_open_deals(self, user: UserInfo) -> list[tuple[str, DealInfo]] | None:
        """Open deals of the manager's own team with owner names; None unless `user` manages a team."""
    def team_digest(self, user: UserInfo, now: datetime) -> tuple[DigestNumbers, Snapshot | None] | None:
        """The weekly digest of the manager's own team up to `now`, and the last one sent before this week;
        None unless `user` manages a team."""
    def open_deals(self, user: UserInfo, account_id: int | None = None) -> list[DealInfo]: ...
    def deal(self, user: UserInfo, deal_id: int) -> DealInfo | None: ...
    def save_deal(self, user: UserInfo, changes: DealChanges, today: Any) -> DealInfo: ...

    def recent_visits(self, user: UserInfo, account_id: int, limit: int = 3) -> list[VisitInfo]: ...
    def plan_visit(self, user: UserInfo, account_id: int, day: date) -> VisitInfo: ...
    def planned_visit(self, user: UserInfo, account_id: int, from_day: date) -> VisitInfo | None: ...
    def prepare_planned_visit(self, user: UserInfo, visit_id: int, visit_type: str, goal: str | None,
                              preparation: dict[str, Any], call_plan: dict[str, Any], deal_id: int | None,
                              at: datetime) -> VisitInfo: ...
    def planning(self, user: UserInfo) -> tuple[str, int]:
        """(team working hours, working days before a visit to offer its preparation)."""
    def create_visit(self, user: UserInfo, account_id: int, visit_type: str, goal: str | None,
                     preparation: dict[str, Any], call_plan: dict[str, Any],
                     deal_id: int | None) -> VisitInfo: ...
    def record_debrief(self, user: UserInfo, visit_id: int, debrief: dict[str, Any],
                       at: datetime) -> None: ...

    def open_followups(self, user: UserInfo, account_id: int | None = None) -> list[FollowUpInfo]: ...
    def followup(self, user: UserInfo, followup_id: int) -> FollowUpInfo | None: ...
    def add_followup(self, user: UserInfo, account_id: int, action: str, due_at: datetime,
                     deal_id: int | None = None, visit_id: int | None = None,
                     kind: str = "action") -> FollowUpInfo: ...
    def complete_followup(self, user: UserInfo, followup_id: int, at: datetime) -> bool: ...
    def reschedule_followup(self, user: UserInfo, followup_id: int, due_at: datetime) -> bool: ...
    def complete_visit_followups(self, user: UserInfo, visit_id: int, at: datetime) -> int:
        """Close the open follow-ups tied to a visit (its debrief reminder); returns how many."""

    def write_back(self) -> WriteBack | None:
        """What this unit of work has put in the CRM outbox so far; None without a CRM or when nothing."""

    def commit(self) -> None: ...


StoreFactory = Callable[[], AbstractContextManager[CoachStore]]
