"""SMART check of visit objectives: each criterion, realism per visit type, feedback, both languages."""

from __future__ import annotations

import pytest

from coach.domain import VisitType
from coach.i18n import Translator
from coach.smart import _EXAMPLE, CRITERIA, SmartVerdict, check

EN = Translator("en")
NL = Translator("nl")
FIRST, FOLLOWUP, QUOTE, AFTERSALES = VisitType.FIRST, VisitType.FOLLOWUP, VisitType.QUOTE, VisitType.AFTERSALES

GOOD_FIRST = ("At the end of the visit I know who sits in the DMU for the new vans and when their lease "
              "contract ends, and we agree together on a follow-up appointment.")
GOED_EERSTE = ("Aan het eind van het bezoek weet ik wie in de DMU zit voor de nieuwe bussen en wanneer hun "
               "leasecontract afloopt, en spreken we samen een vervolgafspraak af.")


def test_a_good_first_visit_goal_passes_in_both_languages() -> None:
    for goal in (GOOD_FIRST, GOED_EERSTE):
        verdict = check(goal, FIRST, EN)
        assert verdict.passed and verdict.failing == []
        assert (verdict.specific, verdict.measurable, verdict.acceptable, verdict.realistic,
                verdict.time_bound) == (True, True, True, True, True)
        assert len(verdict.feedback) == 1  # a compliment, no advice


@pytest.mark.parametrize("goal", [
    "Have a nice chat", "Get to know them", "See how it goes", "Build a good relationship",
    "Een goed gesprek voeren", "Kennismaken", "Kijken hoe het loopt", "Een goede indruk maken",
])
def test_vague_goals_are_not_specific_nor_measurable(goal: str) -> None:
    verdict = check(goal, FIRST, EN)
    assert not verdict.specific and not verdict.measurable
    assert {"specific", "measurable"} <= set(verdict.failing)


@pytest.mark.parametrize("goal", [
    "Talk to the facility manager about the coffee corner",
    "Discuss the maintenance of their 14 forklifts",
    "Kennismaken met de inkoper van de bouwafdeling",
    "Praten over hun printkosten",
])
def test_concrete_subject_is_specific(goal: str) -> None:
    assert check(goal, FIRST, EN).specific


@pytest.mark.parametrize(("goal", "measurable"), [
    ("Find out the end date of their cleaning contract", True),
    ("Book a demo of the planning module", True),
    ("Collect a list of their needs for the canteen", True),
    ("Know which 3 suppliers they compare us with", True),
    ("Talk about the new canteen", False),
    ("Learn more about their business", False),
    ("De einddatum van het schoonmaakcontract achterhalen", True),
    ("Een demo van de planningsmodule inplannen", True),
    ("De DMU in kaart brengen", True),
    ("Praten over de nieuwe kantine", False),
])
def test_measurable(goal: str, measurable: bool) -> None:
    assert check(goal, FIRST, EN).measurable is measurable


@pytest.mark.parametrize(("goal", "time_bound"), [
    ("Know the DMU by Friday", True),
    ("Agree on a demo date before 1 March", True),
    ("Have the contract end date at the end of the visit", True),
    ("Get the names of the decision makers within 2 weeks", True),
    ("Agree on a pilot during the meeting", True),
    ("Plan the demo for 2027-01-10", True),
    ("Send the proposal by 15-03", True),
    ("Get the names of the decision makers", False),
    ("Meet Jan from purchasing about the coffee machines", False),
    ("Vóór vrijdag de DMU kennen", True),
    ("Uiterlijk 1 april een demo inplannen", True),
    ("Aan het eind van het gesprek de einddatum van het contract weten", True),
    ("Binnen twee weken een offerte sturen", True),
    ("Tijdens dit bezoek de wensen rond catering inventariseren", True),
    ("In januari een proefperiode starten", True),
    ("De einddatum van het contract weten", False),
])
def test_time_bound(goal: str, time_bound: bool) -> None:
    assert check(goal, QUOTE, EN).time_bound is time_bound


@pytest.mark.parametrize(("goal", "acceptable"), [
    ("Push them to sign before Friday", False),
    ("Get the order whatever it takes, this week", False),
    ("Give a 10% discount so they order today", False),
    ("Agree together on a trial period for the scanners this week", True),
    ("Make a list of their needs around security, so I can propose a fitting solution", True),
    ("Know the contract end date by Friday", None),
    ("De klant onder druk zetten om vandaag te tekenen", False),
    ("Ze koste wat het kost laten bestellen", False),
    ("15% korting bieden om de order vandaag binnen te halen", False),
    ("Samen met de inkoper de levervoorwaarden afspreken tijdens dit gesprek", True),
    ("In overleg met de klant een proefperiode plannen", True),
    ("De einddatum van het contract achterhalen vóór vrijdag", None),
])
def test_acceptable(goal: str, acceptable: bool | None) -> None:
    assert check(goal, QUOTE, EN).acceptable is acceptable


def test_discount_is_fine_when_the_goal_rules_it_out() -> None:
    assert check("Agree on price and delivery terms without any discount today", QUOTE, EN).acceptable is True


def test_acceptable_is_flagged_only_for_a_one_sided_goal() -> None:
    verdict = check("Know the contract end date by Friday", FIRST, EN)
    assert verdict.acceptable is None and "acceptable" not in verdict.failing
    assert verdict.feedback == ["This objective is SMART: afterwards you can tell whether you reached it."]
    pushy = check("Pressure the buyer to book a demo with their director before Friday", FOLLOWUP, EN)
    assert pushy.failing == ["acceptable"]
    assert pushy.feedback[0].startswith("Acceptable: pressure is one-sided")


