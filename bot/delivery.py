"""The one delivery loop: every scheduled message (reminders, nudges, team overviews, digests) goes out here.

It claims the outbox's due messages one at a time, sends each with the sender of its
recipient's platform, and records how it went: sent; failed, tried again after 1, 2, 4 … minutes (at most an
hour apart) until it is sent or expires; dropped when the platform cannot reach the recipient and the
message is of its moment (it expires), as a digest or a nudge is. The claim is recorded before the post
and the result after it; the lease is renewed while the post runs. A crash therefore repeats at most the
one message that was in flight, once its lease has run out; nothing is lost.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass, field

from bot.runtime import Runtime
from bot.senders import Sender, Unreachable
from coach.clock import Clock
from coach.outgoing import LEASE, Claimed, Outgoing, platform, retry_delay

log = logging.getLogger(__name__)
LABELS = {"reminder": "reminders", "nudge": "daily nudges", "team-overview": "team overviews",
          "digest": "weekly digests", "crm-notice": "CRM notices"}


@dataclass
class Delivered:
    """What one pass did."""

    sent: list[Outgoing] = field(default_factory=list)
    failed: list[Outgoing] = field(default_factory=list)  # tried again after a backoff
    unreachable: list[Outgoing] = field(default_factory=list)  # dropped, or tried again if it never expires


class DeliveryLoop:
    def __init__(self, runtime: Runtime, senders: dict[str, Sender], clock: Clock | None = None) -> None:
        self.runtime = runtime
        self.senders = senders  # platform prefix ("teams:") → sender
        self.clock = clock or runtime.clock
        self.token = str(uuid.uuid4())  # this loop's leases
        self.lock = asyncio.Lock()  # one pass at a time here
        self.stopping = False

    async def run_once(self, kind: str | None = None, keys: list[str] | None = None) -> Delivered:
        """Send what is due now, on the platforms configured here (only `kind`, or only `keys`, when given)."""
        async with self.lock:
            done, left = Delivered(), None if keys is None else set(keys)
            dropped = await asyncio.to_thread(self.runtime.jobs.drop_expired, self.clock())
            if dropped:
                log.warning("%d scheduled messages dropped: not delivered before they expired", dropped)
            while not self.stopping and (left is None or left):
                claimed = await self._claim(kind, left)
                if claimed is None:
                    break
                if left is not None:
                    left.discard(claimed.message.dedupe_key)
                await self._send(claimed, done)
            self._log(done)
            return done

    async def _claim(self, kind: str | None, keys: set[str] | None) -> Claimed | None:
        """The next due message, leased to this loop. Cancelled meanwhile, the claim still completes in its
        thread: it is handed back at once rather than left to wait out its lease."""
        claiming = asyncio.ensure_future(asyncio.to_thread(self.runtime.jobs.claim, self.clock(), tuple(self.senders),
                                                           self.token, kind, keys))
        try:
            return await asyncio.shield(claiming)
        except asyncio.CancelledError:
            claimed = await claiming
            if claimed is not None:
                await asyncio.to_thread(self.runtime.jobs.settle, claimed.id, self.token, "pending", self.clock())
            raise

    async def stop(self) -> None:
        """No further sends; the one under way finishes and is recorded."""
        self.stopping = True
        async with self.lock:
            pass

    async def _send(self, claimed: Claimed, done: Delivered) -> None:
        message = claimed.message
        renewing = asyncio.create_task(self._renew(claimed))
        try:
            await self.senders[platform(message.recipient)](message)
        except asyncio.CancelledError:  # handed back for the next pass (which repeats it if it was out already)
            await asyncio.shield(asyncio.to_thread(self.runtime.jobs.settle, claimed.id, self.token, "pending",
                                                   self.clock()))
            raise
        except Unreachable:
            done.unreachable.append(message)
            await self._settle(claimed, "dropped" if message.expires_at else "failed", "Unreachable")
        except Exception as exc:
            log.warning("a %s failed (attempt %d), tried again later: %s", message.kind, claimed.attempts,
                        type(exc).__name__)
            done.failed.append(message)
            await self._settle(claimed, "failed", type(exc).__name__)
        else:
            done.sent.append(message)
            await self._settle(claimed, "sent")
        finally:
            renewing.cancel()

    async def _settle(self, claimed: Claimed, state: str, error: str | None = None) -> None:
        now = self.clock()
        retry_at = now + retry_delay(claimed.attempts) if state == "failed" else None
        held = await asyncio.shield(asyncio.to_thread(self.runtime.jobs.settle, claimed.id, self.token, state,
                                                      now, retry_at, error))
        if not held:
            log.warning("a %s was %s after its lease ran out: another instance may send it too",
                        claimed.message.kind, state)

    async def _renew(self, claimed: Claimed) -> None:
        held = True
        while held:
            await asyncio.sleep(LEASE.total_seconds() / 3)
            held = await asyncio.to_thread(self.runtime.jobs.renew, claimed.id, self.token, self.clock() + LEASE)

    @staticmethod
    def _log(done: Delivered) -> None:
        for kind, label in LABELS.items():
            sent, failed, unreachable = (sum(1 for m in ms if m.kind == kind)
                                         for ms in (done.sent, done.failed, done.unreachable))
            if sent or failed or unreachable:
                log.info("%s: %d sent, %d to retry, %d unreachable", label, sent, failed, unreachable)
