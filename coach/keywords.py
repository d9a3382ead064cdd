"""Questions for the call plan: whole when short, else as keywords ("as keywords, not full sentences")."""

from __future__ import annotations

import re

STOPWORDS = frozenset("""
a an the and or but if of to in on at for with by from about as into than then that this these those
what which who whom whose how why when where is are was were be been being do does did have has had
would could should can will shall may might must you your yours we our us they them their it its i me my
there here so such any some all more most much many very just also yes tell describe
wat welke welk wie hoe waarom wanneer waar is zijn was waren ben bent wordt worden zou zouden kan kunt
kunnen wil wilt willen heeft hebt heb hebben doet doen de het een en of maar als dan dat dit die deze
van voor met bij op aan in uit over naar om te er u uw je jij jullie jouw we wij ons onze zij ze hun
hen ik mij mijn nog ook wel al meer veel zo vertel beschrijf eigenlijk nu momenteel
""".split())
# Words that turn a question's meaning around: never dropped.
NEGATIONS = frozenset("""
not no never none nothing without nor cannot can't don't doesn't isn't aren't won't wasn't weren't hasn't
haven't didn't niet geen nooit niets zonder noch
""".split())
MAX_WHOLE = 80  # a question up to this many characters is shown whole
MAX_WORDS = 8  # a shortened one keeps about this many words: more only for negations, figures and names
_WORD = re.compile(r"[\w€%$£'’-]+(?:[.,:/][\w%]+)*")


def plan_question(question: str) -> str:
    """The question whole when it is short; else its keywords in their own case, with every negation, figure
    (and the word after it: "48 hours") and name kept ("Which orders from the Rotterdam warehouse are not
    shipped within 48 hours …?" keeps "Rotterdam", "not" and "48 hours")."""
    question = " ".join(question.split())
    if len(question) <= MAX_WHOLE:
        return question
    all_words = _WORD.findall(question)
    words: list[tuple[str, bool]] = []
    for i, word in enumerate(all_words):
        after_figure = i > 0 and any(c.isdigit() for c in all_words[i - 1])
        essential = (word.casefold().replace("’", "'") in NEGATIONS or any(c.isdigit() for c in word)
                     or after_figure or (i > 0 and word[0].isupper()))
        if essential or (word.casefold() not in STOPWORDS and len(word) > 1):
            words.append((word, essential))
    if not words:
        return question[:MAX_WHOLE - 1] + "…"
    while len(words) > MAX_WORDS and any(not essential for _, essential in words):
        del words[max(i for i, (_, essential) in enumerate(words) if not essential)]
    return " ".join(word for word, _ in words) + " …"
