"""SPIN classes of phrasing from issue 13, item 9, third round: probes written for each class, not taken from any
quality set, in English and Dutch, with near misses. They test the structure of a question (what it asks for), so
each class has varied wording."""

from __future__ import annotations

import pytest

from coach.i18n import Translator
from coach.spin import SpinKind, classify

EN = Translator("en")
S, P, IM, N = SpinKind.SITUATION, SpinKind.PROBLEM, SpinKind.IMPLICATION, SpinKind.NEED_PAYOFF


def _kind(question: str) -> SpinKind:
    return classify(question, EN).kind


@pytest.mark.parametrize(("question", "kind"), [
    ("What would happen if you kept the current rota for another two years?", IM),
    ("What would happen if you left the maintenance contract as it is until 2028?", IM),
    ("Where would you be in a year if you kept the picking process exactly as it is?", IM),
    ("What would happen if the cooling unit failed on a Friday night without anyone noticing?", IM),
    ("What would it mean for your lines if the only supplier of seals went bankrupt?", IM),
    ("What happens if the van doesn't turn up on the day of the event?", IM),
    ("Wat zou er gebeuren als u het onderhoudscontract nog twee jaar zo laat?", IM),
    ("Wat zou er gebeuren als de server uitvalt zonder dat de helpdesk het ziet?", IM),
    ("Wat gebeurt er als de koerier de zending niet op tijd ophaalt?", IM),
    ("Wat zou het voor de productie betekenen als die ene leverancier failliet gaat?", IM),
    ("Wat zou er gebeuren als u de planning nog een jaar op deze manier laat?", IM),
    # near misses: a good change in the condition is need-payoff, a condition with "zonder dat" a good one too
    ("What would happen to your margins if the scrap rate halved?", N),
    ("What would happen if your planners could see all the stock in one place?", N),
    ("Wat zou er gebeuren als de monteurs zonder papierwerk kunnen werken?", N),
    ("Wat zou het betekenen als de bestellingen vanzelf binnenkomen zonder dat iemand ze hoeft over te typen?", N),
])
def test_a_bad_event_or_leaving_things_as_they_are_in_the_condition_is_an_implication(
        question: str, kind: SpinKind) -> None:
    assert _kind(question) is kind


@pytest.mark.parametrize(("question", "kind"), [
    ("To what extent do the stock-outs hold up your production lines?", IM),
    ("How far do the breakdowns slow down your deliveries to customers?", IM),
    ("In what way do the late deliveries disrupt your planning?", IM),
    ("How much do the stock-outs delay the packing line?", IM),
    ("To what extent do the errors in the invoices hurt your cash flow?", IM),
    ("In hoeverre leiden de storingen tot overuren bij de technische dienst?", IM),
    ("In welke mate zorgen de vertragingen voor ontevreden klanten?", IM),
    ("Hoe sterk leiden de tekorten tot stilstand op de lijn?", IM),
    ("In hoeverre zorgen de klachten voor extra werk bij de binnendienst?", IM),
    ("In hoeverre vertragen de storingen de uitlevering aan uw klanten?", IM),
    # near misses: what causes a bad thing is a problem question; a neutral cause is a situation question
    ("Which step causes the longest delays?", P),
    ("Welke stap leidt tot de meeste fouten?", P),
    ("Hoe leiden jullie nieuwe planners op?", S),
    ("To what extent does the season drive your order volumes?", S),
])
def test_a_bad_thing_that_holds_up_or_leads_to_another_is_an_implication(question: str, kind: SpinKind) -> None:
    assert _kind(question) is kind


