"""Limits on what a request's body holds once parsed, as well as on its bytes: a few bytes of
RDF can stand for far more (an RDF/XML entity expanding to millions of characters), so the
triples and the longest literal are counted after parsing, and RDF/XML with a document type
declaration is refused outright (entity expansion off: pyoxigraph's RDF/XML reader would expand
internal entities, and no record needs one)."""

from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import Literal


class TooMuchContent(ValueError):
    """The parsed body is over a limit (HTTP 413)."""


def refuse_doctype(data: bytes) -> None:
    """Raise ValueError for an XML document that declares a document type (and so entities)."""
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise ValueError("RDF/XML with a document type declaration (<!DOCTYPE, <!ENTITY) is "
                         "refused: entities are not expanded")


def check_content(triples: Iterable, max_triples: int, max_literal_bytes: int) -> None:
    """Raise TooMuchContent if there are more triples, or a longer literal (in UTF-8 bytes),
    than allowed; triples are pyoxigraph's or rdflib's."""
    for count, triple in enumerate(triples, start=1):
        if count > max_triples:
            raise TooMuchContent(f"more than {max_triples} triples (TRIALGRAPH_MAX_TRIPLES)")
        value = triple.object if isinstance(triple, ox.Triple) else triple[2]
        if isinstance(value, ox.Literal | Literal):
            text = value.value if isinstance(value, ox.Literal) else str(value)
            if len(text) > max_literal_bytes or len(text.encode()) > max_literal_bytes:
                raise TooMuchContent(
                    f"a literal longer than {max_literal_bytes} bytes "
                    "(TRIALGRAPH_MAX_LITERAL_BYTES)"
                )
