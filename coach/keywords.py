"""Questions as keywords for the call plan ("as keywords, not full sentences")."""

from __future__ import annotations

import re

STOPWORDS = frozenset("""
a an the and or but if of to in on at for with by from about as into than then that this these those
what which who whom whose how why when where is are was were be been being do does did have has had
would could should can will shall may might must you your yours we our us they them their it its i me my
there here so such any some all more most much many very just also not no yes tell describe
wat welke welk wie hoe waarom wanneer waar is zijn was waren ben bent wordt worden zou zouden kan kunt
kunnen wil wilt willen heeft hebt heb hebben doet doen de het een en of maar als dan dat dit die deze
van voor met bij op aan in uit over naar om te er u uw je jij jullie jouw we wij ons onze zij ze hun
hen ik mij mijn nog ook wel niet geen al meer veel zo vertel beschrijf eigenlijk nu momenteel
""".split())


def keywords(question: str, limit: int = 5) -> str:
    words = re.findall(r"[\w€%'-]+", question.casefold())
    kept = [w for w in words if w not in STOPWORDS and len(w) > 1]
    return " ".join(kept[:limit]) or question[:40]
