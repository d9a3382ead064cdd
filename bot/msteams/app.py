"""The coach in Microsoft Teams, on botbuilder's CloudAdapter.

Personal chats, channel @-mentions and Adaptive Card submits (Action.Submit and Action.Execute) all
become engine calls for one stored conversation per tenant and user. Users are keyed by the tenant
and AAD object id of the authenticated activity, never by anything typed. Each user's conversation
reference is stored on first contact and on installation, for proactive messages.
"""

from __future__ import annotations

import asyncio
import json
import logging
import traceback
from dataclasses import dataclass

from aiohttp import web
from botbuilder.core import ActivityHandler, CardFactory, InvokeResponse, MessageFactory, TurnContext
from botbuilder.core.teams import TeamsInfo
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication
from botbuilder.schema import Activity, ActivityTypes, AdaptiveCardInvokeResponse, ConversationReference

from bot.msteams import render
from bot.msteams.openid_keys import KeysUnavailable, SigningKeys
from bot.msteams.retry import with_retries
from bot.runtime import Runtime
from bot.senders import Unreachable
from coach.commands import split
from coach.dialog import Inbound
from coach.engine import Coach, Who
from coach.i18n import normalize_language, translator
from coach.registry import is_public
from coach.replies import Reply

log = logging.getLogger(__name__)
CARD_MESSAGE = "application/vnd.microsoft.card.adaptive"


@dataclass(frozen=True)
class BotConfig:
    """The attribute names botbuilder's configuration classes read."""

    APP_ID: str
    APP_PASSWORD: str
    APP_TYPE: str
    APP_TENANTID: str | None


class CardActionResponse(AdaptiveCardInvokeResponse):
    """The body of an `adaptiveCard/action` answer. botbuilder's model types `value` as a dict, but a message
    answer's value is a string; the adapter serialises with this map, so both go through."""

    _attribute_map = {**AdaptiveCardInvokeResponse._attribute_map, "value": {"key": "value", "type": "object"}}


class NotReachable(Unreachable):
    """The user has never talked to the coach in Teams, so there is no conversation to write to."""


async def member_email(context: TurnContext) -> str | None:
    """The sender's e-mail from their Teams member profile (its UPN when no e-mail is given), so the CRM sync can
    match them to their CRM owner; None when Teams does not say."""
    try:
        member = await TeamsInfo.get_member(context, context.activity.from_property.id)
    except Exception as exc:  # a profile we cannot read is no reason to refuse the user
        log.info("the Teams member profile could not be read: %s", type(exc).__name__)
        return None
    found = getattr(member, "email", None) or getattr(member, "user_principal_name", None)
    return found if found and "@" in found else None


def client_timezone(activity: Activity) -> str | None:
    """The time zone of the Teams client, from the activity's `clientInfo` entity."""
    for entity in activity.entities or []:
        if getattr(entity, "type", None) == "clientInfo":
            zone = (getattr(entity, "additional_properties", None) or {}).get("timezone")
            return zone if isinstance(zone, str) and zone else None
    return None


def identity_of(activity: Activity) -> str:
    """The sender as the coach knows them: their Entra ID (AAD) object id, else their Teams user id."""
    user = activity.from_property
    return "teams:" + (getattr(user, "aad_object_id", None) or getattr(user, "id", None) or "").lower()


def shared(activity: Activity) -> bool:
    """Whether others read along: a channel or a group chat, not the personal chat with the coach."""
    return getattr(activity.conversation, "conversation_type", None) not in (None, "personal")


def tenant_of(activity: Activity) -> str | None:
    tenant = getattr(activity.conversation, "tenant_id", None) if activity.conversation else None
    if not tenant and isinstance(activity.channel_data, dict):
        tenant = (activity.channel_data.get("tenant") or {}).get("id")
    return tenant.lower() if isinstance(tenant, str) and tenant else None


