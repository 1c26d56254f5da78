"""Inspect a SPARQL query or update before it runs (rdflib's parser and algebra): its form,
its dataset clauses, and the places it would reach out of the store. Both rdflib and
pyoxigraph run `SERVICE` and `LOAD` against any URL, loopback included, so they are refused
here: `LOAD` always, `SERVICE` unless its endpoint is on the allow-list."""

from collections.abc import Iterator
from dataclasses import dataclass

from rdflib.plugins.sparql.algebra import translateQuery, translateUpdate
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import URIRef

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
    """A query that passed the guard: its form and its FROM / FROM NAMED graphs."""

    text: str
    form: str
    default_graphs: tuple[str, ...]
    named_graphs: tuple[str, ...]


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
    """Whether an endpoint is on the allow-list: the same URL, or a path below one."""
    return any(
        endpoint == entry or endpoint.startswith(entry if entry.endswith("/") else entry + "/")
        for entry in allowlist
    )


def _check_services(algebra, allowlist: tuple[str, ...]) -> None:
    for node in _nodes(algebra):
        if node.name == "ServiceGraphPattern":
            target = node.get("term")
            if not isinstance(target, URIRef):
                raise QueryRefused(f"SERVICE ?{target} refused: the endpoint must be an IRI")
            if not allowed(str(target), allowlist):
                raise QueryRefused(f"SERVICE <{target}> refused: not on the allow-list")


def _parse_error(error: Exception) -> QuerySyntaxError:
    return QuerySyntaxError(" ".join(str(error).split()) or type(error).__name__)


def check_query(text: str, allowlist: tuple[str, ...] = ()) -> CheckedQuery:
    """Parse a query and check its SERVICE calls; raise QuerySyntaxError or QueryRefused."""
    try:
        query = translateQuery(parseQuery(text))
    except Exception as error:  # pyparsing and rdflib's algebra raise many types
        raise _parse_error(error) from None
    _check_services(query.algebra, allowlist)
    # dict's own get: rdflib's CompValue.get returns the key itself for a missing key
    clauses = dict.get(query.algebra, "datasetClause") or []
    return CheckedQuery(
        text,
        FORMS[query.algebra.name],
        tuple(str(c["default"]) for c in clauses if "default" in c),
        tuple(str(c["named"]) for c in clauses if "named" in c),
    )


def check_update(text: str, allowlist: tuple[str, ...] = ()) -> None:
    """Parse an update, refuse LOAD and check its SERVICE calls."""
    try:
        update = translateUpdate(parseUpdate(text))
    except Exception as error:  # pyparsing and rdflib's algebra raise many types
        raise _parse_error(error) from None
    for operation in update.algebra:
        if operation.name == "Load":
            raise QueryRefused(f"LOAD <{operation.get('iri')}> refused: the store loads no URL")
    _check_services(update.algebra, allowlist)
