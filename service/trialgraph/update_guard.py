"""Which graphs a SPARQL Update writes, read from its algebra (trialgraph.query_guard parses
it), and the refusal of any that would write one of TrialGraph's own graphs (every IRI under
`https://w3id.org/trialgraph/graph/`: the ontology, the shapes, the records and the runs).

`CLEAR`/`DROP ALL` and `NAMED` mean the graphs a writer may write: `expand_all` spells them out
as the default graph and every named graph that is not TrialGraph's. Any other operation that
may write graphs it does not name (a `GRAPH ?g` template, `DELETE WHERE { GRAPH ?g … }`) is
refused, since it could reach them. IRIs are
compared after RFC 3986 normalisation (case of scheme and host, percent-encoded unreserved
characters, dot segments), so a spelling that Oxigraph resolves to a reserved graph is caught.
"""

import re
from urllib.parse import urlsplit, urlunsplit

import pyoxigraph as ox
from rdflib.term import URIRef, Variable

from trialgraph.graphs import GRAPH_BASE
from trialgraph.update_dataset import TOKEN

DEFAULT = "DEFAULT"
_UNRESERVED = re.compile(r"%(2[DdEe]|3[0-9]|[46][1-9A-Fa-f]|[57][0-9Aa]|5[Ff]|7[Ee])")


class ReservedGraph(ValueError):
    """The update would write one of TrialGraph's own graphs."""


def _remove_dot_segments(path: str) -> str:
    output: list[str] = []
    for segment in path.split("/"):
        if segment == "..":
            if len(output) > 1:
                output.pop()
        elif segment != ".":
            output.append(segment)
    if path.endswith(("/.", "/..")):
        output.append("")
    return "/".join(output)


def normalised(iri: str) -> str:
    """An IRI in RFC 3986 normal form (as far as a graph name can be spelt two ways)."""
    decoded = _UNRESERVED.sub(lambda m: chr(int(m.group(1), 16)), iri)
    parts = urlsplit(decoded)
    return urlunsplit(
        (
            parts.scheme.lower(),
            parts.netloc.lower(),
            _remove_dot_segments(parts.path),
            parts.query,
            parts.fragment,
        )
    )


def is_reserved(iri: str) -> bool:
    """Whether a graph IRI names one of TrialGraph's own graphs."""
    return normalised(iri).startswith(GRAPH_BASE) or iri.startswith(GRAPH_BASE)


def _template_graphs(clause, with_graph) -> list:
    if clause is None:
        return []
    graphs = list((dict.get(clause, "quads") or {}).keys())
    if dict.get(clause, "triples"):
        graphs.append(with_graph if with_graph is not None else DEFAULT)
    return graphs


def written(operation) -> list:
    """The graphs one update operation may write: IRIs, DEFAULT, or a Variable / "ALL" /
    "NAMED" for graphs it does not name."""
    name = operation.name
    if name in ("InsertData", "DeleteData", "DeleteWhere"):
        return _template_graphs(operation, None)
    if name == "Modify":
        with_graph = dict.get(operation, "withClause")
        return [
            *_template_graphs(dict.get(operation, "delete"), with_graph),
            *_template_graphs(dict.get(operation, "insert"), with_graph),
        ]
    if name in ("Clear", "Drop", "Create"):
        return [operation["graphiri"]]
    if name in ("Add", "Copy", "Move"):
        source, target = operation["graph"]
        return [target, source] if name == "Move" else [target]
    if name == "Load":
        return [dict.get(operation, "graphiri") or DEFAULT]
    return ["ALL"]


def refuse_reserved(operations) -> None:
    """Raise ReservedGraph if an operation may write one of TrialGraph's own graphs."""
    for operation in operations:
        for graph in written(operation):
            if isinstance(graph, Variable) or graph in ("ALL", "NAMED"):
                shown = f"?{graph}" if isinstance(graph, Variable) else graph
                raise ReservedGraph(
                    f"{operation.name} on {shown} refused: an update writes only graphs it "
                    f"names, so it cannot reach TrialGraph's own graphs (<{GRAPH_BASE}…>)"
                )
            if isinstance(graph, URIRef) and is_reserved(str(graph)):
                raise ReservedGraph(
                    f"{operation.name} on <{graph}> refused: TrialGraph's own graphs are "
                    "written only by TrialGraph (records through PUT /patients/{id})"
                )


def expand_all(text: str, graphs: list[str]) -> str:
    """The update with each `CLEAR`/`DROP` [`SILENT`] `ALL` or `NAMED` written out over the
    given graphs (the named graphs a writer may write), and `ALL` over the default graph too."""
    tokens = [t for t in TOKEN.finditer(text) if t.lastgroup not in ("space", "comment")]
    pieces, last = [], 0
    for index, token in enumerate(tokens):
        word = token.group().upper()
        if word not in ("ALL", "NAMED") or index == 0:
            continue
        before = [t.group().upper() for t in tokens[max(index - 2, 0) : index]]
        verb = before[-1] if before[-1] != "SILENT" else (before[0] if len(before) == 2 else "")
        if verb not in ("CLEAR", "DROP"):
            continue
        named = [f"{verb} SILENT GRAPH {ox.NamedNode(g)}" for g in graphs]
        steps = ([f"{verb} SILENT DEFAULT"] if word == "ALL" else []) + named
        # the operation's own verb stays in front: it takes the first step's place
        first, *rest = steps or [f"{verb} SILENT GRAPH <urn:trialgraph:no-graph>"]
        start = tokens[index - len(before) if before[-1] == "SILENT" else index - 1].start()
        pieces += [text[last:start], " ; ".join([first, *rest])]
        last = token.end()
    return "".join([*pieces, text[last:]])
