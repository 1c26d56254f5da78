"""Content negotiation with Werkzeug's `accept_mimetypes.best_match`: the first offer is the
default for `*/*` or no Accept header; a request that accepts none of the offers gets 406."""

from collections.abc import Sequence

from flask import request

from trialgraph.web.errors import NotAcceptable


def negotiate(offers: Sequence[str]) -> str:
    """The offered media type the client prefers; raise NotAcceptable if it takes none."""
    if not request.headers.get("Accept"):
        return offers[0]
    found = request.accept_mimetypes.best_match(offers)
    if found is None:
        accept = request.headers["Accept"]
        raise NotAcceptable(f"cannot answer {accept}; offered: {', '.join(offers)}")
    return found
