"""Identity: parse, validate and normalise personal identifiers, pseudonymise, detect them.

One spelling per identifier lets the engine find the same person across systems that write
an e-mail in another case or a phone number with a prefix; keyed pseudonyms and detection keep
the identifiers themselves out of logs, errors and the ledger.
"""

from governance.identity.detect import (
    contains_identifier,
    find_identifier_spans,
    identifier_kinds_in,
)
from governance.identity.email_address import normalise_email
from governance.identity.errors import InvalidIdentifier
from governance.identity.iban import normalise_iban
from governance.identity.names import name_key
from governance.identity.personas_kods import (
    birth_date_from_personas_kods,
    is_new_format,
    normalise_personas_kods,
    old_format_check_digit,
)
from governance.identity.phone import normalise_phone
from governance.identity.pseudonym import normalise, subject_ref

__all__ = [
    "InvalidIdentifier",
    "birth_date_from_personas_kods",
    "contains_identifier",
    "find_identifier_spans",
    "identifier_kinds_in",
    "is_new_format",
    "name_key",
    "normalise",
    "normalise_email",
    "normalise_iban",
    "normalise_personas_kods",
    "normalise_phone",
    "old_format_check_digit",
    "subject_ref",
]
