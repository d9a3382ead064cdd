"""SMART classes of phrasing from issue 13, item 9, third round: probes written for each class, not taken from any
quality set, in English and Dutch, with near misses."""

from __future__ import annotations

import pytest

from coach.domain import VisitType
from coach.i18n import Translator
from coach.smart import check

EN = Translator("en")


@pytest.mark.parametrize(("goal", "time_bound"), [
    ("Leave this meeting with a date for the pilot.", True),
    ("Walk out of today's demo with the names of the three decision makers.", True),
    ("Leave the follow-up visit with their floor plans.", True),
    ("Come out of this meeting with a booked site survey.", True),
    ("Leaving the intake with the contract end date of their current supplier.", True),
    ("Dit gesprek verlaten met een datum voor de proefplaatsing.", True),
    ("Het bezoek verlaten met de namen van de beslissers.", True),
    ("Ik verlaat de vergadering met een afspraak voor een demo.", True),
    ("We verlaten het overleg met de plattegronden van de hallen.", True),
    ("Uit dit gesprek komen met een getekende opdracht voor de proef.", True),
    # near misses: leaving a thing behind, or a meeting without a moment
    ("Leave a brochure with the receptionist.", False),
    ("Een brochure achterlaten bij de receptie.", False),
    ("Leave them with a good feeling about us.", False),
])
def test_leaving_the_visit_with_something_is_its_end(goal: str, time_bound: bool) -> None:
    assert check(goal, VisitType.FOLLOWUP, EN).time_bound is time_bound


@pytest.mark.parametrize(("goal", "measurable"), [
    ("At the end of the visit I know the score their technicians give our service.", True),
    ("By the end of the meeting I know the rating their tenants gave the cleaning last year.", True),
    ("Know their net promoter score before I leave.", True),
    ("Find out the grade the auditors gave their safety procedures during this visit.", True),
    ("Know the marks the planners give the current software by Friday.", True),
    ("Aan het eind van het bezoek ken ik het rapportcijfer dat de monteurs onze kisten geven.", True),
    ("Na dit gesprek weet ik welk cijfer de huurders de schoonmaak geven.", True),
    ("Tijdens het bezoek de klanttevredenheidsscore van vorig jaar achterhalen.", True),
    ("Aan het eind van het gesprek ken ik de score die de auditor hun magazijn gaf.", True),
    ("Vandaag de beoordeling van hun huidige leverancier horen.", True),
    # near misses: knowing people better or getting a feeling has no end point
    ("Aan het eind van het bezoek ken ik de mensen beter.", False),
    ("At the end of the visit I have a feeling for how they score us.", False),
])
def test_a_score_or_rating_they_give_is_a_fact_to_know(goal: str, measurable: bool) -> None:
    assert check(goal, VisitType.FOLLOWUP, EN).measurable is measurable
