"""A small driver for engine tests: send text, clicks and forms as one user, read the plain reply."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from coach.dialog import Inbound
from coach.engine import Coach, Who
from coach.replies import Choices, Form, Reply


class Clock:
    def __init__(self, now: datetime = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs) -> None:
        self.now += timedelta(**kwargs)


class Chat:
    def __init__(self, coach: Coach, user: str = "alice", language: str | None = None) -> None:
        self.coach = coach
        self.who = Who(identity=f"console:{user}", conversation_key=f"console:console:{user}",
                       display_name=user, language=language)
        self.last: Reply | None = None

    def send(self, message: str) -> str:
        self.last = self.coach.handle(self.who, Inbound(text=message))
        return self.last.plain()

    def skip_until(self, marker: str, out: str, most: int = 10) -> str:
        """Answer "skip" (from the reply `out` on) until a reply says `marker`, at most `most` times; the last reply."""
        for _ in range(most):
            if marker in out:
                break
            out = self.send("skip")
        return out

    def command(self, command: str) -> str:
        self.last = self.coach.handle(self.who, Inbound(command=command))
        return self.last.plain()

    def click(self, label_or_value: str) -> str:
        """Click the button with this label or value in the last reply."""
        assert self.last is not None
        for block in self.last.blocks:
            if isinstance(block, Choices):
                for option in block.options:
                    if label_or_value in (option.label, option.value):
                        self.last = self.coach.handle(
                            self.who, Inbound(action=option.value, scope=block.scope))
                        return self.last.plain()
        raise AssertionError(f"no button {label_or_value!r} in: {self.last.plain()}")

    def submit(self, values: dict) -> str:
        form = self.form()
        self.last = self.coach.handle(self.who, Inbound(form=values, scope=form.scope))
        return self.last.plain()

    def form(self) -> Form:
        assert self.last is not None
        forms = [b for b in self.last.blocks if isinstance(b, Form)]
        assert forms, f"no form in: {self.last.plain()}"
        return forms[0]
