"""The words of the generated notice in Latvian and English, in the published notice's terms.

One dictionary per language with the same keys (a test checks it). ``{short}`` is how the
notice calls the controller ("Mailmaster"); other placeholders are filled from the policy.
Latvian forms are chosen so no policy value needs inflecting: a name stands in the nominative
("Latvijā tā ir Datu valsts inspekcija"), an address after a colon.
"""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    "lv": {
        "page_title": "Privātuma politika",
        "title": "{name} privātuma politika",
        "intro": "{name} (turpmāk – {short}) šajā privātuma politikā skaidro, kādus personas "
        "datus {short} apstrādā, kādiem nolūkiem un uz kāda pamata, kam tie tiek nodoti, cik "
        "ilgi tie tiek glabāti un kādas ir Jūsu tiesības.",
        "owner": "{short} īpašnieks ir {owner}.",
        "updates": "{short} var būt nepieciešamība aktualizēt privātuma politiku; visas "
        "izmaiņas tiks publicētas {short} vietnē.",
        "h_data": "Kādus personas datus {short} apstrādā un kam tie tiek nodoti?",
        "data_intro": "{short} apstrādā personas datus šādiem nolūkiem:",
        "f_purpose": "Nolūks",
        "f_categories": "Personas datu kategorijas",
        "f_basis": "Tiesiskais pamats",
        "f_controller": "Pārzinis",
        "f_recipients": "Saņēmēji",
        "f_source": "Datu avots",
        "no_recipients": "dati netiek nodoti citiem saņēmējiem",
        "not_passed_on": "Jūsu personas dati ir drošībā, un tie netiek neatbilstošā veidā "
        "nodoti tālāk citām personām; saņēmēji ir norādīti pie katra nolūka.",
        "h_sources": "No kādiem avotiem {short} iegūst personas datus?",
        "source.subject": "Jūs kā datu subjekts",
        "source.client": "Tiek saņemti no klientiem – juridiskām personām",
        "source.tenderer": "Tiek saņemti no pretendentiem iepirkumos",
        "source.generated": "Tiek radīti procesa rezultātā",
        "source_lead.subject": "{short} iegūst Jūsu personas datus tieši no Jums šādiem nolūkiem:",
        "source_lead.client": "Sniedzot pakalpojumus klientiem, {short} personas datus saņem "
        "no klientiem šādiem nolūkiem:",
        "source_lead.tenderer": "Iepirkumos, kuros {short} ir pasūtītājs, pretendentu "
        "personāla un ekspertu datus {short} saņem no pretendentiem:",
        "source_lead.generated": "Personas dati rodas pašā apstrādē šādiem nolūkiem:",
        "origin.subject": "no Jums",
        "origin.client": "no klienta",
        "origin.tenderer": "no pretendenta, kas iesniedz piedāvājumu",
        "origin.generated": "tiek radīti procesa rezultātā",
        "h_retention": "Cik ilgi Jūsu personas dati tiek glabāti?",
        "retention_general": "Personas datus glabājam tikai tik ilgi, cik nepieciešams "
        "nolūka sasniegšanai vai normatīvajā regulējumā noteiktā pienākuma izpildei; ja "
        "apstrāde notiek, pamatojoties uz piekrišanu, – kamēr piekrišana ir spēkā un nav "
        "atsaukta. Konkrētie termiņi:",
        "retention_longer": "Ilgāks glabāšanas laiks ir pieļaujams, ja to prasa normatīvais "
        "regulējums vai ja tas ir nepieciešams {short} likumīgo interešu aizsardzībai, "
        "piemēram, tiesvedības gadījumā; tad attiecīgos datus glabājam, kamēr tas ir "
        "nepieciešams.",
        "retention_end": "Kad glabāšanas termiņš ir beidzies, {short} {actions}, lai tos vairs "
        "nevarētu sasaistīt ar Jums.",
        "end.delete": "drošā veidā izdzēš personas datus",
        "end.archive": "padara tos nepieejamus (arhivēšana)",
        "end.anonymise": "padara tos neidentificējamus (anonimizēšana)",
        "or": "vai",
        "and": "un",
        "h_security": "Kā {short} aizsargā Jūsu personas datus?",
        "security": "{short} izmanto tehniskus un organizatoriskus pasākumus, lai aizsargātu "
        "Jūsu personas datus no nesankcionētas piekļuves, nejaušas nozaudēšanas, izpaušanas "
        "vai iznīcināšanas, tostarp:",
        "h_rights": "Jūsu tiesības",
        "rights_how": "Lai īstenotu savas tiesības, lūdzu, iesniedziet {short} rakstveida "
        "iesniegumu:",
        "channel.in_person": "klātienē {short} telpās (adrese: {address}); līdzi jāņem pase "
        "vai personas apliecība (ID karte);",
        "channel.signed_email": "nosūtot ar drošu elektronisko parakstu un laika zīmogu "
        "parakstītu iesniegumu uz e-pastu {email}.",
        "rights_answer": "Pēc iesnieguma saņemšanas {short} Jūs identificēs – pārliecināsies, "
        "ka esat tā persona, par kuru uzdodaties, – un sniegs Jums atbildi {period} laikā.",
        "rights_extension": "Ja pieprasījumi ir sarežģīti vai to ir daudz, šo termiņu var "
        "pagarināt vēl par {extension}; par pagarinājumu un tā iemesliem Jūs informēsim "
        "{period} laikā pēc iesnieguma saņemšanas.",
        "rights_processor": "Ja Jūsu datus {short} apstrādā klienta uzdevumā ({purposes}), "
        "pārzinis ir klients: Jūsu iesniegumu {short} nodos klientam un palīdzēs to izpildīt.",
        "right.access": "Piekļuve personas datiem",
        "right_text.access": "Jums ir tiesības saņemt apstiprinājumu, vai {short} apstrādā "
        "Jūsu personas datus, un saņemt apstrādē esošo personas datu kopiju.",
        "right.rectification": "Personas datu labošana",
        "right_text.rectification": "Ja uzskatāt, ka informācija par Jums ir nepareiza vai "
        "nepilnīga, Jums ir tiesības lūgt {short} to labot.",
        "right.consent_withdrawal": "Piekrišanas atsaukšana",
        "right_text.consent_withdrawal": "Ja {short} apstrādā Jūsu personas datus, "
        "pamatojoties uz Jūsu piekrišanu ({purposes}), Jums ir tiesības jebkurā laikā to "
        "atsaukt; tad {short} pārtrauks apstrādāt Jūsu datus šim nolūkam. Piekrišanas "
        "atsaukšana neietekmē apstrādes likumīgumu līdz atsaukšanai.",
        "right.erasure": "Dzēšana",
        "right_text.erasure": "Noteiktos apstākļos Jums ir tiesības lūgt {short} dzēst Jūsu "
        "personas datus.",
        "right.restriction": "Apstrādes ierobežošana",
        "right_text.restriction": "Noteiktos apstākļos Jums ir tiesības lūgt {short} "
        "ierobežot Jūsu personas datu apstrādi.",
        "right_limit": "Tas nav iespējams, ja datu apstrāde izriet no normatīvā regulējuma "
        "({purposes}).",
        "right.objection": "Iebildumi pret apstrādi",
        "right_text.objection": "Ja apstrāde balstās uz {short} leģitīmajām interesēm "
        "({purposes}), Jums ir tiesības jebkurā laikā iebilst pret to savas konkrētās "
        "situācijas dēļ; tad {short} apstrādi pārtrauks, ja vien tai nav pārliecinošu "
        "leģitīmu iemeslu.",
        "right.portability": "Datu pārnesamība",
        "right_text.portability": "Jums ir tiesības saņemt datus, ko esat sniedzis {short}, "
        "pamatojoties uz savu piekrišanu vai līgumu ({purposes}), strukturētā, plaši "
        "izmantotā un mašīnlasāmā formātā vai lūgt tos nodot citam pārzinim.",
        "h_complaint": "Tiesības iesniegt sūdzību",
        "complaint": "Ja uzskatāt, ka Jūsu personas dati tiek apstrādāti neatbilstoši, Jums ir "
        "tiesības iesniegt sūdzību uzraudzības iestādei. Latvijā tā ir {authority}:",
        "h_contacts": "Ar ko Jūs varat sazināties, ja Jums ir kādi jautājumi?",
        "contacts_intro": "Ja Jums rodas kādi jautājumi par Jūsu personas datu apstrādi, "
        "lūdzu, sazinieties ar {short}.",
        "controller_contacts": "{short} kontaktinformācija",
        "dpo_contacts": "Datu aizsardzības speciālista kontaktinformācija",
        "address": "Adrese",
        "email": "E-pasts",
        "phone": "Informatīvais tālrunis",
        "authority_phone": "Tālrunis",
        "website": "Tīmekļvietne",
        "version": "Versija {version}",
        "quote_open": "„",
        "quote_close": "”",
    },
    "en": {
        "page_title": "Privacy notice",
        "title": "Privacy notice of {name}",
        "intro": "In this privacy notice {name} (hereinafter {short}) explains what personal "
        "data {short} processes, for what purposes and on what basis, to whom it is passed "
        "on, how long it is kept and what your rights are.",
        "owner": "{short} is owned by {owner}.",
        "updates": "{short} may need to update this privacy notice; every change will be "
        "published on {short}'s website.",
        "h_data": "What personal data does {short} process, and to whom is it passed on?",
        "data_intro": "{short} processes personal data for these purposes:",
        "f_purpose": "Purpose",
        "f_categories": "Categories of personal data",
        "f_basis": "Legal basis",
        "f_controller": "Controller",
        "f_recipients": "Recipients",
        "f_source": "Source of the data",
        "no_recipients": "the data is not passed to other recipients",
        "not_passed_on": "Your personal data is safe and is not passed on to others "
        "inappropriately; the recipients are named for each purpose.",
        "h_sources": "From which sources does {short} obtain personal data?",
        "source.subject": "You as the data subject",
        "source.client": "Received from clients (legal entities)",
        "source.tenderer": "Received from tenderers in procurements",
        "source.generated": "Created in the course of the processing",
        "source_lead.subject": "{short} obtains your personal data directly from you for "
        "these purposes:",
        "source_lead.client": "When providing services to clients, {short} receives personal "
        "data from the clients for these purposes:",
        "source_lead.tenderer": "In procurements where {short} is the buyer, {short} receives "
        "the data of tenderers' staff and experts from the tenderers:",
        "source_lead.generated": "Personal data arises in the processing itself for these "
        "purposes:",
        "origin.subject": "from you",
        "origin.client": "from the client",
        "origin.tenderer": "from the tenderer submitting the tender",
        "origin.generated": "created in the course of the processing",
        "h_retention": "How long is your personal data kept?",
        "retention_general": "We keep personal data only for as long as needed to achieve the "
        "purpose or to meet a legal obligation; where processing rests on consent, while the "
        "consent is in force and has not been withdrawn. The periods:",
        "retention_longer": "A longer period is allowed where the law requires it or where it "
        "is needed to protect {short}'s lawful interests, e.g. in litigation; the data "
        "concerned is then kept for as long as needed.",
        "retention_end": "When the period ends, {short} {actions}, so that it can no longer be "
        "linked to you.",
        "end.delete": "securely erases the personal data",
        "end.archive": "makes it inaccessible (archiving)",
        "end.anonymise": "makes it unidentifiable (anonymisation)",
        "or": "or",
        "and": "and",
        "h_security": "How does {short} protect your personal data?",
        "security": "{short} uses technical and organisational measures to protect your "
        "personal data against unauthorised access, accidental loss, disclosure or "
        "destruction, including:",
        "h_rights": "Your rights",
        "rights_how": "To exercise your rights, please give {short} a written request:",
        "channel.in_person": "in person at {short}'s premises (address: {address}); bring a "
        "passport or an identity card;",
        "channel.signed_email": "by e-mail to {email}, signed with a secure electronic "
        "signature and a time stamp.",
        "rights_answer": "After receiving the request {short} will identify you, making sure "
        "you are the person you say you are, and answer within {period}.",
        "rights_extension": "Where requests are complex or numerous, this period may be "
        "extended by a further {extension}; you will be told of the extension and its reasons within "
        "{period} of receipt.",
        "rights_processor": "Where {short} processes your data on a client's behalf "
        "({purposes}), the client is the controller: {short} will pass your request to the "
        "client and help carry it out.",
        "right.access": "Access to personal data",
        "right_text.access": "You have the right to confirmation of whether {short} processes "
        "your personal data and to a copy of the data being processed.",
        "right.rectification": "Rectification of personal data",
        "right_text.rectification": "If you think information about you is wrong or "
        "incomplete, you have the right to ask {short} to correct it.",
        "right.consent_withdrawal": "Withdrawal of consent",
        "right_text.consent_withdrawal": "Where {short} processes your personal data on your "
        "consent ({purposes}), you may withdraw it at any time; {short} will then stop "
        "processing your data for that purpose. Withdrawal does not affect the lawfulness of "
        "processing before it.",
        "right.erasure": "Erasure",
        "right_text.erasure": "In certain circumstances you have the right to ask {short} to "
        "erase your personal data.",
        "right.restriction": "Restriction of processing",
        "right_text.restriction": "In certain circumstances you have the right to ask {short} "
        "to restrict the processing of your personal data.",
        "right_limit": "This is not possible where the processing follows from legal "
        "requirements ({purposes}).",
        "right.objection": "Objection to processing",
        "right_text.objection": "Where processing rests on {short}'s legitimate interests "
        "({purposes}), you have the right to object to it at any time on grounds relating to "
        "your particular situation; {short} will then stop unless it has compelling "
        "legitimate grounds.",
        "right.portability": "Data portability",
        "right_text.portability": "You have the right to receive the data you gave {short} on "
        "your consent or a contract ({purposes}) in a structured, commonly used and "
        "machine-readable format, or to have it passed to another controller.",
        "h_complaint": "The right to lodge a complaint",
        "complaint": "If you think your personal data is processed wrongly, you have the right "
        "to lodge a complaint with a supervisory authority. In Latvia it is the {authority}:",
        "h_contacts": "Whom can you contact with questions?",
        "contacts_intro": "If you have any questions about the processing of your personal "
        "data, please contact {short}.",
        "controller_contacts": "{short}'s contact details",
        "dpo_contacts": "Contact details of the data protection officer",
        "address": "Address",
        "email": "E-mail",
        "phone": "Information phone",
        "authority_phone": "Phone",
        "website": "Website",
        "version": "Version {version}",
        "quote_open": "\u201c",
        "quote_close": "\u201d",
    },
}

