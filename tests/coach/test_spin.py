"""SPIN classification, open/closed detection, suggestions and balance feedback, in English and Dutch."""

from __future__ import annotations

import pytest

from coach.i18n import Translator
from coach.spin import (
    SPIN_ORDER,
    SpinKind,
    SpinVerdict,
    balance_feedback,
    classify,
    detect_language,
    is_question,
    suggestions,
)

EN = Translator("en")
NL = Translator("nl")
S, P, IM, N = SpinKind.SITUATION, SpinKind.PROBLEM, SpinKind.IMPLICATION, SpinKind.NEED_PAYOFF

ENGLISH = [
    (S, "How many trucks drive for you on a normal day?"),
    (S, "Which accounting package does the finance team use"),
    (S, "Who signs off on IT purchases here?"),
    (S, "Tell me how a new order reaches your warehouse."),
    (S, "Do you rent the forklifts or own them?"),
    (S, "What does your current lease cost per month?"),
    (P, "Which steps in the invoicing process go wrong most often?"),
    (P, "Are your planners happy with the scheduling tool?"),
    (P, "What annoys your drivers about the current routes?"),
    (P, "Is it hard to keep the stock levels right?"),
    (P, "What would you like to change about the service you get now?"),
    (P, "Where do you lose most time in a working day?"),
    (IM, "What does a day of downtime cost your plant?"),
    (IM, "How do those late invoices affect your cash flow?"),
    (IM, "Does that lead to extra shifts at the weekend?"),
    (IM, "What happens to your customers when a delivery is missed?"),
    (IM, "What would happen if your only technician fell ill?"),
    (IM, "How many orders have you lost because of this?"),
    (N, "What would it be worth to you if the invoices went out on time?"),
    (N, "How would a single dashboard help your planners?"),
    (N, "Would it be useful if the tool warned you before stock runs out?"),
    (N, "If the errors disappeared, what would that mean for your team?"),
    (N, "Why is it important for you to get rid of the paperwork?"),
    (N, "How much time would you save with automatic reordering?"),
]
DUTCH = [
    (S, "Hoeveel vrachtwagens rijden er op een normale dag voor jullie?"),
    (S, "Welk boekhoudpakket gebruikt de financiële afdeling"),
    (S, "Wie tekent bij jullie voor IT-aankopen?"),
    (S, "Vertel eens hoe een nieuwe order in het magazijn terechtkomt."),
    (S, "Huren jullie de heftrucks of zijn ze eigendom?"),
    (S, "Wat kost uw huidige leasecontract per maand?"),
    (P, "Welke stappen in het factureren gaan het vaakst mis?"),
    (P, "Zijn uw planners tevreden over de planningstool?"),
    (P, "Wat ergert uw chauffeurs aan de huidige routes?"),
    (P, "Is het lastig om de voorraad op peil te houden?"),
    (P, "Wat zou u willen veranderen aan de service die u nu krijgt?"),
    (IM, "Wat kost een dag stilstand uw fabriek?"),
    (IM, "Welke invloed hebben die late facturen op uw cashflow?"),
    (IM, "Leidt dat tot extra diensten in het weekend?"),
    (IM, "Wat gebeurt er met uw klanten als een levering gemist wordt?"),
    (IM, "Hoeveel orders bent u daardoor kwijtgeraakt?"),
    (N, "Wat zou het u waard zijn als de facturen op tijd de deur uit gaan?"),
    (N, "Hoe zou één dashboard uw planners helpen?"),
    (N, "Zou het handig zijn als de tool waarschuwt voordat de voorraad op is?"),
    (N, "Als de fouten verdwijnen, wat betekent dat dan voor uw team?"),
    (N, "Waarom is het voor u belangrijk om van het papierwerk af te komen?"),
    (N, "Wat levert het u op als het bestellen automatisch gaat?"),
]


@pytest.mark.parametrize(("kind", "question"), ENGLISH)
def test_classify_english(kind: SpinKind, question: str) -> None:
    verdict = classify(question, EN)
    assert (verdict.kind, verdict.lang) == (kind, "en")


@pytest.mark.parametrize(("kind", "question"), DUTCH)
def test_classify_dutch(kind: SpinKind, question: str) -> None:
    verdict = classify(question, EN)
    assert (verdict.kind, verdict.lang) == (kind, "nl")


# Issue 13, item 9: the trainer's examples, and their counterparts in the other language.
@pytest.mark.parametrize(("kind", "question"), [
    (IM, "What does a lost hour of picking cost you?"),
    (IM, "Wat kost een verloren uur orderpicken u?"),
    (IM, "Wat kost het u per jaar aan afgekeurde producten?"),
    (IM, "How much do the rejected batches cost you per year?"),
    (IM, "Hoeveel kosten de afgekeurde partijen u per jaar?"),
    (IM, "What would happen if you did nothing?"),
    (IM, "Wat zou er gebeuren als u niets doet?"),
    (P, "Which part of the order process takes longer than it should?"),
    (P, "Welk deel van het orderproces duurt langer dan nodig?"),
    # the price of what they buy is a fact, not the cost of a problem
    (S, "What does your current lease cost per month?"),
    (S, "Wat kost uw huidige leasecontract per maand?"),
])
def test_issue_13_examples(kind: SpinKind, question: str) -> None:
    assert classify(question, EN).kind is kind


@pytest.mark.parametrize("question", [
    "How many sites do you have?",
    "Do you lease your company cars",
    "Heeft u last van storingen",
    "Tell me how an order reaches your warehouse.",
    "Vertelt u eens hoe een bestelling door het magazijn gaat.",
    "I'd like to understand how the planning is done today.",
    "Ik vraag me af of jullie al met een vaste transporteur werken.",
])
def test_questions_and_invitations_are_questions(question: str) -> None:
    assert is_question(question)


@pytest.mark.parametrize("statement", [
    "Get the contract end date and the name of the decision maker during this visit.",
    "At the end of the visit I know who decides on the new fleet.",
    "Aan het eind van het bezoek weet ik wie er beslist over de nieuwe vloot.",
    "De einddatum van het huidige contract achterhalen.",
    "We deliver within 24 hours anywhere in the Benelux.",
    "Help them choose the right forklift",
])
def test_a_statement_is_not_a_question(statement: str) -> None:
    assert not is_question(statement)


