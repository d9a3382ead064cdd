"""The words the renderers add themselves (buttons, placeholders, notes) come from the gettext catalog, in the
user's language."""

from __future__ import annotations

from bot.msteams.render import render_cards
from bot.slack.render import render_home, render_message, render_modal
from coach.replies import Choice, Choices, FieldKind, Form, FormField, Option, Reply, text

OPTIONS = [Option(label=f"Stage {i}", value=f"s{i}") for i in range(3)]
FORM = Form(scope="debrief.details", title="Debrief", submit_label="Opslaan", pending="stage", fields=[
    FormField(name="stage", label="Fase", kind=FieldKind.SELECT, options=OPTIONS),
    FormField(name="notes", label="Notities", kind=FieldKind.LONG_TEXT)])
MANY_CHOICES = Choices(scope="pick", options=[Choice(label=f"Optie {i}", value=f"c{i}") for i in range(8)])


def test_a_slack_form_speaks_dutch_to_a_dutch_user() -> None:
    modal = render_modal(FORM, "meta", language="nl")
    assert modal["close"]["text"] == "Annuleren"
    assert modal["blocks"][0]["element"]["placeholder"]["text"] == "Kies…"
    [message] = render_message(Reply(blocks=[FORM, MANY_CHOICES]), language="nl")
    assert "…of antwoord hier:" in message["blocks"][0]["text"]["text"]
    assert message["blocks"][-1]["elements"][0]["placeholder"]["text"] == "Kies…"
    assert render_modal(FORM, "meta", language="en")["close"]["text"] == "Cancel"


def test_slack_app_home_counts_what_it_left_out_in_dutch() -> None:
    home = render_home([text(f"regel {i}") for i in range(101)], language="nl")
    assert home["blocks"][-1]["elements"][0]["text"] == "…en nog 2 onderdelen die hier niet passen."
    home = render_home([*(text(f"regel {i}") for i in range(99)), text("lang " * 1000)], language="nl")
    assert home["blocks"][-1]["elements"][0]["text"] == "…en nog 1 onderdeel dat hier niet past."


def test_a_teams_card_speaks_dutch_to_a_dutch_user() -> None:
    [card] = render_cards(Reply(blocks=[MANY_CHOICES]), language="nl")
    dropdown, submit = card["body"]
    assert (dropdown["label"], dropdown["placeholder"], dropdown["errorMessage"]) == (
        "Kies er één", "Kies…", "Kies er eerst één.")
    assert submit["actions"][0]["title"] == "OK"
    [form] = render_cards(Reply(blocks=[FORM], language="nl"))
    stage = form["body"][0]["items"][1]
    assert (stage["placeholder"], stage["errorMessage"]) == ("Kies…", "“Fase” is verplicht.")
    [english] = render_cards(Reply(blocks=[MANY_CHOICES]), language="en")
    assert english["body"][0]["errorMessage"] == "Pick one first."
