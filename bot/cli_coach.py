"""`salescoach coach spin` and `salescoach coach smart`: the checks without a conversation."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from coach.domain import VisitType
from coach.i18n import normalize_language, translator


def _language(lang: str | None):
    from bot.cli import BadInput

    if lang is not None and normalize_language(lang) is None:
        raise BadInput(f"unsupported language {lang!r}; use en or nl")
    return normalize_language(lang)


def register(coach_app: typer.Typer) -> None:
    @coach_app.command("spin")
    def spin_command(
        questions: Annotated[list[str] | None, typer.Argument(
            help="Questions; read one per line from stdin when none.")] = None,
        lang: Annotated[str | None, typer.Option("--lang", help="en or nl (default: detected per question).")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
    ) -> None:
        """Classify sales questions as situation, problem, implication or need-payoff."""
        from bot.cli import BadInput, cli_errors
        from coach import spin

        with cli_errors():
            language = _language(lang)
            items = [q.strip() for q in (questions or sys.stdin.read().splitlines()) if q.strip()]
            if not items:
                raise BadInput("no question given; pass one as an argument or one per line on stdin")
            for question in items:
                verdict = spin.classify(question, translator(language or spin.detect_language(question)),
                                        language)
                if as_json:
                    typer.echo(json.dumps({"question": question, "kind": verdict.kind.value,
                                           "open": verdict.is_open, "tip": verdict.tip}, ensure_ascii=False))
                else:
                    openness = "open" if verdict.is_open else "closed"
                    typer.echo(f"{verdict.kind.value:<12} {openness:<6} {question}\n    {verdict.tip}")

    @coach_app.command("smart")
    def smart_command(
        goal: Annotated[str, typer.Argument(help="The visit objective.")],
        visit: Annotated[str, typer.Option("--visit", help="first, followup, quote or aftersales")] = "first",
        lang: Annotated[str | None, typer.Option("--lang", help="en or nl (default: detected).")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print the verdict as JSON.")] = False,
    ) -> None:
        """Check a visit objective against SMART."""
        from bot.cli import BadInput, cli_errors
        from coach import smart, spin

        with cli_errors():
            language = _language(lang)
            if visit not in VisitType._value2member_map_:
                raise BadInput(f"unknown visit type {visit!r}; use first, followup, quote or aftersales")
            if not goal.strip():
                raise BadInput("the goal is empty")
            t = translator(language or spin.detect_language(goal))
            verdict = smart.check(goal, VisitType(visit), t, language)
            if as_json:
                typer.echo(json.dumps({"specific": verdict.specific, "measurable": verdict.measurable,
                                       "acceptable": verdict.acceptable, "realistic": verdict.realistic,
                                       "time_bound": verdict.time_bound, "feedback": list(verdict.feedback)},
                                      ensure_ascii=False))
                return
            for key in smart.CRITERIA:
                value = getattr(verdict, key)
                mark = "yes" if value else "?" if value is None else "no"
                typer.echo(f"{key.replace('_', '-'):<11} {mark}")
            for line in verdict.feedback:
                typer.echo(f"- {line}")