def test_good_news_in_a_hypothetical_is_payoff_bad_news_is_implication() -> None:
    assert classify("What would it mean for you if the line never stopped again?", EN).kind is N
    assert classify("What would it mean for you if the line stopped for a week?", EN).kind is IM
    assert classify("Wat zou het betekenen als de storingen verleden tijd zijn?", EN).kind is N
    assert classify("Wat zou er gebeuren als de server uitvalt?", EN).kind is IM


def test_influence_on_a_decision_is_a_situation_question() -> None:
    assert classify("Who has the most influence on the choice of supplier?", EN).kind is S
    assert classify("Wie heeft de meeste invloed op de keuze?", EN).kind is S


@pytest.mark.parametrize(("question", "is_open"), [
    ("What do you use now?", True),
    ("how often do you order", True),
    ("Tell me about your fleet", True),
    ("Describe a normal week for your technicians.", True),
    ("To what extent are the planners involved?", True),
    ("And which supplier is that?", True),
    ("If the machine stops, what happens next?", True),
    ("Could you walk me through the ordering process?", True),
    ("Do you work with a framework contract?", False),
    ("Is the IT department involved?", False),
    ("Would it help if we delivered daily?", False),
    ("Any problems with the current supplier?", False),
    ("Hoeveel vestigingen hebben jullie?", True),
    ("Wat kost het u als de machine stilstaat?", True),
    ("In hoeverre speelt prijs een rol?", True),
    ("Met welke leverancier werkt u nu?", True),
    ("Vertel eens over uw wagenpark", True),
    ("Als de levering te laat is, hoe reageren uw klanten dan?", True),
    ("Kunt u uw huidige situatie beschrijven?", True),
    ("Heeft u last van storingen?", False),
    ("Gebruikt u een planningssysteem?", False),
    ("Zou het helpen als wij het onderhoud overnemen?", False),
    ("Stel dat we dagelijks leveren, zou dat helpen?", False),
])
def test_open_or_closed(question: str, is_open: bool) -> None:
    assert classify(question, EN).is_open is is_open


@pytest.mark.parametrize(("text", "lang"), [
    ("How many sites do you have?", "en"),
    ("Do you lease?", "en"),
    ("Hoeveel vestigingen hebben jullie?", "nl"),
    ("Wat kost het u als de machine stilstaat?", "nl"),
    ("Wat zou het voor u betekenen als dit opgelost is?", "nl"),
    ("Kopen of leasen jullie?", "nl"),
    ("Order binnenhalen", "nl"),
    ("Get the order", "en"),
])
def test_detect_language(text: str, lang: str) -> None:
    assert detect_language(text) == lang


def test_explicit_language_wins_over_detection() -> None:
    assert classify("Hoeveel vestigingen hebben jullie?", EN, lang="nl").lang == "nl"
    assert classify("Problem?", EN, lang="en").lang == "en"


def test_closed_problem_question_is_opened_up() -> None:
    verdict = classify("Do you have problems with the coffee machines?", EN)
    assert verdict.kind is P and not verdict.is_open
    assert verdict.better == "What problems do you run into with the coffee machines?"
    assert verdict.better in verdict.tip
    assert "closed" in verdict.tip


def test_closed_questions_are_opened_in_their_own_language() -> None:
    assert classify("Bent u tevreden over uw huidige leverancier?", EN).better == (
        "Hoe tevreden bent u over uw huidige leverancier, en wat kan er beter?")
    assert classify("Heeft u problemen met de printers?", EN).better == "Welke problemen ervaart u met de printers?"
    assert classify("Would it help if we took over the planning?", EN).better == (
        "How would it help you if we took over the planning?")
    assert classify("Zou het helpen als wij de planning overnemen?", EN).better == (
        "Hoe zou het u helpen als wij de planning overnemen?")
    fallback = classify("Leidt dat tot overuren?", EN)
    assert fallback.kind is IM and fallback.better and fallback.better.endswith("?")
    assert detect_language(fallback.better) == "nl"


def test_open_questions_get_a_deeper_one_except_the_deepest() -> None:
    situation = classify("How many sites do you have?", EN)
    assert situation.better and classify(situation.better, EN).kind is P
    problem = classify("Wat gaat er mis bij het plannen?", EN)
    assert problem.better and classify(problem.better, EN).kind is IM
    implication = classify("What does that cost you?", EN)
    assert implication.better and classify(implication.better, EN).kind is N
    assert classify("How would that help your team?", EN).better is None


def test_verdict_shape_and_dutch_translator() -> None:
    verdict = classify("Hoeveel vestigingen hebben jullie?", NL)
    assert isinstance(verdict, SpinVerdict)
    assert verdict.question == "Hoeveel vestigingen hebben jullie?"
    assert verdict.lang == "nl" and verdict.is_open
    assert isinstance(verdict.tip, str) and verdict.tip.strip()
    assert verdict.better and verdict.better in verdict.tip


def test_spin_order_runs_from_shallow_to_deep() -> None:
    assert SPIN_ORDER == (S, P, IM, N)
    assert [k.value for k in SPIN_ORDER] == ["situation", "problem", "implication", "need-payoff"]


@pytest.mark.parametrize("kind", list(SpinKind))
def test_suggestions_count_and_kind(kind: SpinKind) -> None:
    for known in (frozenset(), frozenset({"supplier", "contract_end", "dmu", "potential"})):
        out = suggestions(kind, EN, known=known)
        assert 2 <= len(out) <= 4
        assert all(q.endswith("?") and "{" not in q for q in out)
        assert all(classify(q, EN).kind is kind for q in out)


def test_suggestions_skip_known_facts() -> None:
    fresh = " ".join(suggestions(S, EN))
    assert "supplier" in fresh and "contract" in fresh
    told = " ".join(suggestions(S, EN, known=frozenset({"supplier", "contract_end"})))
    assert "supplier" not in told and "contract" not in told


