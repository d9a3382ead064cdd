"""The digest's chart: the weighted forecast per decision month, stacked by stage, as a small PNG.

Drawn with matplotlib's object API on the Agg canvas (no pyplot, no display, no global state), then
quantised to a small palette with Pillow: Teams embeds the image in a card as a data URI, so it must
stay well under 20 KB.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import partial
from io import BytesIO

from babel.numbers import format_compact_decimal
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter
from PIL import Image

from coach.digest_policy import MAX_MONTHS, DigestNumbers, stage_totals
from coach.domain import STAGE_LABELS, Stage
from coach.i18n import Translator, translator

WIDTH, HEIGHT, DPI = 640, 320, 100
COLOURS = 16  # palette size after quantising
# Bottom to top: the surest stage first. Blues from dark to light, readable in light and dark themes.
STACK = ((Stage.QUOTE, "#1f4e79"), (Stage.HOT_PROSPECT, "#2e75b6"), (Stage.PROSPECT, "#7fb2e0"),
         (Stage.SUSPECT, "#c5dcf2"))
TEXT = "#333333"


def forecast_chart(numbers: DigestNumbers, language: str) -> bytes:
    """The PNG of the team's weighted forecast per decision month (the first MAX_MONTHS months)."""
    t = translator(language)
    figure = Figure(figsize=(WIDTH / DPI, HEIGHT / DPI), dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    axes.set_title(t.gettext("Weighted forecast per decision month"), color=TEXT, fontsize=11, loc="left",
                   pad=20)
    months = stage_totals(numbers.cells)
    if months:
        _bars(axes, t, months)
    else:
        _empty(axes, t)
    figure.tight_layout()
    return _png(figure)


def _bars(axes, t: Translator, months: dict[str, dict[str, Decimal]]) -> None:
    shown = list(months)[:MAX_MONTHS]
    positions = range(len(shown))
    bottoms = [0.0] * len(shown)
    for stage, colour in STACK:
        heights = [float(months[m].get(stage, 0)) for m in shown]
        if any(heights):
            axes.bar(positions, heights, bottom=bottoms, color=colour, width=0.7,
                     label=t.gettext(STAGE_LABELS[stage]))
            bottoms = [b + h for b, h in zip(bottoms, heights, strict=True)]
    compact = partial(format_compact_decimal, locale=t.locale, fraction_digits=1)
    for x, total in zip(positions, bottoms, strict=True):
        axes.annotate(compact(total), xy=(x, total), xytext=(0, 2), textcoords="offset points", ha="center",
                      fontsize=7, color=TEXT)
    axes.set_xticks(list(positions), [t.date(date(int(m[:4]), int(m[5:]), 1), "MMM yy") for m in shown],
                    fontsize=8, color=TEXT)
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _pos: compact(value)))
    axes.set_ylim(0, max(bottoms) * 1.15 or 1)  # room for the totals above the bars
    axes.tick_params(axis="y", labelsize=8, colors=TEXT)
    axes.grid(axis="y", color="#dddddd", linewidth=0.6)
    axes.set_axisbelow(True)
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(fontsize=8, frameon=False, loc="lower left", bbox_to_anchor=(0, 1), ncol=len(STACK),
                handlelength=1, columnspacing=1, borderaxespad=0.2)  # one row between the title and the bars
    if len(months) > MAX_MONTHS:
        n = len(months) - MAX_MONTHS
        axes.annotate(t.ngettext("…and {n} more month", "…and {n} more months", n).format(n=n),
                      xy=(1, -0.16), xycoords="axes fraction", ha="right", fontsize=8, color=TEXT)


def _empty(axes, t: Translator) -> None:
    axes.set_axis_off()
    axes.text(0.5, 0.5, t.gettext("No open deals with a chance in the forecast."), ha="center", va="center",
              fontsize=11, color=TEXT, transform=axes.transAxes)


def _png(figure: Figure) -> bytes:
    raw = BytesIO()
    figure.savefig(raw, format="png", dpi=DPI, facecolor="white")
    image = Image.open(raw).convert("RGB").quantize(colors=COLOURS)
    out = BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
