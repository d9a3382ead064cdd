"""One unit of work: a session, the repositories that work in it, and an explicit commit; leaving without
one rolls back. The composition root (`bot.runtime.Runtime.unit_of_work`) hands it out, so nothing in `bot/`
opens sessions or imports storage itself."""

from __future__ import annotations

from functools import partial

from sqlalchemy import select
from sqlalchemy.orm import Session

from coach.errors import InputError
from storage import accounts, crm_store, deal_import, digest_queries, sales_teams, user_data
from storage.models import LIVE_DEAL, Deal, Team, User
from storage.store import OPEN_STAGES, SqlStore


class SalesTeams:
    """Sales teams and their members (not Microsoft Teams)."""

    def __init__(self, session: Session) -> None:
        self.create = partial(sales_teams.create_team, session)
        self.update = partial(sales_teams.update_team, session)
        self.add_member = partial(sales_teams.add_member, session)
        self.set_language = partial(sales_teams.set_language, session)


class DealBook:
    """Deals as the command line imports and forecasts them."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.import_rows = partial(deal_import.import_deals, session)

    def open_deals(self, owner: str | None, team: str | None) -> tuple[list[Deal], str, str]:
        """The open deals of a rep and/or a team, the fallback currency and a description of the selection."""
        query, currency, label = select(Deal).where(Deal.stage.in_(OPEN_STAGES), LIVE_DEAL), "EUR", "all open deals"
        if team is not None:
            found = self.session.scalar(select(Team).where(Team.name == " ".join(team.split())))
            if found is None:
                raise InputError(f"no team named {team!r}; create it with: salescoach team create NAME")
            query = query.join(User, Deal.owner_id == User.id).where(User.team_id == found.id)
            currency, label = found.currency, f"team {found.name}"
        if owner is not None:
            user = deal_import.find_user(self.session, owner)
            if user is None:
                raise InputError(f"no user {owner!r}; add them with: salescoach team add-member TEAM USER")
            query = query.where(Deal.owner_id == user.id)
            currency = user.team.currency if user.team and team is None else currency
            label = f"{label}, {user.identity}" if team is not None else user.identity
        return list(self.session.scalars(query.order_by(Deal.id))), currency, label


class AccountBook:
    """Accounts as the command line shows and sets them."""

    def __init__(self, session: Session) -> None:
        self.report = partial(accounts.account_report, session)
        self.set = partial(accounts.set_account, session)


class UserRecords:
    """Everything stored about one user, for their data rights; and the e-mail that links them to a CRM owner."""

    def __init__(self, session: Session) -> None:
        self.export = partial(user_data.export_user, session)
        self.delete = partial(user_data.delete_user, session)
        self.link_email = partial(crm_store.link_email, session)


class DigestArchive:
    """The weekly digests as they were sent."""

    def __init__(self, session: Session) -> None:
        self.stored = partial(digest_queries.stored_digest, session)
        self.weeks = partial(digest_queries.stored_weeks, session)
        self.last_snapshot = partial(digest_queries.last_snapshot, session)


class UnitOfWork:
    def __init__(self, session: Session, store: SqlStore) -> None:
        self.session = session
        self.store = store  # the engine's port: users, dialogs, accounts, deals, follow-ups, conversations
        self.teams = SalesTeams(session)
        self.deals = DealBook(session)
        self.accounts = AccountBook(session)
        self.users = UserRecords(session)
        self.digests = DigestArchive(session)

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()