def test_suggestions_use_account_and_topic() -> None:
    out = suggestions(S, EN, account="Bakkerij Jansen", topic="ovens")
    assert any("Bakkerij Jansen" in q for q in out)
    assert any("ovens" in q for q in out)
    assert any("Bakkerij Jansen" in q for q in suggestions(N, EN, account="Bakkerij Jansen"))
    assert not any("None" in q for q in suggestions(S, EN, account=None, topic="  "))


def test_suggestions_in_dutch_keep_their_structure() -> None:
    out = suggestions(P, NL, account="Acme", topic="printers", known=frozenset({"dmu"}))
    assert 2 <= len(out) <= 4 and all(isinstance(q, str) and q.strip() for q in out)


def test_balance_nothing_planned() -> None:
    lines = balance_feedback([], EN)
    assert len(lines) == 1 and "No questions" in lines[0]


def test_balance_too_many_situation_questions() -> None:
    lines = balance_feedback([S, S, S, S, P, IM, N], EN)
    assert len(lines) == 1 and lines[0].startswith("4 situation questions out of 7")
    assert balance_feedback([S, S, S, P, IM, N], EN)[0].startswith("Good balance")  # half is not too many
    one = balance_feedback([S], EN)
    assert one[0].startswith("1 situation question out of 1")


def test_balance_missing_kinds() -> None:
    text = " ".join(balance_feedback([S, P], EN))
    assert "No implication questions" in text and "No need-payoff questions" in text
    assert "No problem questions" not in text
    assert "No problem questions" in " ".join(balance_feedback([S, IM, N], EN))


def test_balance_good() -> None:
    lines = balance_feedback([S, S, P, P, IM, N], EN)
    assert lines == ["Good balance: your 6 questions cover all four SPIN kinds."]


def test_balance_in_dutch_keeps_its_structure() -> None:
    assert len(balance_feedback([S, S, S], NL)) == 4
    assert len(balance_feedback([S, P, IM, N], NL)) == 1


# --- general patterns (each with its own examples, not taken from the quality sets) ---------------


def test_it_the_acronym_does_not_point_back_at_a_problem() -> None:
    assert classify("Are your IT people happy with how fast the laptops are replaced?", EN).kind is P
    assert classify("How does it affect the planning?", EN).kind is IM  # the pronoun still does


@pytest.mark.parametrize("question", [
    "In which areas does your current carrier fall short?",
    "What gets in the way when your engineers plan their visits?",
    "What do you run into when onboarding new drivers?",
    "Which of your projects are running behind schedule?",
])
def test_falling_short_and_obstacles_are_problems(question: str) -> None:
    assert classify(question, EN).kind is P


@pytest.mark.parametrize("question", [
    "Wat zit uw monteurs het meest dwars aan de planning?",
    "Wat stoort uw medewerkers aan de huidige kantine?",
    "Waar bent u minder blij mee bij uw huidige vervoerder?",
    "Waar lopen jullie tegen aan bij het plannen?",
    "Tegen welke leveringsproblemen lopen jullie aan?",  # compound: levering + problemen
    "Heeft u last van personeelstekorten in de zomer?",
    "Welke machines vallen het vaakst stil?",  # separable verbs: stilvallen, uitvallen, vastlopen
    "Welke pompen vallen in de winter uit?",
    "Waar loopt het inwerken van nieuwe chauffeurs vast?",
    "Welke projecten lopen achter op schema?",
])
def test_dutch_bother_verbs_compounds_and_separable_failure_verbs_are_problems(question: str) -> None:
    assert classify(question, EN).kind is P


def test_a_hospital_is_not_about_sickness() -> None:
    assert classify("Hoeveel bedden heeft het ziekenhuis?", EN).kind is S
    assert classify("Hoe hoog is het ziekteverzuim in de ploegen?", EN).kind is P


@pytest.mark.parametrize("question", [
    "How do these billing errors feed through into customer churn?",
    "How do the stock errors spill over to the sales team?",
    "How does that show up in your monthly figures?",
    "Hoe werken die factuurfouten door in het verloop van uw klanten?",
    "Welke weerslag heeft de achterstand op de facturatie?",
    "Waar ziet u die vertragingen terug in uw cijfers?",
])
def test_a_problem_passing_on_to_something_else_is_an_implication(question: str) -> None:
    assert classify(question, EN).kind is IM


def test_what_a_bad_thing_does_to_something_is_an_implication() -> None:
    assert classify("What would a faulty calibration do to your certification?", EN).kind is IM
    assert classify("What does a missed delivery window do to your standing with the retailer?", EN).kind is IM
    assert classify("Wat doen die storingen met de motivatie van uw team?", EN).kind is IM
    assert classify("What do you do to prepare for an audit?", EN).kind is S  # what *you* do: a fact
    assert classify("Wat doet u met de retouren?", EN).kind is S


def test_incomplete_records_and_a_sized_delay_are_bad_news() -> None:
    assert classify("What would an inaccurate bill of materials do to production?", EN).kind is IM
    assert classify("What happens on site when a part arrives two days later?", EN).kind is IM
    assert classify("Wat betekent het voor de planning als een monteur twee uur later arriveert?", EN).kind is IM


def test_the_size_of_a_loss_is_an_implication_where_it_happens_a_problem() -> None:
    assert classify("When the scanner crashes, how many hours do your pickers lose?", EN).kind is IM
    assert classify("Where do your pickers lose most time?", EN).kind is P
    assert classify("Hoeveel uur zijn uw monteurs kwijt als een onderdeel niet op voorraad is?", EN).kind is IM
    assert classify("Waar verliezen uw orderpickers de meeste tijd?", EN).kind is P


def test_the_risk_run_when_something_goes_wrong_is_an_implication() -> None:
    assert classify("What risks do you run at the audit if the records are incomplete?", EN).kind is IM
    assert classify("Welke risico's loopt u als de back-up faalt?", EN).kind is IM
    assert classify("What are the biggest risks in your current setup?", EN).kind is P
    assert classify("Welke risico's ziet u bij de huidige leverancier?", EN).kind is P


