"""What a stage in a CRM export means here: one of our stages, and the chance that goes with it.

HubSpot's default sales pipeline and Salesforce's default opportunity stages come with the chance their
CRM gives each stage, so an export without a probability column still forecasts. Our own stage names
(English and Dutch) carry no chance, except won (100) and lost (0). A stage map (`read_stage_map`, the
`--stage-map` file) adds a team's own stage labels and may override any of these.

Stage labels match case-insensitively and ignoring spaces and punctuation, so HubSpot's internal
names (`decisionmakerboughtin`) match its labels (`Decision maker bought-in`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from coach.domain import STAGE_ALIASES, Stage


@dataclass(frozen=True)
class StageInfo:
    stage: Stage
    probability: int | None  # None: the row must give the chance


def stage_key(label: str) -> str:
    return re.sub(r"[\W_]+", "", label.casefold())


_OURS = {stage_key(label): StageInfo(stage, {Stage.WON: 100, Stage.LOST: 0}.get(stage))
         for label, stage in STAGE_ALIASES.items()}
HUBSPOT_STAGES = {  # HubSpot's default sales pipeline
    "Appointment scheduled": StageInfo(Stage.PROSPECT, 20),
    "Qualified to buy": StageInfo(Stage.PROSPECT, 40),
    "Presentation scheduled": StageInfo(Stage.HOT_PROSPECT, 60),
    "Decision maker bought-in": StageInfo(Stage.HOT_PROSPECT, 80),
    "Contract sent": StageInfo(Stage.QUOTE, 90),
    "Closed won": StageInfo(Stage.WON, 100),
    "Closed lost": StageInfo(Stage.LOST, 0),
}
SALESFORCE_STAGES = {  # the Opportunity Stage picklist of a new Salesforce org, with its default probabilities
    "Prospecting": StageInfo(Stage.SUSPECT, 10),
    "Qualification": StageInfo(Stage.PROSPECT, 10),
    "Needs Analysis": StageInfo(Stage.PROSPECT, 20),
    "Value Proposition": StageInfo(Stage.HOT_PROSPECT, 50),
    "Id. Decision Makers": StageInfo(Stage.HOT_PROSPECT, 60),
    "Perception Analysis": StageInfo(Stage.HOT_PROSPECT, 70),
    "Proposal/Price Quote": StageInfo(Stage.QUOTE, 75),
    "Negotiation/Review": StageInfo(Stage.QUOTE, 90),
    "Closed Won": StageInfo(Stage.WON, 100),
    "Closed Lost": StageInfo(Stage.LOST, 0),
}
BUILT_IN = {**_OURS, **{stage_key(k): v for table in (SALESFORCE_STAGES, HUBSPOT_STAGES) for k, v in table.items()}}


def stage_info(label: str, stage_map: dict[str, StageInfo] | None = None) -> StageInfo | None:
    """The stage and default chance of an export's stage label; None when it is unknown."""
    key = stage_key(label)
    return (stage_map or {}).get(key) or BUILT_IN.get(key)
