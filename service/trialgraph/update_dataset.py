"""The update dataset of the SPARQL 1.1 Protocol (`using-graph-uri`, `using-named-graph-uri`).
pyoxigraph's update call takes no dataset, so the graphs are written into the update as
`USING` / `USING NAMED` clauses just before the `WHERE` of every `DELETE`/`INSERT … WHERE`
operation, which means the same (SPARQL 1.1 Update, "DELETE/INSERT").

A small lexer finds those places (it skips comments, strings and IRIs and counts braces). The
rewritten update is parsed again and must hold exactly the given clauses on every such
operation, or it is refused: a clause put in the wrong place never runs. IRIs are written by
pyoxigraph's `NamedNode`, which refuses any that could break the text.
"""

import re

import pyoxigraph as ox
from rdflib.plugins.sparql.algebra import translateUpdate
from rdflib.plugins.sparql.parser import parseUpdate

TOKEN = re.compile(
    r"""
      (?P<space>\s+)
    | (?P<comment>\#[^\n]*)
    | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
                |'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<open>\{)
    | (?P<close>\})
    | (?P<word>[?$@:A-Za-z_][\w:.\-]*)
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


class DatasetConflict(ValueError):
    """The protocol's dataset cannot be applied to this update (the message says why)."""


def _where_places(text: str) -> list[int]:
    """Where the WHERE of each DELETE/INSERT … WHERE operation starts (not DELETE WHERE)."""
    depth, previous, places = 0, "", []
    for token in TOKEN.finditer(text):
        kind, value = token.lastgroup, token.group()
        if kind in ("space", "comment"):
            continue
        if kind == "close":
            depth -= 1
        if depth == 0:
            word = value.upper() if kind == "word" else value
            if word == "WHERE" and previous != "DELETE":
                places.append(token.start())
            previous = word
        if kind == "open":
            depth += 1
    return places


def _usings(operation) -> list[tuple[str, str]]:
    """The USING clauses of an operation (CompValue.get returns the key when it is absent)."""
    return [
        ("named", str(u["named"])) if "named" in u else ("default", str(u["default"]))
        for u in dict.get(operation, "using") or []
    ]


def _operations(text: str) -> list:
    return list(translateUpdate(parseUpdate(text)).algebra)


def with_dataset(text: str, default: list[str], named: list[str]) -> str:
    """The update with the protocol's graphs as USING clauses; raise DatasetConflict if the
    update names its own dataset (USING, WITH) or has an operation they cannot apply to."""
    if not (default or named):
        return text
    wanted = [("default", g) for g in default] + [("named", g) for g in named]
    try:
        clause = " ".join(
            [f"USING {ox.NamedNode(g)}" for g in default]
            + [f"USING NAMED {ox.NamedNode(g)}" for g in named]
        )
    except ValueError as error:
        raise DatasetConflict(f"a using-graph-uri is not an absolute IRI: {error}") from None
    operations = _operations(text)
    for operation in operations:
        own = dict.get(operation, "using") or dict.get(operation, "withClause") is not None
        if operation.name == "Modify" and own:
            raise DatasetConflict(
                "the update names its own dataset (USING or WITH): "
                "give using-graph-uri / using-named-graph-uri or those clauses, not both"
            )
        if operation.name == "DeleteWhere":
            raise DatasetConflict(
                "using-graph-uri cannot apply to DELETE WHERE; write it as DELETE { … } WHERE { … }"
            )
    places = _where_places(text)
    for place in reversed(places):
        text = f"{text[:place]}{clause} {text[place:]}"
    if _applied(operations, text) != [wanted if op.name == "Modify" else [] for op in operations]:
        raise DatasetConflict(
            "could not apply using-graph-uri to this update; write USING clauses into it"
        )
    return text


def _applied(operations: list, rewritten: str) -> list[list[tuple[str, str]]] | None:
    """The USING clauses of each operation of the rewritten update, if it has the same
    operations as the original."""
    try:
        found = _operations(rewritten)
    except Exception:  # pyparsing and rdflib's algebra raise many types
        return None
    if [op.name for op in found] != [op.name for op in operations]:
        return None
    return [_usings(op) for op in found]