@pytest.mark.parametrize("question", [
    "What would it mean for your budget if maintenance costs came down by a fifth?",
    "What would your margin look like if scrap fell by half?",
    "If your uptime went up to 99%, what would that change?",
    "How would your customers react if delivery times went down to one day?",
    "Wat zou het voor uw begroting betekenen als de onderhoudskosten met een vijfde dalen?",
    "Hoe zou uw marge eruitzien als de uitval halveert?",
    "Hoe zou het magazijn het merken als de wachttijden afnemen?",
])
def test_a_cost_or_a_bad_thing_going_down_is_good_news(question: str) -> None:
    assert classify(question, EN).kind is N


@pytest.mark.parametrize("question", [
    "What would happen to your margin if energy prices went up?",
    "What would it mean for you if revenue dropped by ten percent?",
    "What would it mean for you if costs did not go down?",
    "Wat zou het betekenen als de omzet met tien procent daalt?",
    "Hoe reageren uw klanten als de prijzen stijgen?",
])
def test_a_cost_going_up_or_revenue_going_down_is_bad_news(question: str) -> None:
    assert classify(question, EN).kind is IM


def test_what_becomes_possible_once_it_is_solved_is_need_payoff() -> None:
    assert classify("What could your planners do once the data is accurate?", EN).kind is N
    assert classify("Wat kunnen uw planners straks als de gegevens op orde zijn?", EN).kind is N
    assert classify("Klopt het dat u drie vestigingen heeft?", EN).kind is S  # a check, not good news


@pytest.mark.parametrize(("question", "is_open"), [
    ("I'm curious what your drivers think of the new routes", True),
    ("I wonder how your team handles returns", True),
    ("I'd like to know whether you lease the vans", False),
    ("Ik ben benieuwd hoe jullie dat nu oplossen", True),
    ("Vertelt u eens hoe de bestellingen binnenkomen", True),
    ("Legt u eens uit hoe de planning werkt", True),
    ("Legt u de orders vast in het ERP?", False),
    ("Geeft u korting op grote orders?", False),
])
def test_embedded_questions_and_polite_dutch_imperatives_are_open(question: str, is_open: bool) -> None:
    assert classify(question, EN).is_open is is_open


@pytest.mark.parametrize(("question", "kind"), [
    ("Why is it so awkward for your planners to book a technician?", P),
    ("How hard is it to get spare parts in time?", P),
    ("Which part of onboarding is toughest for new staff?", P),
    ("Waarom is het zo zwaar voor uw planners om de roosters rond te krijgen?", P),
    ("How hard do your teams work in peak season?", S),  # effort, not difficulty
    ("Do you use our hardware or your own?", S),
])
def test_how_hard_something_is_is_a_problem(question: str, kind: SpinKind) -> None:
    assert classify(question, EN).kind is kind


@pytest.mark.parametrize(("question", "kind"), [
    ("Where do your engineers spend unnecessary time on paperwork?", P),
    ("Waar zijn uw planners nodeloos veel tijd mee bezig?", P),
    ("Welke stappen in de goedkeuring zijn eigenlijk overbodig?", P),
    ("What keeps your planners from finishing the schedule on time?", P),
    ("Where does the current ordering process cause friction?", P),
    ("Wat weerhoudt uw inkopers ervan om vaker te bestellen?", P),
    ("How often does your team have to re-enter orders by hand?", P),
    ("Hoe vaak moet uw team orders dubbel invoeren?", P),
    ("Hoe vaak moeten uw chauffeurs een rit opnieuw plannen?", P),
    ("Which steps are necessary for an approval?", S),  # necessary is not unnecessary
    ("Welke stappen zijn nodig voor een goedkeuring?", S),
    ("Where does the ordering process start?", S),
    ("Wanneer plannen jullie de ritten voor de volgende week?", S),
])
def test_wasted_effort_and_what_holds_them_back_are_problems(question: str, kind: SpinKind) -> None:
    assert classify(question, EN).kind is kind


@pytest.mark.parametrize(("question", "kind"), [
    ("How high is staff turnover in the warehouse?", P),
    ("Hoe groot is het verloop onder uw chauffeurs?", P),
    ("How many mispicks do you see per week?", P),
    ("Hoeveel misdrukken heeft u per week?", P),
    ("What is the turnover of your company?", S),  # revenue, not people leaving
    ("Hoe groot is het verloop van de projecten?", S),  # the course of things
    ("Wat is de missie van uw bedrijf?", S),
    ("How many mission-critical systems do you run?", S),
])
def test_people_leaving_and_mis_words_are_bad_news(question: str, kind: SpinKind) -> None:
    assert classify(question, EN).kind is kind


@pytest.mark.parametrize(("question", "kind"), [
    ("Have the delivery problems cost you any customers?", IM),
    ("Did the outage cost the company orders last year?", IM),
    ("Heeft die uitval u klanten gekost?", IM),
    ("Bent u door die fouten weleens een opdracht kwijtgeraakt?", IM),
    ("What does a wasted trip cost your engineers?", IM),
    ("Wat kost een rit voor niets uw monteurs?", IM),
    ("What does the software cost per customer?", S),  # a price, no loss
    ("Wat kost een nieuwe klant u aan marketing?", S),
])
def test_business_a_problem_cost_them_is_an_implication(question: str, kind: SpinKind) -> None:
    assert classify(question, EN).kind is kind


@pytest.mark.parametrize(("question", "kind"), [
    ("I'm curious what the high fuel bill does to your margin", IM),
    ("Ik ben benieuwd wat die vertraging doet met uw planning", IM),  # verb last in a subordinate clause
    ("Wat betekenen die storingen voor uw levertijden?", IM),
    ("Wat betekent het voor de planning als er onderdelen ontbreken?", IM),
    ("Ik ben benieuwd wat jullie doen met retouren", S),  # what *they* do: a fact
    ("Wat betekenen de nieuwe regels voor uw inkoop?", S),  # no problem named
    ("How high are your energy bills?", S),
    ("Wat ontbreekt er aan uw huidige systeem?", P),  # something missing, no consequence asked
])
def test_what_a_named_problem_does_to_something_is_an_implication(question: str, kind: SpinKind) -> None:
    assert classify(question, EN).kind is kind