#: Categories of personal data in the notice's words (``technical`` is never shown).
CATEGORIES: dict[str, dict[str, str]] = {
    "lv": {
        "identification": "vārds, uzvārds",
        "contact": "kontaktinformācija (adrese, tālruņa numurs, e-pasts)",
        "national_id": "personas kods",
        "financial": "finanšu informācija (norēķinu rekvizīti, rēķinu summas)",
        "correspondence": "sūtījumu saturs atbilstoši klienta iecerei",
        "message_content": "cita personīgā informācija, kas ietverta jautājumā, ierosinājumā "
        "vai sūdzībā",
        "cv": "CV un tamlīdzīgi dokumenti (motivācijas vēstule, izglītību un kvalifikāciju "
        "apliecinošu dokumentu kopijas, atsauksmes)",
        "video": "videoieraksti",
        "photo": "fotogrāfijas",
        "employment": "darbavieta un amats",
        "document": "jebkura informācija klienta dokumentos, tajā skaitā personas dati, "
        "atbilstoši klienta iecerei",
    },
    "en": {
        "identification": "name and surname",
        "contact": "contact details (address, phone number, e-mail)",
        "national_id": "personal identity code",
        "financial": "financial information (billing details, invoice amounts)",
        "correspondence": "the content of the mail, as the client intends",
        "message_content": "other personal information in the question, suggestion or complaint",
        "cv": "CVs and similar documents (motivation letter, copies of education and "
        "qualification documents, references)",
        "video": "video recordings",
        "photo": "photographs",
        "employment": "employer and position",
        "document": "any information in the client's documents, including personal data, as "
        "the client intends",
    },
}

