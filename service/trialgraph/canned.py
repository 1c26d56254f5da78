"""Canned queries: a `queries/*.rq` file that opens with a header of `#+ key: value` comment
lines is a named query of the HTTP API (the README's "Canned queries" defines the header).

A request's parameter values are checked and turned into RDF terms here, then bound by Oxigraph
(`substitutions`, SPARQL SEP-0007), never written into the query text: a value that holds
SPARQL is one literal and matches nothing.
"""

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from itertools import islice

import pyoxigraph as ox
from rdflib.plugins.sparql import prepareQuery

from trialgraph.aggregates import TABLES, Release
from trialgraph.query_guard import QueryRefused, QuerySyntaxError, check_query
from trialgraph.query_workers import TooManyRows
from trialgraph.resources import queries_dir
from trialgraph.store import TrialStore

XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_INTEGER = ox.NamedNode(XSD + "integer")
XSD_DATE = ox.NamedNode(XSD + "date")
PARAM_TYPES = ("iri", "string", "integer", "date", "criterion")
HEADER_KEYS = ("summary", "params", "aggregate", "release")

_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_HEADER = re.compile(r"#\+ (?P<key>\w+): *(?P<value>.*?) *")
_PARAM = re.compile(
    r"\?(?P<name>[A-Za-z_][A-Za-z0-9_]*) \((?P<type>\w+)(?P<optional>, optional)?\)"
    r"(?:: (?P<description>.+))?"
)
_INTEGER = re.compile(r"[+-]?[0-9]{1,18}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

CRITERIA_QUERY = """
PREFIX tg: <https://w3id.org/trialgraph/ontology#>
PREFIX tgp: <https://w3id.org/trialgraph/protocol/>
SELECT ?criterion ?id WHERE { tgp:study tg:hasCriterion ?criterion . ?criterion tg:criterionId ?id }
"""

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


class QueryFileError(ValueError):
    """A `.rq` file whose `#+` header or query does not follow the canned-query format."""


class UnknownQuery(LookupError):
    """No canned query has this name."""


class ParameterError(ValueError):
    """A parameter of a request that is unknown, missing, repeated or not of its type (400)."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(f"parameter {parameter!r}: {message}")
        self.parameter = parameter


@dataclass(frozen=True)
class Param:
    """A declared parameter: the query variable it binds, its type, and what it is."""

    name: str
    type: str
    optional: bool
    description: str

    def as_json(self) -> dict:
        return {
            "name": self.name,
            "type": self.type,
            "optional": self.optional,
            "description": self.description,
        }


@dataclass(frozen=True)
class CannedQuery:
    """A canned query: its name (the file's stem), header and SPARQL text."""

    name: str
    summary: str
    params: tuple[Param, ...]
    aggregate: bool
    text: str
    release: str | None = None

    def as_json(self) -> dict:
        return {
            "name": self.name,
            "summary": self.summary,
            "aggregate": self.aggregate,
            "params": [param.as_json() for param in self.params],
        }


@dataclass(frozen=True)
class Answer:
    """The rows of a SELECT answer: a term (or None, unbound) for each variable."""

    variables: list[str]
    rows: list[dict[str, Term | None]]


# --- reading the files -------------------------------------------------------------------


def _header(text: str) -> Iterator[tuple[str, str]]:
    """The (key, value) pairs of the `#+` lines before the first line of SPARQL."""
    for line in text.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            return
        if stripped.startswith("#+"):
            found = _HEADER.fullmatch(stripped)
            if found is None:
                raise QueryFileError(f"header line {stripped!r} is not '#+ key: value'")
            yield found["key"], found["value"]


def _params(values: list[str], projected: set[str]) -> tuple[Param, ...]:
    if values == ["none"]:
        return ()
    params = []
    for value in values:
        found = _PARAM.fullmatch(value)
        if found is None:
            raise QueryFileError(f"params line {value!r} is not '?name (type[, optional]): text'")
        if found["type"] not in PARAM_TYPES:
            raise QueryFileError(f"?{found['name']}: type {found['type']!r} not in {PARAM_TYPES}")
        if found["name"] not in projected:  # Oxigraph substitutes projected variables only
            raise QueryFileError(f"?{found['name']} is declared but not in the SELECT clause")
        params.append(
            Param(found["name"], found["type"], bool(found["optional"]), found["description"] or "")
        )
    names = [param.name for param in params]
    if len(set(names)) != len(names):
        raise QueryFileError(f"a parameter is declared twice: {names}")
    return tuple(params)


def _one(fields: dict[str, list[str]], key: str, default: str | None = None) -> str:
    values = fields.get(key, [] if default is None else [default])
    if len(values) != 1 or not values[0]:
        raise QueryFileError(f"the header needs exactly one non-empty '#+ {key}:' line")
    return values[0]


def parse_query(name: str, text: str) -> CannedQuery | None:
    """The canned query of a `.rq` file's text, or None if the file has no `#+` header.

    Raises QueryFileError if the header or the query does not follow the format."""
    fields: dict[str, list[str]] = {}
    for key, value in _header(text):
        if key not in HEADER_KEYS:
            raise QueryFileError(f"unknown header key {key!r}; keys: {', '.join(HEADER_KEYS)}")
        fields.setdefault(key, []).append(value)
    if not fields:
        return None
    if not _NAME.fullmatch(name):
        raise QueryFileError(f"the file name {name!r} is not lower-case words joined by '-'")
    aggregate = _one(fields, "aggregate", "false")
    if aggregate not in ("true", "false"):
        raise QueryFileError(f"'#+ aggregate:' is true or false, not {aggregate!r}")
    try:
        form = check_query(text).form
    except (QuerySyntaxError, QueryRefused) as error:
        raise QueryFileError(f"not a query the service may run: {error}") from None
    if form != "SELECT":
        raise QueryFileError(f"a canned query is a SELECT query, not {form}")
    if "params" not in fields:
        raise QueryFileError("the header needs '#+ params:' lines (or '#+ params: none')")
    projected = {str(variable) for variable in prepareQuery(text).algebra["PV"]}
    params = _params(fields["params"], projected)
    release = _release(fields, projected) if "release" in fields else None
    if release and aggregate != "true":
        raise QueryFileError("'#+ release:' is for aggregate queries ('#+ aggregate: true')")
    return CannedQuery(name, _one(fields, "summary"), params, aggregate == "true", text, release)


def _release(fields: dict[str, list[str]], projected: set[str]) -> str:
    """The table of trialgraph.aggregates whose protected counts the aggregate role sees."""
    name = _one(fields, "release")
    if name not in TABLES:
        raise QueryFileError(f"'#+ release: {name}' is not one of {', '.join(TABLES)}")
    table = TABLES[name]
    missing = {table.row, *table.cells} - projected
    if missing:
        raise QueryFileError(f"release {name} needs ?{', ?'.join(sorted(missing))} selected")
    return name


@cache
def canned_queries() -> dict[str, CannedQuery]:
    """Every canned query of the queries folder (not its subfolders), by name."""
    found = {}
    for path in sorted(queries_dir().glob("*.rq")):
        try:
            query = parse_query(path.stem, path.read_text(encoding="utf-8"))
        except QueryFileError as error:
            raise QueryFileError(f"{path.name}: {error}") from None
        if query is not None:
            found[query.name] = query
    return found


def canned_query(name: str) -> CannedQuery:
    """The canned query of this name; raise UnknownQuery if there is none."""
    try:
        return canned_queries()[name]
    except KeyError:
        raise UnknownQuery(f"no canned query {name!r}; see /queries") from None


# --- binding parameters ------------------------------------------------------------------


def study_criteria(store: TrialStore) -> dict[str, str]:
    """The study's criteria in the store: IRI by criterion id."""
    return {row["id"].value: row["criterion"].value for row in store.read(CRITERIA_QUERY)}


def convert(param: Param, text: str, criteria: Mapping[str, str]) -> ox.NamedNode | ox.Literal:
    """A parameter's value as the RDF term of its type; raise ParameterError if it is not one."""
    if param.type == "string":
        return ox.Literal(text)
    if param.type == "integer":
        if not _INTEGER.fullmatch(text):
            raise ParameterError(param.name, f"{text!r} is not an integer")
        return ox.Literal(str(int(text)), datatype=XSD_INTEGER)
    if param.type == "date":
        try:
            day = date.fromisoformat(text) if _DATE.fullmatch(text) else None
        except ValueError:
            day = None
        if day is None:
            raise ParameterError(param.name, f"{text!r} is not a date (YYYY-MM-DD)")
        return ox.Literal(day.isoformat(), datatype=XSD_DATE)
    if param.type == "iri":
        try:
            return ox.NamedNode(text)
        except ValueError:
            raise ParameterError(param.name, f"{text!r} is not an absolute IRI") from None
    iri = criteria.get(text) or (text if text in criteria.values() else None)
    if iri is None:
        known = ", ".join(criteria)
        raise ParameterError(param.name, f"{text!r} is not a criterion of the study ({known})")
    return ox.NamedNode(iri)


def bind(
    query: CannedQuery, values: Mapping[str, Sequence[str]], criteria: Mapping[str, str]
) -> dict[ox.Variable, ox.NamedNode | ox.Literal]:
    """The substitutions for a request's parameter values (name: the values given)."""
    declared = {param.name: param for param in query.params}
    for name in values:
        if name not in declared:
            takes = ", ".join(declared) or "no parameters"
            raise ParameterError(name, f"unknown; {query.name} takes {takes}")
    bound = {}
    for param in query.params:
        given = values.get(param.name, [])
        if len(given) > 1:
            raise ParameterError(param.name, "given more than once")
        if not given and not param.optional:
            raise ParameterError(param.name, f"missing ({param.type}: {param.description})")
        if given:
            bound[ox.Variable(param.name)] = convert(param, given[0], criteria)
    return bound


# --- running -----------------------------------------------------------------------------


def _released(row: dict, table_name: str, release: Release) -> dict:
    """A row of an aggregate query as the aggregate role sees it: each count as the protected
    value of the same count in the release (so no output shows it differently)."""
    table = TABLES[table_name]
    key = row[table.row].value
    shown = dict(row)
    for name, cell in table.cells.items():
        value = release.shown[cell(key, release)]
        typed = isinstance(value, int)
        shown[name] = ox.Literal(str(value), datatype=XSD_INTEGER if typed else None)
    return shown


def run(
    store: TrialStore,
    query: CannedQuery,
    values: Mapping[str, Sequence[str]],
    *,
    release: Release | None = None,
    max_rows: int,
) -> Answer:
    """Run a canned query with the parameter values bound by the engine.

    `release`: show the counts of an aggregate query as the aggregate role sees them there.
    Raises ParameterError for a bad value, TooManyRows for an answer over `max_rows`."""
    needs_criteria = any(param.type == "criterion" for param in query.params)
    substitutions = bind(query, values, study_criteria(store) if needs_criteria else {})
    solutions = store.read(query.text, substitutions=substitutions)
    variables = [variable.value for variable in solutions.variables]
    rows = list(islice(solutions, max_rows + 1))
    if len(rows) > max_rows:
        raise TooManyRows(f"the answer has more than {max_rows} rows")
    found = [{name: row[name] for name in variables} for row in rows]
    if release is not None:
        found = [_released(row, query.release or "", release) for row in found]
    return Answer(variables, found)