@pytest.mark.parametrize(("question", "kind"), [
    ("What would a maintenance-free pump be worth to you?", N),
    ("How would an error-free invoice run help your team?", N),
    ("Wat zou een foutloze administratie u opleveren?", N),
    ("Hoe zou een storingsvrije koelcel uw team helpen?", N),
    ("Wat kost een storing van de pers u per week?", IM),  # the bad thing itself
    ("How often do errors occur in the invoice run?", P),
])
def test_free_of_a_bad_thing_is_good_news(question: str, kind: SpinKind) -> None:
    assert classify(question, EN).kind is kind


@pytest.mark.parametrize(("question", "kind"), [
    ("Does an online portal make ordering faster for your buyers?", N),
    ("Maakt een vaste contactpersoon het voor u eenvoudiger?", N),
    ("Maakt de nieuwe software het werk moeilijker?", P),  # worse, not better
    ("Maakt het nieuwe rooster het werk niet makkelijker?", S),  # negated: no payoff
    ("What makes the current setup better than the old one?", P),  # a comparison with the past
])
def test_a_change_that_makes_work_easier_is_need_payoff(question: str, kind: SpinKind) -> None:
    assert classify(question, EN).kind is kind


@pytest.mark.parametrize(("question", "kind"), [
    ("What value would you see in having one supplier for all sites?", N),
    ("Hoeveel waarde zou het voor jullie hebben als de rapportage automatisch gaat?", N),
    ("How much time would your team win back with one portal?", N),
    ("Hoeveel tijd zou uw team terugwinnen met één portaal?", N),
    ("Wat is de waarde van uw voorraad?", S),  # a value, not the value for them
    ("What is the average order value for your customers?", S),
    ("How much time does your team spend on the portal?", S),
])
def test_value_for_them_and_time_won_back_are_need_payoff(question: str, kind: SpinKind) -> None:
    assert classify(question, EN).kind is kind


@pytest.mark.parametrize(("question", "kind"), [
    ("Hoe profiteert uw team ervan als de planning automatisch gaat?", N),
    ("What's in it for your planners if the roster builds itself?", N),
    ("Wat heeft u eraan als de facturen automatisch gecontroleerd worden?", N),
    ("Wat schiet uw team ermee op als alles in één systeem staat?", N),
    ("What would be different for your team if the invoices went out the same day?", N),
    ("What would be different if your main supplier went bankrupt?", IM),  # bad news: a consequence
    ("Wat heeft u daarmee gedaan?", S),  # what they did with it, not what they get out of it
    ("Which different suppliers do you use?", S),
])
def test_what_they_get_out_of_it_is_need_payoff(question: str, kind: SpinKind) -> None:
    assert classify(question, EN).kind is kind


@pytest.mark.parametrize(("question", "kind"), [
    ("If the lift breaks down, does someone have to carry the boxes upstairs?", IM),
    ("After a power cut, who has to restart the freezers?", IM),
    ("Moet er na een storing iemand van de technische dienst langskomen?", IM),
    ("Als de printer vastloopt, moeten uw collega's dan naar een andere verdieping?", IM),
    ("Does a late delivery mean your fitters have to wait on site?", IM),
    ("Does a power cut mean the freezers have to be emptied?", IM),
    # near misses: an obligation without a bad event, a bad thing they have to handle (a problem)
    ("Who has to approve a new supplier?", S),
    ("Moet u bij een nieuwe medewerker een toegangspas aanvragen?", S),
    ("Does your contract mean you have to order a minimum volume?", S),
    ("Does your team have to deal with a lot of errors?", P),
    ("Moeten uw monteurs vaak storingen verhelpen?", P),
    ("What do you mean by a late delivery?", P),
])
def test_what_a_bad_event_forces_them_to_do_is_an_implication(question: str, kind: SpinKind) -> None:
    assert classify(question, EN).kind is kind


@pytest.mark.parametrize(("question", "kind"), [
    ("Wat doen die vertragingen met de stemming in het team?", IM),
    ("Wat doet een kapotte koelcel met uw voorraad?", IM),
    # near misses: no problem named between "wat doen" and "met"
    ("Wat doen de nieuwe collega's met de planning?", S),
    ("Wat doet de receptie met binnenkomende pakketten?", S),
])
def test_wat_doen_a_named_problem_met_something_is_an_implication(question: str, kind: SpinKind) -> None:
    assert classify(question, NL, lang="nl").kind is kind


@pytest.mark.parametrize(("question", "kind"), [
    ("Waar raken de dozen tijdens het laden beschadigd?", P),
    ("Hoe vaak raakt er gereedschap zoek op de bouwplaats?", P),  # separable: "raakt ... zoek"
    ("Raakt uw koerier weleens een pakket kwijt?", P),
    ("Hoeveel waterschade had het magazijn vorig jaar?", P),  # a compound ending in -schade
    ("Hoe vaak heeft u valse meldingen van het brandalarm?", P),
    ("How many false alarms does your system give per month?", P),
    # near misses: free of damage, looking for something, alarms as such
    ("Hoeveel schadevrije jaren heeft uw wagenpark?", S),
    ("Waar zoekt u naar in een nieuwe leverancier?", S),
    ("Hoe worden alarmmeldingen bij jullie doorgegeven?", S),
    ("How is the alarm system monitored at night?", S),
])
def test_damage_things_going_missing_and_false_alarms_are_bad(question: str, kind: SpinKind) -> None:
    assert classify(question, EN).kind is kind


@pytest.mark.parametrize(("question", "kind"), [
    ("Lukt het uw team nog om alle aanvragen bij te houden?", P),
    ("Kunnen uw monteurs het onderhoud nog bijhouden?", P),
    # near misses: keeping records is a fact of the situation
    ("Hoe houden jullie de verlofuren nu bij?", S),
    ("Vertel eens hoe u de keuringen van de ladders bijhoudt.", S),
    ("Kunt u beschrijven hoe jullie de urenregistratie bijhouden?", S),
    ("In welk systeem wordt de voorraad bijgehouden?", S),
])
def test_bijhouden_is_a_problem_only_as_keeping_up(question: str, kind: SpinKind) -> None:
    assert classify(question, NL, lang="nl").kind is kind


