"""SMART realistic (issue 13, item 9, fourth round): a target that multiplies what the customer has, probed with fresh
goals in English and Dutch, with near misses. Tenfold from what they have is out of reach in any visit, whatever verb
carries it; a count "N times the number of" them is multiplying too."""

from __future__ import annotations

import pytest

from coach.domain import VisitType
from coach.i18n import Translator
from coach.smart import check

EN = Translator("en")


@pytest.mark.parametrize(("goal", "realistic"), [
    ("Get the customer to sign for ten times the quoted number of vans during this meeting.", False),
    ("Sell them five times the number of licences they asked for today.", False),
    ("De klant vandaag laten tekenen voor tien keer het aantal machines uit de offerte.", False),
    ("Vandaag vier keer de hoeveelheid koffiebekers van vorige maand verkopen.", False),
    ("Get them to raise their monthly spend from €8,000 to €80,000 by next month.", False),
    ("Move them from 3 to 60 subscriptions this month.", False),
    ("Binnen een week de klant laten overstappen van 2 naar 200 leaseauto's.", False),
    ("Van 4 naar 40 werkplekken gaan in deze maand.", False),
    ("Het contract deze maand van € 5.000 naar € 50.000 per jaar tillen.", False),
    ("Switch them from 2 to 30 printers before the end of the quarter.", False),
    # near misses: fewer of a bad thing, a small pilot, a visiting rhythm, a modest step up, a scale
    ("Reduce complaints from 50 to 5 by the summer.", True),
    ("Ask the facility manager to score our service from 1 to 10 during this visit.", True),
    ("De klant tijdens dit bezoek de service laten beoordelen van 1 tot 10.", True),
    ("Visit the client three times a year and agree the next review date today.", True),
    ("Agree on a pilot that goes from 2 to 4 sites by June.", True),
    ("Het aantal werkplekken van 20 naar 25 uitbreiden in het tweede kwartaal.", True),
])
def test_multiplying_what_they_have_is_not_realistic(goal: str, realistic: bool) -> None:
    assert check(goal, VisitType.AFTERSALES, EN).realistic is realistic