class TeamsCoach(ActivityHandler):
    def __init__(self, runtime: Runtime, coach: Coach) -> None:
        self.runtime = runtime
        self.coach = coach
        s = runtime.settings
        self.app_id = s.microsoft_app_id or ""
        config = BotConfig(self.app_id, s.microsoft_app_password or "", s.microsoft_app_type,
                           s.microsoft_app_tenant_id)
        self.adapter = CloudAdapter(ConfigurationBotFrameworkAuthentication(config))
        self.adapter.on_turn_error = self._on_error
        self.keys = SigningKeys(runtime.clock)  # the library's own fetch blocks the event loop
        self.tenants = s.teams_tenants()

    # HTTP --------------------------------------------------------------------------------
    async def handle_http(self, request: web.Request) -> web.Response:
        """POST /api/messages: authenticate, run the turn, answer 201 (or an invoke's response)."""
        if "application/json" not in request.headers.get("Content-Type", ""):
            return web.json_response({"error": "expected an application/json Bot Framework activity"}, status=415)
        try:
            with self.keys.in_use():
                return await self.adapter.process(request, self) or web.Response(status=201)
        except KeysUnavailable:  # said once per failed fetch (openid_keys), not for each request refused meanwhile
            # not the sender's fault: 503 says "try again", where a 401 would have a genuine message given up on
            log.info("Teams activity not taken: the Bot Framework's signing keys are unavailable")
            return web.json_response({"error": "cannot check tokens now; try again later"}, status=503,
                                     headers={"Retry-After": "30"})
        except (web.HTTPUnauthorized, PermissionError):
            log.warning("Teams activity refused: missing or invalid token")
            return web.json_response({"error": "unauthorized"}, status=401)
        except web.HTTPException:
            raise
        except Exception as exc:
            if _raised_in_authentication(exc):  # a token that does not check out: the sender's problem, not ours
                log.warning("Teams activity refused: its token could not be checked (%s)", type(exc).__name__)
                return web.json_response({"error": "unauthorized"}, status=401)
            log.exception("Teams activity failed after authentication")  # ours: the traceback goes to the log
            return web.json_response({"error": "internal error"}, status=500)

    async def _on_error(self, context: TurnContext, error: Exception) -> None:
        log.error("Teams turn failed", exc_info=error)
        try:
            language = await asyncio.to_thread(self.coach.language_of, identity_of(context.activity))
        except Exception:  # the failure may be the database's: then the client's language will do
            language = None
        try:
            await context.send_activity(translator(language or normalize_language(context.activity.locale)).gettext(
                "Something went wrong on my side. Please try again."))
        except Exception:
            log.warning("could not tell the user about the failure", exc_info=True)

    # turns -------------------------------------------------------------------------------
    async def on_turn(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        if self.tenants and tenant_of(activity) not in self.tenants:
            log.warning("Teams activity from a tenant this coach does not serve was refused")
            if activity.type == ActivityTypes.message:
                await turn_context.send_activity(translator(normalize_language(activity.locale)).gettext(
                    "This coach is not available to your organisation."))
            return
        await super().on_turn(turn_context)

    async def _who(self, context: TurnContext) -> Who:
        activity = context.activity
        user = activity.from_property
        identity = identity_of(activity)
        aad = identity.removeprefix("teams:")
        reference = TurnContext.get_conversation_reference(activity).serialize()
        # where to reach the user is their personal chat: a channel or group chat is no place for their reminders
        references = [] if shared(activity) else [(identity, reference)]
        if getattr(activity.conversation, "conversation_type", None) == "channel":
            # the channel itself, so a team's weekly overview can be posted there (team update --channel)
            channel = activity.conversation.id.split(";", 1)[0]
            references.append((f"teams:{channel}", {**reference, "conversation": {**reference["conversation"],
                                                                                   "id": channel}}))
        language = email = None
        if not await asyncio.to_thread(self.coach.knows, identity):
            language = normalize_language(activity.locale)
            email = await member_email(context)
        timezone = activity.local_timezone or client_timezone(activity)  # every message: a user may travel
        return Who(identity=identity, conversation_key=f"teams:{tenant_of(activity) or '-'}:{aad}",
                   display_name=getattr(user, "name", None), language=language, timezone=timezone,
                   references=tuple(references), email=email)

    async def _turn(self, context: TurnContext, who: Who, inbound: Inbound) -> Reply | None:
        """The coach's answer, recorded with the activity's id; None when the connector redelivered an
        activity already handled."""
        activity = context.activity
        event = ("teams", f"{activity.conversation.id}|{activity.id}") if activity.id else None
        return await asyncio.to_thread(self.coach.handle, who, inbound, event)

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        if activity.value is not None:
            await self._submitted(turn_context, activity.value)
            return
        text = TurnContext.remove_recipient_mention(activity) if activity.entities else activity.text
        who = await self._who(turn_context)
        reply = await self._turn(turn_context, who, Inbound(text=(text or "").strip()))
        if reply is None:
            return
        if shared(activity) and not is_public(split(text or "")[0]):  # personal data stays in the personal chat
            await self._answer_in_private(turn_context, who, reply)
            return
        await self.send_reply(turn_context, reply)

    async def _answer_in_private(self, context: TurnContext, who: Who, reply: Reply) -> None:
        """The answer goes to the user's personal chat, a short pointer to where they asked."""
        language = await asyncio.to_thread(self.coach.language_of, who.identity)
        _ = translator(language or normalize_language(context.activity.locale)).gettext
        try:
            await self.send_proactive(who.identity, reply)
            pointer = _("I have answered you in our personal chat.")
        except NotReachable:
            pointer = _("That is about your own work, so I answer it in a personal chat: open a chat with me and "
                        "ask me there.")
        await with_retries(lambda: context.send_activity(pointer))

    async def _submitted(self, context: TurnContext, data: object,
                         update_in_place: bool = True) -> tuple[render.Submitted, dict | None] | None:
        """A card's button or form: the same dialog step as a Slack click. Returns what was submitted and
        the clicked card without its buttons (already updated in Teams when `update_in_place`)."""
        submitted = render.parse_submit(data)
        if submitted is None:
            return None
        who = await self._who(context)
        inbound = (Inbound(action=submitted.value, scope=submitted.scope) if submitted.kind == "choice"
                   else Inbound(form=submitted.form or {}, scope=submitted.scope))
        reply = await self._turn(context, who, inbound)
        if reply is None:  # handled before: its card was answered then
            return submitted, None
        answered = await self._answered_card(context, submitted)
        if answered is not None and update_in_place:
            update = MessageFactory.attachment(CardFactory.adaptive_card(answered))
            update.id = context.activity.reply_to_id
            try:
                await with_retries(lambda: context.update_activity(update))
            except Exception:  # the answer matters more than the old card's buttons
                log.warning("could not update the answered card", exc_info=True)
        await self.send_reply(context, reply)
        return submitted, answered

    async def _answered_card(self, context: TurnContext, submitted: render.Submitted) -> dict | None:
        activity = context.activity
        if not activity.reply_to_id:
            return None
        card = await asyncio.to_thread(self.coach.take_card, activity.conversation.id, activity.reply_to_id)
        if card is None:
            return None
        note = "✓ " + (submitted.label or translator(normalize_language(activity.locale)).gettext("Sent"))
        return render.without_actions(card, note)

    async def on_invoke_activity(self, turn_context: TurnContext):
        if turn_context.activity.name != "adaptiveCard/action":
            return await super().on_invoke_activity(turn_context)
        value = turn_context.activity.value
        action = (value.get("action") if isinstance(value, dict) else None) or {}
        done = await self._submitted(turn_context, action.get("data"), update_in_place=False)
        if done is None:
            body = CardActionResponse(status_code=400, type="application/vnd.microsoft.error",
                                              value={"code": "BadRequest", "message": "not a coach card"})
        elif done[1] is not None:  # Teams shows the answered card in place of the clicked one
            body = CardActionResponse(status_code=200, type=CARD_MESSAGE, value=done[1])
        else:
            body = CardActionResponse(status_code=200, type="application/vnd.microsoft.activity.message",
                                              value="✓ " + (done[0].label or ""))
        return InvokeResponse(status=200, body=body)  # a model: the adapter serialises it (a dict it cannot)

    async def on_installation_update_add(self, turn_context: TurnContext) -> None:
        who = await self._who(turn_context)  # stores the conversation reference for proactive messages
        reply = await asyncio.to_thread(self.coach.handle, who, Inbound(command="help"))
        if reply is not None:
            await self.send_reply(turn_context, reply)

    # sending -----------------------------------------------------------------------------
    async def send_reply(self, context: TurnContext, reply: Reply) -> None:
        """Each card of the reply as its own message, throttling retried; cards with buttons remembered."""
        for card in render.render_cards(reply, language=reply.language):
            message = MessageFactory.attachment(CardFactory.adaptive_card(card))
            message.summary = reply.plain()[:200]
            sent = await with_retries(lambda m=message: context.send_activity(m))
            if sent is not None and sent.id and _has_actions(card):
                await asyncio.to_thread(self.coach.remember_card, context.activity.conversation.id, sent.id, card)

    async def send_proactive(self, identity: str, reply: Reply) -> None:
        """Send `reply` to a user outside any turn (reminders, digests). Raises NotReachable or the send error."""
        stored = await asyncio.to_thread(self.coach.reference, identity)
        if stored is None:
            raise NotReachable(identity)
        reference = ConversationReference().deserialize(stored)

        async def send(context: TurnContext) -> None:
            await self.send_reply(context, reply)

        await self.adapter.continue_conversation(reference, send, self.app_id)  # always with the bot app id


def _raised_in_authentication(exc: BaseException) -> bool:
    """Whether the exception came from checking the request's token (botframework-connector's auth, PyJWT)."""
    frames = traceback.extract_tb(exc.__traceback__)
    return any(("botframework/connector/auth" in f.filename or "/jwt/" in f.filename) for f in frames)


def _has_actions(card: dict) -> bool:
    text = json.dumps(card)
    return '"Action.Submit"' in text or '"Action.Execute"' in text