@pytest.mark.parametrize(("question", "kind"), [
    ("Would self-service check-in ease the pressure on your front desk?", N),
    ("Would a second scanner take work off your warehouse team's plate?", N),
    ("How much time would your buyers win if all orders went through one portal?", N),
    ("Zou een vaste bezorger uw magazijnploeg ontlasten?", N),
    ("Zou een servicecontract u het onderhoud uit handen nemen?", N),
    ("Zou één portaal het bestellen vereenvoudigen?", N),
    # near misses: winning a contract is a fact; a hypothetical with a bad outcome is no payoff
    ("How did you win the contract with the council?", S),
    ("How many tenders did your team win last year?", S),
    ("Would a second scanner take up too much space in the warehouse?", P),
    ("Hoe is de verlichting in het magazijn geregeld?", S),
])
def test_relief_and_time_won_are_need_payoff(question: str, kind: SpinKind) -> None:
    assert classify(question, EN).kind is kind


# --- question forms: leave to ask, estimates, elliptical follow-ups, invitations in the main clause only ------


@pytest.mark.parametrize(("question", "is_open"), [
    ("May I ask which carrier handles your returns?", True),
    ("Can I ask you why the old system was replaced?", True),
    ("Mag ik vragen met welke software de planners werken?", True),
    ("Mag ik u vragen hoeveel monteurs er in de buitendienst werken?", True),
    # near misses: asking leave for a yes/no question stays closed
    ("May I ask whether the budget is already approved?", False),
    ("Mag ik vragen of de begroting al rond is?", False),
])
def test_leave_to_ask_followed_by_a_question_word_is_open(question: str, is_open: bool) -> None:
    assert classify(question, EN).is_open is is_open


@pytest.mark.parametrize(("question", "is_open"), [
    ("Approximately how long does a changeover on line two take?", True),
    ("Ongeveer hoeveel pallets gaan er per dag de deur uit?", True),
    # near miss: an estimate asked as yes/no
    ("Roughly speaking, do you ship more than a hundred parcels a day?", False),
])
def test_an_estimate_before_the_question_word_keeps_it_open(question: str, is_open: bool) -> None:
    assert classify(question, EN).is_open is is_open


@pytest.mark.parametrize(("question", "lang", "kind", "is_open"), [
    ("And the lead time?", "en", S, True),
    ("And the cost?", "en", IM, True),
    ("En de kosten?", "nl", IM, True),
    ("En het aantal chauffeurs?", "nl", S, True),
    # near misses: a statement said as a question is still a yes/no question
    ("The delivery arrives on time?", "en", S, False),
    ("En de monteur is op tijd?", "nl", S, False),
])
def test_an_elliptical_follow_up_asks_for_something_and_refers_back(question: str, lang: str, kind: SpinKind,
                                                                   is_open: bool) -> None:
    verdict = classify(question, EN, lang=lang)
    assert (verdict.kind, verdict.is_open) == (kind, is_open)


@pytest.mark.parametrize(("question", "is_open"), [
    ("Zou het helpen als de ruimtes per week anders in te delen zijn?", False),
    ("Would it help if your drivers could share their routes in the app?", False),
    # near misses: the invitation is in the main clause
    ("Zou u kunnen beschrijven wat er gebeurt als de server uitvalt?", True),
    ("Could you describe what happens if the scanner stops?", True),
])
def test_an_invitation_counts_only_in_the_main_clause(question: str, is_open: bool) -> None:
    assert classify(question, EN).is_open is is_open


# --- kinds: one bad thing holding up another, how often a problem happens, missed business -----------------


@pytest.mark.parametrize(("question", "lang", "kind"), [
    ("Have faulty parts ever delayed a shipment to your customers?", "en", IM),
    ("Does a power cut hold up the whole packing line?", "en", IM),
    ("Heeft een kapotte heftruck ooit de uitlevering van een order vertraagd?", "nl", IM),
    # near misses: a delay on its own is the problem
    ("Are your shipments often delayed?", "en", P),
    ("Worden de leveringen vaak vertraagd?", "nl", P),
])
def test_a_bad_thing_that_holds_up_another_is_an_implication(question: str, lang: str, kind: SpinKind) -> None:
    assert classify(question, EN, lang=lang).kind is kind


@pytest.mark.parametrize(("question", "lang", "kind"), [
    ("Which reports come in late, and how often does that happen?", "en", P),
    ("Welke facturen kloppen niet, en hoe vaak gebeurt dat?", "nl", P),
    # near misses: what happens as a result is still a consequence
    ("What happens to your planning when a report comes in late?", "en", IM),
    ("Wat gebeurt er met de planning als een monteur ziek is?", "nl", IM),
])
def test_how_often_a_problem_happens_is_part_of_the_problem(question: str, lang: str, kind: SpinKind) -> None:
    assert classify(question, EN, lang=lang).kind is kind


@pytest.mark.parametrize(("question", "lang", "kind"), [
    ("How many reservations do you miss because the booking site is slow?", "en", IM),
    ("Hoeveel reserveringen lopen jullie mis door de trage website?", "nl", IM),
    ("What does poor attendance at the safety briefings mean for your insurance?", "en", IM),
    ("Hoe werkt een lage opkomst bij de teamoverleggen door in de planning van de week?", "nl", IM),
    # near misses: counting bookings, a low price and a plan that runs through are facts
    ("How many reservations do you take on a busy Saturday?", "en", S),
    ("What does the low entry price mean for the way you budget?", "en", S),
    ("Hoe loopt de planning van de week door naar de monteurs?", "nl", S),
])
def test_missed_business_and_too_little_of_something_wanted(question: str, lang: str, kind: SpinKind) -> None:
    assert classify(question, EN, lang=lang).kind is kind


@pytest.mark.parametrize(("question", "kind"), [
    ("Can you walk me through how the waste is separated in your kitchens?", S),
    ("Who collects the waste from your construction sites?", S),
    # near misses: wasting time or material is still a problem
    ("How much time do your cooks waste on cleaning the old ovens?", P),
    ("Where does your kitchen waste the most food?", P),
])
def test_waste_as_the_material_handled_is_a_situation(question: str, kind: SpinKind) -> None:
    assert classify(question, EN, lang="en").kind is kind


