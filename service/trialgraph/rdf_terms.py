"""rdflib graphs made from pyoxigraph's parsers and triples. pyoxigraph reads RDF in linear
time, where rdflib's N-Triples parser is quadratic in a literal's length (2026-11-25: a 1 MB
literal took 7 s, 2 MB 30 s, 4 MB 149 s; pyoxigraph 0.02 s), and it never fetches a JSON-LD
context. The pages, the API and pySHACL still get rdflib graphs.
"""

from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.plugins.stores.memory import SimpleMemory

FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "json-ld": ox.RdfFormat.JSON_LD,
}
_PLAIN = {
    "http://www.w3.org/2001/XMLSchema#string",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString",
}


def rdflib_term(term: ox.NamedNode | ox.BlankNode | ox.Literal):
    """The rdflib term for a pyoxigraph term (a plain string literal has no datatype, as
    rdflib's own parsers make it)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return Literal(term.value, datatype=None if datatype in _PLAIN else URIRef(datatype))
    raise ValueError(f"an RDF 1.2 triple term is not supported here: {term}")


def rdflib_graph(triples: Iterable[ox.Triple]) -> Graph:
    """An rdflib graph of pyoxigraph triples."""
    graph = Graph(store=SimpleMemory())
    add = graph.store.add
    for triple in triples:
        terms = (triple.subject, triple.predicate, triple.object)
        add(tuple(rdflib_term(term) for term in terms), graph)
    return graph


def parse_graph(data: bytes, rdf_format: str, base: str | None = None) -> Graph:
    """Parse Turtle, N-Triples or JSON-LD (rdflib's format names) into an rdflib graph; raise
    SyntaxError or ValueError with the parser's message."""
    quads = ox.parse(data, format=FORMATS[rdf_format], base_iri=base, without_named_graphs=True)
    return rdflib_graph(quad.triple for quad in quads)