ORDER = "Get the signed order for the 20 scanners at the end of the visit"
QUOTE_GOAL = "Hand over a quote for the 20 scanners at the end of the visit"
ORDER_NL = "Aan het eind van het bezoek de getekende order voor de 20 scanners binnenhalen"
QUOTE_NL = "Aan het eind van het bezoek een offerte voor de 20 scanners overhandigen"


@pytest.mark.parametrize(("goal", "visit_type", "realistic"), [
    (ORDER, FIRST, False), (ORDER, FOLLOWUP, False), (ORDER, QUOTE, True), (ORDER, AFTERSALES, True),
    (QUOTE_GOAL, FIRST, False), (QUOTE_GOAL, FOLLOWUP, True), (QUOTE_GOAL, QUOTE, True),
    (ORDER_NL, FIRST, False), (ORDER_NL, FOLLOWUP, False), (ORDER_NL, QUOTE, True),
    (QUOTE_NL, FIRST, False), (QUOTE_NL, FOLLOWUP, True),
    ("Get 100% of their sites on our contract this week", FIRST, False),
    ("Win 100% market share at this account this week", QUOTE, False),
    ("Alle vestigingen tijdens dit bezoek overzetten naar ons", FIRST, False),
    ("Book a follow-up appointment to present our quote within two weeks", FIRST, True),
    ("Een vervolgafspraak inplannen om onze offerte te bespreken", FIRST, True),
    ("Find out when their current contract ends, this visit", FIRST, True),
])
def test_realistic_depends_on_the_visit_type(goal: str, visit_type: VisitType, realistic: bool) -> None:
    assert check(goal, visit_type, EN).realistic is realistic


def test_first_visit_feedback_explains_why_an_order_is_too_early() -> None:
    verdict = check(ORDER, FIRST, EN)
    assert verdict.failing == ["realistic"]
    line, example = verdict.feedback
    assert line.startswith("Realistic:") and "first visit" in line and "DMU" in line and "budget" in line
    assert example.startswith("For example:")


def test_followup_feedback_points_to_a_proposal() -> None:
    verdict = check(ORDER, FOLLOWUP, EN)
    assert verdict.failing == ["realistic"]
    assert any("propose a solution" in line for line in verdict.feedback)


def test_one_short_line_per_failing_criterion_and_the_example_once() -> None:
    verdict = check("Push them hard", FIRST, EN)
    assert set(verdict.failing) == {"specific", "measurable", "acceptable", "time_bound"}
    *lines, example = verdict.feedback
    assert [line.split(":")[0] for line in lines] == ["Specific", "Measurable", "Acceptable", "Time-bound"]
    assert all(len(line) <= 110 and "For example" not in line for line in lines)
    assert example.startswith("For example:")
    assert sum("For example" in line for line in verdict.feedback) == 1
    assert not verdict.passed


# Issue 13, item 9: "ken ik" is measurable like "weet ik"; a goal that names no concrete subject, person or outcome
# is not specific, however many dates or percentages it carries.
@pytest.mark.parametrize("goal", [
    "Aan het eind van het bezoek ken ik de huidige leverancier.",
    "Aan het eind van het gesprek ken ik hun budget voor de verbouwing.",
])
def test_ken_ik_is_measurable_like_weet_ik(goal: str) -> None:
    verdict = check(goal, FIRST, EN)
    assert verdict.measurable and verdict.passed
    assert check(goal.replace(" ken ik ", " weet ik "), FIRST, EN).measurable


@pytest.mark.parametrize("goal", [
    "Get things moving with them",
    "Get things moving with them by 1 March, 50% further",
    "Een beter beeld krijgen van de klant",
    "Vóór 1 maart een beter beeld krijgen van de klant, 80% verder",
])
def test_a_goal_without_a_concrete_subject_is_not_specific(goal: str) -> None:
    verdict = check(goal, FIRST, EN)
    assert not verdict.specific and not verdict.measurable
    assert verdict.feedback[0].startswith("Specific:")


@pytest.mark.parametrize("visit_type", list(VisitType))
def test_example_rewrites_pass_their_own_check(visit_type: VisitType) -> None:
    verdict = check(_EXAMPLE[visit_type], visit_type, EN)
    assert verdict.passed and verdict.acceptable is True


def test_verdict_properties() -> None:
    verdict = SmartVerdict(specific=True, measurable=False, acceptable=None, realistic=True, time_bound=False,
                           feedback=[])
    assert CRITERIA == ("specific", "measurable", "acceptable", "realistic", "time_bound")
    assert verdict.failing == ["measurable", "time_bound"] and not verdict.passed
    assert SmartVerdict(True, True, None, True, True, []).passed


def test_dutch_translator_gives_feedback_of_the_same_shape() -> None:
    english = check("Kennismaken", FIRST, EN)
    dutch = check("Kennismaken", FIRST, NL)
    assert dutch.failing == english.failing
    assert len(dutch.feedback) == len(english.feedback)
    assert all(isinstance(line, str) and line.strip() for line in dutch.feedback)


def test_language_argument_is_accepted() -> None:
    assert check(GOED_EERSTE, FIRST, NL, lang="nl").passed
    assert check(GOOD_FIRST, FIRST, EN, lang="en").passed


# --- general patterns (each with its own examples, not taken from the quality sets) ---------------


@pytest.mark.parametrize("goal", [
    "Leave a price proposal for the floor cleaning at the end of the intake meeting",  # a named kind of meeting
    "Agree on the pilot scope during Monday's call",
    "Na het intakegesprek een prijsvoorstel voor de catering achterlaten",  # Dutch compound event
    "Bij de kwartaalevaluatie de storingen van het afgelopen kwartaal doornemen",
    "Direct na de kennismaking de wensen rond catering noteren",
    "Get the name of their fleet manager before I leave",  # the end of the visit, from the rep's side
    "Voordat we vertrekken de einddatum van het contract weten",
    "Agree to double the number of service visits within the next three months",
])
def test_named_meetings_and_the_end_of_the_visit_are_time_bound(goal: str) -> None:
    assert check(goal, QUOTE, EN).time_bound


