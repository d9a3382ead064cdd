"""The managers' weekly pipeline digest: its numbers, the change since last week, and its replies. Pure.

`storage.digest_queries.digest_numbers` fills the numbers for one team; every amount is in the team's currency
(deals in another currency are only counted, in `other_currency`). The forecast follows
`coach.pipeline`: amount × chance in the decision month, won, lost and 0% out, undated deals apart;
each month is rounded to cents and the total is the sum of the months.

Attention points, per owner, for open deals (neither won nor lost):
- an overdue follow-up: open and due before the digest's moment;
- no next step: no next-step text and no open follow-up on the deal;
- the quote rule: a chance of 35% or more while the decision maker (DMU) is not known or there is no
  decision date (coach-domain §1, when a quote is justified);
- stalled: no activity for 30 days or more, activity being the deal's last update, a visit created or
  debriefed, or a follow-up created or done.
And per owner of accounts: an account overdue a visit by its class's contact norm (`coach.contact_norm`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Generic, TypeVar
from zoneinfo import ZoneInfo

from coach.contact_norm import VisitDue
from coach.contact_norm_view import due_line
from coach.i18n import Translator, translator
from coach.outgoing import Outgoing
from coach.pipeline import Forecast, MonthForecast, cents
from coach.replies import (
    MAX_LABEL,
    Block,
    Card,
    CardField,
    Heading,
    Reply,
    Span,
    bold,
    bullets,
    image,
    image_fits,
    text,
    truncate,
)

WEEK = timedelta(days=7)
QUOTE_RULE_CHANCE = 35  # a quote is justified from a fact-based chance of about 35–40%
STALLED_AFTER = timedelta(days=30)
MAX_LISTED = 5  # deals or follow-ups listed per attention point and rep; the others are counted
MAX_MONTHS = 12  # months shown in the summary and the chart
MAX_REPS = 15  # reps listed in the summary
MAX_NAME = 60  # characters of a rep, deal or account name in a line

ZERO = Decimal("0.00")
T = TypeVar("T")


def week_start(day: date) -> date:
    """The Monday of the week `day` is in: the key of a week's snapshot."""
    return day - timedelta(days=day.weekday())


