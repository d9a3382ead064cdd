"""SPIN questions (docs/method.md, "SPIN questions"): classify, suggest, and check the balance.

Classification is rule based, English and Dutch. A question is as deep as its deepest signal:
need-payoff beats implication, implication beats problem, and anything else is a situation question.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from enum import StrEnum

from coach.i18n import N_, Translator


class SpinKind(StrEnum):
    SITUATION = "situation"
    PROBLEM = "problem"
    IMPLICATION = "implication"
    NEED_PAYOFF = "need-payoff"


SPIN_ORDER = (SpinKind.SITUATION, SpinKind.PROBLEM, SpinKind.IMPLICATION, SpinKind.NEED_PAYOFF)

SPIN_LABELS = {
    SpinKind.SITUATION: N_("situation"),
    SpinKind.PROBLEM: N_("problem"),
    SpinKind.IMPLICATION: N_("implication"),
    SpinKind.NEED_PAYOFF: N_("need-payoff"),
}


def normalize(text: str) -> str:
    """Lower case, straight quotes, no diacritics (vóór -> voor, één -> een), single spaces."""
    text = unicodedata.normalize("NFKD", text.replace("\u2019", "'").replace("\u2018", "'"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.lower().split())


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9%']+(?:-[a-z0-9]+)*", text)


# --- language ---------------------------------------------------------------------------------

_NL_WORDS = frozenset(
    "hoe wat welke welk hoeveel jullie uw u je jij zou zouden waarom wie waar wanneer de het een van "
    "er zijn niet geen met voor dat dit bij als wordt worden kunt kan heeft hebt heb hebben op naar nog "
    "ook al om te aan uit dan daar hier meer ik wij ons onze mijn bent gaat kost doet moet wil wilt "
    "komt staat eens nu vindt zit zitten tot door na binnen tijdens bezoek gesprek afspraak klant "
    "leverancier eind einde vrijdag maandag dinsdag woensdag donderdag zaterdag zondag week weken "
    "maand maanden jaar krijgen weten maken samen zodat hun ze zij hij wel nieuwe huidige".split()
)
_EN_WORDS = frozenset(
    "the a an you your do does did what how which why who where when would could should have has "
    "are were with for that this to and it they their them we our can will be get if by at on from "
    "about there much many any know visit meeting customer supplier end friday monday tuesday "
    "wednesday thursday saturday sunday weeks months year make agree together so than my i "
    "new current next".split()
)


def detect_language(text: str) -> str:
    """'nl' or 'en', by counting common words of each language (ties: Dutch spelling hints)."""
    toks = words(normalize(text))
    nl = sum(t in _NL_WORDS for t in toks)
    en = sum(t in _EN_WORDS for t in toks)
    if nl != en:
        return "nl" if nl > en else "en"
    joined = " ".join(toks)
    nl_hints = len(re.findall(r"ij|oe|ui|aa|uu|sch|\w{3,}en\b", joined))
    en_hints = len(re.findall(r"th|wh|sh|\w+ing\b|\w+ed\b|\w+ly\b|\w+tion\b", joined))
    return "nl" if nl_hints > en_hints else "en"


# --- vocabulary -------------------------------------------------------------------------------


def _rx(*parts: str) -> re.Pattern[str]:
    return re.compile("|".join(parts))


# Leaving things as they are: doing nothing, carrying on the present way, staying with what they have. Its cost is
# the consequence of the problems they live with ("what would happen if you did nothing", "als u zo doorgaat").
_GO_ON_NL = r"(door|verder ?)(gaat|gaan|ga|werkt|werken|werk|draait|draaien|doet|doen|modder\w*)"
_STATUS_QUO = {
    "en": (
        r"(do|does|did|doing|done) nothing|nothing (changes|changed|is done|gets done|happens)|status quo"
        r"|(leave|leaves|left|keep|keeps) (it|things|everything|that|this) (as (it is|they are)"
        r"|the way (it is|they are))"
        # "carry on as you do now", "keep working like this", "stick with the current system"
        r"|(carry|carries|carrying|go|goes|going) on (like this|this way|as (you|they|it) (do|does|are|is)"
        r"( now| today)?|as before)"
        r"|(keep|keeps|continue|continues|stay|stays|remain|remains)\b(\s+\S+){0,2}\s+(like this|this way"
        r"|as (you|they) (do|are)( now| today)?|the way (you|they) (do|are)( now| today)?|as before)"
        r"|(stay|stays|stick|sticks|remain|remains|continue|continues|carry on|keep going)( on)? with (the|your|their)"
        r" (current|existing|present|old)"
        # the thing named in between: "left the maintenance contract as it is", "kept the current rota"
        r"|(leave|leaves|left|keep|keeps|kept)\b(\s+\S+){1,4}\s+(exactly |just )?(as (it is|they are|is)|unchanged"
        r"|the way (it is|they are))|(keep|keeps|kept) (the|your|their) (current|existing|present|old)"
    ),
    "nl": (
        r"(niets|niks) (doet|doen|deed|deden|onderneemt|ondernemen|verandert|veranderen|gebeurt)|status quo"
        r"|(alles )?(bij het oude|blijft zoals het is|laat zoals het is|zo laat)"
        # "als u zo doorgaat", "op deze manier verder werkt", "bij het huidige systeem blijft"
        r"|(zo|zoals nu|op deze manier|op de huidige manier|op de oude voet)\b(\s+\S+){0,2}\s+(" + _GO_ON_NL
        + r"|blijft|blijven)"
        r"|(" + _GO_ON_NL + r"|blijft|blijven)\b(\s+\S+){0,3}\s+(zoals nu|op deze manier|op de huidige manier)"
        r"|(bij|met) (het|de|uw|jullie|hun) (huidige|bestaande|oude)\b(\s+\S+){1,3}\s+(blijft|blijven|blijf|"
        + _GO_ON_NL + ")"
        # the thing named in between: "als u het contract nog twee jaar zo laat", "de planning op deze manier laat"
        r"|(zo|zoals (het|ze) (is|zijn)|op deze manier|op de huidige manier|ongewijzigd) (laat|laten|houdt|houden)"
    ),
}
_STATUS_QUO_RX = {lang: re.compile(rf"\b({pattern})\b") for lang, pattern in _STATUS_QUO.items()}
# Bad things that happen: they make a question about a problem and give a clause a negative tone.
_BAD = {
    "en": _rx(
        r"\b(problems?|issues?|trouble|wrong|fail\w*|break(s|ing)? down|breakdowns?|broke|broken|downtime",
        r"stand(s|ing)? still|standstill|stops?|stopped|delay\w*|late|lateness|errors?|mistakes?|defect\w*",
        # "waste" the material ("how waste is collected", "waste separation") is a subject, not a loss
        r"wast(es|ed|ing)|waste(?! (is |are |gets |was )?(collect\w*|separat\w*|sort\w*|dispos\w*|management|streams?"
        r"|process\w*|handl\w*|bins?|containers?|contractors?|removal|pick-?ups?|recycl\w*|haul\w*|transport\w*))",
        r"bottlenecks?|complain\w*|miss|misses|missed|missing|lose|loses|losing|lost",
        r"loss|losses|outages?|goes down|went down|go down|is down|crash\w*|shortages?|penalt\w*|fines|fined",
        r"(low|lower|poor|weak) (\S+ )?(completion|participation|attendance|uptake|occupancy|morale|turnout|adoption"
        r"|engagement|response|utili[sz]ation|usage|availability|uptime)( rates?)?",
        r"false alarms?|power (cuts?|failures?)|blackouts?",
        r"damage\w*|overtime|extra (work|costs?|hours|time|pressure)|rework|scrap|disruption\w*",
        r"interruption\w*|out of stock|stock-?outs?|accidents?|absenteeism|sick|ill|absent|bankrupt\w*|quits?",
        # too few hands, people waiting, bad marks: "short-staffed", "the longest queues", "bad reviews", "sit idle"
        r"short-?staffed|understaffed|undermanned|queues?|queuing|(long|longer|longest) (wait\w*|lines)|idle",
        r"bad|worse|worst|poor|negative (reviews?|feedback|publicity|ratings?|press)",
        # records that are wrong or incomplete, equipment that malfunctions
        r"incomplete|inaccurate|incorrect|out of date|malfunction\w*|faults?|faulty|glitch\w*|bugs?",
        r"behind schedule|(fall|falls|falling|fallen|fell) behind|slippage|slipped|slipping|overrun\w*|overdue",
        r"over budget|reject(s|ed|ion|ions)?",
        # goods gone off or out of spec, and a degree beyond what is wanted: "spoiled batches", "colour deviations",
        # "too late", "too slow"
        r"spoil(ed|t|s|ing|age)?|go(es|ne)? off|deviat\w*|out of spec\w*|off-spec",
        r"too (late|slow|long|high|expensive|few|little|often|early)",
        # running over time or short of something: "keeps running over", "run short of gloves" (not "run over the list")
        r"(run|runs|running|ran) over\b(?! (the|a|an|your|our|their|this|that|it|them)\b)|(run|runs|running|ran) short"
        # out of supplies, not a contract that runs out (ends) or trucks run out of a depot (from it)
        r"|(run|runs|running|ran) out of (?!(the|a|an|our|your|their|this|that)\b)",
        # work on top of the job or done twice: "the extra manual checks", "duplicate work"
        r"(extra|additional|duplicate|double) (\w+ )?(checks?|work|paperwork|steps?|trips?|handling|admin\w*|shifts?)",
        # work that gets stuck or piles up; claims for what went wrong (returns are a process: "what do you do with
        # returns"); going without what the job needs
        r"stuck|jam(s|med|ming)?|clogg(ed|ing)|clogs?|pil(e|es|ed|ing) up|backlogs?|(warranty|liability) claims?",
        r"without (the |a |an |any )?(right|correct|proper|necessary|required|needed|relevant) \w+",
        _STATUS_QUO["en"],
        # work done twice or for nothing
        r"(has|have|had|need|needs|needed) to (come|go|drive|return)( back)? (twice|again|a second time)",
        r"redo(ne)?|re-?do(ing)?|re-?ent(er|ered|ering)|re-?key\w*|double (work|entry|data entry)|in vain|for nothing",
        r"wasted (trip|journey|visit|effort)",
        # people leaving, errors named with mis-, costs that are high: "staff turnover", "misprints"
        r"(staff|employee|personnel|labou?r|workforce) turnover|turnover among",
        r"turnover (of|in) (your |the |their |our )?(staff|employees|people|personnel|team|workforce|\w+ers)",
        r"mis(print|pick|feed|deliver|rout|label|load|ship|calculat|match|read|fire|cut|judg)\w*",
        r"(high|higher|rising|soaring|steep|hefty) (\w+ )?(costs?|prices?|bills?|invoices?|premiums?|rates)",
        # a delay with its size: "a day later", "two hours later"
        r"(an?|one|\d+|two|three|four|several|few|couple of) (minutes?|hours?|days?|weeks?) later)\b",
    ),
    "nl": _rx(
        # Dutch compounds carry the bad noun at the end: capaciteitsproblemen, voorraadtekorten
        r"\b(\w*(problee?m|storing|vertraging|klacht|fout|tekort|achterstand|misverstand)\w*|uitval\w*|uitvalt",
        r"(lage|lagere|laag|slechte|matige|zwakke) (\S+ )?(deelname|opkomst|bezetting|bezettingsgraad|motivatie"
        r"|betrokkenheid|respons|benutting|beschikbaarheid|uptime|animo)",
        r"stilstand|stilstaat|stilstaande?n?|stilval\w*|stilgevallen|stilgelegd|stil (staat|staan|ligt|liggen)",
        # work that gets stuck or piles up; claims for what went wrong; going without what the job needs, or the
        # wrong thing
        r"(blijven|blijft|bleef|bleven)\b(\s+\S+){0,4}\s+(hangen|steken)|opstopping\w*|(stapelt|stapelen) (zich )?op",
        r"garantieclaims?|reclamatie\w*",
        r"zonder (het |de |een )?(juiste|benodigde|nodige|goede|correcte|vereiste) \w+|verkeerde?n?",
        r"plat (ligt|gaat)|kapot\w*|defect\w*|te laat|misgaat|mis (gaat|gaan|ging|loopt)|vastlo\w*|vastgelopen",
        r"boete\w*|schade|verlie[sz]\w*|verloren|overuren|extra (werk|kosten|uren|tijd|druk)",
        # damage and its compounds ("beschadigd raken", "transportschade"), false alarms, things that go missing
        r"beschadig\w*|\w+schade(s|n)?|(vals|valse|loos|loze) (alarm\w*|melding\w*)",
        r"zoek (raakt|raken|raakte|raakten|geraakt)|zoekgeraakt|zoekraken|zoekraakt",
        r"(raakt|raken|raakte|raakten)\b(\s+\S+){1,5}\s+(zoek|kwijt)\b",
        r"traag|trage|trager|onderbezet\w*|wachtrij\w*|(lange|langere|langste) (wachttijd\w*|rijen)|stilzitten",
        r"slechte?r?|slechtste|negatieve (recensies|reviews|beoordelingen|feedback|publiciteit)",
        r"onderbreking\w*|ongeluk\w*|gemist\w*|verzuim|ziek|zieke|ziekte\w*|ziekmeld\w*|crash\w*",
        r"herstell?\w*|verspill\w*|failliet|mislukt\w*|misgrijp\w*|onvolledig\w*|incompleet|onjuist\w*",
        # participles also as attributive adjectives: "een vertraagde zending", "uitgestelde leveringen"
        r"hapert|haperen|hapering\w*|vertraagde?n?|uitgestelde?n?|uitloop\w*|faal\w*|falen|gefaalde?n?",
        r"achter (op )?(het )?schema|achterlo\w*|(loopt|lopen|liep|liepen) (\w+ ){0,3}achter",
        r"overschrijd\w*|overschreden|over de deadline|over het budget|afgekeurd\w*|afkeur\w*",
        # goods gone off or out of spec, and a degree beyond what is wanted: "bedorven partijen", "kleurafwijkingen",
        # "een te late levering", "te trage service"
        r"bedorven|bederf\w*|\w*afwijking\w*|buiten (de )?spec\w*",
        r"te (laat|late|traag|trage|lang|lange|hoog|hoge|duur|dure|weinig|vaak|vroeg)",
        _STATUS_QUO["nl"],
        r"(een|\d+|twee|drie|vier|paar|enkele) (minuten|minuut|uur|uren|dag|dagen|week|weken) later",
        # work done twice or for nothing: "opnieuw plannen", "dubbel werk", "voor niets langskomen"
        r"opnieuw (\w+ )?(plannen|doen|maken|invoeren|leveren|versturen|printen|drukken|rijden|inpakken)|overdoen",
        r"opnieuw (moet|moeten|moest|moesten)\b|extra (\w+ )?(controles?|papierwerk|stappen|ritten|handelingen"
        r"|administratie)",
        # going wrong, running over or out: "loopt het spaak", "uit de hand", "lopen uit", "raakt de voorraad op"
        r"spaak|uit de hand|\b(loopt|lopen|liep|liepen)\b(\s+\S+){0,3}\s+uit\b(?! (de|het|een)\b)",
        r"\b(raakt|raken|raakte|raakten)\b(\s+\S+){0,5}\s+op\b(?! (de|het|een|tijd)\b)",
        r"(moet|moeten|moest|moesten) (\S+ ){0,2}(terug|opnieuw|nog een keer|twee keer|een tweede keer)"
        r" (komen|rijden|langs)",
        r"dubbel (werk|invoeren)|dubbele (\w+ )?(invoer|registratie|werk|controles?)",
        r"voor niets|voor niks|(te)?vergeefs\w*",
        # what is missing, people leaving, errors named with mis-, costs that are high
        r"ontbre\w*|personeelsverloop|(hoog|hoge|groot|grote) verloop|verloop (onder|bij)",
        r"verloop (van|in) (het |de |uw |jullie )?(personeel|medewerkers|mensen|team|\w+(ers|eurs|kundigen))",
        r"mis(druk|ser|grep|greep|reken|lever|pick|boek|slag|stap|bak|lukking)\w*",
        r"(hoge|hogere|stijgende|torenhoge|forse) (\w+ )?(\w*kosten|\w*prijs|\w*prijzen|\w*rekening\w*|premies?"
        r"|tarieven))\b",
        # separable failure verbs: "vallen ... uit", "ligt ... stil", "loopt ... vast", "gaat ... mis"
        r"\b(valt|vallen|viel|vielen)\b(\s+\S+){0,5}\s+(uit|stil)\b",
        r"\b(ligt|liggen|lag|lagen|staat|staan|stond|stonden)\b(\s+\S+){0,5}\s+stil\b",
        r"\b(loopt|lopen|liep|liepen)\b(\s+\S+){0,5}\s+vast\b",
        r"\b(gaat|gaan|ging|gingen|loopt|lopen|liep|liepen)\b.*\bmis\b",
    ),
}
# More than it should be is the problem itself, even when it is counted in time or money: "which part of the order
# process takes longer than it should", "welk onderdeel kost meer tijd dan nodig".
_EXCESS = {
    "en": r"(longer|more|slower|later|harder|costlier|more often|more expensive)\b(\s+\S+){0,2}\s+than"
          r" (it |they |you |we |i |you'd |they'd |we'd |i'd )?(should|ought|needs?|necessary|needed|expected|planned"
          r"|hoped|agreed|promised|would like|want|wanted|like)",
    "nl": r"(langer|meer|trager|later|vaker|duurder|moeilijker|lastiger)\b(\s+\S+){0,3}\s+dan (nodig|gewenst"
          r"|verwacht|gepland|gehoopt|afgesproken|beloofd|de bedoeling|het zou moeten|zou moeten|(u|je|jullie|we|wij) "
          r"(\S+ )?(wil|wilt|willen|wenst|zou|zouden))",
}
_EXCESS_RX = {lang: re.compile(rf"\b({pattern})\b") for lang, pattern in _EXCESS.items()}
# The cost of an event, with "it" standing for the event: "what does it cost you when a technician has to come back",
# "wat kost het als een wagen leeg terugrijdt". Not what they spend on something ("how much do you spend on cleaning
# when the season starts"): that is a fact.
_EVENT_COST = {
    "en": _rx(r"\b(it|this|that)\b(\s+\S+){0,2}\s+cost\b|\bcost(s|ing)? (it|this|that)\b"
              r"|\bcosts? (to|for) (you|them|your \w+)\b|\b(extra|more)\b(\s+\S+){0,3}\s+(pay|pays|paid)\b"
              r"|\b(pay|pays|paid) (\S+ ){0,2}(extra|more)\b"),
    "nl": _rx(r"\bkost(en|te|ten)? (het|dat|dit)\b|\b(het|dat|dit) (\S+ ){0,2}(kost|kostte)\b"
              r"|\bkosten (voor|van) (u|jullie|uw \w+)\b|\b(extra|meer)\b(\s+\S+){0,3}\s+(betaalt|betalen|betaald)\b"
              r"|\b(betaalt|betalen|betaald) (\S+ ){0,3}(extra|meer)\b"),
}
# Dissatisfaction and difficulty: problem questions.
_PROBLEM = {
    "en": _rx(
        r"\b(difficult\w*|hard to|hardest|harder|struggl\w*|challeng\w*|bother\w*|annoy\w*|frustrat\w*",
        # how the current solution is experienced: "how do you experience working with", "how is the ERP working out"
        r"(how|what) do (you|they|your \w+) experience|experiences? (with|of) (the|your|their) (current|present|new"
        r"|existing)|\b(is|are|has|have|was)\b(\s+\S+){0,4}\s+(working|worked) out|getting on with"
        r"|(the most|a lot of|so much|much|lots of|most) effort",
        r"dissatisf\w*|unhappy|satisf\w*|happy (with|about)|happy are|worr\w*|concern\w*|risks?|weak\w*",
        r"disadvantages?|downsides?|drawbacks?|lack\w*|shortcomings?|limitations?|obstacles?|hurdles?",
        r"irritat\w*|disappoint\w*|stress\w*|pressure|improve\w*|better|reliable|unreliable|outdated",
        r"slow\w*|expensive|costly|complicated|cumbersome|time-consuming|inefficien\w*|pain\w*",
        r"headaches?|like least|dislike|keeps? you (up|awake)|room for improvement",
        # what does not fit their needs: "which parts of the contract do not meet your needs"
        r"(don't|doesn't|didn't|do not|does not|did not|not|no longer|never) (quite |really |fully )?(meet|meets|fit"
        r"|fits|match|matches|suit|suits|cover|covers)",
        r"(don't|do not|doesn't|isn't|aren't|not) (like|work|working|good|well|enough|ideal)",
        r"(don't|doesn't|didn't) (you|they|your \w+) (like|enjoy|appreciate)|let(s|ting)? (\S+ ){0,3}down",
        r"(would|like to|want to) change|would you change|change about|expectations|underperform\w*|keep up",
        r"(feel|think) about (your|the) (current|present|existing)|think of (your|the) (current|present|existing)",
        r"holding (you|them) back|nois\w*|dirty|messy|unsafe|dangerous|uncomfortable",
        # falling short of expectations, obstacles met
        r"fall(s|ing)? short|fell short|let(s|ting)? (you|them|your \w+) down|run(s|ning)? into|ran into",
        r"(come|comes|came|coming) up against|in the way|hinder\w*|hamper\w*|irk\w*|hiccups?|snags?",
        r"too (much|many|long|slow|few|little|expensive|complex|often|high)",
        _EXCESS["en"],
        # how hard something is, effort that should not be needed, what holds them back
        r"hard ((is|was) it |it is )?(for (you|them|us|him|her|your \w+|the \w+) )?to",
        r"(so|too|very|quite|really|rather|pretty|that) hard|tough(er|est)?|trick(y|ier|iest)|awkward",
        r"unnecessar\w*|needless\w*|pointless|superfluous",
        r"(keeps?|kept|stops?|stopped|prevents?|prevented) (\S+ ){0,3}from \w+ing|friction|clunky",
        # negated qualities: "inconvenient", "impractical", "unclear"
        r"inconvenien\w*|impractical|unwieldy|unclear|confusing|unintuitive|user-unfriendly)\b",
    ),
    "nl": _rx(
        r"\b(knelpunt\w*|lastig\w*|moeilijk\w*|moeite|moeizaam|uitdaging\w*|ontevreden|tevreden\w*",
        # how the current solution is experienced, where it chafes: "hoe ervaart u", "hoe bevalt", "waar wringt het"
        r"hoe (ervaart|ervaren|beleeft|beleven) (u|je|jullie|uw \w+)|ervaring(en)? met (de|het|uw|jullie|hun) (huidige"
        r"|nieuwe|bestaande)|(hoe )?bevalt|bevallen|wring\w*|schuurt|schuren",
        r"erger\w*|irrit\w*|frustr\w*|klagen|zorgen (over|maakt|maken|heeft|hebt)|bezorgd|risico\S*",
        r"(welke|uw|grootste|de) zorgen|nadee?l\w*|verwachting\w*|voldoe\w*|pijnpunt\w*|belemmer\w*",
        r"vindt (u|je|jullie) van (uw|je|jullie|de|het) huidige|houdt\b.*\btegen|bijbenen|bij te benen",
        # keeping up, not keeping records: "kunnen jullie de vraag nog bijhouden", "lukt het om ... bij te houden"
        # (in the same clause: "kunt u beschrijven hoe jullie de administratie bijhouden" asks for facts)
        r"(kan|kunt|kunnen|kon|konden|lukt|lukte|lukken|niet|amper|nauwelijks)\b(\s+(?!(hoe|wat|welke|waar|wie|wanneer"
        r"|of|dat)\b)\S+){0,8}\s+(bijhouden|bij te houden|bijbenen|bij te benen)",
        r"lawaai\w*|herrie|vies|onveilig|gevaarlijk|rommelig",
        # what bothers or hinders them, (dis)content
        r"dwarszit\w*|dwars (zit|zitten|zat)|zit\w* (\w+ ){0,4}dwars|stoort|storen|storend|hinder\w*|in de weg",
        r"blij (mee|met|over)|(niet|minder) blij|stuit\w*|gestuit|aanlopen tegen",
        r"(loopt|lopen|liep|liepen)\b(\s+\S+){0,6}\s+tegen\b(\s+\S+){0,4}\s+aan",
        r"minpunt\w*|zwak\w*|verbeter\w*|beter|betrouwbaa?r\w*|onbetrouwbaa?r\w*|verouderd\w*|trage",
        r"langzaam|omslachtig\w*|tijdrovend\w*|ingewikkeld\w*|inefficien\w*|mist|missen",
        r"tegenaan|knelt|last van|teleurgest\w*|tegenval\w*|vastlo\w*|loopt vast|stroef|druk|stress",
        r"te (veel|lang|duur|weinig|ingewikkeld|complex|vaak|hoog|groot|klein)",
        _EXCESS["nl"],
        r"(willen|wilt|wil)\b.*\bveranderen|zou (u|je|jullie)\b.*\bveranderen",
        r"niet (goed|lekker|soepel|tevreden|optimaal|ideaal)|(werkt|werken|loopt|lopen) (\w+ )?niet",
        r"kan (er )?beter|beter kan|beter kunnen",
        # what holds them back, how hard something is, effort that should not be needed
        r"weerhoudt|weerhouden|belet|beletten|wrijving",
        r"(zo|erg|best|nogal|heel|te) (zwaar|pittig|taai)|onnodig\w*|nodeloos|overbodig\w*|zonde (van|dat)",
        # negated qualities: "onhandig", "onpraktisch", "onoverzichtelijk", "gebruiksonvriendelijk"
        r"onhandig\w*|onpraktisch\w*|onoverzichtelijk\w*|onduidelijk\w*|\w*onvriendelijk\w*",
        # worries, what lets them down, what does not fit their needs: "kopzorgen", "laat het afweten", "sluit niet aan"
        r"kopzorg\w*|hoofdpijn\w*|(laat|laten|liet|lieten)\b(\s+\S+){0,4}\s+(afweten|in de steek)",
        r"(bevalt|bevallen|beviel|bevielen)\b(\s+\S+){0,3}\s+niet|niet (goed )?(bevalt|bevallen)",
        r"minder (goed|prettig|fijn)",
        r"(sluit|sluiten|sloot|sloten|past|passen|paste|pasten|voldoet|voldoen)\b(\s+\S+){0,3}\s+niet\b(\s+\S+){0,3}\s+"
        r"(aan|bij)|niet (meer )?(aansluit\w*|past|passen))\b",
    ),
}
# A short span of time, and work done: "ready in one hour", "in een dag klaar".
_SPAN_EN = (r"(a|an|one|a single|half an?|\d+|two|three|four|a few) (minutes?|hours?|days?|weeks?)|no time"
            r"|a day|an hour")
_DONE_EN = r"ready|done|finished|complete|completed|sorted|processed|solved|fixed|resolved|handled"
_SPAN_NL = r"(een|1|een half|anderhalve?|\d+|twee|drie|vier|een paar) (minuut|minuten|uur|dag|dagen|week|weken)"
_DONE_NL = r"klaar|gereed|af|rond|afgerond|verwerkt|opgelost|afgehandeld"
# Good outcomes: a hypothetical with these is about the value of a solution.
_GOOD = {
    "en": _rx(
        r"\b(solv\w*|fix(ed)?|resolved?|better|fast|faster|quicker|easier|simpler|cheaper|smoother|shorter",
        r"improv\w*|twice as|success\w*",
        r"sav(e|es|ed|ing|ings)|benefit\w*|gain|help(s|ed|ing|ful)?\b(?!-?desk)|useful|valuable|worth|reliable|on time",
        r"automat\w*|ideal|one place|fewer|less|reduced?|lower|halved?|cut|no longer",
        r"never (\w+ ){0,3}again|a thing of the past|without(?! (the |a |an |any )?(right|correct|proper|necessary"
        r"|required|needed|relevant) | (anyone|anybody|someone|somebody|any \w+) (notic|see|spot|know)\w*)"
        r"|eliminated?|avoid\w*|prevent\w*|get rid",
        r"free(s|d|ing)? up|real-time|insight|disappear\w*|vanish\w*|gone|accurate|up to date",
        # free of something bad ("error-free"), time won back
        r"\w+-free|seamless\w*|flawless\w*|win (\w+ )?back|won (\w+ )?back|get (\w+ )?back|reclaim\w*",
        # less load on them: "ease the load", "relieve the front desk", "take work off your plate"
        r"eas(e|es|ed|ing)|relie(f|ve|ves|ved|ving)|lighten\w*|simplif\w*|streamlin\w*|speed(s|ed|ing)? (\w+ )?up",
        r"take(s|n)? (\S+ ){0,3}off (your|their|his|her|the) (\S+ ){0,2}(plate|hands|shoulders)",
        # time or money won: "how much time would they win"
        r"(time|hours?|days?|minutes?|money|space|room|capacity) (\S+ ){0,5}(win|wins|won|gain|gains|gained)",
        r"(win|wins|won|gain|gains|gained) (\S+ ){0,3}(time|hours?|days?|minutes?|money|space|room|capacity)",
        # work finished in a short time, things in view: "ready in one hour", "visible at a glance"
        rf"({_DONE_EN})\b(\s+\S+){{0,2}}\s+(in|within) ({_SPAN_EN})|\b(in|within) ({_SPAN_EN})\b(\s+\S+){{0,2}}\s+"
        rf"({_DONE_EN})",
        r"visible|at a glance|transparent|in view)\b",
    ),
    "nl": _rx(
        r"\b(opgelost|oplossen|op te lossen|verholpen|verbeter\w*|beter|snel\w*|makkelijker\w*|eenvoudiger\w*",
        r"verleden tijd|succes\w*|automatiser\w*|twee keer zo",
        r"goedkoper\w*|korter\w*|bespa\w*|voordee?l\w*|winst|winnen|help(en|t)?\b(?!-?desk)|geholpen|nuttig|handig|waardevol|waard",
        r"betrouwbaa?r\w*|op tijd|automatisch\w*|ideaal|ideale|minder|lagere?|halveren|verlagen|verminderen",
        r"niet meer|nooit meer|zonder(?! (het |de |een )?(juiste|benodigde|nodige|goede|correcte|vereiste) | dat\b)",
        r"voorkom\w*|vermijd\w*|af te komen|verdwijn\w*|inzicht|een plek",
        r"terugwin\w*|terug (te )?winnen|tijdwinst|vrij (te )?spelen|vrijspel\w*|vrijmak\w*|vrij (te )?maken",
        r"vrijgekomen|vrijkom\w*|vrij (komt|komen|kwam)",
        r"klopt(?! het dat)|kloppen|kloppend|op orde|in orde|actueel|oplost|oplosten|loste (\w+ )?op",
        # free of something bad: "storingsvrij", "foutloos", "zorgeloos"
        r"\w+(vrij|vrije)|(fout|probleem|storings?|zorge|moeite|feil|vlekke|naad)(loos|loze)",
        # less load on them: "de receptie ontlasten", "werk uit handen nemen", "ontzorgen", "stroomlijnen"
        r"ontlast\w*|ontzorg\w*|vereenvoudig\w*|stroomlijn\w*|gestroomlijnd\w*|versnel\w*",
        r"uit handen (te )?(nemen|neemt|nam|namen|genomen)",
        # work finished in a short time, things in view: "in een uur klaar", "inzichtelijk", "in een oogopslag"
        rf"(binnen|in) ({_SPAN_NL})\b(\s+\S+){{0,2}}\s+({_DONE_NL})|({_DONE_NL})\b(\s+\S+){{0,2}}\s+(binnen|in) "
        rf"({_SPAN_NL})",
        r"inzichtelijk\w*|zichtbaar|in (een|1) oogopslag|overzichtelijk\w*)\b",
    ),
}
# Trends: a cost or a bad thing going down is good news, going up is bad news (and the reverse for
# revenue, margin, output...). "If scrap came down", "als de energiekosten omlaag gaan".
_DOWN = {
    "en": _rx(r"\b((come|comes|came|coming|go|goes|went|going|gone) down",
              r"drop(s|ped|ping)?(?! off\b| by (the|at|to|our|your|my|for|again)\b)",
              r"(fall|falls|falling|fell)(?! (under|within|into|to|on|short|behind|apart|through|over))",
              r"decreas\w*|declin\w*|shr(ink|inks|inking|ank|unk)|halv(e|es|ed|ing)|reduc\w*|reduction)\b"),
    "nl": _rx(r"\b(daal\w*|gedaald|daling\w*|omlaag|naar beneden|neemt (\w+ )?af|nemen (\w+ )?af|afne\w*",
              r"afgenomen|afname|krimp\w*|gekrompen|slinkt|slinken|halveer\w*|halvering|gehalveerd|verlaagd",
              r"vermindert|verminderd|zakt|zakken|gezakt)\b"),
}
_UP = {
    "en": _rx(r"\b((go|goes|went|going|gone) up|ris(e|es|ing)|rose|risen|increas\w*|grow(s|ing|n)?|grew",
              r"doubl\w*|climb\w*|jump(s|ed)?|soar\w*)\b"),
    "nl": _rx(r"\b(stijg\w*|gestegen|stijging\w*|omhoog|neemt (\w+ )?toe|nemen (\w+ )?toe|toename|toegenomen",
              r"groei\w*|gegroeid|verdubbel\w*|loopt (\w+ )?op|lopen (\w+ )?op|opgelopen)\b"),
}
_COST = {  # things the buyer wants less of, besides the bad things above
    "en": _rx(r"\b(costs?|prices?|spend|bills?|expenses?|overheads?|turnaround|consumption|energy|premiums?"
              r"|(lead|delivery|response|reaction|waiting|throughput|turnaround|repair|processing|transit|cycle)"
              r" times?)\b"),
    "nl": _rx(r"\b(\w*kosten|\w*prijs|\w*prijzen|uitgaven|rekening\w*|\w+tijd|\w+tijden|\w*verbruik|premie\w*"
              r"|lasten)\b"),
}
_GAIN = {  # things the buyer wants more of
    "en": _rx(r"\b(revenue|sales|turnover|margins?|output|productivity|profit\w*|satisfaction|uptime|capacity"
              r"|throughput|market share|availability)\b"),
    "nl": _rx(r"\b(\w*omzet|marges?|productie|productiviteit|winst\w*|tevredenheid|uptime|capaciteit|afzet"
              r"|marktaandeel|beschikbaarheid)\b"),
}
_CLAUSE_START = re.compile(r".*(,|\b(if|when|once|whenever|and|but|als|wanneer|zodra|indien|en|maar)\b)")


def _trends(s: str, lang: str) -> list[tuple[str, int, int]]:
    """Named trends as ('good'|'bad', start, end): something the buyer wants less of (a cost, a bad thing)
    going down is good, going up is bad, and the reverse for what they want more of (revenue, margin).
    The subject is looked for earlier in the same clause, or just after a noun ("a drop in scrap")."""
    out = []
    for pattern, direction in ((_DOWN, -1), (_UP, 1)):
        for m in pattern[lang].finditer(s):
            before = s[: m.start()]
            clause_start = _CLAUSE_START.match(before)
            start = max(clause_start.end() if clause_start else 0, m.start() - 60)
            subject = s[start:m.start()]
            after = re.match(r" (in|of|van|der)\b(\s+\S+){1,3}", s[m.end():])
            end = m.end() + (len(after.group(0)) if after else 0)
            subject += after.group(0) if after else ""
            if _COST[lang].search(subject) or _BAD[lang].search(subject):
                wanted = -1
            elif _GAIN[lang].search(subject):
                wanted = 1
            else:
                continue
            good = (direction == wanted) != _negated(s, m.start())  # "if costs don't go down" is bad news
            out.append(("good" if good else "bad", start, end))
    return out


def _trend(s: str, lang: str) -> str | None:
    """'good' when any named trend is good news, 'bad' when all are bad news, None without trends."""
    kinds = {kind for kind, _, _ in _trends(s, lang)}
    return "good" if "good" in kinds else ("bad" if kinds else None)


# A bad thing that something is free of: "error-free", "storingsvrije", "foutloos" are good news.
_FREE_OF = re.compile(r"(vrij|vrije|loos|loze)$")
_FREE_AFTER = re.compile(r"-free\b")
# Waste as the material handled: "how do you dispose of your waste", "who collects the waste".
_HANDLES_WASTE = re.compile(r"\b(dispos\w* of|collect\w*|separat\w*|sort\w*|recycl\w*|handl\w*|remov\w*|haul\w*)"
                            r"( \S+){0,2} $")

# How a bad event is handled is a procedure, a fact of the situation: "how a breakdown is reported", "hoe een
# storing wordt gemeld". The bad event is its subject, not a complaint.
_HOW_BEFORE = re.compile(r"\b(how|hoe)\b(\s+\S+){0,3}\s+$")
_PROCEDURE_AFTER = re.compile(
    r"\s+(\S+\s+)?(is|are|gets|get|wordt|worden)\s+(\S+\s+)?(reported|logged|registered|recorded|handled|dealt with"
    r"|processed|escalated|passed on|gemeld|geregistreerd|vastgelegd|afgehandeld|verwerkt|doorgegeven|opgepakt)\b")

# Dutch puts the auxiliary first: "hoe wordt een storing bij jullie gemeld".
_HOW_PASSIVE_BEFORE = re.compile(r"\bhoe (wordt|worden|werd|werden)\b(\s+\S+){0,2}\s+$")
_PARTICIPLE_AFTER = re.compile(r"(\s+\S+){0,5}?\s+(gemeld|geregistreerd|vastgelegd|afgehandeld|verwerkt|doorgegeven"
                               r"|opgepakt)\b")

def _bad_matches(s: str, lang: str) -> list[re.Match[str]]:
    """Bad things named in ``s``, except those said to go down ("if scrap came down" is good news) and those
    something is free of ("a trouble-free line", "een storingsvrije pers")."""
    improving = [(start, end) for kind, start, end in _trends(s, lang) if kind == "good"]
    return [m for m in _BAD[lang].finditer(s)
            if not any(a <= m.start() < b for a, b in improving)
            and not _FREE_OF.search(m.group(0)) and not _FREE_AFTER.match(s, m.end())
            and not (m.group(0) == "waste" and _HANDLES_WASTE.search(s[: m.start()]))
            and not (_HOW_BEFORE.search(s[: m.start()]) and _PROCEDURE_AFTER.match(s, m.end()))
            and not (_HOW_PASSIVE_BEFORE.search(s[: m.start()]) and _PARTICIPLE_AFTER.match(s, m.end()))]


# (not "this" naming a time: "at this moment", "op dit moment", "deze maand" say when, not what)
_NOT_A_TIME_EN = r"(?! (moment|year|quarter|month|week|season|time)\b)"
_NOT_A_TIME_NL = r"(?! (moment|jaar|kwartaal|maand|week|seizoen|tijd)\b)"
_REFERS_BACK = {
    "en": _rx(rf"\b(that|this{_NOT_A_TIME_EN}|these|those|it|then)\b"),
    "nl": _rx(rf"\b(dat|dit{_NOT_A_TIME_NL}|deze{_NOT_A_TIME_NL}|die|daar\w*|hier\w*|dan",
              r"er(van|door|mee|aan|over|uit))\b"),
}
_HYPOTHETICAL = {
    "en": _rx(r"\b(would|could|might)\b|'d\b|\bif (we|you|i) (could|can|were|had)\b", r"^(suppose|imagine)\b"),
    "nl": _rx(r"\b(zou|zouden|kon|konden)\b|^stel\b", r"\bals (we|wij|u|jullie|je|ik)\b.*\b(kunnen|konden)\b"),
}
# What a hypothetical asks about; good outcome -> need-payoff, bad one -> implication.
_OUTCOME = {
    "en": _rx(r"\b(mean|means|change|changes|help|look like|impact|effect|affect|difference|happen|do for|matter|allow"
              r"|enable|free up|worth|save|react|respond|improve|differently|different|feel|do to)\b"),
    "nl": _rx(r"\b(betekenen|betekent|veranderen|verandert|helpen|uitzien|eruitzien|verschil|invloed|effect"
              r"|opleveren|oplevert|schelen|gebeuren|gebeurt|impact|reageren|vrijmaken|anders)\b"),
}
# What becomes possible or noticeable: need-payoff only when the condition is good news
# ("what can you do once the stock is right", "how would your board notice it if costs came down").
_ENABLED = {
    "en": _rx(r"\b(able to|possible|notice\w*|achieve|can do|could do|can't do|cannot do)\b"),
    "nl": _rx(r"\b(kunnen|kunt|kun|kan|mogelijk|merken|merkt|bereiken)\b"),
}
_NOT_PAYOFF = {  # a hypothetical that asks about dissatisfaction, not value
    "en": _rx(r"\bwould you (like to |want to )?(see )?(change|improve)", r"\bnot ideal\b",
              r"\bhelp (me|us) (to )?understand\b", r"\bcould be (improved|better|done better)\b"),
    "nl": _rx(r"\bzou (u|je|jullie) (\w+ ){0,4}(willen )?(veranderen|verbeteren)\b|\bniet ideaal\b",
              r"\bbeter (kunnen|kan)\b|\b(kan|kunnen) beter\b|\bverbeterd (kunnen|kan)\b"),
}
_PAYOFF = {
    "en": _rx(
        r"\b(would|it|that|this)\b.*\bworth\b|\bworth\b.*\b(to|for) (you|your)\b|\bvaluable\b|\bbenefit\w*",
        r"\bsav(e|es|ing|ings)\b(?! (the|your|files?|data|documents?))|\bgain\b|\b(useful|helpful|handy)\b",
        r"\bideal\b|\bwhy\b.*\b(important|matter)",
        r"\bvalue (in|of having|for you|to you)\b|\bsee value\b",
        r"\bvalue (would|do|does|could|might) (you|they|your \w+) see\b",
        r"\bvalue\b(\s+\S+){0,4}\s+(for|to) you\b|\b(what|how much) value\b.*\b(if|when|once)\b",
        r"\bimportant\b.*\bto (solve|fix|get rid|reduce|improve|avoid|prevent|have|get|eliminate|cut|speed)",
        r"\b(would|could|might|will|can)\b.*\bhelp", r"\bmake (a|any|the) difference\b",
        r"\bwhat'?s in it for\b|\b(the|an?) (upside|payoff|pay-off)\b",
        # a relief to them: "would that be a godsend", "a real relief", "a big help"
        r"\bhow important (is|would|will) (it|that)\b(\s+\S+){0,4}\s+(that|if|when|to have)\b",
        r"\breassur\w*|\brest easier\b|\bsleep (better|easier)\b",
        r"\b(a|an) (\w+ )?(godsend|relief|lifesaver)\b|\ba (big|great|real) help\b",
        r"\bof (any |much |real )?use (to|for) (you|your|them|their)\b|\bpeace of mind\b",
        # whether they would welcome it: "would your board appreciate it if", "would you welcome a single invoice"
        r"\b(would|will)\b(\s+\S+){1,3}\s+(appreciat\w*|welcome|value it|like it)\b",
        # how welcome it is: "would it be interesting for you if", "how attractive would it be to have"
        r"\b(interesting|attractive|appealing|welcome|desirable)\b.*\b(if|when|once|to have|to get)\b",
    ),
    "nl": _rx(
        r"\b(u|jullie|je|zou\w*|dat|dit)\b.*\bwaard\b|\bwaard\b.*\bvoor (u|jullie|je)\b|\bwaardevol|\bvoordee?l",
        r"\bbespa|\bbaat\b|\bnuttig|\bhandig|\bideaa?le?\b|\bmeerwaarde\b|\bhoe zou het (\w+ )?zijn als\b",
        r"\bzou(den)? (u|je|jullie|uw \w+|de \w+|hun \w+|ze|zij) (het|ervan|dat) (\w+ )?vinden (als|om)\b",
        # whether they would welcome it: "zou uw directie het waarderen als", "zou u blij zijn met"
        r"\b(zou|zouden)\b(\s+\S+){1,4}\s+(waarderen|op prijs (stellen|stelt)|verwelkomen|blij (mee )?zijn)\b",
        r"\bwaarom\b.*\bbelangrijk\b",
        r"\bwaarde\b(\s+\S+){0,4}\s+voor (u|jullie|je|jou)\b",
        r"\b(welke|wat voor|hoeveel) waarde\b.*\b(als|wanneer|zodra)\b",
        r"\bbelangrijk\b.*\bom\b.*\b(op te lossen|te verbeteren|te verminderen|te voorkomen|af te komen"
        r"|te hebben|te krijgen|te versnellen|te verlagen)\b",
        r"\b(zou|zouden|kan|kunnen|kon)\b.*\bhelp(en|t)\b|\bhelpt\b.*\bals\b",
        r"\bverschil\b.*\bmaken\b|\bzou\w*\b.*\b(verschil|winnen)\b",
        # what they get out of it: "profiteren", "wat heeft u eraan", "wat schiet u ermee op"
        r"\bprofiteer\w*|\bprofiteren\b|\bgeprofiteerd\b",
        r"\bwat (heeft|hebben|hebt|zou|zouden) (u|jullie|je|uw \w+) (er|daar|hier)aan\b",
        r"\bschiet\w* (\S+ ){0,3}(er|daar|hier)mee op\b",
        r"\b(heeft|hebt|hebben|zou|zouden) (u|jullie|je|uw \w+) (er|daar|hier) (\w+ )?(iets|wat|veel) aan\b",
        r"\b(scheelt|scheelde) (het|dat|dit) (u|jullie|je|uw \w+)\b|\bgemoedsrust\b",
        # being helped by it, or how welcome it is: "geholpen zijn met", "gebaat bij", "interessant als wij ..."
        r"\b(geholpen|gebaat)\b|\b(interessant|aantrekkelijk|welkom|wenselijk)\b.*\b(als|wanneer|zodra|om)\b",
        # a relief to them: "is dat voor u een uitkomst", "een verademing", "een hele hulp"
        # how important a wanted state is to them, and reassurance: "hoe belangrijk is het voor u dat", "geruststelling"
        r"\bhoe belangrijk (is|zou|wordt) (het|dat)\b(\s+\S+){0,4}\s+(dat|als|wanneer|om)\b",
        r"\bgerustgesteld\b|\bgeruststell\w*|\bgeruster\b",
        r"\been (\w+ )?(uitkomst|verademing|verlichting)\b|\been (hele|grote|echte) hulp\b",
    ),
}
# A change that makes their work easier, better or faster, asked about: "does a fixed slot make life easier
# for you", "maakt een vast moment het werk makkelijker". Harder, slower... is a problem, not a payoff.
_MAKES_EASIER = {
    "en": _rx(r"\b(make|makes|made|making)\b(\s+\S+){0,6}\s+(easier|simpler|better|faster|quicker|smoother|safer"
              r"|cheaper|lighter|calmer|more (pleasant|efficient|reliable|predictable|productive))\b(?! than\b)"),
    "nl": _rx(r"\b(maakt|maken|maakte|maakten)\b(\s+\S+){0,8}\s+(makkelijker|gemakkelijker|eenvoudiger|beter|sneller"
              r"|soepeler|veiliger|goedkoper|lichter|rustiger|prettiger|overzichtelijker|voorspelbaarder"
              r"|efficienter|betrouwbaarder|productiever)\b(?! dan\b)"),
}
_YIELD = {"en": _rx(r"\byield\b"), "nl": _rx(r"\boplever\w*|\blevert?\b.*\bop\b")}
# Consequences, on their own.
_IMPLICATION = {
    "en": _rx(
        r"\bconsequen\w*|\bimpact\w*|\beffects?\b|\baffect(s|ed|ing)?\b|\binfluenc\w*",
        r"\blead(s|ing)? to\b|\bled to\b|\bresult(s|ed|ing)? in\b|\bas a result\b",
        r"\b(because of|due to) (that|this|it)\b|\bknock-on\b|\bripple\b|\bdamage\b|\breputation\b",
        r"\bwhat does (that|this|it) do (to|for)\b|\b(that|this|it|these|they)\b.*\bcaus(e|es|ed|ing)\b",
        r"\b(lose|loses|losing|lost|loss)\b.*\b(customers?|clients?|orders?|revenue|sales|money|business|deals?"
        r"|contracts?|margins?|turnover|income|bookings?|reservations?|leads|tenders?)\b",
        r"\b(miss|misses|missed|missing)\b(\s+out on)?(\s+\S+){0,2}\s+(customers?|clients?|orders?|sales|deals?"
        r"|contracts?|bookings?|reservations?|leads|tenders?)\b",
        r"\bhow many (customers?|clients?|orders?|sales|deals?|contracts?|bookings?|reservations?|leads|tenders?)\b"
        r".*\b(miss|misses|missed|missing|lose|loses|losing|lost)\b",
        r"\bmiss(ed)? out\b|\bat risk\b|\bjeopard\w*|\bendanger\w*",
        # a problem that passes on to something else: "feed through into", "spill over to"
        r"\b(feed|feeds|fed|feeding|filter\w*|spill\w*|trickl\w*|carr(y|ies|ied|ying)) (through|over|down)\b",
        r"\bhow (much|many)\b.*\b(lose|loses|losing|lost|loss)\b",  # the size of a loss, not where it is
        # business that a problem cost them: "has that cost you any contracts"
        r"\bcost(s|ing)? (you|them|us|him|her|your \w+|the (company|business|firm|team|plant|site)) (\S+ ){0,2}"
        r"(customers?|clients?|orders?|contracts?|deals?|business|sales|accounts?|tenders?|jobs?|projects?)\b",
    ),
    "nl": _rx(
        r"\bgevolg\w*|\bconsequentie\w*|\binvloed\b|\bbeinvloed\w*|\bimpact\b|\beffect(en)?\b",
        r"\bleid(t|en)\b.*\btot\b|\bgeleid\b|\bresulte\w*|\bdaardoor\b|\bhierdoor\b|\bschade\b",
        r"\breputatie\b|\bimago\b|\bwat doet (dat|dit|het)\b.*\bmet\b|\bin gevaar\b",
        r"\b(verlie[sz]\w*|verloren|kwijt\w*)\b.*\b(klant\w*|orders?|omzet|opdracht\w*|geld|marges?|inkomsten"
        r"|contract\w*)\b",
        r"\b(klant\w*|orders?|omzet|opdracht\w*|geld|marges?|inkomsten|contract\w*)\b.*\b(verlie[sz]\w*|verloren"
        r"|kwijt\w*)\b",
        # business that a problem cost them: "heeft dat u klanten gekost"
        r"\b(u|jullie|je|ons|hen|uw \w+)\b(\s+\S+){0,3}\s+(klant\w*|orders?|opdracht\w*|contract\w*|deals?|omzet)"
        r"\s+(gekost|kostte|kostten)\b",
        r"\b(kostte|kostten|gekost)\b(\s+\S+){0,3}\s+(klant\w*|orders?|opdracht\w*|contract\w*|deals?|omzet)\b",
        r"\bmisgelopen\b|\bmislo\w*|\b(omzet|orders?|klanten|opdrachten|inkomsten|boekingen|reserveringen"
        r"|bestellingen|aanvragen|deals)\b(?!.*\bg(aat|aan|ing|ingen)\b.*\bmis\b).*\bmis\b",
        r"\bboete\w*|\bgekost\b",
        r"\b(wie|meer)\b.*\b(daar|hier)\w*\b.*\blast van\b|\b(daar|hier)\w*\b.*\b(wie|meer)\b.*\blast van\b",
        r"\b(werkt|werken|werkte|werkten)\b(\s+\S+){0,8}\s+door (in|op|naar|tot)\b|\bdoorwerk\w*|\bdoorgewerkt\b",
        r"\bweerslag\b|\buitwerking\b|\bhoeveel\b.*\b(verlie[sz]\w*|verloren|kwijt\w*)\b",
    ),
}
# Consequences, only when the question points back at a problem.
_IMPLICATION_IF_PROBLEM = {
    "en": _rx(
        r"\bcost(s|ing)?\b(?! too)|(?<!\byou )(?<!\bi )(?<!\bby )\b(mean|means|meant)\b(?! (by|of)\b)|\bhappen\w*",
        r"\breact\w*|\brespond\w*|\bnotice\w*|\bfeel about\b|\bspend\w*|\bspent\b|\bslow\w* (you|things|down)",
        r"\b(does|did|will|could|can|has) (that|this|it)\b.*\b(pressure|stress|overtime|extra|slow|delay|wast)",
        r"\b(lose|loses|losing|lost)\b|\bhurt\w*|\bfeel\b|\bcreat\w*",
        r"\btranslat\w* (in)?to\b|\bshow(s|ed|ing)? up in\b|\breflect\w* in\b|\bturn(s|ed)? into\b",
        r"(?<!\byou )(?<!\bwe )(?<!\bthey )(?<!\bi )\b(do|does|did) to\b",
        # money or time that goes into a problem: "how much money goes into fixing faulty labels"
        r"\b(money|time|hours|budget|effort)\b(\s+\S+){0,2}\s+(go|goes|went|gone|disappear\w*) (in)?to\b",
        # a problem that wears down what the business earns or makes, or what they pay for it: "eat into your margin",
        # "weigh on productivity", "at the expense of", "how much do you pay for repairs after breakdowns"
        r"\b(eat|eats|ate|eating|cut|cuts|cutting|bite|bites|biting) into\b|\b(weigh|weighs|weighed|weighing) on\b",
        r"\bat the expense of\b|\b(take|takes|taking|took) (a|its) toll\b|\bdrag(s|ged|ging)? down\b",
        r"\b(pay|pays|paid|paying)\b",
    ),
    "nl": _rx(
        r"\bkost(en|te|ten)?\b(?! te)|\bbetekent\b|\bbetekend(e|en)?\b|\bbetekenen\b|\bgebeur\w*|\breage\w*",
        r"\bmerk(t|en)\b",
        # money or time that goes into a problem: "hoeveel geld gaat er op aan", "hoeveel uur gaat er zitten in"
        r"\b(gaat|gaan|ging|gingen)\b(\s+\S+){0,4}\s+(op aan|zitten in)\b|\bopgaan aan\b",
        r"\b(zit|zitten|zat|zaten) (er )?(\S+ ){0,3}(tijd|uur|uren|geld) in\b",
        r"\b(tijd|uur|uren|geld)\b(\s+\S+)?\s+(zit|zitten|zat|zaten)\b(\s+\S+){0,3}\s+in\b",
        r"\bbestee?d\w*|\bzorg(t|en)\b.*\bvoor\b|\bverlie[sz]\w*|\bverloren\b|\bkwijt\b|\bbezig\b",
        # a problem that wears down what the business earns or makes, or what they pay for it: "ten koste van de marge",
        # "drukt op de productiviteit", "tast de omzet aan", "hoeveel geeft u uit aan het herstellen van"
        # (the verb is the cue: the subject between it and its particle is the evidence of a problem)
        r"\bten koste van\b|\b(?P<cue_press>drukt|drukken|drukte|drukten)\b(\s+\S+){0,5}\s+op\b",
        r"\b(?P<cue_impair>tast|tasten|tastte|tastten)\b(\s+\S+){1,5}\s+aan\b|\baangetast\b",
        r"\b(?P<cue_gnaw>knaagt|knagen|knaagde|knaagden|vreet|vreten)\b(\s+\S+){0,5}\s+aan\b",
        r"\b(geeft|geven|gaf|gaven)\b(\s+\S+){0,5}\s+uit aan\b|\buitgeven aan\b|\b(betaalt|betalen|betaald)\b",
        r"\bmet zich mee\b|\bvertaa?l\w* (zich )?(in|naar)\b|\bterug(zien|ziet|te zien)\b|\bzie\w* (\w+ ){0,4}terug\b",
        # the subject in between is evidence of a problem: "wat doen de klachten over het eten met de sfeer"
        r"\b(?P<cue_verb>wat (doet|doen|deed|deden|zou|zouden))\b (?!(u|je|jij|jullie|we|wij|ze|zij)\b)"
        r"(\S+ ){1,5}met\b",
        # the same in a subordinate clause, verb last: "(ik ben benieuwd) wat die storing doet met uw planning"
        r"\bwat (?!(u|je|jij|jullie|we|wij|ze|zij|ik)\b)(\S+ ){1,5}(?P<cue>(doet|doen|deed|deden) met)\b",
    ),
}
# One bad thing holding up another is a consequence: "has a failed test ever delayed the launch", "heeft een storing
# de levering vertraagd". Only with a second bad thing: "are deliveries delayed" is a problem question.
_HOLDS_UP = {
    "en": _rx(r"\b(delay(s|ed|ing)?|held up|hold(s|ing)? up|disrupt(s|ed|ing)?|postpon(e|es|ed|ing)|stall(s|ed|ing)?"
              r"|push(es|ed)? back|set(s)? back) (the|your|a|an|their|our|its|any|this|that|his|her)\b"),
    "nl": _rx(r"\b(de|het|uw|jullie|hun|een|onze|je)\b(\s+\S+){1,4}\s+(vertraagd|vertraagt|vertragen|verstoord"
              r"|verstoort|verstoren|opgehouden|uitgesteld|stilgelegd)\b",
              r"\b(vertraagt|vertraagde|vertragen|verstoort|verstoorde|verstoren)"
              r" (de|het|uw|jullie|hun|een|onze|die|deze)\b"),
}
# How often a problem happens is part of the problem, not its consequence: "and how often does that happen".
_FREQUENCY = _rx(r"\b(how (often|frequently)|hoe (vaak|dikwijls|regelmatig))\b(\s+\S+){0,3}?\s+(happen\w*|occur\w*"
                 r"|gebeur\w*|voorkomt|voor komt)\b")
# An elliptical follow-up refers back to what was just said: "and the cost?", "en de gevolgen?"
_ELLIPSIS = re.compile(r"^(and|so|en|dus) (the|de|het|your|uw|their|hun) \S+( \S+){0,3}$")
_RISK = _rx(r"\b(risks?|risico\S*)")  # a risk run when something goes wrong is a consequence
# What a bad event forces them to do is a consequence: "when the scanner goes down, does someone have to count by
# hand", "moet er bij een vals alarm iemand uitrukken". Only when the bad thing is in a condition ("bij een", "na een",
# "als"): "does your team have to deal with a lot of errors" is a problem question.
_OBLIGED = {
    "en": _rx(r"\b(has|have|had|having|needs?|needed|forced|obliged) to\b|\bmust\b"),
    "nl": _rx(r"\b(moet|moeten|moest|moesten|hoeft|hoeven|hoefde|hoefden|gedwongen|genoodzaakt)\b"),
}
_EVENT_CONDITION = _rx(
    r"\b(if|once|when|whenever|every time|each time|after|als|indien|zodra|wanneer|telkens|elke keer|iedere keer)\b",
    r"\b(bij|na) (een|elke|iedere|zo'n)\b",
)
_CAUSES_TROUBLE = _rx(r"\b(caus\w*|lead\w*|led|give\w*|creat\w*|zorg(t|en|de|den)|leid(t|en|de|den)|geeft|geven)\b"
                     r"(\s+\S+){0,5}?\s+(to |voor |tot )?(any |some |veel |wel eens )?(?P<trouble>problems?|issues?"
                     r"|trouble|difficulties|\w*problemen|moeilijkheden|gedoe)\b")
# A question that asks what bothers them is about dissatisfaction, whatever it names after that: "what bothers you most
# about the way your contractor responds when a lift gets stuck", "wat ergert u het meest aan ...".
_ASKS_DISSATISFACTION = {
    "en": _rx(r"^(what|which|where|how|whats|what's)\b(\s+\S+){0,3}?\s+(?P<cue>bother|bothers|annoy|annoys|frustrate"
              r"|frustrates|irritate|irritates|worry|worries|dissatisf\w*|upset|upsets|bug|bugs)\b"),
    "nl": _rx(r"^(wat|welke|waar|waarover|waaraan|hoe)\b(\s+\S+){0,3}?\s+(?P<cue>stoort|storen|ergert|ergeren"
              r"|frustreert|frustreren|irriteert|irriteren|dwarszit|zit\w* (\w+ ){0,3}dwars|bezorgd|ontevreden)\b"),
}
# Where a bad thing comes from: "which part of the check-in causes the longest queues", "welk deel zorgt voor de
# langste wachtrijen". Asking for its cause explores the problem; a bad thing that causes another is a consequence.
_CAUSES = {
    "en": _rx(r"\b(caus(e|es|ed|ing)|lead(s|ing)? to|led to|result(s|ed|ing)? in|give(s)? rise to)\b"),
    "nl": _rx(r"\b(zorg(t|en|de|den)\b(\s+\S+){0,4}\s+voor|leid(t|en|de|den)\b(\s+\S+){0,4}\s+tot|veroorzaa\w*)\b"),
}
# What a condition brings about, asked for: "what happens if", "how do they react when", "wat betekent het als".
_CONSEQUENCE_ASKED = {
    "en": _rx(r"\b(happen|happens|mean|means|react|reacts|respond|responds|notice|cost|costs)\b"
              r"|\b(would|will) (you|they|your \w+) do\b"),
    "nl": _rx(r"\b(gebeurt|gebeuren|betekent|betekenen|reageert|reageren|merkt|merken|kost|kosten)\b"
              r"|\b(zou|zouden) (u|jullie|je|ze|uw \w+) (dan )?doen\b"),
}
# The condition's own clause: after "if", "when", "als", up to a comma or the end.
_CONDITION_CLAUSE = re.compile(r"\b(if|when|whenever|once|als|wanneer|zodra|indien)\b([^,]*)")
# What they could do with something won, or use it for: "what could you do with the space if", "waarvoor zou u de
# uren gebruiken". A hypothetical about a gain: need-payoff unless the condition is bad news.
_USE_OF_GAIN = {
    "en": _rx(r"\bwhat\b(\s+\S+){0,3}\s+(would|could|might)\b(\s+\S+){0,2}\s+do with\b",
              r"\b(would|could|might) (you|they|your \w+|the \w+) use\b(\s+\S+){1,5}\s+for\b"),
    "nl": _rx(r"\bwat (zou|zouden|kunt|kan|kunnen) (\S+ ){1,6}(met|mee) (\S+ ){0,6}(doen|aan)\b",
              r"\bwaar(voor)? (zou|zouden) (\S+ ){1,8}(voor )?(gebruiken|inzetten)\b"),
}
_DECISION = _rx(r"\b(decision|decide\w*|choice|choose|beslis\w*|besluit\w*|keuze|kiezen)\b")

# --- open or closed ---------------------------------------------------------------------------

_OPENERS = frozenset(
    "what whats what's how how's which why who who's whom whose where where's when tell describe explain "
    "walk talk share outline give help "
    "wat hoe welke welk waarom wie wiens waar wanneer hoeveel hoelang vertel beschrijf schets geef noem leg "
    "waarmee waarop waaraan waarover waarvoor waardoor waarin waarvan waarbij hoezo".split()
)
_WH = frozenset("what which whom whose how when where who wat welke welk wie hoeveel wanneer hoe waar hoeverre".split())
_PREPOSITIONS = frozenset(
    "in to at on for with from by of about under during since op met bij voor van aan naar over uit tot "
    "onder tijdens sinds vanaf door tegen om rond per vanuit via".split()
)
_FILLERS = frozenset(
    "and so but ok okay right well then also en dus maar oke nou goed ook trouwens eh uh um "
    # an estimate asked for: "roughly how many", "ongeveer hoeveel"
    "roughly approximately precisely exactly ongeveer grofweg globaal precies".split()
)
_CLAUSE_OPENERS = frozenset(
    "if suppose supposing imagine assuming assume say given now as once because although "
    "stel als indien mocht aangenomen gesteld nu omdat zodra hoewel gezien".split()
)
_AUXILIARIES = frozenset(
    "do does did is are was were am can could would will should shall have has had may might must "
    "don't doesn't didn't isn't aren't wasn't won't wouldn't couldn't can't haven't hasn't shouldn't "
    "heeft hebt heb hebben is zijn ben bent was waren kunt kan kunnen zou zouden wilt wil willen gebruikt "
    "doet doen werkt werken gaat gaan speelt ziet vindt merkt leidt kost zit zitten moet moeten mag "
    "ervaart krijgt komt staat loopt levert maakt zorgt".split()
)
_INVITING = frozenset(
    "tell describe explain walk talk share outline elaborate give "
    "vertellen beschrijven uitleggen toelichten schetsen aangeven delen".split()
)
# Dutch polite imperatives, verb-first like a yes/no question: "Vertelt u eens hoe...", "Legt u eens uit..."
_POLITE_INVITING = frozenset("vertelt beschrijft schetst".split())
_POLITE_INVITING_WITH_EENS = frozenset("legt licht geeft noemt neemt".split())
# Asking leave to ask: "may I ask which...", "mag ik (u) vragen wat...": an embedded question.
_ASKING = frozenset("ask vragen informeren".split())
_SPEAKERS = frozenset("i ik we wij".split())
_ADDRESSEES = frozenset("you u je jou jullie".split())
_QUESTION_WORDS = _WH | frozenset("why waarom hoelang".split()) | {w for w in _OPENERS if w.startswith("waar")}
# An invitation belongs to the main clause: "would it help if the rooms could be divided (in te delen)" invites nothing.
_SUBCLAUSE = frozenset("if when once whenever als wanneer zodra indien mocht".split())
_DUTCH_SUBJECTS = frozenset("u je jij jullie we wij ze zij hij het dat dit er de uw deze die men".split())


def _starts_with_question_word(toks: list[str]) -> bool:
    return bool(toks) and (toks[0] in _QUESTION_WORDS
                           or (toks[0] in _PREPOSITIONS and toks[1:2] != [] and toks[1] in _QUESTION_WORDS))


def _invites(rest: list[str]) -> bool:
    """After a verb-first start: an invitation ("could you describe") or leave to ask ("may I ask what")."""
    main = rest[: next((i for i, w in enumerate(rest) if w in _SUBCLAUSE), len(rest))]
    if any(w in _INVITING for w in main):
        return True
    if rest[:1] and rest[0] in _SPEAKERS:
        asked = next((i for i, w in enumerate(rest[1:3], start=1) if w in _ASKING), None)
        if asked is not None:
            after = rest[asked + 1:]
            after = after[1:] if after[:1] and after[0] in _ADDRESSEES else after
            return _starts_with_question_word(after)
    return False


def is_open_question(text: str) -> bool:
    """True when the question opens with an interrogative or an invitation ('tell me', 'vertel')."""
    s = normalize(text)
    # Only a noun phrase, following on: "and the cost?", "en het aantal vestigingen?" asks for it, not for a yes.
    if s.endswith("?") and _ELLIPSIS.match(s.rstrip("?!. ")) and not _AUXILIARIES.intersection(words(s)):
        return True
    segments = [words(seg) for seg in re.split(r"[,;:]", s)]
    for n, toks in enumerate(segments):
        while toks and toks[0] in _FILLERS:
            toks = toks[1:]
        if not toks:
            continue
        first, rest = toks[0], toks[1:]
        if first in _OPENERS or (first in _PREPOSITIONS and rest and rest[0] in _WH):
            return True
        if first in _AUXILIARIES:
            return _invites(rest)
        if rest[:1] and rest[0] in ("u", "je", "jij", "jullie") and (
                first in _POLITE_INVITING or (first in _POLITE_INVITING_WITH_EENS and "eens" in rest[1:3])):
            return True
        if first in ("i", "i'd", "i'm", "ik", "we", "wij"):
            if n == len(segments) - 1:  # "I wonder what...", "ik ben benieuwd hoe...": an embedded question
                return any(w in _WH for w in rest[1:])
            continue
        if first in _CLAUSE_OPENERS:
            if n == len(segments) - 1:  # no comma: look for the main clause's question word
                return any(w in _WH for w in rest[2:])
            continue
        if rest and rest[0] in _DUTCH_SUBJECTS:  # Dutch verb-first yes/no question
            return False
    return False


# Said by the rep, a question is embedded after a wish to hear: "I'd like to understand how…", "ik vraag me af of…".
_CURIOUS = re.compile(r"^(\S+ ){1,5}?(wonder\w*|curious|(like|want|love) to (know|understand|hear|learn)|understand"
                      r"|benieuwd|vraag (me|mij) af|(hoor|hoort|horen) (\S+ )?graag|graag (weten|horen|begrijpen)"
                      r"|(weten|horen|begrijpen) graag|begrijpen|willen weten) (whether|if|of|hoe|wat|welke|welk|wie"
                      r"|waar|wanneer|waarom|hoeveel|in hoeverre|how|what|which|who|where|when|why|to what)\b")
_SUBJECTS = frozenset("you your they their there it this that these those he she we i the".split()) | _DUTCH_SUBJECTS


def is_question(text: str) -> bool:
    """A question, also without its question mark, or an invitation ("Vertelt u eens…"); not a statement such
    as a pasted goal ("Know who decides by the end of the visit") or a claim ("We deliver within a day")."""
    s = normalize(text)
    if "?" in s:
        return True
    toks = words(s)
    while toks and toks[0] in _FILLERS:
        toks = toks[1:]
    if not toks:
        return False
    if toks[0] in ("i", "i'd", "i'm", "ik", "we", "wij", "we'd"):  # "I wonder what…", not "we deliver within…"
        return bool(_CURIOUS.match(" ".join(toks)))
    if toks[0] == "help" and toks[1:2] not in (["me"], ["us"]):  # "help them choose…" is a goal, "help me see…" asks
        return False
    # a closed question typed without its mark: "Do you lease your cars", "Heeft u last van storingen"
    return is_open_question(text) or (toks[0] in _AUXILIARIES and toks[1:2] != [] and toks[1] in _SUBJECTS)


# --- classification ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SpinVerdict:
    question: str
    kind: SpinKind
    is_open: bool
    lang: str
    tip: str
    better: str | None


def _find(patterns: dict[str, re.Pattern[str]], lang: str, s: str) -> str | None:
    """The first match; only its ``cue...`` group when the pattern names one (the subject around it is evidence)."""
    m = patterns[lang].search(s)
    return _cue(m) if m else None


def _cue(m: re.Match[str]) -> str:
    """The match, or only its ``cue...`` group when the pattern names one."""
    cue = next((text for name, text in m.groupdict().items() if name.startswith("cue") and text), None)
    return (cue or m.group(0)).strip()


_NEGATION = re.compile(r"\b(not|no|never|niet|geen|nooit)\b|n't\b")
_CONDITION = re.compile(r"\b(if|once|als|indien|zodra)\b|(?<=.)\b(when|wanneer)\b")  # "when" opening asks when
_WHEN = re.compile(r"\b(if|once|when|whenever|als|indien|zodra|wanneer)\b")
_WHAT_IF = re.compile(r"^(what if|suppose|imagine|picture this|stel|wat als)\b")


def _negated(s: str, start: int) -> bool:
    return bool(_NEGATION.search(" ".join(s[:start].split()[-3:])))


def _tone(s: str, lang: str) -> str:
    """'good' when a good outcome is named, 'bad' for a bad one (negation flips), else 'neutral'."""
    if _trend(s, lang) == "good" or any(not _negated(s, m.start()) for m in _GOOD[lang].finditer(s)):
        return "good"
    return "bad" if _names_bad(s, lang) else "neutral"


def _names_bad(s: str, lang: str) -> bool:
    """A bad thing (late, breakdown), a negated good one (not on time) or a bad trend (costs going up)."""
    return (any(not _negated(s, m.start()) for m in _bad_matches(s, lang))
            or any(_negated(s, m.start()) for m in _GOOD[lang].finditer(s))
            or any(kind == "bad" for kind, _, _ in _trends(s, lang)))


def _cause_subject(s: str, cause: re.Match[str]) -> str:
    """What causes: the words before the verb, and in Dutch verb-first order those between the verb and "tot" or
    "voor" ("in hoeverre leiden de storingen tot overuren")."""
    inner = cause.group(0).split()[1:-1]
    return s[: cause.start()] + " " + " ".join(inner)


def _bad_condition(s: str, lang: str) -> bool:
    """A condition clause that is bad news: a bad thing, things left as they are, or a state not met ("when the
    floors are not clean", "als de bestelling niet compleet is") unless something good is named in it."""
    for m in _CONDITION_CLAUSE.finditer(s):
        clause = m.group(2)
        tone = _tone(clause, lang)
        if tone == "bad" or _STATUS_QUO_RX[lang].search(clause) or (tone == "neutral" and _NEGATION.search(clause)):
            return True
    return False


def detect_kind(question: str, lang: str) -> tuple[SpinKind, str | None]:
    """The SPIN kind and the words that gave it away (None for a plain situation question)."""
    if not question.isupper():  # "your IT partner": the acronym, not the pronoun that refers back
        question = re.sub(r"\bIT\b", "ICT", question)
    s = normalize(question).rstrip("?!. ")
    tone = _tone(s, lang)
    bad = next((m.group(0).strip() for m in _bad_matches(s, lang)), None)
    # Asked under "if things stay as they are", any question is about the consequences: "where will you be in a year
    # if you carry on like this", "wat gebeurt er als u bij het huidige systeem blijft".
    quo = _STATUS_QUO_RX[lang].search(s)
    if quo and _WHEN.search(s[: quo.start()]):
        return SpinKind.IMPLICATION, quo.group(0)
    # What follows from a condition that is bad news: "what would happen if the unit failed", "how do your tenants
    # react when the floors are not clean", "wat betekent het als een opdracht opnieuw moet".
    asked = _CONSEQUENCE_ASKED[lang].search(s)
    if asked and _bad_condition(s, lang) and not _ASKS_DISSATISFACTION[lang].search(s):
        return SpinKind.IMPLICATION, asked.group(0)
    use = _USE_OF_GAIN[lang].search(s)
    if use and not _bad_condition(s, lang) and tone != "bad":
        return SpinKind.NEED_PAYOFF, use.group(0).strip()
    if not _find(_NOT_PAYOFF, lang, s):
        # Need-payoff: value words, or a hypothetical whose outcome is good (a bad one is an implication).
        cue = _find(_PAYOFF, lang, s)
        if cue:
            return SpinKind.NEED_PAYOFF, cue
        m = _WHAT_IF.search(s)
        if m:
            return (SpinKind.IMPLICATION if tone == "bad" else SpinKind.NEED_PAYOFF), m.group(0)
        hypo, outcome = _find(_HYPOTHETICAL, lang, s), _find(_OUTCOME, lang, s)
        if outcome and (hypo or (tone == "good" and _CONDITION.search(s))):
            return (SpinKind.IMPLICATION if tone == "bad" else SpinKind.NEED_PAYOFF), outcome
        enabled = _find(_ENABLED, lang, s)
        if enabled and tone == "good" and (hypo or _CONDITION.search(s)):
            return SpinKind.NEED_PAYOFF, enabled
        if hypo and tone == "good":
            return SpinKind.NEED_PAYOFF, _find(_GOOD, lang, s) or hypo
        cue = _find(_MAKES_EASIER, lang, s)
        if cue and not _negated(s, s.find(cue)) and not _NEGATION.search(cue) and not _names_bad(s, lang):
            return SpinKind.NEED_PAYOFF, cue
        cue = _find(_YIELD, lang, s)
        if cue and (tone == "good" or (tone == "neutral" and re.search(r"\b(als|if|zou)\b", s))):
            return SpinKind.NEED_PAYOFF, cue
    dissatisfied = _ASKS_DISSATISFACTION[lang].search(s)
    if dissatisfied:
        return SpinKind.PROBLEM, _cue(dissatisfied)
    # "Does the new software cause problems", "zorgt de douane voor problemen": the trouble itself, a problem
    # question, unless it points back at a problem already named ("does that cause problems").
    trouble = _CAUSES_TROUBLE.search(s)
    if trouble and not _REFERS_BACK[lang].search(s) and not _names_bad(s[: trouble.start("trouble")] + " "
                                                                         + s[trouble.end():], lang):
        return SpinKind.PROBLEM, trouble.group(0)
    cause = _CAUSES[lang].search(s)
    if cause and _names_bad(_cause_subject(s, cause), lang):  # a bad thing that leads to another: a consequence
        return SpinKind.IMPLICATION, cause.group(0)
    if cause and not _REFERS_BACK[lang].search(s) and _names_bad(s[cause.end():], lang):
        return SpinKind.PROBLEM, cause.group(0)
    # Implication: consequences, or cost/effect words that point back at a problem.
    cue = _find(_IMPLICATION, lang, s)
    if cue and not (cue.startswith(("influen", "invloed")) and _DECISION.search(s)):
        return SpinKind.IMPLICATION, cue
    held_up = _HOLDS_UP[lang].search(s)
    if held_up and _names_bad(s[: held_up.start()] + " " + s[held_up.end():], lang):
        return SpinKind.IMPLICATION, held_up.group(0)
    cost = _EVENT_COST[lang].search(s)
    if cost and _EVENT_CONDITION.search(s, cost.end()):
        return SpinKind.IMPLICATION, cost.group(0)
    excess = _EXCESS_RX[lang].search(s)
    if excess:
        return SpinKind.PROBLEM, excess.group(0)
    frequency = _FREQUENCY.search(s)
    rest = s.replace(frequency.group(0), " ") if frequency else s
    refers_back = _REFERS_BACK[lang].search(rest) or (_ELLIPSIS.match(s) and not _AUXILIARIES.intersection(words(s)))
    # Each consequence cue in turn: in "what does a lost hour cost you" the loss is the problem and "cost" the cue.
    cues = [_cue(m) for m in _IMPLICATION_IF_PROBLEM[lang].finditer(rest)]
    cues += [_find(_YIELD, lang, rest)] if bad and _YIELD[lang].search(rest) else []
    cue = next((c for c in cues if _names_bad(rest.replace(c, " "), lang)), None) or (cues[0] if refers_back and cues
                                                                                        else None)
    if cue:
        return SpinKind.IMPLICATION, cue
    if frequency and _REFERS_BACK[lang].search(s):  # "how often does that happen": the problem's size
        return SpinKind.PROBLEM, frequency.group(0)
    risk = _RISK.search(s)
    if risk and _WHEN.search(s) and _names_bad(s, lang):  # the risk run if something goes wrong
        return SpinKind.IMPLICATION, risk.group(0)
    obliged, condition = _OBLIGED[lang].search(s), _EVENT_CONDITION.search(s)
    if obliged and condition and _names_bad(s[condition.start():], lang):  # what a bad event forces them to do
        return SpinKind.IMPLICATION, obliged.group(0)
    cue = bad or _find(_PROBLEM, lang, s)
    if cue:
        return SpinKind.PROBLEM, cue
    return SpinKind.SITUATION, None


# Better questions, in the language of the question (not the user's interface language).
_OPEN_UP = {
    "en": [
        (r"^(?:do|does|did|have|has) (?:you|they|your \w+) (?:\w+ )?(?:have|had|experience\w*|encounter\w*|face|see"
         r"|run into|get|got) (?:any |some |many |a lot of )?(problems?|issues?|difficult\w*|trouble|challenges?"
         r"|complaints?|delays?|errors?|breakdowns?|failures?) (with|in|around|regarding|about|on) (.+)$",
         "What {0} do you run into {1} {2}?"),
        (r"^(?:do|does|did|have|has) (?:you|they|your \w+) (?:\w+ )?(?:have|had|experience|see|face) (?:any |some )?"
         r"(problems?|issues?|difficult\w*|trouble|challenges?)$", "What {0} do you run into at the moment?"),
        (r"^(?:are|is) (?:you|they|your \w+) (?:\w+ )?(satisfied|happy|content|pleased) (with|about) (.+)$",
         "How {0} are you {1} {2}, and what could be better?"),
        (r"^(?:would|could|will|might) (?:it|that|this) (?:really )?(?:help|be useful|be helpful|be valuable"
         r"|be worth it|make a difference|be handy)(?: (?:to |for )?you)? ((?:if|to|when) .+)$",
         "How would it help you {0}?"),
    ],
    "nl": [
        (r"^(?:heeft|hebt|heb|hebben) (?:u|je|jij|jullie) (?:\w+ )?(?:\w+ )?(?:veel |een |vaak )?(problemen"
         r"|probleem|storingen|klachten|knelpunten|fouten|vertragingen) (met|bij|in|rond|over) (.+)$",
         "Welke {0} ervaart u {1} {2}?"),
        (r"^(?:heeft|hebt|heb|hebben) (?:u|je|jij|jullie) (?:\w+ )?(?:\w+ )?last van (.+)$",
         "In hoeverre heeft u last van {0}, en wanneer vooral?"),
        (r"^(?:bent|is|zijn) (?:u|je|jij|jullie) (?:\w+ )?tevreden (over|met) (.+)$",
         "Hoe tevreden bent u {0} {1}, en wat kan er beter?"),
        (r"^(?:zou|zal|kan) (?:het|dat|dit) (?:u |jullie )?(?:helpen|handig zijn|nuttig zijn|waardevol zijn"
         r"|schelen|verschil maken)\s*((?:als|om|wanneer) .+)$", "Hoe zou het u helpen {0}?"),
    ],
}
_SAME_KIND_OPEN = {
    "en": {
        SpinKind.SITUATION: "How is that organised at the moment?",
        SpinKind.PROBLEM: "What difficulties do you run into with that?",
        SpinKind.IMPLICATION: "What does that lead to for you, in time, money or customers?",
        SpinKind.NEED_PAYOFF: "How would that help you?",
    },
    "nl": {
        SpinKind.SITUATION: "Hoe is dat nu bij u geregeld?",
        SpinKind.PROBLEM: "Tegen welke problemen loopt u daarbij aan?",
        SpinKind.IMPLICATION: "Wat betekent dat voor u, in tijd, geld of klanten?",
        SpinKind.NEED_PAYOFF: "Hoe zou u dat helpen?",
    },
}
_DEEPER = {
    "en": {
        SpinKind.SITUATION: "What difficulties do you run into with that?",
        SpinKind.PROBLEM: "What does that cost you, in time, money or customers?",
        SpinKind.IMPLICATION: "What would it be worth to you if that were solved?",
    },
    "nl": {
        SpinKind.SITUATION: "Tegen welke problemen loopt u daarbij aan?",
        SpinKind.PROBLEM: "Wat kost dat u, in tijd, geld of klanten?",
        SpinKind.IMPLICATION: "Wat zou het u opleveren als dat opgelost is?",
    },
}


def better_question(question: str, kind: SpinKind, is_open: bool, lang: str) -> str | None:
    """An open version of a closed question, or a deeper one for an open question (None at the deepest)."""
    if is_open:
        return _DEEPER[lang].get(kind)
    text = " ".join(question.split()).rstrip("?!. ")
    for pattern, template in _OPEN_UP[lang]:
        m = re.match(pattern, text, re.IGNORECASE)
        if m:
            return template.format(*(g.lower() if i < len(m.groups()) - 1 else g
                                     for i, g in enumerate(m.groups())))
    return _SAME_KIND_OPEN[lang][kind]


_KIND_WHY = {
    SpinKind.SITUATION: N_("Situation question: it asks for facts about their current situation."),
    SpinKind.PROBLEM: N_("Problem question: it explores difficulties or dissatisfaction."),
    SpinKind.IMPLICATION: N_("Implication question: it makes the consequences of a problem explicit."),
    SpinKind.NEED_PAYOFF: N_("Need-payoff question: the buyer puts the value of a solution into words."),
}
_GO_DEEPER = {
    SpinKind.SITUATION: N_("Keep situation questions few: look facts up beforehand and move on to what "
                           "bothers them."),
    SpinKind.PROBLEM: N_("Go deeper: ask what the problem causes or costs."),
    SpinKind.IMPLICATION: N_("Next, let the buyer say what solving it would be worth."),
    SpinKind.NEED_PAYOFF: N_("Good: let them name the benefit in their own words, then summarise it."),
}


def classify(question: str, t: Translator, lang: str | None = None) -> SpinVerdict:
    """Classify one question; ``lang`` (of the question) is detected when None."""
    _ = t.gettext
    lang = lang if lang in ("en", "nl") else detect_language(question)
    kind, cue = detect_kind(question, lang)
    is_open = is_open_question(question)
    better = better_question(question, kind, is_open, lang)
    parts = [t.gettext(_KIND_WHY[kind])]
    if cue:
        cue_words = cue.split()
        cue = cue if len(cue_words) <= 4 else f"{cue_words[0]} … {cue_words[-1]}"
        parts.append(_('Recognised by "{cue}".').format(cue=cue))
    if is_open:
        parts.append(t.gettext(_GO_DEEPER[kind]))
    else:
        parts.append(_("It is closed: it invites a yes or no. Open it up with what, how or which."))
    if better:
        parts.append(_('For example: "{question}"').format(question=better))
    return SpinVerdict(question=question, kind=kind, is_open=is_open, lang=lang, tip=" ".join(parts),
                       better=better)


# --- suggestions and balance ------------------------------------------------------------------


@dataclass(frozen=True)
class _Idea:
    """One question idea; variants from most to least specific, each (needs, text)."""

    skip_if_known: str | None
    variants: tuple[tuple[frozenset[str], str], ...]


def _idea(skip: str | None, *variants: tuple[str, str]) -> _Idea:
    return _Idea(skip, tuple((frozenset(n.split()), text) for n, text in variants))


_IDEAS = {
    SpinKind.SITUATION: (
        _idea("supplier",
              ("account topic", N_("Which supplier does {account} use for {topic} now, and since when?")),
              ("topic", N_("Which supplier do you use for {topic} now, and since when?")),
              ("", N_("Which supplier do you work with now, and since when?"))),
        _idea("contract_end", ("", N_("When does the current contract end, and what notice period applies?"))),
        _idea("dmu",
              ("account", N_("Who else at {account} is involved in this decision, and who has the final say?")),
              ("", N_("Who else is involved in this decision, and who has the final say?"))),
        _idea("potential",
              ("topic", N_("When it comes to {topic}, what volumes do you buy per year, roughly?")),
              ("", N_("What volumes do you buy per year, roughly?"))),
        _idea(None,
              ("account topic", N_("How does {account} handle {topic} today?")),
              ("topic", N_("How do you handle {topic} today?")),
              ("account", N_("How is this organised at {account} today?")),
              ("", N_("How is this organised today?"))),
        _idea(None, ("", N_("Which plans or changes are coming up in the next year?"))),
    ),
    SpinKind.PROBLEM: (
        _idea(None,
              ("topic", N_("What bothers you most in the current situation around {topic}?")),
              ("", N_("What bothers you most in the current way of working?"))),
        _idea(None, ("", N_("Where does your current supplier fall short of your expectations?"))),
        _idea(None, ("", N_("What goes wrong now and then, and how often?"))),
        _idea(None,
              ("account", N_("How satisfied are people at {account} with the current solution, and what could "
                             "be better?")),
              ("", N_("How satisfied are you with the current solution, and what could be better?"))),
    ),
    SpinKind.IMPLICATION: (
        _idea(None,
              ("account", N_("What does it cost {account} when that goes wrong: in time, money or customers?")),
              ("", N_("What does it cost you when that goes wrong: in time, money or customers?"))),
        _idea(None, ("", N_("What effect does that have on your colleagues and your customers?"))),
        _idea(None, ("", N_("What does that mean for your plans and targets this year?"))),
        _idea(None, ("", N_("How often does that happen, and what does it lead to each time?"))),
    ),
    SpinKind.NEED_PAYOFF: (
        _idea(None,
              ("account", N_("What would it be worth to {account} if that were solved?")),
              ("", N_("What would it be worth to you if that were solved?"))),
        _idea(None,
              ("topic", N_("How would a better solution for {topic} help you and your team?")),
              ("", N_("How would a better solution help you and your team?"))),
        _idea(None, ("", N_("Which benefit of a solution would matter most to you, and why?"))),
        _idea(None,
              ("account", N_("Who else at {account} would benefit if this were solved?")),
              ("", N_("Who else would benefit if this were solved?"))),
    ),
}


def suggestions(kind: SpinKind, t: Translator, account: str | None = None, topic: str | None = None,
                known: frozenset[str] = frozenset()) -> list[str]:
    """Two to four ready-to-ask questions of one kind; facts in ``known`` are not asked again."""
    have = {name for name, value in (("account", account), ("topic", topic)) if value and value.strip()}
    out: list[str] = []
    for idea in _IDEAS[kind]:
        if idea.skip_if_known in known:
            continue
        text = next(text for needs, text in idea.variants if needs <= have)
        out.append(t.gettext(text).format(account=(account or "").strip(), topic=(topic or "").strip()))
    return out[:4]


def balance_feedback(kinds: list[SpinKind], t: Translator) -> list[str]:
    """Feedback on the mix of planned questions: too many situation questions, missing kinds, or fine."""
    _ = t.gettext
    if not kinds:
        return [_("No questions planned yet: prepare a few open questions of each SPIN kind.")]
    count, total = Counter(kinds), len(kinds)
    lines = []
    situation = count[SpinKind.SITUATION]
    if situation * 2 > total:
        lines.append(t.ngettext(
            "{n} situation question out of {total}: too many. Buyers get bored with fact questions; "
            "look the facts up beforehand.",
            "{n} situation questions out of {total}: too many. Buyers get bored with fact questions; "
            "look the facts up beforehand.", situation).format(n=situation, total=total))
    if not count[SpinKind.PROBLEM]:
        lines.append(_("No problem questions: ask what bothers them or what goes wrong."))
    if not count[SpinKind.IMPLICATION]:
        lines.append(_("No implication questions: ask what the problem causes or costs them."))
    if not count[SpinKind.NEED_PAYOFF]:
        lines.append(_("No need-payoff questions: let the buyer say what a solution would be worth."))
    if not lines:
        lines.append(t.ngettext("Good balance: your {n} question covers all four SPIN kinds.",
                                "Good balance: your {n} questions cover all four SPIN kinds.", total)
                     .format(n=total))
    return lines