def test_a_call_centre_is_no_meeting() -> None:
    assert not check("Talk to the manager of the call centre about headsets", FIRST, EN).time_bound


@pytest.mark.parametrize("goal", [
    "Inventory which forklifts they use and who maintains them",
    "Inventariseren welke machines ze gebruiken en wie het onderhoud doet",
    "Double the number of service visits",  # a multiple is a number
    "Het aantal storingen halveren",
])
def test_taking_stock_of_facts_and_multiples_are_measurable(goal: str) -> None:
    assert check(goal, AFTERSALES, EN).measurable


@pytest.mark.parametrize("goal", [
    "Get them to switch to our payroll service at the end of the visit",  # switching to us is a sale
    "Ze aan het eind van het gesprek laten overstappen naar ons koffiecontract",
    "Come out of the meeting with the order for the three printers signed",  # a few words between
])
def test_switching_to_us_or_a_signed_order_is_a_close(goal: str) -> None:
    verdict = check(goal, FIRST, EN)
    assert verdict.measurable and verdict.realistic is False


def test_asking_whether_they_would_buy_is_not_closing() -> None:
    assert check("Find out whether they would consider switching to our service, during this visit", FIRST,
                 EN).realistic
    assert check("Tijdens dit bezoek nagaan of ze willen overstappen", FIRST, EN).realistic


def test_in_a_followup_visit_the_followup_meeting_is_now() -> None:
    goal = "Come out of the follow-up call with the order for the three printers signed"
    assert check(goal, FOLLOWUP, EN).realistic is False
    assert check("Tijdens het vervolggesprek de opdracht voor de printers binnenhalen", FOLLOWUP, EN).realistic is False
    # ...while in a first visit a follow-up meeting is later, and so is a close put off to it
    assert check("Get the order at the follow-up meeting next month", FIRST, EN).realistic
    assert check("Get the order at the next meeting", FIRST, EN).realistic
    assert check("De order binnenhalen tijdens het vervolggesprek", FIRST, EN).realistic
    assert check("Get the order within the next two weeks", FIRST, EN).realistic is False


@pytest.mark.parametrize("visit_type", [AFTERSALES, QUOTE])
def test_multiplying_revenue_in_one_visit_is_absurd_in_any_visit(visit_type: VisitType) -> None:
    for goal in ("Triple the customer's spend with us during today's visit",
                 "Tijdens dit bezoek de omzet bij deze klant verdrievoudigen"):
        verdict = check(goal, visit_type, EN)
        assert verdict.realistic is False and verdict.measurable


@pytest.mark.parametrize("goal", [
    "Get them to switch to our payroll service today, although no need has been voiced",
    "Sell them the maintenance package this week even if they have no need for it",
    "Zelfs als ze niets nodig hebben vandaag de order binnenhalen",
    "Ze deze week laten overstappen, ook al hebben ze er geen behoefte aan",
    "Talk the buyer into a three-year contract today",
])
def test_selling_regardless_of_need_is_not_acceptable(goal: str) -> None:
    assert check(goal, QUOTE, EN).acceptable is False


def test_a_hedge_about_need_elsewhere_is_fine() -> None:
    assert check("Even though budget is tight, agree on a pilot this week", QUOTE, EN).acceptable is True


@pytest.mark.parametrize(("goal", "measurable"), [
    ("Sign the deal eventually", False),  # no moment and no concrete outcome: nothing to check
    ("Ooit eens zaken doen", False),
    # a named outcome can still be checked afterwards; it is only not time-bound
    ("Op termijn de order binnenhalen", True),
    ("At some point get the signed contract for the scanners", True),
    ("Someday find out which courier delivers their spare parts", True),
    ("Ooit een proefplaatsing van de koffieautomaat regelen bij de receptie", True),
])
def test_an_open_ended_moment_is_not_time_bound_and_leaves_a_vague_goal_unmeasurable(
        goal: str, measurable: bool) -> None:
    verdict = check(goal, QUOTE, EN)
    assert verdict.measurable is measurable and not verdict.time_bound


def test_an_open_ended_moment_next_to_a_real_one_is_fine() -> None:
    assert check("Eventually, and at the latest by Friday, get the signed order", QUOTE, EN).measurable


@pytest.mark.parametrize("goal", [
    "Get to know the company better",
    "De klant beter leren kennen",
    "Make sure the customer stays satisfied",
    "Ervoor zorgen dat de klant blij blijft",
    "Improve our chances",
    "Close the deal",
    "Strengthen the relationship with the buyer",  # a relationship is no subject, whoever it is with
    "De band met de inkoper versterken",
])
def test_vague_outcomes_are_not_specific(goal: str) -> None:
    assert not check(goal, QUOTE, EN).specific


@pytest.mark.parametrize("goal", [
    "Close the deal for the 8 vans",
    "Discuss their relationship with the current supplier and the contract end date",
])
def test_a_concrete_subject_next_to_vague_words_stays_specific(goal: str) -> None:
    assert check(goal, QUOTE, EN).specific


# --- general patterns (each with its own examples, not taken from the quality sets) ---------------


