"""A labelled corpus of Latvian and English free text (helpdesk mails, complaints, notes), and
the precision and recall of the recogniser set on it.

Deterministic by seed, written by hand (no Faker, no download): each snippet is built from
sentence templates whose slots are filled with a person's identifiers in the spellings people
use (a personas kods with an en dash, a phone as ``29 12 34 56``, an e-mail as
``janis [at] inbox.lv``, an address in the locative, a name in the dative, reversed, upper case
without diacritics ...), and with numbers that are *not* identifiers (invoice and order numbers,
dates, amounts, tracking numbers), which must survive. The case forms of names are written out
here by the grammar's rules, independently of :mod:`governance.identity.latvian`.

Used by ``bench/recognisers.py`` (the figures in the README) and by a test that asserts the
targets: recall >= 0.99 on identifiers, >= 0.95 on names, precision >= 0.95.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field

from governance.identity.personas_kods import old_format_check_digit
from governance.identity.recognisers import People, recognise

#: Gold kind -> the recogniser kinds that count as finding it.
FAMILIES = {
    "personas_kods": {"personas_kods", "invalid_personas_kods"},
    "phone": {"phone"},
    "email": {"email"},
    "iban": {"iban"},
    "address": {"address", "postcode"},
    "plate": {"plate"},
    "name": {"name"},
}
IDENTIFIER_KINDS = ("personas_kods", "phone", "email", "iban", "address", "plate")

MALE = (
    "Jānis", "Andris", "Pēteris", "Kārlis", "Mārtiņš", "Edgars", "Aivars", "Juris", "Raimonds",
    "Ojārs", "Ints", "Aivis", "Toms", "Sergejs", "Matīss", "Kristaps", "Gatis", "Uldis",
)  # fmt: skip
FEMALE = (
    "Anna", "Ilze", "Līga", "Inese", "Kristīne", "Dace", "Zane", "Laura", "Māra", "Vaira",
    "Dzidra", "Olga", "Evita", "Santa", "Baiba", "Agnese", "Sandra", "Ieva",
)  # fmt: skip
#: (masculine, feminine) surnames.
SURNAMES = (
    ("Bērziņš", "Bērziņa"), ("Kalniņš", "Kalniņa"), ("Ozoliņš", "Ozoliņa"), ("Jansons", "Jansone"),
    ("Ozols", "Ozola"), ("Liepiņš", "Liepiņa"), ("Krūmiņš", "Krūmiņa"), ("Balodis", "Balode"),
    ("Eglītis", "Eglīte"), ("Zariņš", "Zariņa"), ("Pētersons", "Pētersone"), ("Vītols", "Vītola"),
    ("Kļaviņš", "Kļaviņa"), ("Vanags", "Vanaga"), ("Lācis", "Lāce"), ("Siliņš", "Siliņa"),
    ("Jēkabsons", "Jēkabsone"), ("Strazdiņš", "Strazdiņa"), ("Petrovs", "Petrova"),
    ("Ivanovs", "Ivanova"), ("Kuzņecovs", "Kuzņecova"), ("Grīnbergs", "Grīnberga"),
    ("Freimanis", "Freimane"), ("Skujiņš", "Skujiņa"), ("Sproģis", "Sproģe"), ("Āboliņš", "Āboliņa"),
    ("Dzenis", "Dzene"), ("Celmiņš", "Celmiņa"), ("Rozenbergs", "Rozenberga"), ("Zvirbulis", "Zvirbule"),
)  # fmt: skip
STREETS = (
    ("Brīvības", "iela"), ("Krišjāņa Barona", "iela"), ("Elizabetes", "iela"), ("Tērbatas", "iela"),
    ("Lāčplēša", "iela"), ("Dzirnavu", "iela"), ("Ulmaņa", "gatve"), ("Jūrmalas", "gatve"),
    ("Kr. Valdemāra", "iela"), ("Raiņa", "bulvāris"), ("Skolas", "iela"), ("Meža", "iela"),
    ("Dārza", "iela"), ("Saules", "iela"), ("Maskavas", "iela"), ("Vienības", "gatve"),
)  # fmt: skip
CITIES = ("Rīga", "Jelgava", "Liepāja", "Cēsis", "Valmiera", "Ogre", "Daugavpils")
DOMAINS = ("inbox.lv", "gmail.com", "apollo.lv", "mail.lv", "tvnet.lv", "outlook.com", "pasts.lv")
BANKS = ("HABA", "UNLA", "PARX", "RIKO", "NDEA", "RTMB")
PLATE_LETTERS = ("KZ", "HN", "GR", "MM", "JT", "FB", "EV", "DR", "RK", "GM")

_ALTERNATION = (
    ("sn", "šņ"), ("zn", "žņ"), ("sl", "šļ"), ("ln", "ļņ"), ("n", "ņ"), ("l", "ļ"), ("s", "š"),
    ("t", "š"), ("d", "ž"), ("c", "č"), ("z", "ž"), ("p", "pj"), ("b", "bj"), ("m", "mj"),
    ("v", "vj"),
)  # fmt: skip
#: 2nd-declension names whose genitive keeps the consonant (Juris -> Jura).
_NO_ALTERNATION = ("r", "ķ", "ģ", "j")


def decline(word: str) -> dict[str, str]:
    """Nominative, genitive, dative, accusative, locative and vocative singular of one Latvian
    name word, by the declension its ending gives."""
    if word.endswith("is"):
        stem = word[:-2]
        genitive_stem = stem
        if not stem.endswith(_NO_ALTERNATION):
            for plain, altered in _ALTERNATION:
                if stem.endswith(plain):
                    genitive_stem = stem[: -len(plain)] + altered
                    break
        return {
            "nom": word, "gen": genitive_stem + "a", "dat": stem + "im", "acc": stem + "i",
            "loc": stem + "ī", "voc": stem + "i",
        }  # fmt: skip
    if word.endswith(("š", "s")) and not word.endswith("us"):
        stem = word[:-1]
        return {
            "nom": word, "gen": stem + "a", "dat": stem + "am", "acc": stem + "u", "loc": stem + "ā",
            "voc": stem,
        }  # fmt: skip
    if word.endswith("a"):
        stem = word[:-1]
        return {
            "nom": word, "gen": stem + "as", "dat": stem + "ai", "acc": stem + "u", "loc": stem + "ā",
            "voc": word,
        }  # fmt: skip
    if word.endswith("e"):
        stem = word[:-1]
        return {
            "nom": word, "gen": stem + "es", "dat": stem + "ei", "acc": stem + "i", "loc": stem + "ē",
            "voc": word,
        }  # fmt: skip
    return dict.fromkeys(("nom", "gen", "dat", "acc", "loc", "voc"), word)


def _strip_diacritics(text: str) -> str:
    import unicodedata

    return "".join(
        ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
    )


@dataclass
class Person:
    first: str
    surname: str
    personas_kods: str
    phone: str  # national, 8 digits
    email_local: str
    domain: str
    iban: str
    street: tuple[str, str]
    house: str
    city: str
    plate: str

    @property
    def full_name(self) -> str:
        return f"{self.first} {self.surname}"


@dataclass
class Snippet:
    text: str
    lang: str
    #: Gold spans: (kind, start, end).
    spans: list[tuple[str, int, int]] = field(default_factory=list)
    #: The persons the record links to (their full names and addresses).
    people_names: tuple[str, ...] = ()
    people_addresses: tuple[str, ...] = ()


def _person(rng: random.Random) -> Person:
    female = rng.random() < 0.5
    first = rng.choice(FEMALE if female else MALE)
    masculine, feminine = rng.choice(SURNAMES)
    surname = feminine if female else masculine
    if rng.random() < 0.3:
        code = f"3{rng.randint(2, 9)}{rng.randint(0, 9999):04d}{rng.randint(0, 99999):05d}"
    else:
        year = rng.randint(1940, 2005)
        ten = f"{rng.randint(1, 28):02d}{rng.randint(1, 12):02d}{year % 100:02d}"
        ten += ("1" if year < 2000 else "2") + f"{rng.randint(0, 999):03d}"
        code = ten + str(old_format_check_digit(ten))
    local = _strip_diacritics(f"{first}.{surname}".lower())
    if rng.random() < 0.15:
        local = f"{first}.{surname}".lower()  # non-ASCII local part
    bban = rng.choice(BANKS) + f"{rng.randint(0, 10**13 - 1):013d}"
    check = 98 - int("".join(str(int(c, 36)) for c in bban + "LV00")) % 97
    return Person(
        first=first,
        surname=surname,
        personas_kods=f"{code[:6]}-{code[6:]}",
        phone=rng.choice("26") + f"{rng.randint(0, 9_999_999):07d}",
        email_local=local,
        domain=rng.choice(DOMAINS),
        iban=f"LV{check:02d}{bban}",
        street=rng.choice(STREETS),
        house=str(rng.randint(1, 140)),
        city=rng.choice(CITIES),
        plate=f"{rng.choice(PLATE_LETTERS)}-{rng.randint(100, 9999)}",
    )


def _phone(rng, p: Person) -> str:
    n = p.phone
    return rng.choice(
        (
            f"+371 {n}", n, f"{n[:2]} {n[2:4]} {n[4:6]} {n[6:]}", f"{n[:2]}.{n[2:4]}.{n[4:6]}.{n[6:]}",
            f"{n[:4]} {n[4:]}", f"{n[:3]} {n[3:5]} {n[5:]}", f"+371 {n[:4]}-{n[4:]}",
            f"(+371) {n[:2]} {n[2:5]} {n[5:]}", f"00371 {n}", f"{n[:4]}\u00a0{n[4:]}",
            f"+371\u00a0{n[:2]}\u00a0{n[2:5]}\u00a0{n[5:]}", f"+371{n}",
        )
    )  # fmt: skip


def _code(rng, p: Person) -> str:
    a, b = p.personas_kods[:6], p.personas_kods[7:]
    return rng.choice(
        (f"{a}-{b}", a + b, f"{a} {b}", f"{a}\u2013{b}", f"{a}\u2011{b}", f"{a} - {b}")
    )


def _email(rng, p: Person) -> str:
    local, domain = p.email_local, p.domain
    name, tld = domain.rsplit(".", 1)
    return rng.choice(
        (
            f"{local}@{domain}", f"{local}@{domain}".upper(), f"{local} [at] {domain}",
            f"{local}(at){name}(dot){tld}", f"{local} @ {domain}", f"{local}[et]{name}[punkts]{tld}",
            f"{local}@{domain}",
        )
    )  # fmt: skip


def _iban(rng, p: Person) -> str:
    grouped = " ".join(p.iban[i : i + 4] for i in range(0, len(p.iban), 4))
    return rng.choice((p.iban, grouped, grouped.lower(), grouped.replace(" ", "\u00a0")))


def _address(rng, p: Person) -> tuple[str, str]:
    """(case of the street word, the address) for a sentence that needs that case."""
    street, kind = p.street
    flat = f"{p.house}-{rng.randint(1, 80)}" if rng.random() < 0.6 else p.house
    forms = {
        "iela": {"nom": "iela", "loc": "ielā", "acc": "ielu", "abbr": "iel."},
        "gatve": {"nom": "gatve", "loc": "gatvē", "acc": "gatvi", "abbr": "g."},
        "bulvāris": {"nom": "bulvāris", "loc": "bulvārī", "acc": "bulvāri", "abbr": "bulv."},
    }[kind]
    case = rng.choice(("nom", "loc", "acc", "abbr", "bare", "lower"))
    if case == "bare" and street in (
        "Brīvības",
        "Tērbatas",
        "Elizabetes",
        "Dzirnavu",
        "Skolas",
        "Meža",
    ):
        return "nom", f"{street} {flat}"
    if case == "lower":
        return "loc", f"{street.lower()} {forms['loc']} {flat}"
    word = forms.get(case, forms["nom"])
    return ("nom" if case in ("abbr", "bare") else case), f"{street} {word} {flat}"


def _name(rng, p: Person) -> tuple[str, str]:
    """(grammatical case, the name written so) in one of the ways people write it."""
    first, surname = decline(p.first), decline(p.surname)
    case = rng.choice(("nom", "gen", "dat", "acc", "voc", "nom", "gen"))
    style = rng.choice(("full", "full", "full", "initial", "reversed", "surname", "upper", "lower"))
    if style == "initial":
        return case, f"{p.first[0]}. {surname[case]}"
    if style == "reversed":
        return "nom", f"{p.surname} {p.first}"
    if style == "surname":
        return "gen", f"{surname['gen']}"
    text = f"{first[case]} {surname[case]}"
    if style == "upper":
        return case, _strip_diacritics(text).upper()
    if style == "lower":
        return case, text.lower()
    return case, text


#: Sentence templates: (language, text). Slots: {name:<case>}, {phone}, {code}, {email}, {iban},
#: {address:<case>}, {plate}; distractors need no label.
TEMPLATES = (
    ("lv", "Labdien! Mani sauc {name:nom}, mans tālrunis {phone}."),
    ("lv", "Lūdzu, sazinieties ar {name:acc} pa tālruni {phone} vai e-pastu {email}."),
    ("lv", "{name:gen} iesniegums par rēķinu, personas kods {code}."),
    ("lv", "Nosūtīt atbildi {name:dat} uz adresi {address:nom}, {city}."),
    ("lv", "Klients dzīvo {address:loc} un lūdz mainīt piegādes adresi."),
    ("lv", "Mans personas kods ir {code}, konts {iban}."),
    ("lv", "Cienījamais {name:voc}, Jūsu sūdzība saņemta."),
    ("lv", "Automašīna {plate} stāvēja pie ieejas visu dienu."),
    ("lv", "Sūdzību iesniedza {name:nom} ({email}), tālr. {phone}."),
    ("lv", "Pārskaitījums no konta {iban} nav saņemts."),
    ("lv", "Lūdzu mainīt adresi uz {address:acc}."),
    ("lv", "Kurjers nevarēja atrast {address:acc}, zvanīja uz {phone}."),
    ("lv", "Pēc {name:gen} lūguma dati dzēsti. Kontakti: {email}."),
    ("lv", "Valsts numurzīme {plate}, vadītājs {name:nom}."),
    ("lv", "p.k. {code}, adrese {address:nom}"),
    ("en", "Hello, my name is {name:nom} and my phone number is {phone}."),
    ("en", "Please reply to {email}; my personal code is {code}."),
    ("en", "The customer lives at {address:nom}, {city}, account {iban}."),
    ("en", "Car {plate} was parked in the delivery bay; the driver gave {phone}."),
    ("en", "Note: {name:nom} called about the parcel, e-mail {email}."),
)
DISTRACTORS = (
    "Rēķins Nr. 202311-00042 apmaksāts {date}.",
    "Rēķins Nr. 2024-0315 par summu 1 234,56 EUR.",
    "Datums 20231115, pasūtījums #20231115 nosūtīts.",
    "Līgums noslēgts 2023-11-15, termiņš 29.12.2024.",
    "Summa 26 500 000 EUR tika pārskaitīta 2024. gadā.",
    "Sūtījuma numurs RR123456785LV, izsekošana 7729123456 19.",
    "Pasūtījumā 3 kastes, 250 aploksnes un 12000 lapas.",
    "Invoice 202311-00042 of 15.11.2023 for 1200.50 EUR is paid.",
    "Order 2023-11-15/7 shipped; tracking CP772912345619LV.",
    "Versija 2.29123456, sertifikāts ISO 9001, COVID-19 ierobežojumi.",
    "Sanāksme 10:45, telpa 2.12, stāvs 3.",
    "Kopā 123456789012 baiti, 60 dienas, 6 darbinieki.",
    "Anna Rīgā ieradās 10:00, Toms Jelgavā vēlāk. Sveiki, Jānis!",
    "Labdien! Paldies par Jūsu vēstuli, atbildēsim 30 dienu laikā.",
    "Sūdzība Nr. 12-5 izskatīta; tālr. centrs strādā 8:00-17:00.",
)


def _fill(rng, template: str, p: Person) -> tuple[str, list[tuple[str, int, int]]]:
    out, spans, rest = "", [], template
    while "{" in rest:
        before, _, after = rest.partition("{")
        slot, _, rest = after.partition("}")
        out += before
        kind, _, case = slot.partition(":")
        if kind == "name":
            _, value = _name(rng, p)
            label = "name"
        elif kind == "address":
            _, value = _address(rng, p)
            label = "address"
        elif kind == "city":
            out += p.city
            continue
        elif kind == "date":
            out += "15.11.2023"
            continue
        else:
            value = {"phone": _phone, "code": _code, "email": _email, "iban": _iban}.get(
                kind, lambda _r, q: q.plate
            )(rng, p)
            label = {"code": "personas_kods"}.get(kind, kind)
        spans.append((label, len(out), len(out) + len(value)))
        out += value
    return out + rest, spans


def generate(count: int = 600, seed: int = 15) -> list[Snippet]:
    """``count`` labelled snippets, the same for the same seed."""
    rng = random.Random(seed)
    snippets = []
    for _ in range(count):
        p = _person(rng)
        lang = "en" if rng.random() < 0.25 else "lv"
        pool = [t for lang_, t in TEMPLATES if lang_ == lang]
        text, spans = "", []
        for template in rng.sample(pool, rng.randint(1, 3)):
            filled, found = _fill(rng, template, p)
            spans += [(k, s + len(text), e + len(text)) for k, s, e in found]
            text += filled + " "
        if rng.random() < 0.6:
            text += _fill(rng, rng.choice(DISTRACTORS), p)[0]
        address = f"{p.street[0]} {p.street[1]} {p.house}, {p.city}"
        snippets.append(Snippet(text.strip(), lang, spans, (p.full_name,), (address,)))
    return snippets


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def evaluate(snippets: Iterable[Snippet], *, with_people: bool = True) -> dict[str, Score]:
    """Precision and recall per gold kind. A gold span is found when a predicted span of its
    family overlaps it; a predicted span is a false positive when it overlaps no gold span of
    its family (a distractor flagged, or a word that is not a name)."""
    scores = {kind: Score() for kind in FAMILIES}
    family_of = {k: gold for gold, kinds in FAMILIES.items() for k in kinds}
    for snippet in snippets:
        people = People(snippet.people_names, snippet.people_addresses) if with_people else None
        predicted = recognise(snippet.text, people)
        for kind, start, end in snippet.spans:
            hit = any(
                s.kind in FAMILIES[kind] and _overlaps((s.start, s.end), (start, end))
                for s in predicted
            )
            if hit:
                scores[kind].tp += 1
            else:
                scores[kind].fn += 1
        for s in predicted:
            gold = family_of.get(s.kind)
            if gold is None:
                continue
            if not any(
                k == gold and _overlaps((s.start, s.end), (a, b)) for k, a, b in snippet.spans
            ):
                scores[gold].fp += 1
    return scores


def misses(snippets: Iterable[Snippet], kind: str, *, with_people: bool = True) -> list[str]:
    """The gold spans of ``kind`` nothing found (for tuning; the texts are synthetic)."""
    out = []
    for snippet in snippets:
        people = People(snippet.people_names, snippet.people_addresses) if with_people else None
        predicted = recognise(snippet.text, people)
        for k, start, end in snippet.spans:
            if k == kind and not any(
                s.kind in FAMILIES[k] and _overlaps((s.start, s.end), (start, end))
                for s in predicted
            ):
                out.append(snippet.text[start:end])
    return out


def false_positives(
    snippets: Iterable[Snippet], *, with_people: bool = True
) -> list[tuple[str, str]]:
    out = []
    family_of = {k: gold for gold, kinds in FAMILIES.items() for k in kinds}
    for snippet in snippets:
        people = People(snippet.people_names, snippet.people_addresses) if with_people else None
        for s in recognise(snippet.text, people):
            gold = family_of.get(s.kind)
            if not any(
                k == gold and _overlaps((s.start, s.end), (a, b)) for k, a, b in snippet.spans
            ):
                out.append((s.kind, snippet.text[s.start : s.end]))
    return out
