"""Sign-in into a session cookie, and CSRF protection of every form POST
(trialgraph.ui.session)."""

import stat

import pytest

from tests.conftest import tokens_of
from tests.ui.conftest import csrf_of, signed_in
from trialgraph.ui.session import SECRET_FILE, session_secret

FORMS = ["/ui/sign-in", "/ui/sign-out", "/ui/query", "/ui/records"]


def test_sign_in_sets_an_http_only_same_site_cookie_without_the_token(ui_app):
    client = ui_app.test_client()
    token = tokens_of(ui_app)["investigator"]
    response = client.post("/ui/sign-in", data={"csrf": csrf_of(client), "token": token})
    assert response.status_code == 302 and response.headers["Location"] == "/ui/"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert token not in cookie and token.split("-")[-1] not in cookie
    assert client.get("/ui/sign-in.json").get_json()["role"] == "investigator"


def test_an_unknown_token_is_refused(ui_app):
    client = ui_app.test_client()
    response = client.post("/ui/sign-in", data={"csrf": csrf_of(client), "token": "tg-x"})
    assert response.status_code == 401 and "unknown token" in response.get_data(as_text=True)
    assert client.get("/ui/sign-in.json").get_json()["role"] is None


@pytest.mark.parametrize("path", FORMS)
def test_a_post_without_the_csrf_token_is_refused(ui_app, path):
    client = signed_in(ui_app, "writer")
    refused = client.post(path, data={"token": tokens_of(ui_app)["admin"], "query": "ASK {}"})
    assert refused.status_code == 400 and "CSRF" in refused.get_data(as_text=True)
    assert client.get("/ui/sign-in.json").get_json()["role"] == "writer", "session unchanged"


def test_a_csrf_token_of_another_session_is_refused(ui_app):
    mine, theirs = signed_in(ui_app, "writer"), ui_app.test_client()
    response = mine.post("/ui/sign-out", data={"csrf": csrf_of(theirs)})
    assert response.status_code == 400


def test_sign_out_ends_the_session(ui_app):
    client = signed_in(ui_app, "investigator")
    response = client.post("/ui/sign-out", data={"csrf": csrf_of(client)})
    assert response.status_code == 302
    assert client.get("/ui/dashboard.json").status_code == 401


def test_a_removed_token_ends_its_sessions(writable_app):
    client = signed_in(writable_app, "investigator")
    tokens = writable_app.extensions["trialgraph"].tokens
    tokens.entries = [e for e in tokens.entries if e["role"] != "investigator"]
    assert client.get("/ui/dashboard.json").status_code == 401


@pytest.mark.parametrize(
    ("target", "landing"),
    [
        ("/ui/dashboard?status=eligible", "/ui/dashboard?status=eligible"),
        ("https://elsewhere.example/ui/", "/ui/"),
        ("//elsewhere.example/ui/", "/ui/"),
        ("/sparql", "/ui/"),
    ],
)
def test_sign_in_returns_only_to_a_page_of_the_workspace(ui_app, target, landing):
    client = ui_app.test_client()
    form = {"csrf": csrf_of(client), "token": tokens_of(ui_app)["aggregate"], "next": target}
    assert client.post("/ui/sign-in", data=form).headers["Location"] == landing


def test_the_api_ignores_the_session_cookie(ui_app):
    client = signed_in(ui_app, "investigator")
    query = "SELECT ?id WHERE { ?p <https://w3id.org/trialgraph/ontology#patientId> ?id }"
    answer = client.get("/sparql", query_string={"query": query}).get_json()
    assert answer["results"]["bindings"] == [], "a cookie must not stand for a token"


def test_pages_forbid_framing_inline_scripts_and_caching(as_role):
    headers = as_role(None).get("/ui/protocol").headers
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["Cache-Control"] == "no-store"
    assert "no-store" not in as_role(None).get("/ui/static/style.css").headers["Cache-Control"]


def test_session_secret_is_kept_private_and_reused(tmp_path):
    first = session_secret(tmp_path)
    assert len(first) == 32 and session_secret(tmp_path) == first
    assert stat.S_IMODE((tmp_path / SECRET_FILE).stat().st_mode) == 0o600