@pytest.mark.parametrize(("goal", "acceptable"), [
    ("Plan the maintenance this week so their production line never stops", True),
    ("Deze week het onderhoud plannen zodat hun machines blijven draaien", True),
    ("Present a proposal that meets their requirements for the canteen by Friday", True),
    ("Vóór vrijdag een voorstel doen dat aansluit bij hun wensen voor de kantine", True),
    ("Check with them this month whether the new tariff lowers their costs", True),
    ("Deze maand nagaan of het nieuwe tarief hun kosten verlaagt", True),
    ("Pin down the decision date with the buyer at the quote meeting", True),
    ("Tijdens het offertegesprek een datum prikken voor het besluit", True),
    # near misses: a purpose that is only ours, price matching, a date that is only found out
    ("Offer a free installation so they sign today", None),
    ("Een gratis installatie aanbieden zodat ze vandaag tekenen", None),
    ("Extend the trial so they don't look at competitors", None),
    ("Meet their price at the quote meeting", None),
    ("Find out the decision date at this visit", None),
])
def test_their_benefit_what_fits_them_and_a_date_fixed_with_them_are_acceptable(
        goal: str, acceptable: bool | None) -> None:
    assert check(goal, QUOTE, EN).acceptable is acceptable


@pytest.mark.parametrize(("goal", "acceptable"), [
    ("Convince the buyer to switch to our platform this week", False),
    ("De inkoper overtuigen om deze week een proef te starten", False),
    ("Sell as many extra licences as possible this month", False),
    ("Zoveel mogelijk licenties verkopen deze maand", False),
    ("Become their exclusive supplier at the quote visit", False),
    ("Get them to pay the first year up front at today's meeting", False),
    ("Get all 30 of their depots over to us by Friday", False),
    ("Strong-arm the buyer into signing today", False),
    ("De klant vandaag tegen zijn zin laten tekenen", False),
    # near misses: persuading with their benefit stated, collecting information, a plain goal
    ("Persuade the CFO to approve the pilot so they can see the savings", True),
    ("Agree on an exclusive supply deal that guarantees them priority stock, this visit", True),
    ("Collect as much information as possible about the canteen during this visit", None),
    ("Upsell the premium support plan to the IT manager next week", None),
])
def test_one_sided_goals_are_not_acceptable_unless_their_benefit_is_stated(
        goal: str, acceptable: bool | None) -> None:
    assert check(goal, AFTERSALES, EN).acceptable is acceptable


@pytest.mark.parametrize(("goal", "specific"), [
    ("Make a strong impression on the head of purchasing at Monday's intro meeting", False),
    ("Een goede indruk maken op de financieel directeur tijdens het eerste bezoek", False),
    ("Op het hoofd van de inkoop een goede indruk maken vandaag", False),
    ("Win the plant manager's trust this visit", False),
    ("Show them our range", False),
    ("Ons aanbod laten zien bij het vervolgbezoek", False),
    ("Upsell as much as possible next month", False),
    ("Go through the quote and hope for the best", False),
    ("De offerte doornemen en afwachten wat de klant zegt", False),
    ("Drop by sometime to see how things are going", False),
    # near misses: something checkable next to the vague aim, a named product, a number
    ("Make a good impression on the facility manager and learn their budget for the canteen", True),
    ("Show them our new safety-glove range", True),
    ("Ons nieuwe aanbod bureaustoelen laten zien bij het vervolgbezoek", True),
    ("Discuss the quote for the 12 compressors and see what happens", True),
    ("Go over the quote with the buyer on Wednesday", True),
])
def test_vague_aims_generic_offerings_and_outcomes_left_to_chance_are_not_specific(
        goal: str, specific: bool) -> None:
    assert check(goal, FOLLOWUP, EN).specific is specific


@pytest.mark.parametrize(("goal", "measurable"), [
    ("Decide with the customer whether a second line is needed, this month", True),
    ("Samen met de klant bepalen of een upgrade zinvol is, deze maand", True),
    ("See if they like it", False),  # seeing is no decision
    ("Kijken of de planners het wat vinden", False),
])
def test_a_decision_whether_is_measurable(goal: str, measurable: bool) -> None:
    assert check(goal, AFTERSALES, EN).measurable is measurable


def test_op_het_bezoek_is_a_moment() -> None:
    assert check("Op het kennismakingsgesprek de DMU in kaart brengen", FIRST, EN).time_bound
    assert not check("Een reactie geven op het bezoekverslag", FIRST, EN).time_bound  # a report, no meeting


@pytest.mark.parametrize(("goal", "visit_type", "realistic"), [
    ("Get all 30 of their depots over to us by Friday", QUOTE, False),
    ("Vandaag bij het offertegesprek al hun schoonmaakwerk bij ons onderbrengen", QUOTE, False),
    ("De jaarafname bij deze klant verdubbelen tijdens het bezoek vandaag", AFTERSALES, False),
    ("Migrate their whole ERP to our cloud at the follow-up next week", FOLLOWUP, False),
    # near misses: one contract for many sites, moving a meeting, talking about what they buy
    ("Sign the contract for all twenty sites at the quote meeting", QUOTE, True),
    ("Move the demo to our showroom at the follow-up", FOLLOWUP, True),
    ("Tijdens het bezoek vandaag de jaarafname bespreken", AFTERSALES, True),
])
def test_their_whole_business_moved_to_us_is_absurd_and_a_move_to_our_platform_is_a_close(
        goal: str, visit_type: VisitType, realistic: bool) -> None:
    assert check(goal, visit_type, EN).realistic is realistic


@pytest.mark.parametrize(("goal", "measurable"), [
    ("Get the office manager to tell us how many desks they need", True),
    ("Have the buyer share their yearly print volume with us", True),
    ("Make sure the planner names their current transport partner", True),
    ("De planner laten vertellen welke routes het vaakst uitlopen", True),
    ("De facilitair manager de huidige schoonmaakkosten laten noemen", True),
    # near misses: we tell them, or nothing they tell us
    ("Tell them about our new range of cleaning products", False),
    ("Share our vision on sustainability with the buyer", False),
    ("De klant vertellen wat onze nieuwe dienst kost", False),
    ("Make a name for ourselves with the buyer", False),
])
def test_a_fact_the_customer_tells_us_is_measurable(goal: str, measurable: bool) -> None:
    assert check(goal, FIRST, EN).measurable is measurable


