"""SQL forms of :mod:`governance.identity.text`: the same characters removed or read as spaces
inside the database, so a lookup index finds a phone stored with non-breaking spaces or a
personas kods stored with an en dash.

``translate(column, 'from', 'to')`` in PostgreSQL (characters of ``from`` beyond ``to`` are
deleted; immutable, so it can be indexed) covers every character :mod:`governance.identity.text`
knows. SQLite has no ``translate``: there it compiles to nested ``replace`` calls, and SQLite's
parser refuses more than about 35 levels of nesting, so it covers the characters that occur in
practice (:data:`SQLITE_CHARACTERS`: tab, newline, carriage return, the no-break, narrow
no-break, thin and figure spaces, the hyphens, en and em dashes and the minus sign, zero-width
space, joiners, word joiner, soft hyphen, byte-order mark) and not the rarer typographic spaces
(en quad, em space, ...). Either way the expression is written with literals, never bound
parameters: a query uses an expression index only when its expression is the same text.
"""

from __future__ import annotations

import unicodedata

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from governance.identity.text import DASHES, INVISIBLES, SPACES

#: Every Unicode space: the fixed set plus every ``Zs`` character, in code point order.
ALL_SPACES = "".join(
    sorted(SPACES | {chr(c) for c in range(0x3001) if unicodedata.category(chr(c)) == "Zs"})
)
#: Spaces other than the plain one (what a name's lookup reads as a plain space).
ODD_SPACES = ALL_SPACES.replace(" ", "")
ALL_DASHES = "".join(sorted(DASHES))
ALL_INVISIBLES = "".join(sorted(INVISIBLES))


#: The characters SQLite's nested ``replace`` covers (besides the separators a kind adds).
SQLITE_CHARACTERS = frozenset(
    " \t\n\r\u00a0\u202f\u2009\u2007"  # spaces
    "-\u2010\u2011\u2012\u2013\u2014\u2212"  # dashes
    "\u200b\u200c\u200d\u2060\u00ad\ufeff"  # invisibles
    "+()./"  # separators inside phone numbers, codes and IBANs
)


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


class Translate(FunctionElement):
    """``translate(expr, from, to)`` with literal ``from`` and ``to``."""

    name = "translate"
    inherit_cache = True
    type = sa.Text()


def translate(expr: sa.ColumnElement, source: str, target: str = "") -> sa.ColumnElement:
    return Translate(expr, sa.literal_column(_quote(source)), sa.literal_column(_quote(target)))


def _literal(clause) -> str:
    text = clause.name
    return text[1:-1].replace("''", "'")


@compiles(Translate)
def _translate(element, compiler, **kw) -> str:
    return f"translate({compiler.process(element.clause_expr.element, **kw)})"


@compiles(Translate, "sqlite")
def _translate_sqlite(element, compiler, **kw) -> str:
    expr, source, target = element.clauses.clauses
    sql = compiler.process(expr, **kw)
    from_chars, to_chars = _literal(source), _literal(target)
    for index, ch in enumerate(from_chars):
        if ch not in SQLITE_CHARACTERS:
            continue  # see the module's docstring: SQLite's parser limits the nesting
        replacement = to_chars[index] if index < len(to_chars) else ""
        sql = f"replace({sql}, {_quote(ch)}, {_quote(replacement)})"
    return sql


def without(column: sa.ColumnElement, characters: str) -> sa.ColumnElement:
    """The column with every character of ``characters`` removed."""
    return translate(column, characters)


def spaces_read_plain(column: sa.ColumnElement) -> sa.ColumnElement:
    """The column with every odd space read as a plain space and invisibles removed."""
    return sa.func.trim(translate(column, ODD_SPACES + ALL_INVISIBLES, " " * len(ODD_SPACES)))