@pytest.mark.parametrize(("question", "lang", "kind"), [
    # how a bad event is handled is a procedure, a fact
    ("Can you describe how a machine failure is logged, from the operator to the planner?", "en", S),
    ("Hoe wordt een storing aan de koelinstallatie bij jullie gemeld?", "nl", S),
    # near misses: how often it happens, or the failure itself, stay a problem
    ("How often does a machine failure stop the line?", "en", P),
    ("Hoe vaak valt de koelinstallatie uit?", "nl", P),
])
def test_how_a_bad_event_is_handled_is_a_situation(question: str, lang: str, kind: SpinKind) -> None:
    assert classify(question, EN, lang=lang).kind is kind


@pytest.mark.parametrize(("question", "lang", "kind"), [
    # causing trouble is the trouble itself
    ("Does the new label printer cause problems on the night shift?", "en", P),
    ("In welke mate zorgt de nieuwe planningstool voor problemen?", "nl", P),
    # near misses: trouble that a named problem or "that" causes is a consequence
    ("Does that cause problems for your drivers?", "en", IM),
    ("Zorgen de vertragingen in het magazijn voor problemen bij de klanten?", "nl", IM),
])
def test_causing_problems_is_a_problem_unless_a_problem_causes_them(question: str, lang: str, kind: SpinKind) -> None:
    assert classify(question, EN, lang=lang).kind is kind


@pytest.mark.parametrize(("question", "lang", "kind"), [
    ("Wat vindt u het meest onpraktisch aan het huidige kassasysteem?", "nl", P),
    ("What do your staff find most inconvenient about the current booking tool?", "en", P),
    ("Wat betekent een uitgestelde levering voor uw bouwplanning?", "nl", IM),
    ("Zou een vaste maandprijs voor u een uitkomst zijn?", "nl", N),
    ("Would a fixed monthly price be a real relief for your budget?", "en", N),
    # near misses: a part used, a plain participle-free delivery is a fact, the outcome of an audit is a fact
    ("Welk onderdeel van het huidige kassasysteem gebruikt u het meest?", "nl", S),
    ("Wat betekent een levering op zaterdag voor uw bouwplanning?", "nl", S),
    ("Wat was de uitkomst van de laatste audit?", "nl", S),
])
def test_negated_qualities_inflected_participles_and_relief(question: str, lang: str, kind: SpinKind) -> None:
    assert classify(question, EN, lang=lang).kind is kind


# --- issue 13, item 9: the classes behind the misses of development set 6 ------------------------------------------


@pytest.mark.parametrize(("question", "lang"), [
    ("Where will you be in a year if you keep working like this?", "en"),
    ("What if you carry on as you do now?", "en"),
    ("What happens if you stick with the current setup?", "en"),
    ("What would it mean for you to stay with the current system for another three years?", "en"),
    ("Waar staat u over een jaar als u zo doorgaat?", "nl"),
    ("Wat gebeurt er als u bij het huidige systeem blijft?", "nl"),
    ("Wat betekent het voor u als u nog drie jaar met het huidige systeem doorwerkt?", "nl"),
])
def test_carrying_on_as_now_is_asked_for_its_consequences(question: str, lang: str) -> None:
    assert classify(question, EN, lang=lang).kind is IM


@pytest.mark.parametrize(("question", "lang", "kind"), [
    # the cost of an event, "it" standing for the event
    ("What does it cost you when a technician has to come back a second time?", "en", IM),
    ("Hoeveel kost het u als een vrachtwagen leeg terugrijdt?", "nl", IM),
    ("Wat kost het u elke keer dat een monteur voor niets komt?", "nl", IM),
    # money or time that goes into a problem
    ("How much money goes into fixing faulty labels every week?", "en", IM),
    ("Hoeveel geld gaat er op aan het herstellen van foute etiketten?", "nl", IM),
    ("Hoeveel uur zit er per week in het corrigeren van verkeerde orders?", "nl", IM),
    # near misses: what they spend on something, also at a moment, and a price, are facts
    ("How much do you spend on cleaning when the season starts?", "en", S),
    ("Hoeveel besteedt u aan schoonmaak als het seizoen begint?", "nl", S),
    ("Wat kost uw huidige onderhoudscontract per jaar?", "nl", S),
])
def test_the_cost_of_an_event_and_money_going_into_a_problem_are_implications(question: str, lang: str,
                                                                              kind: SpinKind) -> None:
    assert classify(question, EN, lang=lang).kind is kind


@pytest.mark.parametrize(("question", "lang"), [
    ("Which step of your intake costs more time than it should?", "en"),
    ("Where does the approval take more effort than you'd like?", "en"),
    ("Welk onderdeel van de intake kost meer tijd dan nodig is?", "nl"),
    ("Welke stap in de goedkeuring kost meer moeite dan u zou willen?", "nl"),
])
def test_more_than_it_should_is_the_problem_even_counted_in_cost(question: str, lang: str) -> None:
    assert classify(question, EN, lang=lang).kind is P
    # ... while the cost of it happening is its consequence
    assert classify("What does it cost you when an order takes longer than it should?", EN).kind is IM


@pytest.mark.parametrize(("question", "lang"), [
    ("How often does a technician arrive without the right part?", "en"),
    ("How often does a driver leave with the wrong load?", "en"),
    ("Where do orders get stuck?", "en"),
    ("Hoe vaak staat een monteur zonder de juiste onderdelen bij een klant?", "nl"),
    ("Hoe vaak vertrekt een chauffeur met de verkeerde lading?", "nl"),
    ("Waar blijven orders hangen?", "nl"),
    ("What bothers you most about how your contractor reacts when a lift breaks down?", "en"),
    ("Wat ergert u het meest aan de manier waarop de leverancier reageert als een machine uitvalt?", "nl"),
])
def test_going_without_what_is_needed_getting_stuck_and_what_bothers_them_are_problems(question: str,
                                                                                       lang: str) -> None:
    assert classify(question, EN, lang=lang).kind is P