@pytest.mark.parametrize(("goal", "measurable"), [
    ("Receive the floor plans of the new office", True),
    ("Obtain the contact details of their IT manager", True),
    ("Get permission to measure the loading docks", True),
    ("Get a firm yes from the buyer on the new route plan", True),
    ("De plattegrond van de nieuwe vestiging ontvangen", True),
    ("Toestemming krijgen om de heftrucks te inspecteren", True),
    ("De contactgegevens van de preventiemedewerker krijgen", True),
    # near misses: talking about a document is no deliverable
    ("Talk about the floor plans of the new office", False),
    ("Praten over de tekeningen van de nieuwe hal", False),
    ("Get a feel for their data strategy", False),
])
def test_a_named_document_permission_or_yes_obtained_is_measurable(goal: str, measurable: bool) -> None:
    assert check(goal, FIRST, EN).measurable is measurable


@pytest.mark.parametrize(("goal", "measurable"), [
    ("Find out more about their plans for the second warehouse", False),
    ("Meer te weten komen over hun plannen voor het tweede magazijn", False),
    ("Get a better picture of their purchasing process", False),
    ("Meer inzicht krijgen in hun wensen voor de kantine", False),
    # near misses: a fact with an answer, a count, or something booked next to it
    ("Find out when they plan to open the second warehouse", True),
    ("Find out how many more forklifts they need", True),
    ("Meer weten over hun wensen en een demo inplannen", True),
])
def test_learning_more_has_no_end_point(goal: str, measurable: bool) -> None:
    assert check(goal, FOLLOWUP, EN).measurable is measurable


@pytest.mark.parametrize(("goal", "time_bound"), [
    ("Agree on the delivery date before the customer hangs up", True),
    ("Have the signed order before the buyer leaves the room", True),
    ("Voordat de inkoper de vergadering verlaat een akkoord hebben", True),
    ("At the end of the negotiation, agree on the price for the 40 desks", True),
    ("Aan het einde van de bespreking de levertijd vastleggen", True),
    ("By the close of the session, have a date for the pilot", True),
    # near misses: the same words without a moment
    ("Explain how the trucks leave the depot", False),
    ("Talk about their discussion with the previous supplier", False),
    ("Vragen hoe hun onderhandeling met de bank liep", False),
])
def test_the_end_of_the_meeting_from_the_customers_side_and_other_meetings_are_moments(
        goal: str, time_bound: bool) -> None:
    assert check(goal, QUOTE, EN).time_bound is time_bound


@pytest.mark.parametrize(("goal", "visit_type", "realistic"), [
    ("Push for signing the maintenance contract this afternoon", FOLLOWUP, False),
    ("Convince the buyer into signing the service contract at the follow-up", FOLLOWUP, False),
    ("Leave the first meeting with the customer signing the lease contract", FIRST, False),
    # near misses: who signs is a fact; whether they would sign is a question, not a close
    ("Find out who signs the contract for the new vans", FIRST, True),
    ("Find out whether they are open to signing a contract next year", FIRST, True),
])
def test_signing_in_any_form_is_a_close(goal: str, visit_type: VisitType, realistic: bool) -> None:
    assert check(goal, visit_type, EN).realistic is realistic


@pytest.mark.parametrize(("goal", "realistic"), [
    ("Grow the number of sites that order from us from 3 to 40 this quarter", False),
    ("Het aantal licenties deze week van vijf naar zestig brengen", False),
    ("Take their monthly order from 200 to 2,000 units this week", False),
    ("Four times as many orders from this customer this month", False),
    ("Vijf keer zoveel bestellingen bij deze klant halen deze maand", False),
    ("De afname deze maand vertienvoudigen", False),
    # near misses: a small step, a reduction, a date range, simplifying
    ("Expand the pilot from 1 to 3 sites during this visit", True),
    ("Increase deliveries from 2 to 3 a week", True),
    ("Cut the response time from 8 to 2 hours", True),
    ("Plan the maintenance from 1 to 15 March during this visit", True),
    ("De orderverwerking samen vereenvoudigen tijdens dit bezoek", True),
])
def test_multiplying_what_they_buy_is_absurd(goal: str, realistic: bool) -> None:
    assert check(goal, AFTERSALES, EN).realistic is realistic


@pytest.mark.parametrize(("goal", "measurable"), [
    ("De huidige energieleverancier van de klant achterhalen", True),
    ("Vaststellen wat de jaarlijkse printkosten zijn", True),
    ("Een proefperiode voor de scanners regelen", True),
    ("Een productdemo regelen voor de planners", True),
    # near misses: tasting the atmosphere is no trial; talking about costs settles nothing
    ("De sfeer proeven bij de klant", False),
    ("Praten over hun energiekosten", False),
])
def test_dutch_compounds_name_facts_and_deliverables(goal: str, measurable: bool) -> None:
    assert check(goal, FIRST, NL, lang="nl").measurable is measurable


@pytest.mark.parametrize(("goal", "time_bound"), [
    ("Agree a date for the site survey with the facility manager before leaving", True),
    ("Voor vertrek een afspraak voor de proefrit inplannen met de wagenparkbeheerder", True),
    # near misses: someone else's departure is no moment of the visit
    ("Discuss the departure of their head of purchasing", False),
    ("Het vertrek van de inkoper bespreken", False),
])
def test_leaving_the_customer_is_the_end_of_the_visit(goal: str, time_bound: bool) -> None:
    assert check(goal, FIRST, EN).time_bound is time_bound


