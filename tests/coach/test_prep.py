"""The preparation's content per visit type (issue 13): the book's shorthands, openings, the quote criteria in the
prep, the call plan the rep carries in."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.runtime import Runtime
from coach.clock import SetClock
from coach.i18n import translator
from storage.sales_teams import update_team
from tests.coach.chat_helper import Chat
from tests.coach.test_followups_visits import TODAY, seed_accounts

VISIT = {"first": "1", "followup": "2", "quote": "3", "aftersales": "4"}


@pytest.fixture
def chat(runtime: Runtime, clock: SetClock) -> Chat:
    return Chat(runtime.coach(clock=clock))


def to_internal(chat: Chat, visit: str, account: str = "Acme") -> str:
    chat.send(f"prep {account}")
    chat.send(VISIT[visit])
    return chat.send("skip the rest")


def test_internal_objective_offers_the_books_shorthands(chat: Chat) -> None:
    to_internal(chat, "first")
    labels = [o.label.split(" — ")[0] for o in chat.form().fields[0].options]
    assert labels == ["NAW", "DMU", "@", "product", "lev", "€-TTL", "€ conc.", "afl. contr.", "nw. contract",
                      "A/B/C", "vk%", "vrvlg"]
    out = chat.send("nw. contract, € conc., vk%")  # typed as the rep writes them on the sheet
    assert "External objective" in out


def add_deal(chat: Chat, account: str = "Acme", title: str = "Project Falcon 2027", probability: str = "60",
             decision: str = "2027-01-15", dmu: str = "yes") -> None:
    chat.send(f"debrief {account}")
    chat.send("1")  # a new deal
    chat.click("open")  # still open
    out = chat.submit({"outcome": "Good talk", "title": title, "stage": "hot prospect", "amount": "48000",
                       "probability": probability, "decision_date": decision, "dmu_known": dmu})
    assert "Saved" in out or "Opgeslagen" in out, out


def to_external(chat: Chat, visit: str, account: str = "Acme") -> str:
    chat.send(f"prep {account}")
    chat.click(visit)
    if visit == "quote":
        chat.submit({"solution": "yes", "budget": "yes", "probability": "60", "decision_date": "2027-01-15",
                     "dmu_known": "yes"})
    chat.click("skip_rest")
    return chat.submit({"items": ["dmu"]})


@pytest.mark.parametrize("visit", VISIT)
@pytest.mark.parametrize(("language", "model"), [("en", "My objective today is to "),
                                                 ("nl", "Mijn doelstelling is om u ")])
def test_openings_are_sentences_to_say_aloud_without_the_deal_name(runtime: Runtime, clock: SetClock, visit: str,
                                                                   language: str, model: str) -> None:
    chat = Chat(runtime.coach(clock=clock), language=language)
    add_deal(chat)
    out = to_external(chat, visit)
    drafts = [line for line in out.splitlines() if line.startswith(model)]
    assert len(drafts) == 1, out  # a whole first-person sentence on the book's model, not "Introduce our …"
    assert "Falcon" not in out  # the deal's name is the rep's label, not something to say to the customer
    assert {"first": "pres-bedr", "followup": "pres-prod", "quote": "pres-prod",
            "aftersales": "wens+beh"}[visit] in out


def to_questions(chat: Chat, goal: str) -> str:
    chat.click("use")
    out = chat.send(goal)
    assert "That goal is SMART" in out, out
    return out


def test_a_closing_visit_runs_the_quote_criteria_in_the_prep_and_plans_the_close(chat: Chat) -> None:
    add_deal(chat, probability="60", decision="2027-01-15", dmu="yes")
    chat.send("prep Acme")
    out = chat.click("quote")
    assert "a quote is a means, not a goal" in out and "Discount is never a goal" in out
    assert "Quote check" in out
    initial = {f.name: f.initial for f in chat.form().fields}  # what the deal already says
    assert (initial["probability"], initial["decision_date"], initial["dmu_known"]) == ("60", "2027-01-15", "yes")
    out = chat.submit({"solution": "yes", "budget": "no", "probability": "60", "decision_date": "2027-01-15",
                       "dmu_known": "yes"})
    assert "not all criteria hold" in out and "the price can reasonably meet their budget" in out
    assert "who decides" not in out.split("Missing:")[1].split("1/10")[0]
    chat.click("skip_rest")
    chat.submit({"items": ["chance"]})
    out = to_questions(chat, "Today we agree on price and delivery and I leave with a signed order.")
    assert "The close" in out
    chat.send("Saves two hours of picking a day")  # typed one field at a time
    chat.send("€ 48,000, delivery week 12")
    out = chat.send("keep")  # the suggested closing question
    assert "SPIN questions" in out
    chat.send("Which benefit of our proposal matters most to you, and why?")
    out = chat.click("done")
    assert "No problem questions" not in out and "No implication questions" not in out
    assert "A good mix for a closing visit." in out
    assert "Quote check: the price can reasonably meet their budget" in out
    assert "Benefits: Saves two hours of picking a day" in out
    assert "Conditions: € 48,000, delivery week 12" in out
    assert "Closing question: Shall we go ahead on this basis?" in out


def test_a_closing_visit_with_only_situation_questions_is_told_so(chat: Chat) -> None:
    to_external(chat, "quote")
    to_questions(chat, "Today we agree on price and delivery and I leave with a signed order.")
    chat.submit({"benefits": "Faster picking", "conditions": "list price", "closing_question": "Shall we sign?"})
    chat.send("How many sites do you have?")
    out = chat.click("done")
    assert "Mostly situation questions" in out and "No need-payoff question" in out
    assert "No problem questions" not in out


def test_an_after_sales_visit_never_asks_our_customer_for_their_supplier(chat: Chat) -> None:
    chat.send("prep Acme")
    out = chat.click("aftersales")
    assert "do not ask which supplier they use now" in out
    assert "Give the account its class (A, B or C) after this visit" in out  # no class yet
    assert "cross-selling" in out and "satisfied" in out
    chat.click("skip_rest")
    chat.submit({"items": ["account_class"]})
    out = to_questions(chat, "During this visit we solve the open service issue and agree on two improvements "
                             "for the next quarter.")
    assert "complaints" in out and "supplier" not in out.casefold()
    chat.click("add")
    out = chat.click("done")
    assert "Call plan: Acme" in out and "supplier" not in out.casefold()
    assert "S: Which of our products and services do you use most today, and for what?" in out  # 72 characters: whole
    assert "wens+beh · pres-prod · vrvlg: My objective today is to hear how satisfied you are" in out


def test_a_follow_up_visit_confirms_requirements_and_proposes_a_direction(chat: Chat) -> None:
    chat.send("prep Acme")
    out = chat.click("followup")
    assert "Confirm the requirements you learned in the inventory" in out
    assert "Propose a solution direction within those requirements" in out


def test_call_plan_keeps_the_reps_questions_and_lists_only_steps_that_matter(chat: Chat) -> None:
    chat.send("prep Acme")
    chat.click("first")
    chat.send("done")
    chat.send("done")
    chat.send("skip")  # CRM: matters
    chat.send("done")
    chat.send("done")
    chat.send("done")
    chat.send("done")
    chat.send("done")
    chat.send("skip")  # alternative addresses: optional
    chat.send("skip")  # prepared questions: planned below
    chat.submit({"items": ["dmu"]})
    to_questions(chat, "At the end of the visit I know who decides and when their contract ends, and we have a "
                       "follow-up appointment")
    chat.send("Which orders are not shipped within 48 hours?")
    chat.send("Which orders from the Rotterdam warehouse are not shipped within 48 hours of the order being "
              "placed in SAP?")
    chat.send("What does a late delivery cost you?")
    out = chat.click("done")
    plan = out[out.index("Call plan: Acme"):]
    assert any(line.endswith(": Which orders are not shipped within 48 hours?")  # whole, as the rep wrote it
               for line in plan.splitlines()), plan
    shortened = next(line for line in plan.splitlines() if "Rotterdam" in line)
    for word in ("not", "48", "Rotterdam", "SAP"):  # negation, figures and the case of names survive
        assert word in shortened.split(), shortened
    assert len(shortened) < 80
    assert "Still to prepare: CRM" in out
    assert "Prepared questions" not in out and "Alternative addresses" not in out


@pytest.mark.parametrize(("question", "kept"), [
    ("Which orders are not shipped within 48 hours?", "Which orders are not shipped within 48 hours?"),
    ("Welke bestellingen van Jansen worden niet binnen 48 uur verzonden, ook al staat alles al klaar in het "
     "magazijn?", ["Jansen", "niet", "48", "uur"]),
    ("Why has nobody at Van Dijk ever had no complaint about the 3 deliveries that did not arrive on time?",
     ["Van", "Dijk", "no", "3", "deliveries", "not"]),
])
def test_plan_question_keeps_negations_figures_and_names(question: str, kept) -> None:
    from coach.keywords import plan_question

    short = plan_question(question)
    if isinstance(kept, str):
        assert short == kept
    else:
        assert all(word in short.split() for word in kept), short
        assert len(short) < len(question)


def test_question_ideas_fit_the_visit_type_and_leave_the_deal_name_out(chat: Chat) -> None:
    add_deal(chat)
    to_external(chat, "first")
    out = to_questions(chat, "At the end of the visit I know who decides and when their contract ends, and we have "
                             "a follow-up appointment")
    assert "SPIN questions" in out and "Falcon" not in out  # the deal's title is the rep's label

    chat.send("cancel")
    to_external(chat, "quote")
    out = to_questions(chat, "Today we agree on price and delivery and I leave with a signed order.")
    out = chat.submit({"benefits": "Faster picking", "conditions": "list price", "closing_question": "Shall we?"})
    assert "Which benefit of our proposal matters most to you, and why?" in out
    assert "Which supplier" not in out and "Falcon" not in out


@pytest.mark.parametrize("language", ["en", "nl"])
def test_visit_type_question_ideas_are_open_and_of_the_kind_they_are_offered_as(language: str) -> None:
    from coach import spin
    from coach.flows.prep_content import IDEAS
    from coach.i18n import translator

    t = translator(language)
    for ideas in IDEAS.values():
        for kind, questions in ideas.items():
            for question in questions:
                verdict = spin.classify(t.gettext(question), t)
                assert (verdict.kind.value, verdict.is_open) == (kind, True), t.gettext(question)


@pytest.mark.parametrize(("language", "expected"), [
    ("en", "A B-account: your team's norm is 4 visits a year. Last visit: {day}. Check with them that the class "
           "still fits."),
    ("nl", "Een B-klant: de norm van je team is 4 bezoeken per jaar. Laatste bezoek: {day}. Ga na of de klasse "
           "nog klopt."),
])
def test_an_after_sales_prep_names_the_accounts_class_and_the_teams_norm_for_it(
        runtime: Runtime, clock: SetClock, language: str, expected: str) -> None:
    """Not the book's example norm: this account's class, the norm the team set for it and its last visit."""
    seed_accounts(runtime, "console:alice", {"Acme": ("B", "customer", 30), "Soap": ("C", "customer", 30)})
    with runtime.sessions.begin() as s:
        update_team(s, "North", norms={"B": 4})
    chat = Chat(runtime.coach(clock=clock), "alice")
    chat.send(f"taal {language}")  # alice is known already (in English), so her language is set as a rep sets it
    chat.send("prep Acme")
    out = chat.click("aftersales")
    assert expected.format(day=translator(language).date(TODAY - timedelta(days=30))) in out
    chat.send("cancel")
    chat.send("prep Soap")
    out = chat.click("aftersales")
    assert {"en": "A C-account: your team serves it by inside sales and e-mail, not by visits.",
            "nl": "Een C-klant: je team bedient deze klant via binnendienst en e-mail, niet met bezoeken."}[
        language] in out
