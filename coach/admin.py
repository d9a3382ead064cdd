"""`admin export USER` and `admin delete USER [to COLLEAGUE]` in chat, for the administrators named in
COACH_ADMINS. Deleting asks for a confirmation click; the check is repeated when it comes."""

from __future__ import annotations

from coach.dialog import Ctx, choices
from coach.replies import Block, Card, CardField, text

CONFIRMED = "confirmed"


def admin(ctx: Ctx, args: str) -> list[Block]:
    _ = ctx.gettext
    if not ctx.store.is_admin(ctx.user):
        return [text(_("Only the coach's administrators can do that."))]
    action, _sep, rest = args.strip().partition(" ")
    if action == "export" and rest.strip():
        return _export(ctx, rest.strip())
    if action == "delete" and rest.strip():
        return _delete(ctx, rest.strip())
    return [text(_("Type “admin export slack:U0123” to see what is stored about a user, or “admin delete "
                   "slack:U0123” (add “to slack:U0456” to hand their team work to a colleague)."))]


def _export(ctx: Ctx, identity: str) -> list[Block]:
    _ = ctx.gettext
    try:
        data = ctx.store.export_user(identity.split()[0])
    except ValueError as exc:
        return [text(str(exc))]
    counts = [(_("Deals"), len(data["deals"])), (_("Visits"), len(data["visits"])),
              (_("Follow-ups"), len(data["follow_ups"])), (_("Accounts created"), len(data["accounts_created"])),
              (_("Conversations"), len(data["conversations"]))]
    user = data["user"]
    return [Card(title=_("Stored about {user}").format(user=user["identity"]),
                 fields=[CardField(label=_("Name"), value=user.get("display_name") or "—"),
                         *[CardField(label=label, value=str(n)) for label, n in counts]]),
            text(_("The complete export, as JSON: “salescoach user export {user}” on the server.").format(
                user=user["identity"]))]


def _delete(ctx: Ctx, args: str) -> list[Block]:
    _ = ctx.gettext
    words = args.split()
    confirmed = words[0] == CONFIRMED
    words = words[1:] if confirmed else words
    identity = words[0] if words else ""
    if not identity:
        return admin(ctx, "")
    heir = words[2] if len(words) >= 3 and words[1] in ("to", "naar") else None
    if not confirmed:
        target = identity + (f" to {heir}" if heir else "")
        return [text(_("Delete {user} and everything personal about them? Their team's deals and follow-ups go to "
                       "{heir}. This cannot be undone.").format(user=identity, heir=heir or _("an anonymous former "
                                                                                                "rep"))),
                choices("cmd", (_("Delete"), f"cmd:admin delete {CONFIRMED} {target}"), (_("Keep"), "cmd:help"))]
    if identity == ctx.user.identity:
        return [text(_("You cannot delete yourself while we talk; ask another administrator or use the "
                       "command line."))]
    try:
        counts = ctx.store.delete_user(identity, heir)
    except ValueError as exc:
        return [text(str(exc))]
    return [text(_("{user} is deleted: {removed} personal records removed, {moved} team records handed over.").format(
        user=identity, removed=sum(v for k, v in counts.items() if k.endswith("_deleted")),
        moved=sum(v for k, v in counts.items() if k.endswith("_moved"))))]
