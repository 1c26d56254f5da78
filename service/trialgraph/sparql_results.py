"""SPARQL results as bytes in the media type asked for. SELECT solutions are written as SPARQL
JSON here (so the row limit can be checked first) and turned into XML, CSV or TSV by
pyoxigraph; ASK and graph results use pyoxigraph's writers, JSON-LD included."""

import json
from collections.abc import Iterable

import pyoxigraph as ox

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

RESULT_TYPES = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/xml": ox.QueryResultsFormat.XML,
}
GRAPH_TYPES = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "text/plain": ox.RdfFormat.N_TRIPLES,
}


def content_type(media_type: str) -> str:
    """The Content-Type header for a media type (text formats say their charset)."""
    return f"{media_type}; charset=utf-8" if media_type.startswith("text/") else media_type


def term_json(term) -> dict:
    """One RDF term in the SPARQL 1.1 JSON results format."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        found = {"type": "literal", "value": term.value}
        if term.language:
            found["xml:lang"] = term.language
        elif term.datatype.value not in (XSD_STRING, RDF_LANG_STRING):
            found["datatype"] = term.datatype.value
        return found
    return {
        "type": "triple",
        "value": {
            "subject": term_json(term.subject),
            "predicate": term_json(term.predicate),
            "object": term_json(term.object),
        },
    }


def select_bytes(variables: list[str], rows: Iterable, media_type: str) -> bytes:
    """SELECT solutions (pyoxigraph QuerySolution rows) in a results format."""
    bindings = [
        {name: term_json(row[name]) for name in variables if row[name] is not None} for row in rows
    ]
    document = json.dumps({"head": {"vars": variables}, "results": {"bindings": bindings}})
    result_format = RESULT_TYPES[media_type]
    if result_format == ox.QueryResultsFormat.JSON:
        return document.encode()
    parsed = ox.parse_query_results(document, format=ox.QueryResultsFormat.JSON)
    return parsed.serialize(format=result_format)


def ask_bytes(answer: bool, media_type: str) -> bytes:
    """An ASK answer in a results format (CSV and TSV as pyoxigraph writes them)."""
    document = json.dumps({"head": {}, "boolean": answer})
    parsed = ox.parse_query_results(document, format=ox.QueryResultsFormat.JSON)
    return parsed.serialize(format=RESULT_TYPES[media_type])


def graph_bytes(triples: Iterable, media_type: str, prefixes: dict | None = None) -> bytes:
    """Triples in an RDF format."""
    rdf_format = GRAPH_TYPES[media_type]
    if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML) and prefixes:
        return ox.serialize(triples, format=rdf_format, prefixes=prefixes)
    return ox.serialize(triples, format=rdf_format)