@pytest.mark.parametrize(("goal", "measurable"), [
    ("Tijdens het bezoek met de teamleider een datum prikken voor de demonstratie van de scanners", True),
    ("During the visit, set a date for the demonstration of the label printer", True),
    ("Within a week, send the warehouse manager a detailed written proposal for the racking", True),
    ("Convince the office manager to order the new desk lamps today", True),
    ("De klant vandaag onder druk zetten om een extra pallet printpapier af te nemen", True),
    # "the planned weeks" is something they planned, not a plan we made
    ("Go through the planned shutdown weeks with the maintenance lead during the visit", False),
    # near misses: a trial that gets planned is an outcome; going through what they planned settles nothing
    ("Get a trial planned with the operations lead during the visit", True),
    ("Tijdens het bezoek de geplande onderhoudsweken doornemen", False),
])
def test_a_fixed_date_a_sent_proposal_and_an_order_placed_are_measurable(goal: str, measurable: bool) -> None:
    assert check(goal, AFTERSALES, EN).measurable is measurable


@pytest.mark.parametrize(("goal", "visit", "realistic"), [
    ("Get the facility manager to accept our quote for the window cleaning during this first visit", FIRST, False),
    ("Talk the buyer into a test order of our floor cleaner today", FOLLOWUP, False),
    ("De inkoper tijdens het vervolggesprek overhalen tot een proefbestelling", FOLLOWUP, False),
    ("Close a contract worth twenty times their annual budget for printing this afternoon", QUOTE, False),
    ("Vanmiddag een order binnenhalen ter waarde van vijftig keer hun jaarlijkse inkoop", QUOTE, False),
    ("Het aantal gebruikers van het platform deze week verviervoudigen", AFTERSALES, False),
    ("Triple the number of printers on their service contract today", AFTERSALES, False),
    # near misses: accepting a quote in a quote visit, twice the spend, a triple check, a proposal in a follow-up
    ("Get the facility manager to accept our quote for the window cleaning during this visit", QUOTE, True),
    ("Close a contract worth twice their monthly spend on printing this afternoon", QUOTE, True),
    ("Triple-check the delivery address with the planner during the visit", AFTERSALES, True),
    ("Tijdens het vervolggesprek de inkoper ons voorstel voor een proefbestelling laten zien", FOLLOWUP, True),
])
def test_accepted_quotes_persuaded_orders_and_manifold_targets(goal: str, visit: VisitType, realistic: bool) -> None:
    assert check(goal, visit, EN).realistic is realistic


@pytest.mark.parametrize(("goal", "specific"), [
    ("Een prettige indruk achterlaten en het contact warm houden", False),
    # near miss: a named fact makes it specific
    ("Een goede indruk achterlaten en de einddatum van hun schoonmaakcontract weten", True),
])
def test_leaving_an_impression_is_vague(goal: str, specific: bool) -> None:
    assert check(goal, FIRST, NL, lang="nl").specific is specific


# --- measurable: outcome verbs versus activities, purpose clauses, audiences ---------------------------------


@pytest.mark.parametrize(("goal", "measurable"), [
    # the customer brought to an action that happened or not
    ("Push the fleet manager into renewing the tyre contract this week", True),
    ("Get the buyer to upgrade all twelve scanners during this visit", True),
    ("De planner overhalen om het onderhoudscontract nog deze maand te verlengen", True),
    ("De klant zover krijgen om tijdens dit bezoek een proefmonster aan te vragen", True),
    ("Tijdens het gesprek met de facilitair manager vastleggen welke ruimtes we schoonmaken", True),
    ("De directeur legt tijdens dit bezoek de startdatum vast", True),
    # near misses: activities stay unmeasurable, with or without a deadline
    ("Push the fleet manager to talk about the tyre contract this week", False),
    ("De planner tijdens dit bezoek het onderhoudscontract laten toelichten", False),
    ("Tijdens het gesprek met de facilitair manager de ruimtes doorlopen", False),
])
def test_outcome_verbs_are_measurable_and_activities_are_not(goal: str, measurable: bool) -> None:
    assert check(goal, AFTERSALES, EN).measurable is measurable


@pytest.mark.parametrize(("goal", "measurable"), [
    # presenting or walking through is an activity, whatever is presented or whoever listens
    ("Present our new route planning solution to the logistics team", False),
    ("Go through the catering proposal with the DMU", False),
    # an outcome only in the purpose clause is not what the visit achieves
    ("Explore their wishes for canteen furniture, so that we can make a fitting offer later", False),
    ("Hun wensen voor kantoormeubilair verkennen, zodat we later een passend voorstel kunnen uitbrengen", False),
    # near misses: a handed-over proposal, a mapped DMU, and an outcome next to a purpose clause are measurable
    ("Present our proposal for route planning to the logistics team", True),
    ("Map who sits in the DMU for the catering contract", True),
    ("Explore their wishes, so that we can make an offer later, and book a follow-up appointment", True),
])
def test_activities_audiences_and_purposes_are_not_outcomes(goal: str, measurable: bool) -> None:
    assert check(goal, FOLLOWUP, EN).measurable is measurable