#: The contact details a purpose's records hold, in the notice's words.
CONTACT_KINDS: dict[str, dict[str, str]] = {
    "lv": {"address": "adrese", "phone": "tālruņa numurs", "email": "e-pasts"},
    "en": {"address": "address", "phone": "phone number", "email": "e-mail"},
}

#: Legal bases in the notice's words, with the GDPR provision.
BASES: dict[str, dict[str, tuple[str, str]]] = {
    "lv": {
        "consent": ("Datu subjekta piekrišana", "VDAR 6. panta 1. punkta a) apakšpunkts"),
        "contract": ("Līgums", "VDAR 6. panta 1. punkta b) apakšpunkts"),
        "legal_obligation": (
            "Normatīvā regulējuma prasības",
            "VDAR 6. panta 1. punkta c) apakšpunkts",
        ),
        "vital_interests": ("Vitālās intereses", "VDAR 6. panta 1. punkta d) apakšpunkts"),
        "public_task": (
            "Sabiedrības interesēs veicams uzdevums",
            "VDAR 6. panta 1. punkta e) apakšpunkts",
        ),
        "legitimate_interests": ("Leģitīmās intereses", "VDAR 6. panta 1. punkta f) apakšpunkts"),
        "controllers_basis": ("Klienta kā pārziņa tiesiskais pamats", "VDAR 28. pants"),
    },
    "en": {
        "consent": ("The data subject's consent", "GDPR Art. 6(1)(a)"),
        "contract": ("A contract", "GDPR Art. 6(1)(b)"),
        "legal_obligation": ("Legal requirements", "GDPR Art. 6(1)(c)"),
        "vital_interests": ("Vital interests", "GDPR Art. 6(1)(d)"),
        "public_task": ("A task in the public interest", "GDPR Art. 6(1)(e)"),
        "legitimate_interests": ("Legitimate interests", "GDPR Art. 6(1)(f)"),
        "controllers_basis": ("The client's legal basis, as the controller", "GDPR Art. 28"),
    },
}


def words(lang: str) -> dict[str, str]:
    try:
        return WORDS[lang]
    except KeyError:
        raise ValueError(f"unknown language {lang!r}; expected one of: lv, en") from None
