"""RDF documents in request bodies: Turtle, N-Triples, JSON-LD and RDF/XML, read by
pyoxigraph's parsers (which never fetch a JSON-LD remote context), as one body or as the file
parts of a `multipart/form-data` body, each part naming its own media type."""

import pyoxigraph as ox
from flask import request
from werkzeug.datastructures import FileStorage

from trialgraph.content_limits import TooMuchContent, check_content, refuse_doctype
from trialgraph.web.context import services
from trialgraph.web.errors import BadRequest, PayloadTooLarge, UnsupportedMediaType

RDF_FORMATS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
MULTIPART = "multipart/form-data"


def _checked_type(mimetype: str, params: dict[str, str]) -> str:
    """The media type if we read it (in UTF-8); else raise UnsupportedMediaType."""
    if mimetype not in RDF_FORMATS:
        offered = ", ".join(RDF_FORMATS)
        raise UnsupportedMediaType(f"send RDF as one of {offered}, not {mimetype or 'no type'}")
    charset = params.get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        raise UnsupportedMediaType(f"send {mimetype} in UTF-8, not {charset}")
    return mimetype


def parse_triples(data: bytes, media_type: str, base_iri: str) -> list[ox.Triple]:
    """The triples of an RDF document, within the content limits; raise BadRequest with the
    parser's message, PayloadTooLarge over a limit (trialgraph.content_limits)."""
    try:
        if RDF_FORMATS[media_type] == ox.RdfFormat.RDF_XML:
            refuse_doctype(data)
        quads = ox.parse(
            data, format=RDF_FORMATS[media_type], base_iri=base_iri, without_named_graphs=True
        )
        triples = [quad.triple for quad in quads]
    except (SyntaxError, ValueError) as error:
        raise BadRequest(f"the {media_type} body does not parse: {error}") from None
    within_limits(triples)
    return triples


def within_limits(triples) -> None:
    """Raise PayloadTooLarge if parsed triples are over the settings' content limits."""
    settings = services().settings
    try:
        check_content(triples, settings.max_triples, settings.max_literal_bytes)
    except TooMuchContent as error:
        raise PayloadTooLarge(f"the body holds {error}") from None


def _part_triples(part: FileStorage, base_iri: str) -> list[ox.Triple]:
    media_type = _checked_type(part.mimetype, part.mimetype_params)
    return parse_triples(part.read(), media_type, base_iri)


def body_triples(base_iri: str, multipart: bool = False) -> list[ox.Triple]:
    """The triples of the request body (or, if allowed, of all its multipart file parts)."""
    if multipart and request.mimetype == MULTIPART:
        parts = [part for _, part in request.files.items(multi=True)]
        if not parts:
            raise BadRequest("the multipart body has no file part")
        return [triple for part in parts for triple in _part_triples(part, base_iri)]
    media_type = _checked_type(request.mimetype, request.mimetype_params)
    return parse_triples(request.get_data(), media_type, base_iri)
