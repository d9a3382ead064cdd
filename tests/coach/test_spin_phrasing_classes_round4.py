"""SPIN classes of phrasing from issue 13, item 9, fourth round (behind development set 8's misses): probes written
for each class, not taken from any quality set, in English and Dutch, with near misses. They test what a question
asks for, so each class has varied wording."""

from __future__ import annotations

import pytest

from coach.i18n import Translator
from coach.spin import SpinKind, classify

EN = Translator("en")
S, P, IM, N = SpinKind.SITUATION, SpinKind.PROBLEM, SpinKind.IMPLICATION, SpinKind.NEED_PAYOFF


def _kind(question: str) -> SpinKind:
    return classify(question, EN).kind


@pytest.mark.parametrize(("question", "kind"), [
    ("How much do the spoiled batches cost you per month?", IM),
    ("How much do you pay per year for emergency repairs after breakdowns?", IM),
    ("What do you end up paying in penalties when a shipment is late?", IM),
    ("How much of your budget goes to fixing damaged goods?", IM),
    ("What are the stock-outs costing you per week?", IM),
    ("Hoeveel geeft u per jaar uit aan het herstellen van beschadigde goederen?", IM),
    ("Hoeveel betaalt u jaarlijks aan boetes voor te late leveringen?", IM),
    ("Wat betaalt u per maand aan extra uren door de storingen?", IM),
    ("Wat kosten de bedorven partijen u per kwartaal?", IM),
    ("Hoeveel geven jullie uit aan het opnieuw versturen van verkeerde zendingen?", IM),
    # near misses: what they pay or spend for something that works is a fact, also "at the moment"
    ("How much do you pay per month for the lease?", S),
    ("How much do you spend per month on cleaning?", S),
    ("What do you pay at the moment for the maintenance of the lifts?", S),
    ("Hoeveel geeft u per jaar uit aan schoonmaak?", S),
    ("Wat betaalt u op dit moment per maand voor het onderhoud?", S),
    ("Wat betaalt u deze maand aan huur voor de opslag?", S),
])
def test_what_they_pay_or_spend_because_of_a_bad_thing_is_an_implication(question: str, kind: SpinKind) -> None:
    assert _kind(question) is kind


@pytest.mark.parametrize(("question", "kind"), [
    ("Does the overtime eat into your margin?", IM),
    ("How far do the errors eat into your profit?", IM),
    ("Do the stock-outs weigh on your sales figures?", IM),
    ("Does the rework come at the expense of new projects?", IM),
    ("Are the breakdowns taking a toll on your team?", IM),
    ("Do the late deliveries drag down your customer ratings?", IM),
    ("In welke mate drukt het verzuim op de productiviteit?", IM),
    ("Gaan de storingen ten koste van uw marge?", IM),
    ("In hoeverre tast de uitval uw omzet aan?", IM),
    ("Knaagt het dubbele werk aan de winst?", IM),
    ("Drukken de extra ritten op het resultaat van de afdeling?", IM),
    # near misses: the same verbs with nothing bad named are facts
    ("In welke mate drukt de inkoop op de marge?", S),
    ("Does the new line eat into your floor space?", S),
    ("Gaat de opleiding ten koste van de productie-uren?", S),
])
def test_a_bad_thing_that_wears_down_the_business_is_an_implication(question: str, kind: SpinKind) -> None:
    assert _kind(question) is kind


@pytest.mark.parametrize(("question", "kind"), [
    ("Wat betekent een te late levering voor uw klanten?", IM),
    ("Wat doet een te trage helpdesk met de tevredenheid van uw personeel?", IM),
    ("What does a delivery that arrives too late mean for your shop floor?", IM),
    ("Do print runs ever arrive with colour deviations?", P),
    ("Komen de partijen weleens met kleurafwijkingen binnen?", P),
    ("How often do the meals arrive spoiled?", P),
    ("Hoe vaak is de service te traag?", P),
    ("Are the reports too late for your weekly meeting?", P),
    ("Hoe vaak zijn de monsters buiten de specificatie?", P),
    ("Do the parts ever come in out of spec?", P),
    # near misses: "too"/"te" without a degree, and deviation as a plan are not bad things
    ("Do you use the portal too?", S),
    ("Hoeveel tijd heeft u nodig om de bestelling te plaatsen?", S),
])
def test_too_late_spoiled_and_out_of_spec_are_bad_things(question: str, kind: SpinKind) -> None:
    assert _kind(question) is kind


@pytest.mark.parametrize(("question", "kind"), [
    ("How important is it to you that every label prints correctly the first time?", N),
    ("How important would it be that the cleaners adapt to how busy the building is?", N),
    ("Would your quality manager rest easier if every batch came with a certificate?", N),
    ("Would it reassure your board if the figures came in weekly?", N),
    ("Would the plant manager sleep better if the alarms went straight to our control room?", N),
    ("Hoe belangrijk is het voor u dat de schoonmaak zich aanpast aan de bezetting?", N),
    ("Hoe belangrijk zou het zijn om alle facturen in één keer te ontvangen?", N),
    ("Is het voor uw kwaliteitsmanager een geruststelling als elke partij met certificaat komt?", N),
    ("Zou het de directie geruststellen als de cijfers wekelijks binnenkomen?", N),
    ("Zou uw planner zich geruster voelen als de koelcellen op afstand bewaakt worden?", N),
    # near misses: how important a factor is in their decision is a fact, not the value of a solution
    ("How important is price in your decision?", S),
    ("Hoe belangrijk is prijs in uw keuze?", S),
])
def test_how_important_a_wanted_state_is_or_how_reassuring_is_a_need_payoff(question: str, kind: SpinKind) -> None:
    assert _kind(question) is kind
