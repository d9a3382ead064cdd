"""What a visit goal can say without naming a concrete subject, person or outcome (SMART "specific").

A goal is specific when a word is left that names something: a person or role, a product, a document, a fact.
Left out are the words that never do (function words, light verbs, manner adverbs), words of vague aims
(progress, a good conversation, the relationship), and phrases whose words could name something elsewhere but do not
here ("tie up loose ends", "over a coffee", "de puntjes op de i", "hoe we ervoor staan").
"""

from __future__ import annotations

import re

from coach.spin import words

# Closed classes in both languages, light verbs and adverbs of manner or degree: never a subject, whatever surrounds
# them ("before", "along", "properly", "netjes", "vast").
FUNCTION_WORDS = frozenset(
    """a an the and or nor but of to for with in on at by about from into onto over under up down off out along around
    through across behind ahead beyond near past per via than then there here where when while whether because
    though although unless once yet still already again even only quite rather too so such all both each every
    either neither few own same other another before after until till since during within without toward towards
    against among between upon as if our their them they we us i my me it its this that these those some any more
    most much many lot lots his her him he she you your yours who whom whose which what how why be am is are was
    were been being will would can could should shall may might must do does did done have has had get got gets
    getting make makes made making let lets go goes going went gone come comes came coming keep keeps kept keeping
    stay stays stayed take takes took taking put puts set sets give gives gave bring brings brought very really just
    well also maybe perhaps possibly hopefully probably definitely certainly fully completely totally entirely
    properly nicely neatly smoothly quickly slowly soon finally somehow simply actually basically bit little way de
    het een en maar noch van voor na tot met op aan bij om te naar uit door onder boven achter naast tussen tegen
    zonder sinds tijdens binnen buiten langs rond dan toen daar hier waar wanneer terwijl omdat hoewel tenzij zodra
    nog al alweer weer alleen nogal zo zulk zulke alle beide elk ieder elke iedere enkel enkele eigen zelfde ander
    andere onze ons hun hen ze zij wij ik mijn hem haar hij dit dat deze die er wat hoe waarom wie welke welk wel
    ook eens echt gewoon misschien hopelijk netjes lekker rustig flink vlot helemaal volledig zeker gauw straks ben
    bent wordt worden werd kan kunnen kunt zal zullen zou zouden moet moeten mag mogen wil wilt willen heb hebt
    heeft hadden krijg krijgt kreeg ga gaat ging kom komt kwam komen houd hou houdt blijf blijft laat zet zetten
    maak maakt doe doet deed beetje manier allemaal zijn waren heel meer veel zit zitten zat erin eruit erbij erover
    ermee ervan erop eraan erachter ertoe daarin daarmee daarover daarbij daarvan hierover big bigger biggest small
    smaller huge large major real flinke groot grote groter kleine klein enorm enorme echte halen
    blijken""".split()
)

# Words of vague aims: a good conversation, progress, the relationship, selling more, being happy.
VAGUE_WORDS = frozenset(
    """see know talk chat discuss meet visit try hope want like build maintain leave show explore understand learn feel
    find sell selling win create introduce present good nice great positive first new strong solid warm open
    friendly pleasant productive successful useful better best conversation meeting contact relationship relation
    rapport trust impression customer client prospect company business people person opportunity opportunities
    chance idea feeling vibe atmosphere connection introduction ourselves sales revenue products services solutions
    things stuff something anything everything general overall happens goal objective increase grow check hear
    listen ask questions look catch update touch base interest interested interesting fun relaxed enjoy together
    next steps options possibilities potential constructive effective happy satisfied picture bond network connect
    sound inform strengthen deepen discover hold conduct run push hard pushen moving move moves forward rolling ball
    further progress hebben krijgen maken zien weten gaan praten kletsen bespreken ontmoeten bezoeken doen proberen
    hopen bouwen onderhouden houden laten verkopen winnen introduceren presenteren goed goede leuk leuke mooi
    prettig positief positieve eerste nieuwe sterk sterke nuttig gesprek kennismaken kennismaking kennis relatie
    vertrouwen indruk klant klanten bedrijf zaken mensen kans kansen idee gevoel sfeer producten diensten
    oplossingen dingen iets alles algemeen verkoop omzet doel doelstelling verhogen groeien kijken loopt uitkomt
    afwachten bijpraten langsgaan luisteren vragen stellen horen interesse peilen proeven koffie drinken gezellig
    samen volgende stappen mogelijk mogelijkheden opties warme constructief constructieve fijn fijne prettige
    succesvol succesvolle effectief band netwerk verbinden aftasten informeren opbouwen versterken verdiepen
    verkennen ontdekken begrijpen snappen leren voeren productief productieve tevreden blij beeld impressie improve
    improving improved ensure sure remain remains close closing deal trying chances sign signing tekenen verbeteren
    verbeterd beter kennen ken kent zorgen zorg ervoor blijven sluiten afsluiten closen achterlaten software range
    assortment portfolio catalogue catalog offering offerings line-up lineup assortiment aanbod catalogus
    productaanbod upsell upselling cross-sell cross-selling extra possible maximum max upsellen bijverkopen
    bijverkoop maximaal beweging bewegen gang brengen verder voortgang vooruitgang thing momentum traction headway
    pace tempo energy energie vaart step stride stap closer dichterbij vooruit wrap wrapped round rounded tie finish
    finished afronden afgerond afwikkelen boel spullen matters clarity clear helderheid duidelijkheid helder
    duidelijk committed commitment betrokken betrokkenheid certain mood spirits stemming happier fine okay alright
    content tevredener coffee lunch drink drinks dinner borrel borrelen lunchen koffiedrinken drop pop grab
    langskomen binnenlopen gezellige informal informeel casual chatting gain gains gained gaining boeken creeren
    creating weg top vasthouden volhouden handhaven sustain sustaining doing vinden vindt vond klaar ready seal
    sealed clinch nail binnenslepen binnenhalen tillen remember onthouden appreciation waardering gratitude
    dankbaarheid thanks maximale""".split()
)

