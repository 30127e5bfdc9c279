"""Names of people not known in advance: a first name from the lexicon
(``data/first_names.txt``, in any case form) next to a word shaped like a declined Latvian
surname (``Anna Kalniņa``, ``Jāņa Bērziņa``, reversed ``Bērziņš Jānis``, ``ANNA KALNINA``), or
an initial before such a surname (``J. Bērziņš``).

Used where no list of the people concerned exists: a typed reason, a hold's note, a log value,
and the scrub and gate as a second net. Its precision is measured on the corpus
(``bench/recognisers.py``); places, pronouns and greetings that follow a first name are not
surnames (``STOP``).
"""

from __future__ import annotations

from collections.abc import Iterator

from governance.identity.latvian import first_names, fold, looks_declined
from governance.identity.recognisers.base import Examples, Span
from governance.identity.recognisers.words import Word, initial, joined, words

KIND = "name"

EXAMPLES = Examples(
    found=(
        ("Zvanīja Anna Kalniņa par rēķinu", "Anna Kalniņa"),
        ("Jāņa Bērziņa iesniegums", "Jāņa Bērziņa"),
        ("Nosūtīt Jānim Bērziņam", "Jānim Bērziņam"),
        ("Bērziņš Jānis, 3. stāvs", "Bērziņš Jānis"),
        ("ANNA KALNINA zvanīja", "ANNA KALNINA"),
        ("Atbildēja J. Bērziņš", "J. Bērziņš"),
        ("Sveiki, Ilze Ozola!", "Ilze Ozola"),
    ),
    not_found=(
        "Rēķins Nr. 2024-0315 par summu 1200,50 EUR apmaksāts.",
        "Anna Rīgā nav.",
        "passport checked at the front desk",
        "incident INC-2026-17",
        "Jānis",
        "Labdien! Paldies par Jūsu vēstuli.",
    ),
)

#: Capitalised words that follow or precede a first name but are not surnames (folded).
STOP = frozenset(
    fold(w)
    for w in """
    Rīga Rīgā Rīgas Rīgai Rīgu Latvija Latvijā Latvijas Latvijai Jūrmala Jūrmalā Jūrmalas
    Liepāja Liepājā Liepājas Jelgava Jelgavā Jelgavas Daugavpils Daugavpilī Ventspils Ventspilī
    Rēzekne Rēzeknē Rēzeknes Valmiera Valmierā Valmieras Ogre Ogrē Ogres Cēsis Cēsīs Cēsu
    Sigulda Siguldā Siguldas Mārupe Mārupē Mārupes Tukums Tukumā Tukuma Igaunija Lietuva
    Jūs Jūsu Jums Jūsa Jūsas Viņš Viņa Viņas Viņam Viņai Mans Mana Manu Manas Mūsu Tu Tev Tavs
    Tava Sveiki Sveika Sveiks Labdien Paldies Lūdzu Cien Cienījamā Cienījamais Godātā Godātais
    Janvāris Februāris Marts Aprīlis Maijs Jūnijs Jūlijs Augusts Septembris Oktobris Novembris
    Decembris Pirmdien Otrdien Trešdien Ceturtdien Piektdien Sestdien Svētdien SIA AS Mailmaster
    Latvijas Pasts Omniva Swedbank Citadele Luminor Kungs Kundze Kungam Kundzei Sūdzība Rēķins
    Jautājums Paldies Privacy Audit Dear Hello Thanks Regards Team Support Mr Mrs Ms Dr
    """.split()  # noqa: SIM905 (a word list reads best as words)
)


def _surname(text: str, word: Word) -> bool:
    folded = fold(word.text)
    return (
        word.capitalised
        and len(folded) >= 3
        and folded not in STOP
        and (looks_declined(folded) or word.text.isupper() and len(folded) >= 4)
    )


#: Endings typical of Latvian surnames (folded, in their case forms): what a word before a first
#: name (reversed order) or after an initial must show, where any declined noun would do too much.
SURNAME_ENDINGS = tuple(
    """ins ina inam inai inu inas sons sone sona sonam sonei sonu itis ite isa isam isu isi
    ovs ova ovam ovai ovu ovas evs eva evam evai evu evas skis ska skim skai sku ckis cka
    ans ane ana anam anu ens ene ena enam enu nieks nieka niekam nieku niece nieces niecei
    ulis ule ula ulim ulu ols ola olam olu ags aga agam agu odis oda odim odu ns""".split()  # noqa: SIM905
)


def _surname_like(word: Word) -> bool:
    folded = fold(word.text)
    return word.capitalised and folded not in STOP and folded.endswith(SURNAME_ENDINGS)


def _given(word: Word) -> bool:
    return word.capitalised and fold(word.text) in first_names() and fold(word.text) not in STOP


def find(text: str) -> Iterator[Span]:
    found = words(text)
    used = -1
    for index, word in enumerate(found):
        if index <= used:
            continue
        after = found[index + 1] if index + 1 < len(found) else None
        before = found[index - 1] if index > 0 and index - 1 > used else None
        if _given(word):
            if after is not None and joined(text, word, after) and _surname(text, after):
                used = index + 1
                yield Span(KIND, word.start, after.end)
            elif (
                before is not None
                and joined(text, before, word)
                and _surname(text, before)
                and _surname_like(before)
            ):
                used = index
                yield Span(KIND, before.start, word.end)
        elif (
            initial(text, word)
            and after is not None
            and joined(text, word, after, allow=". ")
            and _surname(text, after)
            and _surname_like(after)
            and not _given(after)
        ):
            used = index + 1
            yield Span(KIND, word.start, after.end)
