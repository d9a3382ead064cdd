"""The digest as JSON: the contract's `digest --json` object, and the stored form of a week's digest."""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter

from coach.digest_policy import WEEK, DealRef, DigestNumbers, Listed, Snapshot, WeekChange, week_change

NUMBERS = TypeAdapter(DigestNumbers)  # dataclasses to JSON and back, Decimals as strings


def stored(numbers: DigestNumbers) -> dict[str, Any]:
    """What a snapshot keeps of a sent digest: its forecast per month and the whole of its numbers."""
    return {**Snapshot(numbers.week_start, numbers.months()).to_json(), "numbers": NUMBERS.dump_python(numbers,
                                                                                                         mode="json")}


def restored(data: dict[str, Any]) -> DigestNumbers | None:
    """The numbers of a stored digest (None for a snapshot that kept only its months)."""
    return NUMBERS.validate_python(data["numbers"]) if "numbers" in data else None


def _money(amount) -> str:
    return f"{amount:.2f}"


def _deals(listed: Listed[DealRef]) -> dict[str, Any]:
    return {"count": listed.count, "deals": [
        {"id": d.deal_id, "title": d.title, "account": d.account, "amount": _money(d.amount),
         "probability": d.probability, "decision_date": d.decision_date.isoformat() if d.decision_date else None,
         "dmu_known": d.dmu_known, "last_activity": d.last_activity.isoformat()} for d in listed.first]}


def _change(change: WeekChange) -> dict[str, Any] | None:
    if change.since is None or change.total_change is None:
        return None
    return {"since_week_of": change.since.isoformat(), "total": _money(change.total_change),
            "months": {m.month: _money(m.change) for m in change.months if m.change is not None}}


def digest_json(numbers: DigestNumbers, previous: Snapshot | None) -> dict[str, Any]:
    """The contract's digest object. Lists hold what `numbers` lists: fetch it with no cap for complete lists."""
    reps = []
    for rep in numbers.reps:
        reps.append({
            "user_id": rep.user_id, "name": rep.name, "open_deals": rep.open_deals,
            "weighted_amount": _money(rep.weighted), "overdue_followups": rep.overdue.count,
            "quotes_sent": rep.quotes_sent, "quotes_won": rep.quotes_won,
            "quotes_12_months": {"sent": rep.year_quotes_sent, "won": rep.year_quotes_won},
            "won": {"deals": rep.won.count, "amount": _money(rep.won.amount)},
            "lost": {"deals": rep.lost.count, "amount": _money(rep.lost.amount)},
            "new": {"deals": rep.new.count, "amount": _money(rep.new.amount)},
            "no_next_step": _deals(rep.no_next_step), "quote_rule": _deals(rep.quote_rule),
            "stalled": _deals(rep.stalled), "other_currency_deals": rep.other_currency,
            "overdue_visits": rep.overdue_visits.count,
        })
    overdue = [{"owner": rep.name, "owner_id": rep.user_id, "followup_id": f.followup_id, "account": f.account,
                "action": f.action, "due_date": f.due_at.isoformat()}
               for rep in numbers.reps for f in rep.overdue.first]
    visits = [{"owner": rep.name, "owner_id": rep.user_id, **v.to_json()}
              for rep in numbers.reps for v in rep.overdue_visits.first]
    forecast = numbers.forecast()
    return {
        "team": numbers.team, "week": numbers.week, "generated_at": numbers.now.isoformat(),
        "period": {"from": (numbers.now - WEEK).isoformat(), "to": numbers.now.isoformat()},
        "forecast": forecast.to_json(),
        "forecast_change": _change(week_change(numbers, previous)),
        "undated_deals": forecast.undated,
        "won": {"deals": numbers.won.count, "amount": _money(numbers.won.amount)},
        "lost": {"deals": numbers.lost.count, "amount": _money(numbers.lost.amount)},
        "new": {"deals": numbers.new.count, "amount": _money(numbers.new.amount)},
        "quotes_sent": numbers.quotes_sent, "quotes_won": numbers.quotes_won,
        "quotes_12_months": {"sent": numbers.year_quotes_sent, "won": numbers.year_quotes_won},
        "overdue_followups": sorted(overdue, key=lambda o: (o["due_date"], o["followup_id"])),
        "overdue_visits": sorted(visits, key=lambda v: (-v["days_overdue"], v["account"].casefold(), v["account_id"])),
        "reps": reps,
    }