@pytest.mark.parametrize(("goal", "visit", "realistic"), [
    ("Next week move all 45 of their stores over to our cash registers", FOLLOWUP, False),
    ("Volgende maand alle 30 filialen overzetten op onze kassasoftware", FOLLOWUP, False),
    ("Hun volledige gasverbruik deze week bij ons onderbrengen met een vast tarief", FOLLOWUP, False),
    ("Get the office manager to request a quote for the cleaning today", FIRST, False),
    ("De inkoper vandaag een offerte voor het wagenparkbeheer laten aanvragen", FIRST, False),
    # near misses: their stores counted, part of their consumption, a quote requested in a follow-up
    ("Next week list the opening hours of their 45 stores", FOLLOWUP, True),
    ("Een deel van hun gasverbruik deze week in kaart brengen", FOLLOWUP, True),
    ("De inkoper vandaag een offerte voor het wagenparkbeheer laten aanvragen", FOLLOWUP, True),
])
def test_every_branch_all_consumption_and_a_requested_quote(goal: str, visit: VisitType, realistic: bool) -> None:
    assert check(goal, visit, EN).realistic is realistic


# --- issue 13, item 9: vague aims, however they are worded, with or without dates and percentages ------------------


@pytest.mark.parametrize(("goal", "visit_type"), [
    # progress and momentum, a first foothold
    ("Get the ball rolling with them before the end of March.", FIRST),
    ("Take a big step forward with them next week.", FIRST),
    ("Gain traction with them before 1 June, 30% further.", FIRST),
    ("Take things to the next level this month.", FOLLOWUP),
    ("Het balletje aan het rollen krijgen vóór eind maart.", FIRST),
    ("Volgende week een flinke stap vooruit zetten met ze.", FIRST),
    ("Vóór 15 april goede voortgang boeken.", FOLLOWUP),
    ("Vóór 1 juni voet aan de grond krijgen bij ze.", FIRST),
    ("Deze week het ijs breken, 70% van de weg.", FIRST),
    ("Vóór 1 april de basis leggen, 60% klaar.", FOLLOWUP),
    # rounding things off
    ("Tie up loose ends with them on Thursday.", QUOTE),
    ("Round things off properly before Christmas.", QUOTE),
    ("Donderdag de puntjes op de i zetten.", QUOTE),
    ("Vóór kerst alles netjes afwikkelen.", QUOTE),
    # where things stand, company and coffee, staying in view, moods
    ("Find out where we stand with them by next week.", FOLLOWUP),
    ("Get clarity on how things stand, 100% sure, before Friday.", FOLLOWUP),
    ("Vóór vrijdag 100% helderheid over de stand van zaken.", FOLLOWUP),
    ("Catch up over lunch on 12 May.", AFTERSALES),
    ("Volgende maandag een bakje koffie doen.", AFTERSALES),
    ("Stay in touch with them in the coming weeks.", AFTERSALES),
    ("De komende weken in contact blijven.", AFTERSALES),
    ("Een positieve sfeer creëren tijdens het bezoek.", FIRST),
    ("Vóór de zomervakantie zorgen dat ze ons 100% leuk vinden.", FIRST),
])
def test_vague_aims_are_neither_specific_nor_measurable_whatever_dates_or_percentages_they_carry(
        goal: str, visit_type: VisitType) -> None:
    verdict = check(goal, visit_type, EN)
    assert (verdict.specific, verdict.measurable, verdict.realistic, verdict.time_bound) == (False, False, True, True)
    assert [line.split(":")[0] for line in verdict.feedback[:2]] == ["Specific", "Measurable"]


@pytest.mark.parametrize("goal", [
    # near misses: a person, a product, a number or a fact next to the same words
    "Before 1 March, know who besides the CFO decides on the new ERP.",
    "By next week, 100% clarity on their budget for the new scanners.",
    "Catch up over lunch with the fleet manager about the lease end date on 12 May.",
    "Vóór vrijdag helderheid over hun budget voor de nieuwe scanners.",
    "Deze week de vervolgstappen voor de pilot met 3 heftrucks afspreken met de inkoper.",
])
def test_a_concrete_subject_next_to_vague_words_is_still_specific(goal: str) -> None:
    verdict = check(goal, FOLLOWUP, EN)
    assert verdict.specific and verdict.measurable and verdict.time_bound


@pytest.mark.parametrize(("goal", "visit_type"), [
    ("Close it this week, no matter what.", QUOTE),
    ("Bring it home before the end of the month.", QUOTE),
    ("Het deze week hoe dan ook rond krijgen.", QUOTE),
    ("Het vóór het eind van de maand binnenslepen.", QUOTE),
])
def test_closing_said_without_naming_the_deal_is_measurable_not_specific(goal: str, visit_type: VisitType) -> None:
    verdict = check(goal, visit_type, EN)
    assert not verdict.specific and verdict.measurable


@pytest.mark.parametrize("goal", [
    "Secure a meeting with the plant director within two weeks.",
    "Arrange a site visit to our showroom before 1 May.",
    "Plan the next service review with the fleet manager within a month.",
    "Vóór vrijdag een tweede gesprek met hun financieel directeur plannen.",
    "Een bezoek aan onze showroom organiseren vóór 1 mei.",
    "Binnen een maand de volgende servicereview met de wagenparkbeheerder plannen.",
])
def test_a_meeting_arranged_is_measurable(goal: str) -> None:
    verdict = check(goal, FOLLOWUP, EN)
    assert verdict.specific and verdict.measurable and verdict.passed


@pytest.mark.parametrize(("goal", "time_bound"), [
    ("Aan het eind van het eerste gesprek een datum voor de demo afspreken.", True),
    ("Aan het einde van het tweede bezoek weet ik wie beslist.", True),
    ("Make 80% progress on the rollout plan for the vans by the end of Q2.", True),
    ("Agree on the pilot for the scanners before the summer holidays.", True),
    ("Vóór de kerstvakantie de pilot voor de scanners afspreken.", True),
    ("Sell Christmas hampers to the HR manager.", False),  # Christmas as a product, not a moment
])
def test_the_end_of_an_adjectived_meeting_a_quarter_and_holidays_are_moments(goal: str, time_bound: bool) -> None:
    assert check(goal, FIRST, EN).time_bound is time_bound


