"""Fixtures of the attack tests (`app` and `client`, a fresh app with two patients, come from
tests/conftest.py)."""

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest


@pytest.fixture
def loopback_site():
    """A web server on loopback that records every request, whatever its method, and answers
    with one SPARQL solution; yields its base URL and the paths it was asked for."""
    fetched: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def answer(self) -> None:
            fetched.append(self.path)
            body = (
                b'{"head":{"vars":["s"]},"results":{"bindings":'
                b'[{"s":{"type":"literal","value":"FETCHED"}}]}}'
            )
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_HEAD = answer

        def log_message(self, *args) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", fetched
    server.shutdown()
    server.server_close()