@pytest.mark.parametrize(("question", "kind"), [
    ("Tell me what the extra manual checks mean for your team's workload", IM),
    ("What does the additional paperwork mean for your planners' week?", IM),
    ("How do your tenants react when the floors are not clean on Monday?", IM),
    ("How do your customers respond when the parcel isn't there on the promised day?", IM),
    ("What does it mean for your schedule when a print job has to be redone?", IM),
    ("Does the duplicate work cost you extra staff?", IM),
    ("Wat betekent het voor uw planning als een drukopdracht opnieuw moet?", IM),
    ("Hoe reageren uw huurders als de vloeren na het weekend niet schoon zijn?", IM),
    ("Hoe reageren uw klanten als de bestelling niet compleet is?", IM),
    ("Kost het dubbele werk u extra personeel?", IM),
    ("Wat betekenen de extra controles voor de werkdruk van uw team?", IM),
    ("Wat merken uw gasten ervan als de kamers niet op tijd klaar zijn?", IM),
    # near misses: a reaction or a meaning without anything going wrong is a fact
    ("How do your customers react when a new product comes out?", S),
    ("Hoe reageren uw klanten als er een nieuwe collectie is?", S),
    ("What does the new shift pattern mean for your planners?", S),
    ("Wat betekent de nieuwe cao voor uw roosters?", S),
    ("Wat doet u als u de bus niet nodig heeft?", S),
])
def test_what_extra_or_redone_work_or_a_state_not_met_means_for_them_is_an_implication(
        question: str, kind: SpinKind) -> None:
    assert _kind(question) is kind


@pytest.mark.parametrize(("question", "kind"), [
    ("Which part of the night cleaning round keeps running over time?", P),
    ("Which jobs run over most often?", P),
    ("Where do you run short of gloves and safety gear?", P),
    ("When do you run out of spare parts?", P),
    ("Which parts do you run out of most often?", P),
    ("When does your lease contract run out?", S),
    ("How many vans do you run out of the Utrecht hub?", S),
    ("Waar loopt het spaak als er 's avonds nog een extra rit bij komt?", P),
    ("Bij welke klanten gaat het het vaakst mis met de levering?", P),
    ("Welke rondes lopen structureel uit?", P),
    ("Bij welke artikelen raakt de voorraad als eerste op?", P),
    ("Waar komt u handen tekort?", P),
    ("Waar loopt het uit de hand als er een zieke is?", P),
    # near misses: running a process, running over a checklist, missing out on orders (an implication)
    ("Who runs the night cleaning round?", S),
    ("How do you run over the checklist with new staff?", S),
    ("Hoe lopen de rondes van de schoonmakers?", S),
    ("Hoeveel orders lopen jullie daardoor mis?", IM),
])
def test_running_over_running_short_and_things_going_wrong_are_problems(question: str, kind: SpinKind) -> None:
    assert _kind(question) is kind


@pytest.mark.parametrize(("question", "kind"), [
    ("Tell me what you could do with the storage space if the stock were delivered just in time", N),
    ("What would you do with the hours your planners win back?", N),
    ("What could your team do with the floor space if the archive went digital?", N),
    ("What would you use the extra capacity for?", N),
    ("How would your service team be helped by a fixed stock of parts at each machine?", N),
    ("Would it be interesting for you if we topped up the gloves automatically?", N),
    ("How attractive would it be for you to have one invoice for all sites?", N),
    ("Hoe zou uw technische dienst geholpen zijn met een vaste voorraad onderdelen bij de machine?", N),
    ("Is het voor u interessant als wij de voorraad handschoenen automatisch aanvullen?", N),
    ("Wat zou u met de vrije ruimte doen als de voorraad just-in-time binnenkomt?", N),
    ("Waar zou u de uren voor gebruiken die uw planners terugwinnen?", N),
    ("Hoe aantrekkelijk is het voor u als er één aanspreekpunt is voor alle vestigingen?", N),
    ("Bent u gebaat bij een vaste monteur per regio?", N),
    # near misses: what they do now with something is a fact; what they would do if it broke is an implication
    ("What do you do with returned pallets?", S),
    ("Wat doet u met de retouren?", S),
    ("What would you do if the only forklift broke down?", IM),
    ("Wat zou u doen als de enige heftruck kapotgaat?", IM),
    ("Wat vond u interessant aan de demo van vorige week?", S),
])
def test_what_they_could_do_with_a_gain_or_how_welcome_a_solution_is_is_need_payoff(
        question: str, kind: SpinKind) -> None:
    assert _kind(question) is kind