def test_going_without_trouble_is_still_good_news() -> None:
    assert classify("How would it help you to run the line without any stops?", EN).kind is N
    assert classify("Wat zou het u opleveren als de monteur zonder omwegen bij de klant is?", EN).kind is N


@pytest.mark.parametrize(("question", "lang", "kind"), [
    # what changes when the work is done in a short time, or once costs are in view
    ("What changes for your planners when the schedule is ready in one hour?", "en", N),
    ("Wat verandert er voor uw planners als het rooster in een uur klaar is?", "nl", N),
    # whether they would welcome it
    ("Would your board appreciate it if the costs per site were visible at a glance?", "en", N),
    ("Would you welcome a single invoice for all sites?", "en", N),
    ("Zou uw directie het op prijs stellen als de kosten per vestiging zichtbaar zijn?", "nl", N),
    ("Hoe zou uw team het vinden als de rapporten maandag klaar zijn?", "nl", N),
    # near misses: a new season is no good news, and asking when is a fact
    ("What changes when the new season starts?", "en", S),
    ("Wat verandert er als het nieuwe seizoen begint?", "nl", S),
    ("Hoeveel orders zijn binnen een dag klaar?", "nl", S),
])
def test_work_done_sooner_and_welcoming_it_are_need_payoff(question: str, lang: str, kind: SpinKind) -> None:
    assert classify(question, EN, lang=lang).kind is kind


@pytest.mark.parametrize(("question", "lang", "kind"), [
    # asking where a bad thing comes from explores the problem
    ("Which part of the check-in causes the longest queues?", "en", P),
    ("Welk deel van het inchecken zorgt voor de langste wachtrijen?", "nl", P),
    ("Wat leidt bij u tot de meeste klachten?", "nl", P),
    # near misses: a bad thing causing another, or "that" pointing back, is a consequence
    ("Do the delays in the warehouse lead to penalties?", "en", IM),
    ("Leidt dat tot extra ritten?", "nl", IM),
])
def test_where_a_bad_thing_comes_from_is_a_problem(question: str, lang: str, kind: SpinKind) -> None:
    assert classify(question, EN, lang=lang).kind is kind


@pytest.mark.parametrize(("question", "lang", "kind"), [
    ("What don't you like about the scaffolding you rent now?", "en", P),
    ("Where does the booking system let your guests down?", "en", P),
    ("Which parts of the current contract do not meet your needs?", "en", P),
    ("Wat bevalt u niet aan de steigers die u nu huurt?", "nl", P),
    ("Waar laat het boekingssysteem uw gasten in de steek?", "nl", P),
    ("Zijn er momenten dat de verwarming het laat afweten?", "nl", P),
    ("Welke onderdelen van het contract sluiten niet aan bij wat u nodig heeft?", "nl", P),
    ("Wat is de grootste kopzorg bij het plannen van de routes?", "nl", P),
    # too few hands, queues and bad marks are bad things, so what they do to something is a consequence
    ("What does a short-staffed night shift mean for patient safety?", "en", IM),
    ("What do the bad reviews do to your occupancy rate?", "en", IM),
    ("Wat betekent een onderbezette nachtdienst voor de veiligheid van patiënten?", "nl", IM),
    ("Wat doen de slechte recensies met uw bezettingsgraad?", "nl", IM),
    # paying extra when something happens
    ("How much extra do you pay when you have to hire staff at short notice?", "en", IM),
    ("Hoeveel betaalt u extra als u op korte termijn personeel moet inhuren?", "nl", IM),
    # near misses: a plain price and a plain fact
    ("How much do you pay per hour for temporary staff?", "en", S),
    ("Hoe lang staan de gasten gemiddeld bij de receptie?", "nl", S),
])
def test_dislikes_let_downs_shortages_and_paying_extra(question: str, lang: str, kind: SpinKind) -> None:
    assert classify(question, EN, lang=lang).kind is kind


@pytest.mark.parametrize("question", [
    "Hoe zouden uw verpleegkundigen baat hebben bij een rooster dat ze zelf kunnen aanpassen?",
    "Hoe zouden uw gasten het vinden om via hun telefoon in te checken?",
    "Wat zou een 20% lagere energierekening u mogelijk maken?",
])
def test_dutch_benefit_and_how_they_would_like_it_are_need_payoff(question: str) -> None:
    assert classify(question, EN, lang="nl").kind is N


@pytest.mark.parametrize(("question", "lang", "kind"), [
    # how the current solution is experienced, where it chafes, what takes effort
    ("How do you experience working with your current supplier?", "en", P),
    ("How is the new ERP working out so far?", "en", P),
    ("What takes the most effort when onboarding new staff?", "en", P),
    ("Hoe ervaart u de samenwerking met uw huidige leverancier?", "nl", P),
    ("Hoe bevalt het nieuwe ERP tot nu toe?", "nl", P),
    ("Waar wringt het in de overdracht tussen binnendienst en magazijn?", "nl", P),
    # near misses: working out a price is a calculation, years of experience a fact
    ("How do you work out the prices for a new customer?", "en", S),
    ("How many years of experience do your drivers have?", "en", S),
    # what they have from it, what it saves them, the time it frees up
    ("Would it be of use to you if the engineer saw the fault code beforehand?", "en", N),
    ("How much peace of mind would it give you if the stock were always right?", "en", N),
    ("What would you do with the time that frees up?", "en", N),
    ("Heeft u er iets aan als de monteur vooraf de storingscode ziet?", "nl", N),
    ("Scheelt het u tijd als de pakbonnen automatisch worden gemaakt?", "nl", N),
    ("Wat zou u met de vrijgekomen tijd doen?", "nl", N),
    # what customers notice "of it" when work is done twice
    ("Wat merken uw klanten ervan als de monteur twee keer moet komen?", "nl", IM),
    ("What do your customers notice when the engineer has to come back a second time?", "en", IM),
    # near miss: a price "erbij" (on top) points back at nothing
    ("Wat kost de installatie erbij?", "nl", S),
])
def test_experience_of_the_current_solution_what_it_gives_them_and_work_done_twice(
        question: str, lang: str, kind: SpinKind) -> None:
    assert classify(question, EN, lang=lang).kind is kind
