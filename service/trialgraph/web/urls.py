"""The service's public URLs. Created IRIs, `Location` headers, the base IRI of queries and
updates and the links of the descriptions are made from the configured public base URL
(`TRIALGRAPH_PUBLIC_BASE_URL`, by default `http://HOST:PORT`), never from the request's `Host`
header, which the client chooses."""

from flask import request, url_for

from trialgraph.web.context import services


def public_url(path: str) -> str:
    """An absolute URL of the service for a path (which starts with /)."""
    return services().settings.base_url + path


def external_url_for(endpoint: str, **values) -> str:
    """`url_for` made absolute with the public base URL."""
    return public_url(url_for(endpoint, **values))


def request_url() -> str:
    """This request's URL without its query, on the public base URL."""
    return public_url(request.base_url[len(request.host_url.rstrip("/")) :])
