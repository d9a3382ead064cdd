"""`salescoach account show` and `account set`: one account as the coach knows it, in the contract's JSON shape."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from coach import account_memory
from coach.errors import InputError
from storage.deal_import import find_user
from storage.models import LIVE_DEAL, Account, AccountFact, Deal, FollowUp, User, Visit, clock_of
from storage.store import account_key


def find_account(session: Session, name: str, owner: str | None) -> tuple[Account, User | None]:
    """The account called `name` (case and spaces folded): among `owner`'s, or the only one by that name."""
    query = select(Account).where(Account.name_key == account_key(name))
    user = None
    if owner is not None:
        user = find_user(session, owner)
        if user is None:
            raise InputError(f"--owner: no user {owner!r}; name them as slack:U0123, teams:<id> or console:alice")
        scopes = [f"user:{user.id}"] + ([f"team:{user.team_id}"] if user.team_id else [])
        query = query.where(Account.scope.in_(scopes))
    found = session.scalars(query.order_by(Account.id)).all()
    if not found:
        whose = f" among {user.identity}'s accounts" if user else ""
        raise InputError(f"no account named {name!r}{whose}")
    if len(found) > 1:
        raise InputError(f"{len(found)} accounts are named {name!r} (in different teams or of different reps); "
                         "pick one with --owner USER")
    return found[0], user


def account_report(session: Session, name: str, owner: str | None = None) -> dict[str, Any]:
    """Status, class, facts, deals, open follow-ups and visits; with `owner`, only that rep's deals, follow-ups
    and visits."""
    account, user = find_account(session, name, owner)

    def mine(model):
        q = select(model).where(model.account_id == account.id)
        return q.where(model.owner_id == user.id) if user is not None else q

    facts: dict[str, Any] = {k: [] if k == "decision_makers" else None for k in account_memory.CONTRACT_FACTS}
    for key, value in session.execute(select(AccountFact.key, AccountFact.value)
                                      .where(AccountFact.account_id == account.id).order_by(AccountFact.key)):
        if value is not None:
            facts[key] = value
    deals = [{"id": d.id, "title": d.title, "stage": d.stage, "amount": f"{d.amount:.2f}",
              "probability": d.probability, "decision_date": d.decision_date.isoformat() if d.decision_date else None}
             for d in session.scalars(mine(Deal).where(LIVE_DEAL).order_by(Deal.id))]
    follow_ups = [{"id": f.id, "action": f.action, "due": f.due_at.isoformat()}
                  for f in session.scalars(mine(FollowUp).where(FollowUp.status == "open")
                                           .order_by(FollowUp.due_at, FollowUp.id))]
    return {"name": account.name, "status": account.status, "abc_class": account.abc_class, "facts": facts,
            "deals": deals, "open_follow_ups": follow_ups,
            "visits": [_visit(v) for v in session.scalars(mine(Visit).where(Visit.status != "planned")
                                                            .order_by(Visit.created_at, Visit.id))]}


def _visit(v: Visit) -> dict[str, Any]:
    debrief = v.debrief or {}
    ticks = debrief.get("objectives")
    if ticks is None:  # not debriefed (or before the debrief asked): the objectives chosen, not ticked off
        ticks = dict.fromkeys((v.preparation or {}).get("internal", []))
    result = debrief.get("goal_result")
    day = v.planned_on or (v.debriefed_at or v.created_at).date()
    return {"date": day.isoformat(), "visit_type": v.visit_type, "goal": v.goal,
            "goal_reached": None if result is None else result == "reached", "goal_result": result,
            "objectives": {account_memory.shorthand(k): tick for k, tick in ticks.items()},
            "learned": debrief.get("outcome")}


def set_account(session: Session, name: str, owner: str | None, status: str | None, abc_class: str | None) -> Account:
    """Set an account's relationship status and/or class by hand (ex-customer and dead are only set so)."""
    account, _ = find_account(session, name, owner)
    if status is not None:
        if status not in account_memory.STATUSES:
            raise InputError(f"--status {status!r}: use one of {', '.join(account_memory.STATUSES)}")
        account.status = status
    if abc_class is not None:
        cls = abc_class.strip().upper()
        if cls not in (*account_memory.CLASSES, ""):
            raise InputError(f"--class {abc_class!r}: use A, B or C ('' removes it)")
        if (cls or None) != account.abc_class:
            account.abc_class, account.class_since = cls or None, clock_of(session)() if cls else None
    session.flush()
    return account