@pytest.mark.parametrize(("goal", "realistic"), [
    ("Present the proposal to the DMU and get 100% commitment to a pilot by Friday.", True),
    ("Volgende week 100% duidelijkheid over hun budget voor de nieuwe scanners.", True),
    ("Get 100% of their sites on our contract this week", False),
    ("Deze week 100% van hun inkoop naar ons overzetten", False),
])
def test_a_hundred_percent_is_absurd_only_as_a_share_of_their_business(goal: str, realistic: bool) -> None:
    assert check(goal, FOLLOWUP, EN).realistic is realistic


def test_learning_how_they_order_is_no_order_in_a_first_visit() -> None:
    verdict = check("Meet the new office manager and learn how they order toner, during this visit.", FIRST, EN)
    assert verdict.realistic
    assert not check("Get them to order 40 toner cartridges during this visit.", FIRST, EN).realistic


@pytest.mark.parametrize(("goal", "visit_type", "reason"), [
    ("Push the buyer to sign the contract for the 6 vans today", QUOTE, "pressure is one-sided"),
    ("De inkoper onder druk zetten om vandaag het contract voor 6 bussen te tekenen", QUOTE, "pressure is one-sided"),
    ("Give a 15% discount on the 6 vans to get the signature today", QUOTE, "discount is never an objective"),
    ("Sell as many licences as possible to the IT manager this month", AFTERSALES, "serves only your side"),
    ("Zoveel mogelijk licenties verkopen aan de IT-manager deze maand", AFTERSALES, "serves only your side"),
    ("Become their exclusive supplier of workwear at the quote visit on 3 May", QUOTE, "serves only your side"),
])
def test_acceptable_says_why_the_goal_is_one_sided(goal: str, visit_type: VisitType, reason: str) -> None:
    verdict = check(goal, visit_type, EN)
    assert verdict.failing == ["acceptable"]
    line, example = verdict.feedback
    assert line.startswith("Acceptable:") and reason in line
    assert example.startswith("For example:")


@pytest.mark.parametrize("translator", [EN, NL])
@pytest.mark.parametrize(("goal", "visit_type"), [
    ("Push them hard", FIRST),
    ("Give a 20% discount to get the signed order for the 40 chairs", FIRST),
    ("Get the signed order for the 12 forklifts during this follow-up visit", FOLLOWUP),
    ("Double their yearly revenue this afternoon", QUOTE),
    ("Zoveel mogelijk extra verkopen", AFTERSALES),
    ("Get things moving with them before 1 March, 50% further", FIRST),
])
def test_feedback_is_one_short_line_per_failed_criterion_then_one_example(
        translator: Translator, goal: str, visit_type: VisitType) -> None:
    verdict = check(goal, visit_type, translator)
    *lines, example = verdict.feedback
    assert len(lines) == len(verdict.failing)
    assert all(len(line) <= 120 for line in lines)
    assert example == translator.gettext('For example: "{example}"').format(
        example=translator.gettext(_EXAMPLE[visit_type]))
    assert sum(example.split(":")[0] in line for line in verdict.feedback) == 1


@pytest.mark.parametrize("goal", [
    "Know the contract end date and who decides by Friday",
    "Get the signed order for the 12 forklifts today",  # a plain goal names what the rep wants, without pressure
    "De getekende order voor de 12 heftrucks vandaag binnenhalen",
])
def test_a_plain_goal_gets_no_acceptable_line(goal: str) -> None:
    verdict = check(goal, QUOTE, EN)
    assert verdict.acceptable is None
    assert not any(line.startswith("Acceptable") for line in verdict.feedback)


@pytest.mark.parametrize("goal", [
    "Become their preferred supplier of safety gloves this week",
    "Deze week hun vaste leverancier van werkhandschoenen worden",
])
def test_becoming_their_supplier_is_an_outcome_and_too_early_in_a_first_visit(goal: str) -> None:
    assert check(goal, QUOTE, EN).measurable
    assert not check(goal, FIRST, EN).realistic


@pytest.mark.parametrize(("goal", "measurable"), [
    ("Hear the finance director's objections to the lease proposal today.", True),
    ("Vandaag de bezwaren van de financieel directeur tegen het leasevoorstel horen.", True),
    ("Early April have a follow-up meeting with the facility manager in the diary.", True),
    ("Talk about the lease proposal with the finance director today.", False),  # an activity, nothing to know
])
def test_objections_heard_and_a_meeting_in_the_diary_are_measurable(goal: str, measurable: bool) -> None:
    assert check(goal, FOLLOWUP, EN).measurable is measurable


@pytest.mark.parametrize(("goal", "time_bound"), [
    ("After the summer give the planners a demo of the scheduling system.", True),
    ("Na de zomer de planners een demo van het planningssysteem geven.", True),
    ("Keep the demo for the planners warm until the budget is there.", False),  # waiting for no date
    ("De demo voor de planners aanhouden tot er budget is.", False),
])
def test_a_season_is_a_moment_and_waiting_until_something_happens_is_not(goal: str, time_bound: bool) -> None:
    assert check(goal, FOLLOWUP, EN).time_bound is time_bound


@pytest.mark.parametrize("goal", [
    "Keep them warm until the budget is there.",
    "Ze warm houden tot er budget is.",
    "Make sure they remember us.",
    "Zorgen dat ze ons onthouden.",
    "Show our appreciation this week.",
    "Deze week onze waardering laten blijken.",
    "Het maximale uit dit gesprek halen.",
])
def test_waiting_being_remembered_and_thanks_are_no_concrete_subject(goal: str) -> None:
    verdict = check(goal, AFTERSALES, EN)
    assert not verdict.specific and not verdict.measurable
