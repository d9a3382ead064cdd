"""The dialog flows, by name. A new flow is its module here and its entry below; coach/registry.py takes its
command from it."""

from coach.dialog import Flow
from coach.flows.debrief import Debrief
from coach.flows.pick_date import PickDate
from coach.flows.prep import Prep
from coach.flows.smart_flow import SmartCheck
from coach.flows.spin_flow import SpinPractice

FLOWS: dict[str, Flow] = {f.name: f for f in (Prep(), SmartCheck(), SpinPractice(), Debrief(), PickDate())}
