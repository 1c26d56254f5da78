"""Content negotiation with Werkzeug's `accept_mimetypes.best_match`: the first offer is the
default for `*/*` or no Accept header; a request that accepts none of the offers gets 406.
Every answer is written in UTF-8, so an Accept entry asking for `charset=utf-8` matches too
(Werkzeug matches a media range with parameters only to an offer with the same ones)."""

from collections.abc import Sequence

from flask import request

from trialgraph.web.errors import NotAcceptable


def negotiate(offers: Sequence[str]) -> str:
    """The offered media type the client prefers; raise NotAcceptable if it takes none."""
    if not request.headers.get("Accept"):
        return offers[0]
    choices = {**{offer: offer for offer in offers}, **{f"{o}; charset=utf-8": o for o in offers}}
    found = request.accept_mimetypes.best_match(list(choices))
    if found is None:
        accept = request.headers["Accept"]
        raise NotAcceptable(f"cannot answer {accept}; offered: {', '.join(offers)}")
    return choices[found]
