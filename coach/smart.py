"""SMART check of a visit objective (the method: docs/method.md), English and Dutch.

Reps mix the two languages ("DMU in kaart", "deal closen"), so the rules of both always apply.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from coach.domain import VisitType
from coach.i18n import N_, Translator
from coach.spin import detect_language, normalize
from coach.vague_goals import subject_words, without_vague_phrases

CRITERIA = ("specific", "measurable", "acceptable", "realistic", "time_bound")


@dataclass(frozen=True)
class SmartVerdict:
    specific: bool
    measurable: bool
    acceptable: bool | None
    realistic: bool
    time_bound: bool
    feedback: list[str]

    @property
    def passed(self) -> bool:
        return all(getattr(self, c) is not False for c in CRITERIA)

    @property
    def failing(self) -> list[str]:
        return [c for c in CRITERIA if getattr(self, c) is False]


def _rx(*parts: str) -> re.Pattern[str]:
    return re.compile("|".join(parts))


_MONTHS = (
    r"january|february|march|april|june|july|august|september|october|november|december"
    r"|januari|februari|maart|mei|juni|juli|augustus|oktober"
)
_MONTH_ABBR = r"jan|feb|mrt|mar|apr|jun|jul|aug|sep|sept|oct|okt|nov|dec"  # with a day number only ("Jan" is a name)
_DAYS = (
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday"
    r"|maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag"
)
_EVENTS = (
    r"visit|meeting|call|conversation|appointment|presentation|demo|review|intake|introduction|discussion"
    r"|negotiations?|session|consultation|workshop|tour|walkthrough"
    r"|\w*(bezoek|gesprek|afspraak|overleg|presentatie|evaluatie|bespreking|sessie|vergadering)|kennismaking\w*|intake\w*"
    r"|onderhandeling\w*|rondleiding|workshop"
)
_PERIODS = r"day|week|month|quarter|year|dag|week|maand|kwartaal|jaar"
_UNITS = r"hours?|days?|weeks?|months?|working days|uur|dagen|dag|weken|week|maanden|maand|werkdagen"
_COUNT = r"\d+|a|an|one|two|three|four|five|six|ten|a few|een|twee|drie|vier|vijf|zes|tien|paar|enkele"
_TIME = _rx(
    rf"\b({_MONTHS}|{_DAYS})\b", r"\bmay \d|\b(by|before|in|until|end of|on) may\b",
    rf"\b\d{{1,2}}(st|nd|rd|th)? ({_MONTH_ABBR}|may)\b|\b({_MONTH_ABBR})\.? \d",
    r"\b\d{1,2}[-/.]\d{1,2}([-/.]\d{2,4})?\b|\b\d{4}-\d{2}-\d{2}\b|\b20\d\d\b|\bq[1-4]\b|\bweek \d+\b",
    r"\b\d{1,2}[:.]\d{2}\b|\b\d{1,2} ?(am|pm|uur)\b",
    r"\b(today|tomorrow|tonight|this (morning|afternoon)|eod|vandaag|morgen|overmorgen|vanavond|vanmiddag)\b",
    rf"\b(this|deze|dit) ({_EVENTS}|{_PERIODS})\b|\b(next|coming|volgende|komende) (few |couple of |paar )?"
    rf"({_PERIODS}|{_UNITS})\b",
    # "at the end of the orientation meeting", "during Thursday's visit", "out of the follow-up meeting"
    rf"\b(during|in|at|after|before|by|end of|out of) (the|this|our|my|today's|\w+'s) (\S+ ){{0,2}}({_EVENTS})\b"
    r"(?! cent(er|re))",
    rf"\b(tijdens|in|na|bij|op) (het|dit|deze|ons|mijn|de|onze) (\S+ ){{0,2}}({_EVENTS})\b",
    rf"\b(end|close) of (the |this |next )?(\S+ ){{0,2}}({_EVENTS}|{_PERIODS}|{_MONTHS}|q[1-4]|20\d\d)\b"
    r"|\bat the end\b(?! of)",
    # the end of the visit, said from the rep's side: "before I leave", "voordat we vertrekken"
    r"\b(before|when|by the time) (i|we) (leave|go|walk out|head out|say goodbye)\b",
    r"\b(before|when|by the time) (he|she|they|the \S+( \S+)?) (leaves|leave|walks out|walk out|heads out|head out"
    r"|says goodbye|say goodbye|hangs up|hang up)\b",
    r"\b(voor|voordat|als|wanneer|zodra) (ik|we|wij) (vertrek\w*|weggaan|wegga|weg ga|weg gaan|de deur uit|afscheid)",
    r"\bbefore (leaving|heading out|walking out|saying goodbye)\b|\b(voor|bij) (mijn |ons )?vertrek\b",
    # leaving the visit with something is its end: "leave this meeting with", "het gesprek verlaten met"
    rf"\b(leave|leaves|leaving|left|walk out of|walking out of|come out of|coming out of) (the|this|our|today's"
    rf"|\w+'s) (\S+ ){{0,2}}({_EVENTS})\b",
    rf"\b(verlaat|verlaten|verliet|verlieten) (het|dit|deze|de|ons|onze) (\S+ ){{0,2}}({_EVENTS})\b",
    rf"\b(het|dit|deze|de|ons|onze) (\S+ ){{0,2}}({_EVENTS}) (verlaten|verlaat|verliet)\b",
    rf"\buit (het|dit|deze|de|ons|onze) (\S+ ){{0,2}}({_EVENTS}) (komen|kom|komt|lopen|loop|gaan|ga)\b",
    r"\b(voor|voordat|als|wanneer|zodra) (hij|zij|ze|de \S+)\b(\s+\S+){0,3}\s+(vertrekt|weggaat|weg gaat|verlaat"
    r"|ophangt)\b",
    rf"\beind(e)? (van )?(de |het |dit |deze )?((\S+ ){{0,2}}({_EVENTS}|{_PERIODS}|{_MONTHS}|q[1-4])|\d+)\b"
    r"|\baan het eind(e)?\b(?! van)",
    # a holiday or a season as the deadline: "before Christmas", "voor de zomervakantie", "after the summer"
    r"\b(before|by|until|till|after|ahead of|around|voor|na|tot|rond|tegen) (the |de |het )?(christmas|easter|new year"
    r"|year-end|summer (holidays?|break)|kerst\w*|pasen|nieuwjaar|oud en nieuw|jaarwisseling|jaareinde"
    r"|(zomer|kerst|herfst|voorjaars|mei|krokus)vakantie|bouwvak|summer|winter|spring|autumn|fall|zomer|voorjaar"
    r"|najaar|herfst)\b",
    r"\b(during|tijdens)\b|\bna afloop\b|\buiterlijk\b|\bno later than\b|\bdeadline\b",
    rf"\b(within|in|binnen|over)( the| de)?( next| coming| komende| volgende)? ({_COUNT}) ({_UNITS})\b",
)
# "verdrievoudigen", "vertienvoudigen", "fivefold" ("vereenvoudigen" is to simplify, "scaffold" no multiple)
_FOLD_NL = r"ver(drie|vier|vijf|zes|zeven|acht|negen|tien|twintig|honderd|duizend)voudig\w*"
_FOLD_EN = r"(three|four|five|six|seven|eight|nine|ten|twenty|hundred|thousand|\d+)-?fold"
_NUMBER = _rx(
    r"\d", r"\b(one|two|three|four|five|six|seven|eight|nine|ten|twelve|twenty|dozen|half|both)\b",
    r"\b(twee|drie|vier|vijf|zes|zeven|acht|negen|tien|twaalf|twintig|beide|allebei|helft)\b",
    rf"\b(doubl\w*|tripl\w*|quadrupl\w*|halv(e|ed|ing)|verdubbel\w*|{_FOLD_NL}|halveren|gehalveerd|{_FOLD_EN})\b",
)
_OBTAIN = (r"get|gets|getting|obtain\w*|receiv\w*|collect\w*|gather\w*|request\w*|have|leave with|walk away with"
           r"|krijgen|ontvangen|verzamelen|opvragen|meekrijgen|meenemen|binnenkrijgen")
_DOCUMENT = (r"(contact )?details|figures|drawings?|floor ?plans?|specifications|specs|layouts?|invoices"
             r"|\w*gegevens|cijfers|tekening(en)?|plattegrond(en)?|specificaties|facturen")
_DELIVERABLE = _rx(
    # "planned" as an outcome ("a trial planned"), not as an adjective ("the planned peak weeks")
    r"\b(appointments?|book\w*|schedul\w*|(?<!the )(?<!their )(?<!our )(?<!your )(?<!its )planned",
    r"demo|trial|pilot|signed|signature|accepted|approv\w*",
    r"goedkeur\w*|goed te keuren|goedgekeurd|sign|signs|signing|permission|go-ahead|green light|toestemming",
    r"groen licht|(a|an|een) (clear |firm |duidelijke? )?(yes|ja)",
    r"agree\w*|commit\w*|confirm\w*|list|overview|names|known|dmu|decision[- ]makers?|who decides|demonstrati\w*",
    r"go/no-go|received|sent|licen[cs]es?|end date|yes or no|afspraak|vervolgafspraak|ingepland|inplannen",
    r"gepland|proef(?!en\b)\w*|\w+demo|pilot\w*|getekend\w*|ondertekend\w*|tekenen|handtekening|geaccepteerd|goedgekeurd|akkoord",
    r"afgesproken|afspre\w*|overeenstemming|het eens|toezegging|bevestig\w*|lijst|overzicht|namen|bekend",
    r"in kaart|helder|beslisser\w*|wie beslist|ontvangen|verstuurd|gestuurd|licenties?|einddatum)\b",
    r"\bspreken\b.*\baf\b",
    # a date fixed with them: "een datum vastleggen voor de demo", "pin down a date for the trial"
    r"\b\w*(datum|moment|date)\b (\S+ ){0,2}(vastleggen|vastgelegd|vast te leggen|prikken|geprikt|te prikken)\b",
    r"\b(pin down|settle on|fix|set|agree on) (a |the )?(\S+ )?(date|moment)\b",
    # in the diary: "a follow-up meeting with the facility manager in the diary", "in de agenda"
    r"\b(in|into) (the|their|our|my|his|her|de|hun|onze|mijn) (diary|diaries|calendar|agenda)\b",
    # a meeting obtained: "secure a meeting with the plant director", "een tweede gesprek met de directeur plannen"
    rf"\b(secur\w*|arrang\w*|set up|setting up|organi[sz]\w*|get|getting|land|landing|fix|plan|planning|line up"
    rf"|into)\b(\s+\S+){{0,3}}\s+\w*({_EVENTS}|appointments|visits|demos|calls|sessions|reviews)\b",
    rf"\b\w*({_EVENTS})\b(\s+\S+){{0,6}}\s+(te )?(plannen|regelen|organiseren|maken|prikken|arrangeren)\b",
    rf"\b(plannen|regelen|organiseren|arrangeren)\b(\s+\S+){{0,4}}\s+\w*({_EVENTS})\b",
    # a decision or a fact that a yes or no settles: "decide together whether", "samen bepalen of"
    r"\b(decide|determine|establish|agree|know|find out|check|confirm|settle|clarify)\b(\s+\S+){0,3}\s+whether\b",
    r"\b(bepalen|beslissen|besluiten|weten|nagaan|achterhalen|vaststellen|checken|navragen|afspreken|afstemmen) of\b",
    # presenting a document hands it over; presenting a solution, plan or results is an activity
    r"\b(present\w*|show|give|presenteren|tonen|geven)\b(\s+\S+){0,4}\s+(proposal|quote|demo|offer"
    r"|prices?|voorstel|offerte|prijzen)\b",
    # a named document or data obtained: "receive their floor plans", "de contactgegevens krijgen"
    rf"\b({_OBTAIN})\b(\s+\S+){{0,4}}\s+({_DOCUMENT})\b",
    rf"\b({_DOCUMENT})\b(\s+\S+){{0,5}}\s+({_OBTAIN}|binnen (hebben|krijgen)|in handen (hebben|krijgen))\b",
)
# Outcome verbs: afterwards it happened or it did not (the customer renewed, requested, upgraded, chose). Activity
# verbs (discuss, present, explore, walk through, bespreken, presenteren, verkennen, doornemen) are not among them.
_OUTCOME_EN = (r"renew|extend|upgrad|replac|request|order|buy|purchas|sign|book|schedul|approv|accept|commit|switch"
               r"|choos|chose|select|decid|record|confirm")
_EN_ENDING = r"(e|es|ed|d|s|ing|ting|ted)?"  # verb forms only: "booking", not "bookkeeping"
# Dutch outcome verbs. Plain ones by their forms ("tekeningen" is a noun, not "tekenen"); separable ones as
# (prefix, infinitive, finite forms, participle): "aanvragen", "aan te vragen", "aangevraagd", "vraagt ... aan".
_OUTCOME_NL_PLAIN = (r"verleng(en|t|de|den)?|verlengd|bestel(len|t|de|den)?|besteld|kopen|koopt|kocht(en)?|gekocht"
                     r"|(onder)?teken(en|t|de|den)?|(onder)?getekend|upgraden|upgradet|geupgraded?|vervang(en|t)?"
                     r"|verving(en)?|bevestig(en|t|de|den)?|bevestigd|accepte(ren|ert|erde|erden)|geaccepteerd"
                     r"|kiezen|kiest|koos|kozen|gekozen|beslis(sen|t|te|ten)?")
_OUTCOME_NL_SEPARABLE = (
    ("aan", "vragen", "vraag|vraagt|vragen|vroeg|vroegen", "aangevraagd"),
    ("aan", "schaffen", "schaf|schaft|schaffen|schafte|schaften", "aangeschaft"),
    ("af", "nemen", "neem|neemt|nemen|nam|namen", "afgenomen"),
    ("af", "spreken", "spreek|spreekt|spreken|sprak|spraken", "afgesproken"),
    ("over", "stappen", "stap|stapt|stappen|stapte|stapten", "overgestapt"),
    ("vast", "leggen", "leg|legt|leggen|legde|legden", "vastgelegd"),
    ("in", "plannen", "plan|plant|plannen|plande|planden", "ingepland"),
    ("goed", "keuren", "keur|keurt|keuren|keurde|keurden", "goedgekeurd"),
    ("toe", "zeggen", "zeg|zegt|zeggen|zei|zeiden", "toegezegd"),
)
_OUTCOME_NL_RX = "|".join(rf"{pre}{inf}|{pre} te {inf}|{part}|{pre}({finite})"
                          for pre, inf, finite, part in _OUTCOME_NL_SEPARABLE)
# Split at the end of a clause: "vraagt een offerte aan", "legt de modules vast".
_OUTCOME_NL_SPLIT = "|".join(rf"({finite})\b(\s+\S+){{1,6}}\s+{pre}" for pre, _, finite, _ in _OUTCOME_NL_SEPARABLE)
_OUTCOME = _rx(
    # the goal starts with it ("Renew the lease", "Request a site survey") or the customer is brought to it
    # ("pressure the manager into upgrading", "get them to renew")
    rf"^({_OUTCOME_EN}){_EN_ENDING}\b|\b(into|to) ({_OUTCOME_EN}){_EN_ENDING}\b(?! (about|with|for)\b)",
    rf"\b({_OUTCOME_NL_PLAIN}|{_OUTCOME_NL_RX})\b",
    rf"\b({_OUTCOME_NL_SPLIT})\s*($|,|\b(en|zodat|om|voor|tijdens|bij)\b)",
)
# A purpose clause says why, not what the visit achieves: "so that we can propose later", "zodat we op termijn een
# voorstel kunnen doen". An audience is not an outcome: "walk through the quote with the DMU".
_PURPOSE = _rx(r"(,\s*|\s)(so that|so we can|so i can|in order to|zodat|om later)\b[^,;]*")  # up to the next clause
_AUDIENCE = _rx(r"\b(with|to|for|met|aan|voor) (the|their|our|de|het|hun|onze) (\S+ ){0,2}(dmu|team|board"
                r"|management|directie|managementteam)\b")
_KNOW = _rx(r"\b(know|find out|learn|establish|identify|determine|clarify|check|map|weten|weet|ken|kent|kennen"
            r"|achterhalen|clarity|clear (on|about)|duidelijkheid|helderheid|helder"
            r"|vaststellen|duidelijk|uitzoeken|nagaan|checken|navragen|inventor(y|ise|ize)\w*|take stock"
            r"|inventaris\w*|opvragen|uitvragen|vragen naar|hear|horen"
            # the customer tells it: "get them to tell us their budget", "de prijzen laten noemen"
            r"|tell\w* (us|me)|told (us|me)|shar(e|es|ed|ing) (\S+ ){0,5}with (us|me)|(have|get|let|make) (\S+ ){1,3}"
            r"shar(e|es|ing)|disclos\w*|reveal\w*|nam(e|es|ing) (their|the|his|her|its|which|who|what|all|\d+)"
            r"|noem\w*|laten (\S+ ){0,2}vertellen|vertelt|(ons|mij|me) (\S+ ){0,4}vertellen|vertellen (ons|mij|me)"
            r"|prijsgeven|prijs (te )?geven|bekend (te )?maken|laten weten)\b")
# learning "more" has no end point: "meer te weten komen over hun wensen", "learn more about their plans"
_MORE = _rx(r"\b(learn|find out|know|hear|understand|discover|read up)( a (bit|little|lot))? more\b"
            r"|\bmore (about|insight|information|info)\b|\bbetter (understanding|idea|picture|insight)\b",
            r"\bmeer (te )?(weten|horen|leren|begrijpen|inzicht|informatie|info|zicht)\b",
            r"\bbeter (beeld|inzicht|begrip)\b|\b(leren|beter|goed) kennen\b")
_FACT = _rx(
    r"\b(suppliers?|contracts?|dates?|dmu|decides|decision|budgets?|volumes?|needs|requirements|wishes|prices?|costs?",
    r"competitors?|names?|number|who|when|which|what|how many|how much|potential|timeline|criteria|process",
    # Dutch compounds: "schoonmaakkosten", "inkoopprijzen", "energieleverancier", "opleverdatum"
    r"\w*leveranciers?|\w*datum|beslis\w*|behoeften?|eisen|wensen|\w*prijs|\w*prijzen|\w*kosten|\w*budget\w*",
    r"\w*volumes?|concurrent\w*|aantal|wie|wanneer",
    r"welke|hoeveel|potentieel|planning|procedure",
    # their objections and doubts, once heard, are known: "hear the finance director's objections"
    r"objections?|concerns|doubts|bezwaren|twijfels|bedenkingen",
    # the score or mark they give something: "the rating their tenants gave", "het rapportcijfer"
    r"\w*scores?|ratings?|grades?|marks|\w*cijfers?|beoordeling\w*)\b",
)
# The whole of their business moved over to us: "all 14 of their branches over to us", "al hun drukwerk bij ons".
_WHOLE_BUSINESS = (r"\ball (\S+ )?(of )?their\b(\s+\S+){1,3}\s+(over )?to (us|our)\b"
                   r"|\b(al hun|alle \S+ van hun|hun hele|hun volledige)\b(\s+\S+){1,3}\s+(bij|naar) ons\b")
_PUSHY = _rx(
    r"\b(force\w*|pressur\w*|push(ing)? (them|him|her|the \w+|for|hard|through)|pushy|whatever it takes",
    r"no matter what|at any cost|at all costs|by any means|corner (them|him|her)|trick\w*",
    r"make (them|him|her) (sign|buy|order|agree)|(not|don't|won't) take no|bully\w*|manipulat\w*",
    r"lock (them|him|her) in",
    r"dump\w*|regardless of (their|the customer|what)|even if they don't need|overrule\w*",
    r"dwing\w*|gedwongen|afdwing\w*|onder druk|druk (zetten|uitoefenen)|pushen|koste wat (het )?kost",
    r"hoe dan ook|wat er ook gebeurt|met alle middelen|overrompel\w*|manipul\w*|klem zetten|geen nee",
    r"opdring\w*|aansmeren|aan te smeren|dumpen|talk (them|him|her|the \w+) into|ompraten|om te praten",
    r"strong-?arm\w*|arm-?twist\w*|twist (their|his|her) arm|hard-?sell\w*|browbeat\w*|steamroll\w*|bulldoz\w*",
    r"rush (them|him|her|the \w+) into|scare (them|him|her|the \w+) into|against (their|his|her) will",
    r"forceer\w*|geforceerd|tegen (hun|zijn|haar) zin|opjagen|op te jagen|uitknijpen|uit te knijpen|klemzetten)\b",
    # selling against the absence of a need: "even though no need has come up", "ook al heeft hij geen behoefte"
    r"\b(even (though|if)|although|regardless( of)?)\b(\s+\S+){0,5}\s+(no|not|don't|doesn't|didn't|hasn't|haven't"
    r"|without|nothing)\b(\s+\S+){0,4}\s+(needs?|needed|wants?|interest(ed)?)\b",
    r"\b(ook al|ook als|zelfs als|hoewel)\b(\s+\S+){0,6}\s+(geen|niet|niets)\b(\s+\S+){0,4}\s+"
    r"(behoefte|nodig|interesse)\b",
)
_DISCOUNT = _rx(r"\b(discount\w*|rebate\w*|price cut|korting\w*|prijsverlaging\w*|afprijzen|afslag)\b")
_NO_DISCOUNT = _rx(r"\b(without|no|not|never|zonder|geen|niet|nooit)\b(\s+\S+){0,2}\s+$")
# A purpose clause that is only the rep's: "so they sign today", "zodat ze niet naar de concurrent gaan".
_FOR_US = (r"(?!\s+(\S+\s+){0,1}(sign|signs|order|orders|buy|buys|purchase|pay|commit|switch|tekenen|tekent|bestellen"
           r"|bestelt|kopen|koopt|betalen|overstappen|ondertekenen|akkoord)\b)(?!(\s+\S+){0,6}\s+(competitors?"
           r"|competition|concurren\w*)\b)")
_MUTUAL = _rx(
    r"\b(together|jointly|mutual\w*|both (parties|sides|of us)|agree\w*|in agreement|win-win",
    r"their (needs|wishes|requirements|problems?|challenges|goals|interests?|priorities)|needs of|wishes of",
    r"customer'?s? (needs|wishes|requirements|benefit|interest)|for (them|the customer|both)",
    r"helps? them|benefit (for|to) (them|the customer|both)|solve their|fits? their|suits? their|fitting",
    r"in consultation|value for (them|the customer)|they want",
    r"samen|gezamenlijk|wederzijds\w*|beide partijen|afspre\w*|afgesproken|overeen\w*|akkoord|in overleg",
    r"het eens|eens (over|zijn|worden)|hun (behoeften?|wensen|eisen|problemen?|uitdagingen|doelen|belang)",
    r"behoeften? van|wensen van|klantbehoefte\w*|voor (hen|de klant|beide)|passend\w*|past binnen",
    rf"zodat (ze|zij|de klant|hij){_FOR_US}|meerwaarde voor)\b",
    # a purpose or benefit on the customer's side: "so their line keeps running", "zodat hun installatie..."
    rf"\b(so (that )?(they|their|them|the (customer|client|buyer)|he|she|his|her|both|we both){_FOR_US}",
    rf"zodat (hun|haar|zijn|de (klant|afnemer|koper|gebruiker)|beide|we allebei|wij allebei){_FOR_US}",
    r"(lower|lowers|reduce|reduces|cut|cuts|save|saves|improve|improves|ease|eases|simplif\w*|speed (up )?)"
    r" (\w+ )?(their|them|the (customer|client)'?s?)",
    r"(hun|de klant)\b(\s+\S+){0,3}\s+(bespaart|besparen|verlaagt|verlagen|verbetert|verbeteren|vermindert|scheelt)",
    r"(bespaart|besparen|verlaagt|verlagen|verbetert|verbeteren|vermindert|scheelt) (\w+ )?(hun|de klant)",
    # what fits them: "in line with their plans", "past bij de wensen", "aansluit op hun verhuisdatum"
    r"(in line with|tailored to|suited to|fit(s|ting)? (with|in with)?) (\w+ )?(their|the customer'?s?)"
    r"(?! (\w+ )?(prices?|offer|quote|competitor\w*))",
    r"(past|passen|paste|pasten|aansluit\w*|aan te sluiten|sluit\w* (\w+ ){0,3}aan|afgestemd|afstemmen|tegemoetk\w*)"
    r" (bij|op|binnen|aan) (hun|haar|zijn|de (wensen|eisen|behoeften?|klant|situatie|planning))",
    # a date fixed with them: "de beslisdatum vastleggen", "een datum prikken", "pin down the decision date"
    r"\w*(datum|moment) (\w+ ){0,2}(vastleggen|vastgelegd|vast te leggen|prikken|geprikt|te prikken)",
    r"(pin down|settle on|fix) (a |the )?(\w+ )?(date|moment))\b",
    r"\bspreken\b.*\baf\b",
)
# One-sided without pressure words: persuading them to act, selling as much as possible, taking all their
# business or exclusivity, payment up front. Not acceptable unless the goal also states their benefit.
_SELL = (r"sell|sells|selling|upsell\w*|cross-?sell\w*|order|orders|buy|purchase|verkopen|verkoop|verkocht|bijverk\w*"
         r"|upsellen|bestellen|afnemen|kopen|laten bestellen|laten kopen")
_ONE_SIDED = _rx(
    r"\b(convinc\w*|persuad\w*|overhal\w*|over te halen|overtuig\w*|bepraten)\b(\s+\S+){0,6}\s+(to|om|into)\b"
    r"(?! (us|our|the|their|them|a|an|his|her|its)\b)",
    # selling as much as possible: "upsell as much as possible", "zo veel mogelijk extra verkopen"
    rf"\b({_SELL})\b(\s+\S+){{0,4}}\s+(as (much|many)|zo ?veel|maxim)",
    rf"\b(as (much|many)( \S+)? as (possible|we can|they can take)|zo ?veel mogelijk|maximaal)\b(\s+\S+){{0,3}}"
    rf"\s+({_SELL})\b",
    r"\bmaximi[sz]\w* (the |our )?(sales|revenue|order|order value|deal|spend|margin)\b",
    r"\b(omzet|verkoop|orderwaarde|marge|afzet)\b(\s+\S+){0,2}\s+maximali\w*",
    r"\b(exclusive|sole) (supply|supplier|deal|contract|rights)\b|\bexclusiev?e? (levering|leverancier\w*|contract)\b",
    r"\bexclusiviteit\b",
    _WHOLE_BUSINESS,
    r"\b(pay|paying|pays)\b(\s+\S+){0,3}\s+(up ?front|in advance)\b|\bvooruit ?betal\w*|\bvooraf (\w+ )?betalen\b",
)
_NOT_A_DEAL = r"(?!\s+(end|expir\w*|renewal|details|terms|period|dates?|volumes?|history|process|size|frequency))"
_DEAL_NL = r"\w*(orders?|opdracht|bestelling|deal|contract|overeenkomst|koop)"
_CLOSE_NL = r"(binnenhalen|binnen|scoren|sluiten|afsluiten|ophalen|rond|plaatsen|krijgen|ontvangen|winnen|closen)"
_CLOSE = _rx(
    r"(?<!\bwho )(?<!\bwie )\b(get|gets|getting|win|winning|close|closing|sign|signs|signing|land|landing|secure"
    r"|securing|obtain|receive|take|bring in|book|clinch|clinching|collect|have)\b"
    rf"(\s+\S+){{0,3}}\s+(orders?|deal|contract|agreement|sale|purchase order|po|signature)\b{_NOT_A_DEAL}",
    r"\bsigned (order|contract|agreement|deal|purchase order|quote)\b|\bclos(e|ing) (the|a) (deal|sale)\b",
    r"\b(order|contract|deal|agreement|quote|quotation|proposal|offer)\b(\s+\S+){0,5}?\s+(is |was |gets |to be )?"
    r"(signed|closed|won|accepted|approved)\b|\b(sell|buy|purchase|order)s? \d+\b",
    # the customer switching supplier: "switch to our package", "overstappen"
    r"\b(switch\w*|mov(e|es|ing)|chang(e|es|ing)|convert\w*|migrat\w*)( over)? to (us|our)\b",
    r"\b(overstappen|overstapt|over te stappen|overgestapt|overgaan naar ons|over te gaan naar ons)\b",
    # the deal closed, said without naming it: "close it", "seal the deal", "bring it home", "het rond krijgen"
    r"\b(close|closing|clinch\w*|seal|sealing|nail|nailing|land|landing) (it|this one|the deal|this deal)\b"
    r"|\bbring(ing)? (it|this one|the deal) home\b|\bover the line\b",
    r"\b(rond (te )?(krijgen|maken)|binnen (te )?slepen|binnenslepen|in de pocket|over de streep)\b",
    # becoming their supplier: "become their exclusive supplier of workwear", "hun vaste leverancier worden"
    r"\b(become|becoming|becomes) (their|the|its) (\S+ ){0,2}(supplier|vendor|partner)\b",
    r"\b(hun|de) (\S+ ){0,2}(leverancier|partner)\b(\s+\S+){0,3}\s+(te )?worden\b",
    # with what moves named in between: "move their whole fleet to our platform", "hun drukwerk bij ons onderbrengen"
    r"\b(switch|mov|migrat|transfer|convert)\w* (all (\S+ )?(of )?|the )?(their|its|the customer's|the entire"
    r"|the whole|entire|whole) (\S+ ){0,3}(over )?to (us|our)\b(?! (office|showroom|site|premises|demo|event|meeting"
    r"|training|headquarters|hq|location|stand|booth)\b)",
    r"\b(bij|naar) ons (onder (te )?brengen|onderbreng\w*|over (te )?zetten|overzet\w*|over (te )?brengen"
    r"|overbreng\w*)\b|\b(overzetten|overbrengen|overhevelen) naar ons\b",
    r"\b(they|customer|client|buyer) (buys?|orders?|purchases?|signs?)\b|\b(to|they) sign\b(?! up)",
    r"\b(tekenen|ondertekenen|getekend\w*|ondertekend\w*|handtekening)\b",
    rf"\b{_DEAL_NL}\b(?!\s+(einddatum|afloop|loopt))(\s+\S+){{0,5}}\s+{_CLOSE_NL}\b",
    rf"\b{_CLOSE_NL}\b(\s+\S+){{0,3}}\s+{_DEAL_NL}\b",
    r"\b(verkopen|verkoop|bestellen|kopen|afnemen) \d+\b|\b\d+ \S+ (verkopen|verkocht|bestellen|afnemen)\b",
    r"\b(offerte|order) (geaccepteerd|goedgekeurd|getekend|akkoord)\b|\bakkoord op de offerte\b",
    # the customer accepting a quote, or brought to order: "accept our quote", "talk them into a trial order",
    # "push the owner to order", "de klant overhalen om vandaag af te nemen"
    r"\baccept(s|ed|ing)? (\S+ ){0,2}(quote|quotation|offer|contract|order)\b",
    r"\b(offerte|prijsopgave|aanbieding|contract|order) (\S+ ){0,2}(accepteren|aanvaarden|aannemen)\b",
    r"\binto (\S+ ){0,3}(orders?|purchases?|buying|ordering|accepting)\b",
    r"\b(push\w*|get|gets|getting|persuad\w*|convinc\w*|pressur\w*|talk\w*) (\S+ ){1,3}to (order|buy|purchase)\b",
    r"\b(overhal\w*|over te halen|overtuig\w*|ompraten|om te praten|zetten|zover krijgen|bewegen) (tot|om)\b"
    r"(\s+\S+){0,6}\s+(af te nemen|te bestellen|te kopen|\w*(order|bestelling|aankoop))\b",
)
_OFFER = _rx(
    r"\b(hand over|hand|give|deliver|present|send|submit|make|leave|provide|issue)\b(\s+\S+){0,6}\s+"
    r"(quote|quotation|price offer|pricing|price proposal|offer|proposal|price)\b",
    r"\b(offerte|prijsopgave|prijsvoorstel|aanbieding|voorstel)\b.*\b(overhandigen|afgeven|geven|presenteren"
    r"|sturen|versturen|opsturen|uitbrengen|maken|indienen|meegeven|achterlaten|doen)\b",
    r"\b(overhandigen|afgeven|geven|presenteren|sturen|uitbrengen|indienen)\b.*\b(offerte|prijsopgave"
    r"|prijsvoorstel|aanbieding|voorstel)\b",
    # the customer asking for one: "get them to request a quote", "een offerte laten aanvragen"
    r"\b(request\w*|ask\w* for)\b(\s+\S+){0,4}\s+(quote|quotation|price offer|proposal)\b",
    r"\b(offerte|prijsopgave|prijsvoorstel)\b(\s+\S+){0,6}\s+(aanvragen|aan te vragen|aangevraagd|aanvraagt)\b"
    r"|\b(offerte|prijs)aanvraag\b",
)
_LATER = _rx(r"\b(follow-up|followup|next (meeting|visit|appointment)|appointment|later|afspraak|vervolg\w*"
             r"|so that|so we can|so i can|in order to|zodat|om later"
             r"|volgende (afspraak|bezoek|gesprek)|plan\w*|schedul\w*|book\w*|inplannen)\b")
_ABSURD = _rx(
    r"\b100 ?% (of|van)\b|\ball (of )?their (sites|locations|branches|business|orders|purchases|spend|volume|stores"
    r"|offices|plants)\b|\bentire (fleet|business|company|organi[sz]ation|account)\b",
    r"\bevery (site|location|branch|store)\b|\bmarket share\b|\b(exclusive|sole) (supplier|deal|contract)\b",
    # also with their number: "all 40 of their stores", "alle 120 vestigingen"
    r"\ball (\S+ )?(of )?their (sites|locations|branches|stores|offices|plants)\b",
    r"\balle (\S+ )?(vestigingen|locaties|filialen|winkels|kantoren|fabrieken|inkoop|orders|bestellingen)\b",
    # the whole of what they use: "cover their entire energy consumption", "hun volledige stroomverbruik dekken"
    r"\b(their|all (of )?their) (entire |whole |total )?(\w+ )?consumption\b"
    r"|\b(hun|haar|zijn) (volledige|hele|totale) \w*verbruik\b",
    r"\bhele (wagenpark|organisatie|bedrijf|inkoop)\b|\bmarktaandeel\b|\b(exclusieve?|enige) (leverancier"
    r"|contract)\b",
)
_ABSURD_ANY = _rx(
    r"\b100 ?% (of the |van de )?(market|markt)|\b(market share|marktaandeel)\b.*\b100",
    # multiplying what a customer buys in one go: "double their yearly revenue", "de omzet verdubbelen"
    rf"\b(doubl\w*|tripl\w*|quadrupl\w*|verdubbel\w*|{_FOLD_NL}|{_FOLD_EN})\b(?!\s+check)(\s+\S+){{0,5}}\s+"
    r"(\w*revenue|turnover|sales|spend|business|\w*volumes?|purchases|orders|\w*omzet|afzet|inkoop\w*|\w*afname"
    r"|\w*volume|bestellingen)\b",
    r"\b(\w*revenue|turnover|sales|spend|purchases|orders|\w*volumes?|\w*omzet|afzet|\w*afname|inkoop|bestellingen)\b"
    rf"(\s+\S+){{0,5}}\s+(verdubbel\w*|{_FOLD_NL}|doubl\w*|tripl\w*)\b(?!\s+check)",
    _WHOLE_BUSINESS,
    # three times or more of anything in one go: "het aantal licenties vertienvoudigen", "triple the headcount"
    rf"\b(tripl(e|es|ed|ing)|quadrupl\w*|{_FOLD_NL}|{_FOLD_EN})\b(?![\s-]+check)",
)
# A close put off to a later meeting: "get the order at the next meeting".
_DEFERRED = _rx(r"^\s*(\S+\s+){0,8}(at|during|in|on|after|bij|tijdens|op|na) (the|a|our|het|de|een|ons) "
                r"((next|following|later|volgende|latere) (\S+ )?(meeting|visit|call|appointment|conversation"
                r"|presentation|demo|\w*bezoek|\w*gesprek|\w*afspraak|overleg|presentatie)"
                r"|follow-up|followup|vervolg\w*)\b")
# A follow-up visit calls itself "the follow-up meeting", "het vervolgbezoek": that is now, not later.
_THIS_FOLLOWUP = _rx(r"\b(the|this|our|today's|\w+'s|het|dit|deze|de|ons) (follow-up|followup|vervolg\w*)\b")
# Asking whether they would buy is not closing: "find out whether they want to switch", "nagaan of ze tekenen".
_ASKED = _rx(r"\b(whether|(find out|know|check|ask|see|learn|establish|determine|clarify|discuss|hear|gauge|test) if"
             r"|(weten|nagaan|vragen|navragen|checken|achterhalen|bespreken|afspreken|peilen|kijken|horen) of)\b"
             r"(\s+\S+){0,6}\s*$",
             # how they order is a fact to learn: "learn how they order paper", "horen wanneer ze bestellen"
             r"\b(how|when|where|what|which|who|why|hoe|wanneer|waar|wat|welke|wie|waarom)\b(\s+\S+){0,2}\s*$")
# Open-ended time ("at some point", "ooit"): no moment to check the goal against.
_OPEN_ENDED = _rx(
    r"\b(at some (point|stage)|some ?day|sometime|eventually|in (the )?future|in due course",
    r"ooit|op (een gegeven|enig) moment|op den duur|te zijner tijd|tzt|op termijn|in de toekomst)\b",
    # waiting for something with no date: "until the budget is there", "tot er budget is"
    r"\b(until|till|totdat|tot (er|ze|zij|hij|de|het|hun))\b(\s+\S+){0,5}?\s+(is|are|has|have|comes?|arrives?|there"
    r"|ready|klaar|beschikbaar|available|komt|zijn|heeft|hebben)\b",
)
# An outcome left to chance ("and see what happens", "hopefully a good result", "kijken hoe het gaat"): a goal
# that ends like that, with nothing checkable in it, has no concrete aim, whatever it is about.
_HEDGE = _rx(
    r"\b(see|seeing|wait and see) (what|how) (happens|it goes|things go|(it|things) (is|are) going|it turns out"
    r"|it works out|it lands|they react|they respond|it develops)\b",
    r"\bsee where (it|this|things) (goes|go|lead|leads|end up|ends up)\b",
    r"\bhopefully\b|\bhop(e|ing) (for|that|to)\b|\b(a|an) (good|positive|nice|decent) (result|outcome)\b",
    r"\btake it from there\b|\bwhatever comes\b",
    r"\b(kijken|zien) (hoe|wat|waar) (het|dat|alles|er|ze|zij|de klant|het schip)\b(\s+\S+){0,2}\s*(gaat|loopt"
    r"|uitpakt|afloopt|valt|landt|komt|gebeurt|strandt|eindigt|reageert|reageren|vindt|vinden|zegt|zeggen)\b",
    r"\bafwachten\b|\bhopelijk\b|\bhopen (op|dat|te)\b",
    r"\b(een )?(goed|positief|mooi) (resultaat|uitkomst)\b|\bgoede (afloop|uitkomst)\b",
)

_EXAMPLE = {
    VisitType.FIRST: N_("At the end of the visit I know their current supplier, the contract end date and who "
                        "decides, and we have agreed on a follow-up appointment within two weeks."),
    VisitType.FOLLOWUP: N_("By the end of the meeting we agree on the solution that fits their requirements, "
                           "and I have a date to present the proposal."),
    VisitType.QUOTE: N_("Before the end of the visit we go through the quote together and agree on the order, "
                        "or I know exactly why not."),
    VisitType.AFTERSALES: N_("During this visit we agree together on two improvements to the service and plan "
                             "the next review within three months."),
}


def _before(pattern: re.Pattern[str], s: str) -> list[str]:
    """The text before each match of ``pattern``."""
    return [s[: m.start()] for m in pattern.finditer(s)]


_DAY_OF_MONTH = _rx(rf"\b\d{{1,2}}(st|nd|rd|th|e)? (of )?({_MONTHS}|may)\b",
                    rf"\b({_MONTHS}|may) \d{{1,2}}(st|nd|rd|th)?\b")
# A percentage of nothing named ("50% further", "100% committed") is no concrete subject.
_PERCENT = _rx(r"\b\d+([.,]\d+)? ?(%|percent\b|procent\b)")
_PERCENT_OF = _rx(r"\b\d+([.,]\d+)? ?(%|percent\b|procent\b)( \S+)?")  # with what it is a percentage of


def _specific(rest: str) -> bool:
    """A number or a word that names something, once vague phrases, relationships and percentages are out."""
    rest = _PERCENT.sub(" ", without_vague_phrases(rest))
    return bool(_NUMBER.search(rest)) or bool(subject_words(rest))


def _acceptable(s: str) -> tuple[bool | None, str | None]:
    """False for pressure or discount as the goal, whatever else it says; True when it states their benefit, a
    mutual interest or an agreement; False for a one-sided goal without such a statement; else None."""
    if _PUSHY.search(s):
        return False, "pushy"
    if any(not _NO_DISCOUNT.search(before) for before in _before(_DISCOUNT, s)):
        return False, "discount"
    if _MUTUAL.search(s):
        return True, None
    return (False, "one-sided") if _ONE_SIDED.search(s) else (None, None)


_NUMBER_WORDS = {w: n for n, names in enumerate((
    "zero nul", "one een", "two twee", "three drie", "four vier", "five vijf", "six zes", "seven zeven", "eight acht",
    "nine negen", "ten tien", "eleven elf", "twelve twaalf"), start=0) for w in names.split()}
_NUMBER_WORDS.update({w: n for n, names in enumerate((
    "thirteen dertien", "fourteen veertien", "fifteen vijftien", "sixteen zestien", "seventeen zeventien",
    "eighteen achttien", "nineteen negentien", "twenty twintig"), start=13) for w in names.split()})
_NUMBER_WORDS.update({w: 10 * n for n, names in enumerate((
    "thirty dertig", "forty veertig", "fifty vijftig", "sixty zestig", "seventy zeventig", "eighty tachtig",
    "ninety negentig", "hundred honderd"), start=3) for w in names.split()})
_NUMBER_WORDS.update({"a hundred": 100, "thousand": 1000, "duizend": 1000})
_AMOUNT = r"(\d+(?:[.,]\d{3})*|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + ")"
# "from two to fifty branches", "van 5 naar 80 licenties": not a date range ("from 1 to 15 March") or hours
_MONEY = r"(?:(?:€|\$|£|eur|euro) ?)?"  # an amount of money counts like any other: "from €8,000 to €80,000"
_FROM_TO = re.compile(rf"\b(from|van) {_MONEY}{_AMOUNT} (to|naar|tot|up to) {_MONEY}{_AMOUNT}"
                      rf"\b(?!\s?([:.]\d|(am|pm|uur|o'clock"
                      rf"|{_MONTHS}|{_MONTH_ABBR})\b))")
_GROW = _rx(r"\b(increas\w*|grow\w*|rais\w*|expand\w*|bring\w*|brought|take|taking|get|push\w*|scal\w* up"
            r"|boost\w*|lift\w*|verhog\w*|brengen|breng\w*|uitbreid\w*|uit te breiden|laten groeien|opschal\w*"
            r"|op te schalen|opvoer\w*|op te voeren|laten stijgen|optrekken|op te trekken)\b")
# "ten times as many orders", "vijf keer zoveel bestellingen" ("three times more" is ambiguous, so left out)
_TIMES = re.compile(rf"\b{_AMOUNT} ?(times|x|keer|maal) (as (much|many)|zo ?veel)\b"
                    # "ten times their yearly spend", "honderd keer de huidige jaaromzet"
                    rf"|\b{_AMOUNT} ?(times|x|keer|maal) (their|the|its|his|her|hun|de|het|zijn|haar) (\S+ ){{0,3}}?"
                    r"(\w*spend|\w*revenue|turnover|sales|\w*budget|\w*volumes?|purchases|\w*omzet|inkoop\w*|afname"
                    r"|uitgaven)\b"
                    # "ten times the quoted number of vans", "tien keer het aantal machines uit de offerte"
                    rf"|\b{_AMOUNT} ?(times|x|keer|maal) (the|their|its|hun|de|het|zijn|haar) (\S+ ){{0,2}}?(number"
                    r"|amount|quantity|aantal|hoeveelheid)\b")
_PERCENT_AFTER = re.compile(r"\s?(%|percent\b|procent\b)")


def _amount(text: str) -> float:
    return float(text.replace(",", "").replace(".", "")) if text[0].isdecimal() else float(_NUMBER_WORDS[text])


def _multiplies(s: str) -> bool:
    """A target that multiplies what they buy: "three times as many" (like tripling), or growing "from 2 to 50"
    (five times or more: "from 1 to 3 sites" for a pilot can be done). Tenfold or more needs no verb of growth
    ("laten overstappen van 2 naar 200 leaseauto's"), unless it is a percentage (a rate from 9 to 95%)."""
    if any(_amount(next(g for g in m.groups() if g and g[0].isalnum())) >= 3 for m in _TIMES.finditer(s)):
        return True
    ratios = [(_amount(m.group(2)), _amount(m.group(4)), m.end()) for m in _FROM_TO.finditer(s)
              if _amount(m.group(2)) > 0]
    # (without a verb of growth, "from 1 to 10" is a scale: "score the service from 1 to 10")
    return any(high >= 5 * low and _GROW.search(s)
               or low > 1 and high >= 10 * low and not _PERCENT_AFTER.match(s, end) for low, high, end in ratios)


def _realistic(s: str, visit_type: VisitType) -> tuple[bool, str | None]:
    if _ABSURD_ANY.search(s) or _multiplies(s):
        return False, "absurd"
    if visit_type in (VisitType.QUOTE, VisitType.AFTERSALES):
        return True, None
    if _ABSURD.search(s):
        return False, "absurd"

    def now(m: re.Match[str]) -> bool:
        before, after = s[: m.start()], s[m.end():]
        if visit_type is VisitType.FOLLOWUP:
            before, after = _THIS_FOLLOWUP.sub(" ", before), _THIS_FOLLOWUP.sub(" ", after)
        return not (_LATER.search(before) or _ASKED.search(before) or _DEFERRED.search(after))

    if any(now(m) for m in _CLOSE.finditer(s)):
        return False, "close"
    if visit_type is VisitType.FIRST and any(now(m) for m in _OFFER.finditer(s)):
        return False, "quote"
    return True, None


def check(goal: str, visit_type: VisitType, t: Translator, lang: str | None = None) -> SmartVerdict:
    """Check a visit objective against SMART for the given visit type; feedback is translated with ``t``.

    ``lang`` is the goal's language (detected when None); rules of both languages apply either way.
    """
    _ = t.gettext
    lang = lang or detect_language(goal)  # noqa: F841 - kept for the API; rules are bilingual
    s = normalize(goal).rstrip(".!")
    time_bound = bool(_TIME.search(s))
    # what the goal is about, without its deadline (the day of a date too: "by 1 March" names no subject)
    rest = _OPEN_ENDED.sub(" ", _TIME.sub(" ", _DAY_OF_MONTH.sub(" ", s)))
    specific = _specific(rest)
    aim = _AUDIENCE.sub(" ", _PURPOSE.sub("", rest))  # what the visit itself achieves
    # a number counts only for a goal about something: "get things moving, 50% further" has nothing to count, and
    # "100% committed" is a degree of a mood, not a commitment obtained
    if not specific:
        aim = _PERCENT_OF.sub(" ", aim)
    counted = _NUMBER.search(aim)
    measurable = bool(counted or _DELIVERABLE.search(aim) or _CLOSE.search(aim) or _OFFER.search(aim)
                      or _OUTCOME.search(aim)
                      or (_KNOW.search(aim) and _FACT.search(aim) and not _MORE.search(aim)))
    # "Close the deal at some point": with no moment and no concrete outcome there is nothing to check. A named
    # outcome ("at some point, the order for the packaging") can still be checked; it is only not time-bound.
    if _OPEN_ENDED.search(s) and not time_bound and not specific:
        measurable = False
    if _HEDGE.search(rest) and not measurable:  # "discuss the quote and see how it goes"
        specific = False
    acceptable, why_not_acceptable = _acceptable(s)
    realistic, why_not_realistic = _realistic(s, visit_type)

    feedback = _feedback(t, visit_type, specific=specific, measurable=measurable, time_bound=time_bound,
                         why_not_acceptable=why_not_acceptable, why_not_realistic=why_not_realistic)
    return SmartVerdict(specific=specific, measurable=measurable, acceptable=acceptable, realistic=realistic,
                        time_bound=time_bound, feedback=feedback)


def _feedback(t: Translator, visit_type: VisitType, *, specific: bool, measurable: bool, time_bound: bool,
              why_not_acceptable: str | None, why_not_realistic: str | None) -> list[str]:
    """One short line per failed criterion, then one example; acceptable only when the goal is one-sided."""
    _ = t.gettext
    lines = []
    if not specific:
        lines.append(_("Specific: say what you want to know or agree, and with whom."))
    if not measurable:
        lines.append(_("Measurable: name what you can check afterwards, such as a fact known or an appointment "
                       "booked."))
    if why_not_acceptable == "pushy":
        lines.append(_("Acceptable: pressure is one-sided; aim for an outcome in both parties' interest."))
    elif why_not_acceptable == "discount":
        lines.append(_("Acceptable: discount is never an objective; aim for value to both sides."))
    elif why_not_acceptable == "one-sided":
        lines.append(_("Acceptable: this serves only your side; say what is in it for them."))
    if why_not_realistic == "absurd":
        lines.append(_("Realistic: aim for a step one visit can achieve."))
    elif why_not_realistic and visit_type is VisitType.FIRST:
        lines.append(_("Realistic: an order or a quote comes too early in a first visit; first learn their "
                       "needs, budget and DMU."))
    elif why_not_realistic:
        lines.append(_("Realistic: in a follow-up visit, propose a solution that fits their requirements; the "
                       "signed order comes later."))
    if not time_bound:
        lines.append(_("Time-bound: add a moment, such as 'at the end of the visit' or a date."))
    if not lines:
        return [_("This objective is SMART: afterwards you can tell whether you reached it.")]
    lines.append(_('For example: "{example}"').format(example=t.gettext(_EXAMPLE[visit_type])))
    return lines
