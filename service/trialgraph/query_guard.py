"""Inspect a SPARQL query or update before it runs (rdflib's parser and algebra): its form,
its dataset clauses, and the places it would reach out of the store. Both rdflib and
pyoxigraph run `SERVICE` and `LOAD` against any URL, loopback included, so they are refused
here: `LOAD` always, `SERVICE` unless its endpoint is on the allow-list.

One reading for the guard and the engine: rdflib decodes `\\uXXXX` escapes everywhere before
parsing (SPARQL 1.1 §19.2) while Oxigraph decodes them only inside strings and IRIs, so a
`SERVICE` could hide in an escape that one reads as part of a string. The guard decodes the
escapes itself, as §19.2 says, and both parse and run that decoded text; a text that still
holds `\\u` or `\\U` after decoding (which either parser would decode again) is refused.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass

from rdflib.plugins.sparql.algebra import translateQuery, translateUpdate
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import URIRef

from trialgraph.update_guard import normalised, refuse_reserved

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
FORMS = {
    "SelectQuery": "SELECT",
    "AskQuery": "ASK",
    "ConstructQuery": "CONSTRUCT",
    "DescribeQuery": "DESCRIBE",
}


class QuerySyntaxError(ValueError):
    """The text is not a SPARQL 1.1 query (or update); the message is the parser's."""


class QueryRefused(ValueError):
    """The query would reach out of the store (SERVICE, LOAD)."""


@dataclass(frozen=True)
class CheckedQuery:
    """A query that passed the guard: the text to run (escapes decoded), its form, its FROM /
    FROM NAMED graphs, and the allow-listed endpoints it calls."""

    text: str
    form: str
    default_graphs: tuple[str, ...]
    named_graphs: tuple[str, ...]
    services: tuple[str, ...] = ()


@dataclass(frozen=True)
class CheckedUpdate:
    """An update that passed the guard: the text to run and the endpoints it calls."""

    text: str
    services: tuple[str, ...] = ()


def decode_escapes(text: str) -> str:
    """The text with its `\\uXXXX` and `\\UXXXXXXXX` escapes decoded (SPARQL 1.1 §19.2);
    raise QuerySyntaxError for an escape that is no character or one that decodes to another."""

    def character(found: re.Match) -> str:
        code = int(found.group(1) or found.group(2), 16)
        if 0xD800 <= code <= 0xDFFF or code > 0x10FFFF:
            raise QuerySyntaxError(f"escape {found.group()} is not a Unicode character")
        return chr(code)

    decoded = _ESCAPE.sub(character, text)
    if "\\u" in decoded or "\\U" in decoded:
        raise QuerySyntaxError(
            "after decoding \\u and \\U escapes the text still holds one; write the character"
        )
    return decoded


def _nodes(node) -> Iterator[CompValue]:
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            yield item
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.values())


def allowed(endpoint: str, allowlist: tuple[str, ...]) -> bool:
    """Whether an endpoint is on the allow-list: the same URL, or a path below one (dot
    segments resolved first, as the engine resolves them)."""
    endpoint = normalised(endpoint)
    return any(
        endpoint == entry or endpoint.startswith(entry if entry.endswith("/") else entry + "/")
        for entry in allowlist
    )


def _check_services(algebra, allowlist: tuple[str, ...]) -> tuple[str, ...]:
    """The endpoints of the SERVICE calls; raise QueryRefused for one not allowed."""
    found = []
    for node in _nodes(algebra):
        if node.name == "ServiceGraphPattern":
            target = node.get("term")
            if not isinstance(target, URIRef):
                raise QueryRefused(f"SERVICE ?{target} refused: the endpoint must be an IRI")
            if not allowed(str(target), allowlist):
                raise QueryRefused(f"SERVICE <{target}> refused: not on the allow-list")
            found.append(str(target))
    return tuple(found)


def _parse_error(error: Exception) -> QuerySyntaxError:
    return QuerySyntaxError(" ".join(str(error).split()) or type(error).__name__)


def check_query(
    text: str, allowlist: tuple[str, ...] = (), base_iri: str | None = None
) -> CheckedQuery:
    """Decode, parse and check a query's SERVICE calls; raise QuerySyntaxError or
    QueryRefused."""
    text = decode_escapes(text)
    try:
        query = translateQuery(parseQuery(text), base=base_iri)
    except Exception as error:  # pyparsing and rdflib's algebra raise many types
        raise _parse_error(error) from None
    services = _check_services(query.algebra, allowlist)
    # dict's own get: rdflib's CompValue.get returns the key itself for a missing key
    clauses = dict.get(query.algebra, "datasetClause") or []
    return CheckedQuery(
        text,
        FORMS[query.algebra.name],
        tuple(str(c["default"]) for c in clauses if "default" in c),
        tuple(str(c["named"]) for c in clauses if "named" in c),
        services,
    )


def parse_update(text: str, base_iri: str | None = None) -> list:
    """The operations of an update (rdflib's algebra); raise QuerySyntaxError."""
    try:
        return list(translateUpdate(parseUpdate(text), base=base_iri).algebra)
    except Exception as error:  # pyparsing and rdflib's algebra raise many types
        raise _parse_error(error) from None


def check_update(
    text: str, allowlist: tuple[str, ...] = (), base_iri: str | None = None
) -> CheckedUpdate:
    """Decode and parse an update, refuse LOAD, a write to TrialGraph's own graphs
    (update_guard.ReservedGraph) and a SERVICE call not allowed."""
    text = decode_escapes(text)
    operations = parse_update(text, base_iri)
    for operation in operations:
        if operation.name == "Load":
            raise QueryRefused(f"LOAD <{operation.get('iri')}> refused: the store loads no URL")
    refuse_reserved(operations)
    return CheckedUpdate(text, _check_services(operations, allowlist))
