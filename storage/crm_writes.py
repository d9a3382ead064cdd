"""What one chunk of a CRM sync writes: owners linked to users, companies to accounts, deals, tasks to follow-ups.

A record is found by its CRM id. A deal or task keeps the values it was last pulled with (`crm_base`); a field
whose pulled value equals that base was not changed in the CRM and is left as it is here (a local edit stands,
for a push to send), and a record whose values all equal it is not written at all. A company becomes an account
in its owner's team: the account of that name there when it has no CRM id yet, else a new one. A company without
a linked owner waits in `crm_pending_companies` until the first deal or task of a linked owner places it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, joinedload

from crm.connector import Kind
from crm.mapped import TITLE_MAX, ChunkResult, CompanyValues, DealValues, Skipped, TaskDone, TaskValues
from crm.ports import OwnerLink, OwnerLinks
from storage.models import Account, CrmPendingCompany, Deal, FollowUp, User
from storage.store import account_key, account_scope

CLOSED = ("won", "lost")
CENT = Decimal("0.01")


def link_owners(session: Session, crm: str, owners: Iterable[tuple[str, str | None]]) -> OwnerLinks:
    owners = list(owners)
    by_email: dict[str, list[User]] = {}
    for user in session.scalars(select(User).where(User.email.is_not(None)).order_by(User.id)):
        by_email.setdefault(user.email.strip().lower(), []).append(user)
    linked = {u.crm_owner_id: u for u in session.scalars(select(User).where(User.crm == crm))}
    wanted: dict[int, str] = {}  # user id → the owner id they are
    links: dict[str, OwnerLink] = {}
    for owner_id, email in owners:
        matches = by_email.get(email.strip().lower(), []) if email else []
        if len(matches) != 1 or matches[0].id in wanted:  # none, several, or already another owner's
            links[owner_id] = OwnerLink(None, "skipped", tuple(u.identity for u in matches))
            continue
        user = matches[0]
        wanted[user.id] = owner_id
        before = linked.get(owner_id)
        outcome = ("unchanged" if before is user else
                   "updated" if before is not None or (user.crm == crm and user.crm_owner_id) else "created")
        links[owner_id] = OwnerLink(user.id, outcome)
    unlinked = 0
    for user in linked.values():  # first undo the links that go or move, so no two users hold one owner
        if wanted.get(user.id) != user.crm_owner_id:
            unlinked += user.id not in wanted
            user.crm, user.crm_owner_id = None, None
    session.flush()
    users = {u.id: u for u in session.scalars(select(User).where(User.id.in_(list(wanted))))}
    for user_id, owner_id in wanted.items():
        user = users[user_id]
        if (user.crm, user.crm_owner_id) != (crm, owner_id):
            user.crm, user.crm_owner_id = crm, owner_id
    session.flush()
    return OwnerLinks(links, unlinked)


class _Records:
    """The rows one chunk reads, fetched for all its records at once, and kept current as it adds rows."""

    def __init__(self, session: Session, crm: str) -> None:
        self.session, self.crm = session, crm
        self.accounts: dict[str, Account] = {}
        self.pending: dict[str, CrmPendingCompany] = {}
        self.users: dict[int, User] = {}
        self.named: dict[tuple[str, str], Account | None] = {}  # (scope, name key) → the account, as far as read

    def load(self, company_ids: Iterable[str | None], user_ids: Iterable[int | None]) -> None:
        ids = list({i for i in company_ids if i is not None})
        if ids:
            self.accounts = {a.crm_id: a for a in self.session.scalars(
                select(Account).where(Account.crm == self.crm, Account.crm_id.in_(ids)))}
            self.pending = {p.crm_id: p for p in self.session.scalars(
                select(CrmPendingCompany).where(CrmPendingCompany.crm == self.crm, CrmPendingCompany.crm_id.in_(ids)))}
        users = list({i for i in user_ids if i is not None})
        if users:
            self.users = {u.id: u for u in self.session.scalars(
                select(User).options(joinedload(User.team)).where(User.id.in_(users)))}

    def load_names(self, places: Iterable[tuple[str, str]]) -> None:
        """Read at once the accounts that companies about to be placed may take over: (scope, name) pairs."""
        wanted = {(scope, account_key(name)) for scope, name in places}
        if not wanted:
            return
        self.named.update(dict.fromkeys(wanted))
        scopes, keys = {scope for scope, _ in wanted}, {key for _, key in wanted}
        for account in self.session.scalars(select(Account).where(Account.scope.in_(scopes),
                                                                  Account.name_key.in_(keys))):
            self.named[account.scope, account.name_key] = account

    def account(self, company_id: str | None, owner: User) -> Account | None:
        """The company's account; a waiting company is placed in `owner`'s team. None: not pulled yet."""
        if company_id is None:
            return None
        found = self.accounts.get(company_id)
        if found is None and company_id in self.pending:
            waiting = self.pending.pop(company_id)
            found = self.place(company_id, waiting.name, owner)
            self.session.delete(waiting)
            self.session.flush()  # the caller needs its id
        return found

    def place(self, company_id: str, name: str, owner: User) -> Account:
        """The account for a company in `owner`'s team: the one of that name with no CRM id yet, else a new one
        (named with the CRM id too when the name is another company's there)."""
        scope = account_scope(owner)
        if (scope, account_key(name)) not in self.named:
            self.load_names([(scope, name)])
        same_name = self.named[scope, account_key(name)]
        if same_name is not None and same_name.crm_id is None:
            same_name.crm, same_name.crm_id, same_name.name = self.crm, company_id, name
            account = same_name
        else:
            if same_name is not None:
                name = distinct_name(name, company_id)
            account = Account(scope=scope, name=name, name_key=account_key(name), team_id=owner.team_id,
                              created_by_id=owner.id, crm=self.crm, crm_id=company_id)
            self.session.add(account)
        self.named[scope, account.name_key] = account
        self.accounts[company_id] = account
        return account


def distinct_name(name: str, company_id: str) -> str:
    suffix = f" ({company_id})"
    return name[:TITLE_MAX - len(suffix)] + suffix


def save_companies(session: Session, crm: str, companies: list[CompanyValues]) -> ChunkResult:
    rows = _Records(session, crm)
    rows.load((c.crm_id for c in companies), (c.owner_user_id for c in companies))
    rows.load_names((account_scope(rows.users[c.owner_user_id]), c.name) for c in companies
                    if c.owner_user_id is not None and c.crm_id not in rows.accounts)
    counts: Counter[str] = Counter()
    for company in companies:
        account = rows.accounts.get(company.crm_id)
        waiting = rows.pending.get(company.crm_id)
        if account is not None:
            changed = _rename(session, account, company.name) | (account.crm_removed_at is not None)
            account.crm_removed_at = None
            counts["updated" if changed else "unchanged"] += 1
        elif company.owner_user_id is not None:
            rows.place(company.crm_id, company.name, rows.users[company.owner_user_id])
            if waiting is not None:
                session.delete(rows.pending.pop(company.crm_id))
            counts["created"] += 1
        elif waiting is None:
            rows.pending[company.crm_id] = CrmPendingCompany(crm=crm, crm_id=company.crm_id, name=company.name,
                                                             modified_at=company.modified_at)
            session.add(rows.pending[company.crm_id])
            counts["pending"] += 1
        else:
            waiting.name, waiting.modified_at = company.name, company.modified_at
            counts["pending"] += 1
    session.flush()
    return ChunkResult(dict(counts), [], [])


def _rename(session: Session, account: Account, name: str) -> bool:
    if account.name == name:
        return False
    key = account_key(name)
    if key != account.name_key and session.scalar(select(Account.id).where(Account.scope == account.scope,
                                                                           Account.name_key == key)):
        name, key = distinct_name(name, account.crm_id), account_key(distinct_name(name, account.crm_id))
    account.name, account.name_key = name, key
    return True


def save_deals(session: Session, crm: str, deals: list[DealValues], today: date) -> ChunkResult:
    rows = _Records(session, crm)
    rows.load((d.company_id for d in deals), (d.owner_user_id for d in deals))
    ids = [d.crm_id for d in deals]
    found = {d.crm_id: d for d in session.scalars(select(Deal).where(Deal.crm == crm, Deal.crm_id.in_(ids)))}
    imported: dict[str, list[Deal]] = {}  # deals a CSV import gave the CRM's record id as their reference
    for deal in session.scalars(select(Deal).where(Deal.crm_id.is_(None), Deal.quote_ref.in_(
            [i for i in ids if i not in found]))):
        imported.setdefault(deal.quote_ref, []).append(deal)
    counts: Counter[str] = Counter()
    skipped, waiting = [], []
    for values in deals:
        owner = rows.users[values.owner_user_id]
        deal = found.get(values.crm_id)
        base = (deal.crm_base or {}) if deal is not None else {}
        account = None
        if deal is None or base.get("company") != values.company_id:
            account = rows.account(values.company_id, owner)
            if account is None:
                skipped.append(Skipped(values.crm_id, values.title, f"its company {values.company_id} is not "
                                                                    "synced yet"))
                waiting.append(values.modified_at)
                continue
        if deal is None:
            same = [d for d in imported.get(values.crm_id, []) if d.account_id == account.id]
            deal = same[0] if same else Deal(account_id=account.id, owner_id=owner.id)
            deal.crm, deal.crm_id = crm, values.crm_id
            if not same:
                session.add(deal)
            found[values.crm_id] = deal
            outcome = "updated" if same else "created"
        else:
            outcome = "unchanged"
        currency = values.currency or (owner.team.currency if owner.team else "EUR")
        if _merge_deal(deal, values, account, currency, today) and outcome == "unchanged":
            outcome = "updated"
        counts[outcome] += 1
    session.flush()
    return ChunkResult(dict(counts), skipped, waiting)


def _merge_deal(deal: Deal, values: DealValues, account: Account | None, currency: str, today: date) -> bool:
    """Apply the fields the CRM changed since the last pull; False when it changed none."""
    pulled = {"title": values.title, "company": values.company_id, "owner": values.owner_user_id,
              "amount": str(values.amount.quantize(CENT)), "currency": currency,
              "decision_date": values.decision_date.isoformat(), "probability": values.probability,
              "stage": str(values.stage)}
    base = deal.crm_base or {}
    if base == pulled and deal.crm_removed_at is None:
        return False
    changed = {k for k, v in pulled.items() if base.get(k) != v}
    if "title" in changed:
        deal.title = values.title or None
    if "company" in changed and account is not None:
        deal.account_id = account.id
    if "owner" in changed:
        deal.owner_id = values.owner_user_id
    if "amount" in changed:
        deal.amount = values.amount.quantize(CENT)
    if "currency" in changed:
        deal.currency = currency
    if "decision_date" in changed:
        deal.decision_date = values.decision_date
    if "probability" in changed:
        deal.probability = values.probability
    if "stage" in changed:
        was, deal.stage = deal.stage, str(values.stage)
        if deal.stage in CLOSED and was not in CLOSED:
            deal.closed_on = values.decision_date
        elif deal.stage not in CLOSED:
            deal.closed_on = None
        if deal.stage == "quote" and deal.quote_sent_on is None:
            deal.quote_sent_on = today
    deal.crm_base, deal.crm_modified_at, deal.crm_removed_at = pulled, values.modified_at, None
    return True


def save_tasks(session: Session, crm: str, tasks: list[TaskValues | TaskDone]) -> ChunkResult:
    open_tasks = [t for t in tasks if isinstance(t, TaskValues)]
    rows = _Records(session, crm)
    rows.load((t.company_id for t in open_tasks), (t.owner_user_id for t in open_tasks))
    found = {f.crm_id: f for f in session.scalars(select(FollowUp).where(
        FollowUp.crm == crm, FollowUp.crm_id.in_([t.crm_id for t in tasks])))}
    deal_ids = list({t.deal_id for t in open_tasks if t.deal_id})
    deals = {d.crm_id: d for d in session.scalars(select(Deal).where(Deal.crm == crm, Deal.crm_id.in_(deal_ids)))}
    counts: Counter[str] = Counter()
    skipped, waiting = [], []
    for task in tasks:
        followup = found.get(task.crm_id)
        if isinstance(task, TaskDone):
            counts[_close_task(followup, task) if followup is not None else "ignored"] += 1
            continue
        base = (followup.crm_base or {}) if followup is not None else {}
        deal = deals.get(task.deal_id) if task.deal_id else None
        account_id = None
        if followup is None or (base.get("deal"), base.get("company")) != (task.deal_id, task.company_id):
            account = None if deal is not None else rows.account(task.company_id, rows.users[task.owner_user_id])
            account_id = deal.account_id if deal is not None else account.id if account is not None else None
            if account_id is None:
                ref = f"deal {task.deal_id}" if task.deal_id else f"company {task.company_id}"
                skipped.append(Skipped(task.crm_id, task.subject, f"its {ref} is not synced (yet)"))
                waiting.append(task.modified_at)
                continue
        if followup is None:
            followup = FollowUp(owner_id=task.owner_user_id, account_id=account_id, action=task.subject,
                                due_at=task.due_at, kind="action", status="open", crm=crm, crm_id=task.crm_id)
            session.add(followup)
            found[task.crm_id] = followup
            _merge_task(followup, task, account_id, deal)
            counts["created"] += 1
        else:
            counts["updated" if _merge_task(followup, task, account_id, deal) else "unchanged"] += 1
    session.flush()
    return ChunkResult(dict(counts), skipped, waiting)


def _merge_task(followup: FollowUp, task: TaskValues, account_id: int | None, deal: Deal | None) -> bool:
    pulled = {"action": task.subject, "due_at": task.due_at.isoformat(), "owner": task.owner_user_id,
              "deal": task.deal_id, "company": task.company_id, "done": False}
    base = followup.crm_base or {}
    if base == pulled and followup.status != "removed":
        return False
    changed = {k for k, v in pulled.items() if base.get(k) != v}
    if "action" in changed:
        followup.action = task.subject
    if "due_at" in changed:  # a new due time: a new reminder
        followup.due_at, followup.reminded_at, followup.deferred_until = task.due_at, None, None
    if "owner" in changed:
        followup.owner_id = task.owner_user_id
    if ("deal" in changed or "company" in changed) and account_id is not None:
        followup.account_id, followup.deal_id = account_id, deal.id if deal is not None else None
    if "done" in changed or followup.status == "removed":  # reopened in the CRM, or back after it was removed
        followup.status, followup.done_at = "open", None
    followup.crm_base, followup.crm_modified_at = pulled, task.modified_at
    return True


def _close_task(followup: FollowUp, task: TaskDone) -> str:
    """A task done in the CRM closes its follow-up; the outcome to count."""
    base = dict(followup.crm_base or {})
    if base.get("done") is True and followup.status != "removed":
        return "unchanged"
    was_open = followup.status != "done"
    if was_open:
        followup.status, followup.done_at = "done", task.modified_at
    followup.crm_base, followup.crm_modified_at = {**base, "done": True}, task.modified_at
    return "closed" if was_open else "updated"


def close_removed(session: Session, crm: str, kind: Kind, ids: list[str], at: datetime) -> int:
    """Mark deals and accounts removed in the CRM, close the follow-ups of removed tasks; how many."""
    def marked(model: Any, *where: Any, **values: Any) -> int:
        done = session.execute(update(model).where(model.crm == crm, model.crm_id.in_(ids), *where).values(**values)
                               .execution_options(synchronize_session=False))
        return done.rowcount or 0

    if kind == "deals":
        return marked(Deal, Deal.crm_removed_at.is_(None), crm_removed_at=at)
    if kind == "tasks":
        return marked(FollowUp, FollowUp.status == "open", status="removed")
    if kind == "companies":
        gone = session.execute(delete(CrmPendingCompany).where(CrmPendingCompany.crm == crm,
                                                               CrmPendingCompany.crm_id.in_(ids)))
        return marked(Account, Account.crm_removed_at.is_(None), crm_removed_at=at) + (gone.rowcount or 0)
    return 0