def iso_week(day: date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def parse_iso_week(text: str) -> date:
    """The Monday of an ISO week written "YYYY-Www" (e.g. 2026-W49); ValueError if it is not one."""
    value = text.strip().upper()
    if len(value) != 8 or value[4:6] != "-W" or not (value[:4].isdigit() and value[6:].isdigit()):
        raise ValueError(f"{text!r} is not an ISO week; write it like 2026-W49")
    try:
        return date.fromisocalendar(int(value[:4]), int(value[6:]), 1)
    except ValueError:
        raise ValueError(f"{text!r} is not a week of {value[:4]}; weeks run from W01 to W52 or W53") from None


def year_before(day: date) -> date:
    """The same day a year earlier (28 February for 29 February): quotes count over the last 12 months."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


# numbers ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tally:
    count: int = 0
    amount: Decimal = ZERO

    def __add__(self, other: Tally) -> Tally:
        return Tally(self.count + other.count, self.amount + other.amount)


@dataclass(frozen=True)
class ForecastCell:
    """One owner's open deals of one stage in one decision month (None: no decision date)."""

    month: str | None  # "YYYY-MM"
    stage: str
    weighted: Decimal  # amount × chance, exact (rounded per month when shown)
    deals: int
    weighted_units: Decimal = ZERO  # units × chance, exact


@dataclass(frozen=True)
class DealRef:
    deal_id: int
    title: str | None
    account: str
    amount: Decimal
    probability: int
    decision_date: date | None
    dmu_known: bool | None
    last_activity: datetime


@dataclass(frozen=True)
class FollowUpRef:
    followup_id: int
    account: str
    action: str
    due_at: datetime


@dataclass(frozen=True)
class Listed(Generic[T]):
    """How many there are, and the first few of them (at most MAX_LISTED)."""

    count: int = 0
    first: tuple[T, ...] = ()


@dataclass(frozen=True)
class RepNumbers:
    user_id: int
    name: str
    forecast: tuple[ForecastCell, ...] = ()
    open_deals: int = 0  # neither won nor lost, whatever their chance or currency
    won: Tally = Tally()
    lost: Tally = Tally()
    new: Tally = Tally()
    quotes_sent: int = 0  # this week
    quotes_won: int = 0  # deals won this week that had a quote
    year_quotes_sent: int = 0  # in the last 12 months
    year_quotes_won: int = 0  # of those
    other_currency: int = 0  # deals in the forecast or this week's results that are in another currency
    overdue: Listed[FollowUpRef] = Listed()  # oldest first
    no_next_step: Listed[DealRef] = Listed()  # largest amount first, as the two below
    quote_rule: Listed[DealRef] = Listed()
    stalled: Listed[DealRef] = Listed()
    overdue_visits: Listed[VisitDue] = Listed()  # their accounts overdue a visit, the most overdue first
    role: str = "rep"  # or "manager"

    @property
    def listed(self) -> bool:
        """Whether the summary names this member: every rep, and a manager only with deals or points of their own."""
        return self.role != "manager" or bool(self.open_deals or self.attention or self.won.count or self.lost.count
                                              or self.new.count or self.quotes_sent or self.year_quotes_sent)

    @property
    def weighted(self) -> Decimal:
        return sum(month_totals(self.forecast).values(), ZERO)

    @property
    def attention(self) -> int:
        return (self.overdue.count + self.no_next_step.count + self.quote_rule.count + self.stalled.count
                + self.overdue_visits.count)


@dataclass(frozen=True)
class DigestNumbers:
    """One team's digest for the week up to `now`; `today` and `week_start` are in the team's time zone, and
    every amount is in the team's `currency`."""

    team: str
    timezone: str
    now: datetime
    today: date
    reps: tuple[RepNumbers, ...]
    currency: str = "EUR"

    @property
    def week_start(self) -> date:
        return week_start(self.today)

    @property
    def week(self) -> str:
        """The ISO week the digest was made in, as "YYYY-Www": its key."""
        return iso_week(self.today)

    def forecast(self) -> Forecast:
        """The team's forecast in `coach.pipeline`'s shape (the same as `salescoach forecast --team`)."""
        amounts, units, deals = defaultdict(Decimal), defaultdict(Decimal), defaultdict(int)
        for cell in self.cells:
            if cell.month is not None:
                amounts[cell.month] += cell.weighted
                units[cell.month] += cell.weighted_units
                deals[cell.month] += cell.deals
        months = [MonthForecast(m, cents(amounts[m]), cents(units[m]), deals[m]) for m in sorted(deals)]
        undated = self.undated
        return Forecast(self.currency, months, sum((m.weighted_amount for m in months), ZERO), undated.count,
                        undated.amount)

    @property
    def cells(self) -> list[ForecastCell]:
        return [c for rep in self.reps for c in rep.forecast]

    def months(self) -> dict[str, Decimal]:
        return month_totals(self.cells)

    @property
    def total(self) -> Decimal:
        return sum(self.months().values(), ZERO)

    @property
    def undated(self) -> Tally:
        cells = [c for c in self.cells if c.month is None]
        return Tally(sum(c.deals for c in cells), cents(sum((c.weighted for c in cells), ZERO)))

    def _sum(self, name: str, start: Any = 0) -> Any:
        """The team's total of one of the reps' figures (a Tally or a count)."""
        return sum((getattr(rep, name) for rep in self.reps), start)

    won = property(lambda self: self._sum("won", Tally()))
    lost = property(lambda self: self._sum("lost", Tally()))
    new = property(lambda self: self._sum("new", Tally()))
    quotes_sent = property(lambda self: self._sum("quotes_sent"))
    quotes_won = property(lambda self: self._sum("quotes_won"))
    year_quotes_sent = property(lambda self: self._sum("year_quotes_sent"))
    year_quotes_won = property(lambda self: self._sum("year_quotes_won"))
    other_currency = property(lambda self: self._sum("other_currency"))

    def attention(self, name: str) -> int:
        """The team's count of one attention point: overdue, no_next_step, quote_rule, stalled or overdue_visits."""
        return sum(getattr(rep, name).count for rep in self.reps)


def month_totals(cells: Iterable[ForecastCell]) -> dict[str, Decimal]:
    """Weighted amount per decision month, rounded to cents per month, months in order."""
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for cell in cells:
        if cell.month is not None:
            sums[cell.month] += cell.weighted
    return {m: cents(sums[m]) for m in sorted(sums)}


def stage_totals(cells: Iterable[ForecastCell]) -> dict[str, dict[str, Decimal]]:
    """Weighted amount per decision month and stage (exact), months in order."""
    sums: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for cell in cells:
        if cell.month is not None:
            sums[cell.month][cell.stage] += cell.weighted
    return {m: dict(sums[m]) for m in sorted(sums)}


# change since last week -----------------------------------------------------------------------


@dataclass(frozen=True)
class Snapshot:
    """The forecast per month as an earlier week's digest stored it."""

    week_start: date
    months: dict[str, Decimal]

    def to_json(self) -> dict[str, Any]:
        return {"months": {m: f"{v:.2f}" for m, v in sorted(self.months.items())}}

    @classmethod
    def from_json(cls, week: date, data: dict[str, Any]) -> Snapshot:
        return cls(week, {m: Decimal(v) for m, v in data.get("months", {}).items()})


@dataclass(frozen=True)
class MonthChange:
    month: str
    amount: Decimal
    change: Decimal | None  # None without an earlier snapshot


@dataclass(frozen=True)
class WeekChange:
    since: date | None  # the week of the snapshot compared with
    months: tuple[MonthChange, ...]
    total: Decimal
    total_change: Decimal | None


def week_change(current: DigestNumbers, previous: Snapshot | None) -> WeekChange:
    """The forecast per month and in total, with the change against `previous`; a month that dropped
    out since then shows at zero."""
    now = current.months()
    if previous is None:
        return WeekChange(None, tuple(MonthChange(m, v, None) for m, v in now.items()), current.total, None)
    before = previous.months
    months = tuple(MonthChange(m, now.get(m, ZERO), now.get(m, ZERO) - before.get(m, ZERO))
                   for m in sorted(now.keys() | before.keys()))
    return WeekChange(previous.week_start, months, current.total, current.total - sum(before.values(), ZERO))


# replies ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Say:
    """Translation and formatting for one digest."""

    t: Translator
    currency: str
    tz: ZoneInfo

    def money(self, amount: Decimal) -> str:
        return self.t.money(amount, self.currency)

    def change(self, amount: Decimal) -> str:
        if not amount:
            return self.t.gettext("unchanged")
        return ("+" if amount > 0 else "−") + self.money(abs(amount))

    def day(self, moment: datetime | date) -> str:
        day = moment.astimezone(self.tz).date() if isinstance(moment, datetime) else moment
        return self.t.date(day, "d MMM yyyy")

    def month(self, month: str) -> str:
        return self.t.month(int(month[:4]), int(month[5:]))


def digest_replies(numbers: DigestNumbers, previous: Snapshot | None, language: str,
                   chart: bytes | None = None) -> tuple[Reply, list[Reply]]:
    """The summary for the team (with `chart`, the PNG of `coach.digest_chart`, after the months), then one
    reply per rep with points of attention (in the team's order)."""
    say = _Say(translator(language), numbers.currency, ZoneInfo(numbers.timezone))
    blocks = _summary(say, numbers, week_change(numbers, previous))
    if chart is not None and image_fits(chart):  # a chart too big for a card is left out, not the digest
        blocks.insert(3, image(chart, _chart_alt(say, numbers), say.t.gettext("Weighted forecast per decision month")))
    summary = Reply(blocks=blocks, language=language)
    details = [Reply(blocks=_rep_detail(say, rep), language=language) for rep in numbers.reps if rep.attention]
    return summary, details


def digest_key(identity: str, team_id: int, week: str) -> str:
    """A manager's digest of one team and ISO week, as the outbox knows it (the identity first, so deleting the
    user finds it)."""
    return f"{identity}:digest:{team_id}:{week}"


def digest_message(identity: str, team_id: int, week: str, summary: Reply, details: list[Reply],
                   expires_at: datetime) -> Outgoing:
    """A manager's digest: the summary (with the chart), then the details in its thread."""
    return Outgoing(kind="digest", recipient=identity, reply=summary, thread=details,
                    dedupe_key=digest_key(identity, team_id, week), expires_at=expires_at)


def _summary(say: _Say, numbers: DigestNumbers, change: WeekChange) -> list[Block]:
    _ = say.t.gettext
    blocks: list[Block] = [
        Heading(text=truncate(_("Weekly pipeline digest: {team}").format(team=numbers.team), 150)),
        _headline(say, change),
    ]
    if change.months or numbers.undated.count or numbers.other_currency:
        blocks.append(_month_card(say, numbers, change))
    else:
        blocks.append(text(_("No open deals with a chance in the forecast.")))
    blocks += [_week_results(say, numbers), _quotes(say, numbers),
               _attention_line(say, numbers)]
    listed = tuple(rep for rep in numbers.reps if rep.listed)
    if listed:
        blocks += _rep_lines(say, listed)
    return blocks


def _chart_alt(say: _Say, numbers: DigestNumbers) -> str:
    """What the chart shows, in words, for screen readers and text-only clients."""
    months = list(numbers.months().items())[:MAX_MONTHS]
    if not months:
        return say.t.gettext("No open deals with a chance in the forecast.")
    return say.t.gettext("Bar chart by stage: {months}.").format(
        months="; ".join(f"{say.month(m)} {say.money(v)}" for m, v in months))


def _headline(say: _Say, change: WeekChange) -> Block:
    _ = say.t.gettext
    total = say.money(change.total)
    if change.total_change is None or change.since is None:
        figures = _("{total}. No digest of an earlier week is stored, so there is no change to show yet.").format(
            total=total)
    else:
        figures = _("{total}, {change} since the week of {week}.").format(
            total=total, change=say.change(change.total_change), week=say.day(change.since))
    return text(bold(_("Weighted forecast of all open deals")), ": " + figures)


def _month_card(say: _Say, numbers: DigestNumbers, change: WeekChange) -> Card:
    _, ngettext = say.t.gettext, say.t.ngettext
    fields = [CardField(label=say.month(m.month),
                        value=say.money(m.amount) + (f" ({say.change(m.change)})" if m.change is not None else ""))
              for m in change.months[:MAX_MONTHS]]
    notes = [_("Total weighted: {total}").format(total=say.money(change.total))]
    if len(change.months) > MAX_MONTHS:
        n = len(change.months) - MAX_MONTHS
        notes.append(ngettext("…and {n} more month", "…and {n} more months", n).format(n=n))
    undated = numbers.undated
    if undated.count:
        notes.append(ngettext("{n} deal has no decision date", "{n} deals have no decision date",
                              undated.count).format(n=undated.count))
    if numbers.other_currency:
        notes.append(ngettext("{n} deal in another currency is left out of the amounts",
                              "{n} deals in another currency are left out of the amounts",
                              numbers.other_currency).format(n=numbers.other_currency))
    return Card(title=_("Weighted forecast per decision month ({currency})").format(currency=say.currency),
                fields=fields, footer=" · ".join(notes))


def _week_results(say: _Say, numbers: DigestNumbers) -> Block:
    _ = say.t.gettext
    won, lost, new = numbers.won, numbers.lost, numbers.new
    return text(bold(_("This week")), ": " + _("{won} won ({won_amount}), {lost} lost ({lost_amount}), "
                                               "{new} new ({new_amount}).").format(
        won=won.count, won_amount=say.money(won.amount), lost=lost.count, lost_amount=say.money(lost.amount),
        new=new.count, new_amount=say.money(new.amount)))


def _ratio(say: _Say, won: int, sent: int) -> str:
    if not sent:
        return say.t.gettext("none sent")
    return say.t.gettext("{won} of {sent} won ({percent}%)").format(won=won, sent=sent,
                                                                    percent=round(100 * won / sent))


def _quotes(say: _Say, numbers: DigestNumbers) -> Block:
    _ = say.t.gettext
    figures = _("{sent} sent and {won} won this week; in the last 12 months {ratio}.").format(
        sent=numbers.quotes_sent, won=numbers.quotes_won,
        ratio=_ratio(say, numbers.year_quotes_won, numbers.year_quotes_sent))
    return text(bold(_("Quotes")), ": " + figures)


def _point_labels(say: _Say) -> dict[str, Callable[[int], str]]:
    """Per attention point: its phrase for a count, plural-aware."""
    ngettext = say.t.ngettext
    return {
        "overdue": lambda n: ngettext("{n} overdue follow-up", "{n} overdue follow-ups", n).format(n=n),
        "no_next_step": lambda n: ngettext("{n} open deal without a next step",
                                           "{n} open deals without a next step", n).format(n=n),
        "quote_rule": lambda n: ngettext("{n} deal at {chance}% or more without a known decision maker "
                                         "or decision date", "{n} deals at {chance}% or more without a known "
                                         "decision maker or decision date", n).format(n=n, chance=QUOTE_RULE_CHANCE),
        "stalled": lambda n: ngettext("{n} deal without activity for {days} days",
                                      "{n} deals without activity for {days} days", n).format(
            n=n, days=STALLED_AFTER.days),
        "overdue_visits": lambda n: ngettext("{n} account overdue a visit by its contact norm",
                                             "{n} accounts overdue a visit by their contact norm", n).format(n=n),
    }


def _attention_line(say: _Say, numbers: DigestNumbers) -> Block:
    total = sum(numbers.attention(name) for name in _point_labels(say))
    if not total:
        return text(say.t.gettext("Nothing needs attention this week."))
    parts = [label(numbers.attention(name)) for name, label in _point_labels(say).items() if numbers.attention(name)]
    heading = say.t.ngettext("{n} point needs attention", "{n} points need attention", total).format(n=total)
    return text(bold(heading), ": " + "; ".join(parts) + ".")


def _rep_lines(say: _Say, reps: tuple[RepNumbers, ...]) -> list[Block]:
    _, ngettext = say.t.gettext, say.t.ngettext
    lines = [(bold(truncate(rep.name, MAX_NAME)), " — " + _("weighted {amount}; quotes: {ratio}; {points}").format(
        amount=say.money(rep.weighted), ratio=_ratio(say, rep.year_quotes_won, rep.year_quotes_sent)
        + " " + _("(12 months)"),
        points=ngettext("{n} point of attention", "{n} points of attention", rep.attention).format(n=rep.attention)))
        for rep in reps[:MAX_REPS]]
    blocks: list[Block] = [bullets(lines)]
    if len(reps) > MAX_REPS:
        blocks.append(text(_("…and {n} more.").format(n=len(reps) - MAX_REPS)))
    return blocks


def _rep_detail(say: _Say, rep: RepNumbers) -> list[Block]:
    _ = say.t.gettext
    labels = _point_labels(say)
    blocks: list[Block] = [Heading(text=_("{name}: points of attention").format(name=truncate(rep.name, MAX_LABEL)))]
    sections = (("overdue", rep.overdue, _followup_line), ("no_next_step", rep.no_next_step, _deal_line),
                ("quote_rule", rep.quote_rule, _quote_rule_line), ("stalled", rep.stalled, _stalled_line),
                ("overdue_visits", rep.overdue_visits, _visit_line))
    for name, listed, line in sections:
        if listed.count:
            blocks += _section(say, labels[name](listed.count),
                               [line(say, item) for item in listed.first[:MAX_LISTED]], listed.count)
    return blocks


def _section(say: _Say, heading: str, lines: list[tuple[str | Span, ...]], count: int) -> list[Block]:
    blocks: list[Block] = [text(bold(heading))]
    if lines:
        blocks.append(bullets(lines))
    if count > len(lines):
        blocks.append(text(say.t.gettext("…and {n} more.").format(n=count - len(lines))))
    return blocks


def _followup_line(say: _Say, f: FollowUpRef) -> tuple[str | Span, ...]:
    return (bold(truncate(f.account, MAX_NAME)), " — " + truncate(f.action, MAX_NAME) + ", " +
            say.t.gettext("due {day}").format(day=say.day(f.due_at)))


def _deal_line(say: _Say, d: DealRef) -> tuple[str | Span, ...]:
    title = d.title or say.t.gettext("(untitled deal)")
    return (bold(truncate(title, MAX_NAME)),
            f" — {truncate(d.account, MAX_NAME)}, {say.money(d.amount)}, {d.probability}%")


def _quote_rule_line(say: _Say, d: DealRef) -> tuple[str | Span, ...]:
    _ = say.t.gettext
    missing = ([] if d.dmu_known else [_("decision maker unknown")]) + \
        ([] if d.decision_date else [_("no decision date")])
    return (*_deal_line(say, d), ": " + ", ".join(missing))


def _stalled_line(say: _Say, d: DealRef) -> tuple[str | Span, ...]:
    return (*_deal_line(say, d), ", " + say.t.gettext("last activity {day}").format(day=say.day(d.last_activity)))



def _visit_line(say: _Say, due: VisitDue) -> tuple[str | Span, ...]:
    return due_line(say.t, due)