# Phrases of vague aims whose words could name something elsewhere ("ends", "ice", "coffee", "stand", "voet").
VAGUE_PHRASES = re.compile(
    "|".join((
        # progress and momentum, a first foothold
        r"\b(tie|tied|tying) up (the |all )?loose ends\b|\b(the|this) ball rolling\b|\b(break|breaks|broke|breaking)"
        r" the ice\b|\b(a |our )?foot in the door\b|\bmov(e|es|ed|ing) the needle\b|\btest(ing)? the waters?\b",
        r"\b(pave|paving|paved) the way\b|\blay(ing)? the groundwork\b|\bplant(ing)? (a|the) seeds?\b"
        r"|\bin the right direction\b|\b(on|back on) track\b|\bwin (them|him|her) over\b|\bthe next level\b",
        r"\bballetje (aan het )?rollen\b|\b(het )?ijs (te )?(breken|brak|gebroken)\b|\bvoet (aan|tussen) de"
        r" (grond|deur)\b|\bde weg (vrij (te )?maken|vrijmaken|bereiden|effenen)\b|\b(de )?goede (kant|richting) op\b"
        r"|\bin de goede richting\b|\b(een )?(eerste )?aanzet\b|\bzaadje (te )?planten\b|\bop (de )?rails\b"
        r"|\b(de )?(basis|fundamenten?) (te )?leggen\b|\b(naar )?een hoger (plan|niveau)\b",
        # closing things off, whatever it takes
        r"\bpuntjes op de i\b|\bde puntjes\b|\bthe i's\b|\bthe t's\b|\bbring(ing)? (it|this one|the deal) home\b"
        r"|\bover the line\b|\bover de streep\b|\bin de pocket\b|\bno matter what\b|\bwhatever it takes\b"
        r"|\bat (any|all) costs?\b|\bkoste wat (het )?kost\b|\bhoe dan ook\b|\bwat er ook gebeurt\b",
        # where things stand, the temperature taken
        r"\b(where|how) (we|things|it|they|matters) (stand|stands|are|is)( at)?\b|\bstate of (play|affairs)\b"
        r"|\blay of the land\b|\bhow the land lies\b|\b(take|taking|took) the temperature\b|\btemperature check\b",
        r"\bhoe (we|het|zij|ze|de zaken|alles) (er )?(ervoor |voor )?(staan|staat|ligt|liggen)\b|\bstand van zaken\b"
        r"|\b(de )?temperatuur (op)?(te )?(nemen|peilen)\b|\bvinger aan de pols\b",
        # company and coffee, staying in view
        r"\b(over|with|for) (a |some )?(cup of )?(coffee|lunch|drinks?|a beer|dinner)\b|\b(a|some) (cup of )?coffee\b"
        r"|\b(keep|stay|staying|keeping) in touch\b|\bcheck(ing)? in\b|\b(on|off) (their|the|his|her) radar\b"
        r"|\btop of mind\b",
        r"\b(een )?(bakje|kopje) (koffie|thee)\b|\bkoffie (te )?(drinken|doen)\b|\bonder het genot van\b"
        r"|\b(in beeld|op de radar|top of mind) (blijven|houden)\b|\blijntjes (kort|warm) (houden|te houden)\b"
        r"|\bwarm (houden|maken|te houden|te maken)\b|\b(keep|keeping|keeps) (them|him|her|it|things) warm\b"
        r"|\b(in )?contact (houden|onderhouden|blijven|te houden)\b",
    ))
)

# "the relationship with purchasing", "a good impression on the facility manager": a relationship, trust or an
# impression is no concrete subject, whoever it is with (the person is only its audience).
_ROLE = (r"((the|de|het|our|onze|their|hun|this|deze|dit|that|die|a|an|een|uw|your) )?\S+"
         r"( (?!(and|en|or|to|om|so|zodat|about|over|during|tijdens|before|voor|by|at|in|for|with|met|on|op|bij"
         r"|door)\b)\S+){0,3}")
RELATIONSHIP = re.compile("|".join((
    r"\b(relationship|relations?|rapport|bond|trust|confidence|goodwill|impression|connection|relatie|band"
    r"|verstandhouding|vertrouwen|indruk|connectie|klik)( (maken|achterlaten|winnen|wekken|opbouwen))? (with|on|upon"
    rf"|among|of|met|op|bij|onder|van) {_ROLE}",
    rf"\b(op|bij) {_ROLE} (een )?(\S+ )?(indruk|vertrouwen) (maken|achterlaten|winnen|wekken)\b",
    r"(\S+ ){0,2}\S+'s? (trust|confidence|goodwill|respect)\b",
)))


def without_vague_phrases(text: str) -> str:
    """``text`` (normalised) without its vague phrases and relationships."""
    return RELATIONSHIP.sub(" ", VAGUE_PHRASES.sub(" ", text))


def subject_words(text: str) -> list[str]:
    """The words of ``text`` (normalised, vague phrases already out) that can name a concrete subject."""
    return [w for w in words(text) if len(w) > 2 and w not in FUNCTION_WORDS and w not in VAGUE_WORDS]
